/**
 * What a `gilscope` command accepts, declared once: the parser (parseCommandLine.ts, on
 * node:util's parseArgs) and the help text (usageText.ts) are both made from it, so an option
 * cannot be accepted without being documented, or documented without being accepted.
 */

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** One letter: `-o` for `--output`. */
  readonly short?: string;
  /** The value's name in the help: `--output DIR`. String options only. */
  readonly value?: string;
  /** Filled in when the option is not given; the help shows it. */
  readonly default?: string;
  /** The default as the help says it, when the command works it out itself (from the time, the cores…). */
  readonly defaultText?: string;
  /** One phrase, lower case, for the option list. */
  readonly description: string;
}

/** Options by long name (`output` for `--output`), in the order the help lists them. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface PositionalSpec {
  /** As the help writes it: `DIR`. */
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
}

/**
 * The workload's command line, passed through unparsed: everything after `--`, and with
 * `atFirstWord` also everything from the first word that is not an option or its value
 * (`gilscope record python script.py --help` runs the script with `--help`).
 */
export interface PassThroughSpec {
  /** As the help writes it: `COMMAND [ARGS...]`. */
  readonly name: string;
  readonly description: string;
  readonly atFirstWord: boolean;
}

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  /** The word after `gilscope`. */
  readonly name: string;
  /** One line for the command list of `gilscope --help`. */
  readonly summary: string;
  /** Usage lines after `gilscope NAME` when there are several forms; else made from the declaration. */
  readonly forms?: readonly string[];
  /** Paragraphs between the usage line and the option list: what the command does. */
  readonly about?: string;
  readonly options: O;
  readonly positionals?: readonly PositionalSpec[];
  readonly passThrough?: PassThroughSpec;
  /** Paragraphs after the option list: exit status, what to run next. */
  readonly epilogue?: string;
}

/** The values of the options: booleans are false when absent, strings undefined unless they have a default. */
export type OptionValues<O extends OptionSpecs> = {
  readonly [K in keyof O]: O[K] extends { readonly type: 'boolean' } ? boolean : O[K] extends { readonly default: string } ? string : string | undefined;
};

export interface ParsedCommandLine<O extends OptionSpecs> {
  readonly values: OptionValues<O>;
  /** The declared positionals given, in order (never more than declared). */
  readonly positionals: readonly string[];
  /** The pass-through command line (empty without one). */
  readonly rest: readonly string[];
}

/** Every command takes `-h, --help`; it is not declared by each. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'print this help' };

import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { HELP_OPTION } from './options';
import type { CommandSpec, OptionSpecs, OptionValues, ParsedCommandLine } from './options';
import { UsageError } from './support/cliFailure';

type ParseArgsOptions = NonNullable<ParseArgsConfig['options']>;

/** A lenient parse: never throws; its tokens say which word is an option, a value, the first positional. */
function lenientTokens(args: readonly string[], options: ParseArgsOptions) {
  return parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true }).tokens;
}
type Token = ReturnType<typeof lenientTokens>[number];

function strictParse(args: readonly string[], options: ParseArgsOptions, allowPositionals: boolean) {
  return parseArgs({ args: [...args], options, strict: true, allowPositionals });
}

/**
 * Parses a command's arguments against its declaration with node:util's parseArgs (strict):
 * 'help' when `-h`/`--help` is among the options, else the values, positionals and the
 * pass-through command line. A mistake throws a UsageError of one short phrase ("unknown
 * option '--x'"), which withFailures prints as one line with exit status 2.
 */
export function parseCommandLine<O extends OptionSpecs>(spec: CommandSpec<O>, argv: readonly string[]): ParsedCommandLine<O> | 'help' {
  const declared: OptionSpecs = { ...spec.options, help: HELP_OPTION };
  const config = parseArgsOptions(declared);
  const { head, rest } = splitPassThrough(spec, config, argv);
  // The tokens of a lenient parse say what the strict one would object to, in our words.
  const tokens = lenientTokens(head, config);
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return 'help';
  const allowPositionals = spec.passThrough === undefined && (spec.positionals ?? []).length > 0;
  let parsed: ReturnType<typeof strictParse>;
  try {
    parsed = strictParse(head, config, allowPositionals);
  } catch (error) {
    throw new UsageError(mistakeIn(tokens, declared, allowPositionals, spec) ?? String((error as Error).message).split('\n')[0]!);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    const value = parsed.values[name];
    if (option.type === 'boolean') values[name] = value === true;
    else if (value === '') throw new UsageError(`--${name} needs a value`);
    else values[name] = typeof value === 'string' ? value : undefined; // no option is `multiple`
  }
  return { values: values as OptionValues<O>, positionals: checkedPositionals(spec, parsed.positionals), rest };
}

function parseArgsOptions(declared: OptionSpecs): ParseArgsOptions {
  const config: ParseArgsOptions = {};
  for (const [name, o] of Object.entries(declared)) {
    config[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.default !== undefined ? { default: o.default } : {}) };
  }
  return config;
}

/** Splits off the workload's command line, which is not ours to parse (options.ts, PassThroughSpec). */
function splitPassThrough(spec: CommandSpec, config: ParseArgsOptions, argv: readonly string[]): { head: readonly string[]; rest: readonly string[] } {
  const through = spec.passThrough;
  if (!through) return { head: argv, rest: [] };
  // A lenient parse knows which words are option values (`-o DIR`), so the first word left is the command's.
  const start = lenientTokens(argv, config).find((t) => t.kind === 'option-terminator' || (through.atFirstWord && t.kind === 'positional'));
  if (!start) return { head: argv, rest: [] };
  return { head: argv.slice(0, start.index), rest: argv.slice(start.index + (start.kind === 'option-terminator' ? 1 : 0)) };
}

/** What the strict parse objected to, said in a phrase; undefined if the tokens do not show it. */
function mistakeIn(tokens: readonly Token[], declared: OptionSpecs, allowPositionals: boolean, spec: CommandSpec): string | undefined {
  for (const t of tokens) {
    if (t.kind === 'positional' && !allowPositionals) {
      return spec.passThrough ? `unexpected '${t.value}': put ${spec.passThrough.name} after --` : `unexpected argument '${t.value}'`;
    }
    if (t.kind !== 'option') continue;
    const option = declared[t.name];
    if (!option) return `unknown option '${t.rawName}'`;
    if (option.type === 'boolean' && t.value !== undefined) return `${t.rawName} takes no value`;
    if (option.type === 'string' && t.value === undefined) return `${t.rawName} needs a value${option.value ? ` (${option.value})` : ''}`;
    if (option.type === 'string' && !t.inlineValue && t.value !== undefined && t.value.length > 1 && t.value.startsWith('-')) {
      return `${t.rawName} needs a value, not '${t.value}' (write --${t.name}=${t.value} for a value that starts with '-')`;
    }
  }
  return undefined;
}

function checkedPositionals(spec: CommandSpec, given: readonly string[]): readonly string[] {
  const declared = spec.positionals ?? [];
  if (given.length > declared.length) throw new UsageError(`unexpected argument '${given[declared.length]}'`);
  const missing = declared.slice(given.length).find((p) => !p.optional);
  if (missing) throw new UsageError(`missing ${missing.name} (${missing.description})`);
  return given;
}

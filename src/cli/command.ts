import type { CommandSpec, OptionSpecs, ParsedCommandLine } from './options';
import { parseCommandLine } from './parseCommandLine';
import { withFailures } from './support/cliFailure';
import { usageText } from './usageText';

/**
 * One `gilscope` subcommand. Each lives in its own module under ./commands/ and is
 * listed once in ./commandTable.ts; main.ts dispatches on `name`.
 */
export interface Command {
  /** The word typed after `gilscope`, e.g. `record`. */
  readonly name: string;
  /** One line for the command list in `gilscope --help`. */
  readonly summary: string;
  /** What it accepts: the parser and the usage text are both made from this. */
  readonly spec: CommandSpec;
  /** Full usage text, printed by `gilscope <name> --help` and `gilscope help <name>`. */
  readonly usage: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(argv: readonly string[]): Promise<number>;
}

/**
 * A command from its declaration and its body: the body gets the parsed arguments; `--help`
 * prints the usage; a bad command line, a bad recording or an unexpected error is one line
 * on stderr (support/cliFailure.ts).
 */
export function defineCommand<O extends OptionSpecs>(spec: CommandSpec<O>, body: (args: ParsedCommandLine<O>) => Promise<number> | number): Command {
  const usage = usageText(spec);
  return {
    name: spec.name,
    summary: spec.summary,
    spec,
    usage,
    run: (argv) =>
      withFailures(spec.name, () => {
        const args = parseCommandLine(spec, argv);
        if (args === 'help') {
          process.stdout.write(`${usage}\n`);
          return 0;
        }
        return body(args);
      }),
  };
}

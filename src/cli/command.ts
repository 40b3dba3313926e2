/**
 * One `gilscope` subcommand. Each lives in its own module under ./commands/ and is
 * listed once in ./commandTable.ts; main.ts dispatches on `name`.
 */
export interface Command {
  /** The word typed after `gilscope`, e.g. `record`. */
  readonly name: string;
  /** One line for the command list in `gilscope --help`. */
  readonly summary: string;
  /** Full usage text, printed by `gilscope <name> --help` and `gilscope help <name>`. */
  readonly usage: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(argv: readonly string[]): Promise<number>;
}

import { commandAliases, commands } from './commandTable';

/** Dispatches `gilscope <command> [arguments]` to the command table; resolves to the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  const [first = 'help', ...rest] = argv;
  const name = commandAliases[first] ?? first;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`gilscope: unknown command '${first}'; run 'gilscope --help' to list the commands\n`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gilscope: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

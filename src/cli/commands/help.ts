import { defineCommand } from '../command';
import type { Command } from '../command';

/** `gilscope help [command]`; `listCommands` is the table it describes, itself included. */
export function createHelpCommand(listCommands: () => readonly Command[]): Command {
  const spec = {
    name: 'help',
    summary: 'Show this help, or the usage of one command.',
    about: "Lists the commands (as 'gilscope --help' does), or prints the usage of one.",
    options: {},
    positionals: [{ name: 'COMMAND', description: 'the command to describe', optional: true }],
  } as const;
  return defineCommand(spec, ({ positionals: [wanted] }) => {
    const commands = listCommands();
    if (wanted === undefined) {
      process.stdout.write(overview(commands));
      return 0;
    }
    const command = commands.find((c) => c.name === wanted);
    if (!command) {
      process.stderr.write(`gilscope: no command '${wanted}'; run 'gilscope --help' to list the commands\n`);
      return 2;
    }
    process.stdout.write(`${command.usage}\n`);
    return 0;
  });
}

function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const rows = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'gilscope: profile Python programs for GIL and lock contention.',
    '',
    'Usage: gilscope <command> [arguments]',
    '',
    'Commands:',
    ...rows,
    '',
    "Run 'gilscope <command> --help' for the usage of one command.",
    '',
  ].join('\n');
}

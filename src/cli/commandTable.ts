import type { Command } from './command';
import { attachCommand } from './commands/attach';
import { checkCommand } from './commands/check';
import { compareCommand } from './commands/compare';
import { exportCommand } from './commands/export';
import { createHelpCommand } from './commands/help';
import { recordCommand } from './commands/record';
import { reportCommand } from './commands/report';
import { versionCommand } from './commands/version';
import { whatifCommand } from './commands/whatif';

/**
 * Every `gilscope` subcommand, in the order `gilscope --help` lists them.
 * A command is added here when it works, and not before.
 */
export const commands: readonly Command[] = [
  recordCommand,
  attachCommand,
  reportCommand,
  compareCommand,
  whatifCommand,
  checkCommand,
  exportCommand,
  createHelpCommand(() => commands),
  versionCommand,
];

/** Flags accepted in place of a command name. */
export const commandAliases: Readonly<Record<string, string>> = {
  '--help': 'help',
  '-h': 'help',
  '--version': 'version',
};

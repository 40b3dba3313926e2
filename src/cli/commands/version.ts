import { version } from '../../../package.json';
import { defineCommand } from '../command';
import type { Command } from '../command';

export const versionCommand: Command = defineCommand(
  {
    name: 'version',
    summary: 'Print the gilscope version.',
    about: "Prints the version of this gilscope build (as 'gilscope --version' does).",
    options: {},
  },
  () => {
    process.stdout.write(`gilscope ${version}\n`);
    return 0;
  },
);

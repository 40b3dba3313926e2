import { version } from '../../../package.json';
import type { Command } from '../command';

export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the gilscope version.',
  usage: 'Usage: gilscope version\n       gilscope --version\n\nPrints the version of this gilscope build.',
  async run() {
    process.stdout.write(`gilscope ${version}\n`);
    return 0;
  },
};

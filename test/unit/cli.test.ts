import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { version } from '../../package.json';
import { commands } from '../../src/cli/commandTable';
import { repoRoot } from '../support/repoRoot';

/** Runs the built CLI, as `npx gilscope` would. */
function gilscope(...args: string[]) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'dist/cli.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--help, -h and help print the same list, naming every command in the table', () => {
  const help = gilscope('--help');
  assert.equal(help.code, 0);
  assert.equal(help.stderr, '');
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const command of commands) assert.match(help.stdout, new RegExp(`^  ${command.name} +${escape(command.summary)}$`, 'm'));
  assert.deepEqual(gilscope('-h'), help);
  assert.deepEqual(gilscope('help'), help);
  assert.deepEqual(gilscope(), help);
});

test('--version prints the package version', () => {
  assert.deepEqual(gilscope('--version'), { code: 0, stdout: `gilscope ${version}\n`, stderr: '' });
  assert.deepEqual(gilscope('version'), gilscope('--version'));
});

test('<command> --help and help <command> print that command’s usage', () => {
  for (const command of commands) {
    const expected = { code: 0, stdout: `${command.usage}\n`, stderr: '' };
    assert.deepEqual(gilscope(command.name, '--help'), expected);
    assert.deepEqual(gilscope('help', command.name), expected);
  }
});

test('an unknown command is one line on stderr and exit code 2', () => {
  const result = gilscope('no-such-command');
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, "gilscope: unknown command 'no-such-command'; run 'gilscope --help' to list the commands\n");
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { version } from '../../package.json';
import { commands } from '../../src/cli/commandTable';
import { repoRoot } from '../support/repoRoot';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs the built CLI, as `npx gilscope` would. */
function gilscope(...args: string[]) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'dist/cli.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--help, -h and help print the same list, naming every command in the table', () => {
  const help = gilscope('--help');
  assert.equal(help.code, 0);
  assert.equal(help.stderr, '');
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

/** Whitespace made single spaces, so that a description wrapped over lines still matches. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

test('every option and argument a command declares is in its --help, with its description', () => {
  for (const command of commands) {
    const help = gilscope(command.name, '--help').stdout;
    const { options, positionals = [], passThrough } = command.spec;
    for (const [name, option] of Object.entries(options)) {
      const flags = `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.value}` : ''}`;
      assert.match(help, new RegExp(`^ +${escape(flags)}( |$)`, 'm'), `${command.name}: ${flags}`);
      assert.ok(flat(help).includes(flat(option.description)), `${command.name} --${name}: ${option.description}`);
    }
    for (const p of [...positionals, ...(passThrough ? [passThrough] : [])]) {
      assert.match(help, new RegExp(`^ +${escape(p.name)}( |$)`, 'm'), `${command.name}: ${p.name}`);
    }
    assert.match(help, /^ +-h, --help +print this help$/m, command.name);
  }
});

test('an unknown option is one line on stderr and exit code 2, for every command', () => {
  for (const command of commands) {
    const expected = { code: 2, stdout: '', stderr: `gilscope ${command.name}: unknown option '--no-such-option'; run 'gilscope ${command.name} --help'\n` };
    assert.deepEqual(gilscope(command.name, '--no-such-option'), expected, command.name);
    // After a positional too, for the commands that take one.
    if (command.spec.positionals?.length) assert.deepEqual(gilscope(command.name, 'x', '--no-such-option'), expected, `${command.name} x`);
  }
});

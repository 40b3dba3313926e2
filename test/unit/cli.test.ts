import assert from 'node:assert/strict';
import { test } from 'node:test';
import { version } from '../../package.json';
import { commands } from '../../src/cli/commandTable';
import { gilscope } from '../support/gilscopeCli';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Whitespace made single spaces, so that a description wrapped over lines still matches. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

/** What `gilscope ARGS` said and how it ended, to compare whole. */
async function said(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await gilscope(args);
  return { code, stdout, stderr };
}

test('--help, -h and help print the same list, naming every command in the table', async () => {
  const help = await said('--help');
  assert.equal(help.code, 0);
  assert.equal(help.stderr, '');
  for (const command of commands) assert.match(help.stdout, new RegExp(`^  ${command.name} +${escape(command.summary)}$`, 'm'));
  assert.deepEqual(await said('-h'), help);
  assert.deepEqual(await said('help'), help);
  assert.deepEqual(await said(), help);
});

test('--version prints the package version', async () => {
  assert.deepEqual(await said('--version'), { code: 0, stdout: `gilscope ${version}\n`, stderr: '' });
  assert.deepEqual(await said('version'), await said('--version'));
});

test('<command> --help and help <command> print that command’s usage', async () => {
  for (const command of commands) {
    const expected = { code: 0, stdout: `${command.usage}\n`, stderr: '' };
    assert.deepEqual(await said(command.name, '--help'), expected);
    assert.deepEqual(await said('help', command.name), expected);
  }
});

test('an unknown command is one line on stderr and exit code 2', async () => {
  assert.deepEqual(await said('no-such-command'), {
    code: 2,
    stdout: '',
    stderr: "gilscope: unknown command 'no-such-command'; run 'gilscope --help' to list the commands\n",
  });
});

test('every option and argument a command declares is in its --help, with its description', async () => {
  for (const command of commands) {
    const help = (await said(command.name, '--help')).stdout;
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

test('an unknown option is one line on stderr and exit code 2, for every command', async () => {
  for (const command of commands) {
    const expected = { code: 2, stdout: '', stderr: `gilscope ${command.name}: unknown option '--no-such-option'; run 'gilscope ${command.name} --help'\n` };
    assert.deepEqual(await said(command.name, '--no-such-option'), expected, command.name);
    // After a positional too, for the commands that take one.
    if (command.spec.positionals?.length) assert.deepEqual(await said(command.name, 'x', '--no-such-option'), expected, `${command.name} x`);
  }
});

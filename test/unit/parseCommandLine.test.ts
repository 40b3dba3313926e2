import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandSpec } from '../../src/cli/options';
import { parseCommandLine } from '../../src/cli/parseCommandLine';
import { usageText } from '../../src/cli/usageText';

/**
 * The CLI's one parser (src/cli/parseCommandLine.ts) on the shapes of command line the
 * commands declare: a workload's command passed through untouched, positionals, defaults,
 * and each kind of mistake said in one phrase.
 */

const recordLike = {
  name: 'record',
  summary: 's',
  options: {
    output: { type: 'string', short: 'o', value: 'DIR', description: 'the directory' },
    'no-fallback': { type: 'boolean', description: 'refuse' },
    'sample-hz': { type: 'string', value: 'N', default: '200', description: 'the rate' },
  },
  passThrough: { name: 'COMMAND [ARGS...]', description: 'the workload', atFirstWord: true },
} as const satisfies CommandSpec;

const compareLike = {
  name: 'compare',
  summary: 's',
  options: { json: { type: 'boolean', description: 'JSON' } },
  passThrough: { name: 'SCRIPT', description: 'the script', atFirstWord: false },
} as const satisfies CommandSpec;

const reportLike = {
  name: 'report',
  summary: 's',
  options: { json: { type: 'boolean', description: 'JSON' }, html: { type: 'string', value: 'OUT', description: 'HTML' } },
  positionals: [{ name: 'DIR', description: 'the recording directory' }],
} as const satisfies CommandSpec;

function mistake(spec: CommandSpec, argv: string[]): string {
  try {
    parseCommandLine(spec, argv);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail(`no mistake found in ${JSON.stringify(argv)}`);
}

test('the workload starts at its first word or after --, and nothing of it is parsed', () => {
  assert.deepEqual(parseCommandLine(recordLike, ['-o', 'd', 'python', 'x.py', '--help', '-o', 'y']), {
    values: { output: 'd', 'no-fallback': false, 'sample-hz': '200' },
    positionals: [],
    rest: ['python', 'x.py', '--help', '-o', 'y'],
  });
  const dashed = parseCommandLine(recordLike, ['--no-fallback', '--sample-hz=50', '--', '--odd', 'name']);
  assert.notEqual(dashed, 'help');
  if (dashed === 'help') return;
  assert.deepEqual(dashed.rest, ['--odd', 'name']);
  assert.deepEqual(dashed.values, { output: undefined, 'no-fallback': true, 'sample-hz': '50' });
  assert.deepEqual(parseCommandLine(recordLike, ['-odir', 'python']), { values: { output: 'dir', 'no-fallback': false, 'sample-hz': '200' }, positionals: [], rest: ['python'] });
  assert.equal(parseCommandLine(recordLike, ['-o', 'd', '--help', 'python']), 'help');
  assert.notEqual(parseCommandLine(recordLike, ['python', '-h']), 'help', "the workload's -h is its own");
});

test('where the workload must follow --, a word before it is a mistake', () => {
  assert.deepEqual(parseCommandLine(compareLike, ['--json', '--', 'python', 's.py']), { values: { json: true }, positionals: [], rest: ['python', 's.py'] });
  assert.equal(mistake(compareLike, ['--json', 's.py']), "unexpected 's.py': put SCRIPT after --");
});

test('positionals: counted against the declaration; after -- a word that looks like an option is one', () => {
  assert.deepEqual(parseCommandLine(reportLike, ['d', '--json']), { values: { json: true, html: undefined }, positionals: ['d'], rest: [] });
  assert.deepEqual(parseCommandLine(reportLike, ['--html', 'r.html', '--', '-d']), { values: { json: false, html: 'r.html' }, positionals: ['-d'], rest: [] });
  assert.equal(mistake(reportLike, []), 'missing DIR (the recording directory)');
  assert.equal(mistake(reportLike, ['a', 'b']), "unexpected argument 'b'");
});

test('each kind of mistake is one phrase naming the option as typed', () => {
  assert.equal(mistake(reportLike, ['d', '--bogus']), "unknown option '--bogus'");
  assert.equal(mistake(reportLike, ['-x', 'd']), "unknown option '-x'");
  assert.equal(mistake(reportLike, ['d', '--html']), '--html needs a value (OUT)');
  assert.equal(mistake(reportLike, ['d', '--html=']), '--html needs a value');
  assert.equal(mistake(reportLike, ['d', '--json=yes']), '--json takes no value');
  assert.equal(mistake(recordLike, ['-o', '--no-fallback', 'python']), "-o needs a value, not '--no-fallback' (write --output=--no-fallback for a value that starts with '-')");
  for (const argv of [['d', '--bogus'], ['d', '--html'], ['--json=yes', 'd']]) assert.doesNotMatch(mistake(reportLike, argv), /\n/);
});

test('the usage text lists what the parser accepts, and only that', () => {
  const text = usageText(recordLike);
  assert.match(text, /^Usage: gilscope record \[options\] \[--\] COMMAND \[ARGS\.\.\.\]$/m);
  assert.match(text, /^ {2}-o, --output DIR +the directory$/m);
  assert.match(text, /^ {6}--no-fallback +refuse$/m);
  assert.match(text, /^ {6}--sample-hz N +the rate \(default: 200\)$/m);
  assert.match(text, /^ {2}-h, --help +print this help$/m);
  assert.equal(text.match(/^ +(-\w, )?--[\w-]+/gm)?.length, 4, 'the three declared and --help');
  assert.match(usageText(reportLike), /^Usage: gilscope report \[options\] DIR$/m);
});

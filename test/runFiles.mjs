// Runs test files with node's test runner in the order given, CONCURRENCY at a time, the spec
// reporter on stdout; exit status 1 when a test failed. test/run.mjs starts it (with
// --enable-source-maps, which the files' processes inherit). `node --test` would sort the
// files by name; node:test's run() keeps the order, so the long files can start first.
//
// Usage: node --enable-source-maps test/runFiles.mjs CONCURRENCY [--test-name-pattern=RE] FILE...
// Plain Node, no dependencies.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const [concurrencyArg, ...rest] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const patterns = rest.filter((a) => a.startsWith('--test-name-pattern=')).map((a) => a.slice('--test-name-pattern='.length));
const files = rest.filter((a) => !a.startsWith('--'));
if (!(concurrency >= 1) || files.length === 0) {
  console.error('runFiles: usage: runFiles.mjs CONCURRENCY [--test-name-pattern=RE] FILE...');
  process.exit(2);
}

const stream = run({ files, concurrency, ...(patterns.length ? { testNamePatterns: patterns } : {}) });
// As `node --test` does: a failed test fails the run, a failed todo test does not.
stream.on('test:fail', (event) => {
  if (!event.todo) process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);

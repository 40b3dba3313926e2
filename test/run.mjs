// `npm test`: plain Node, no dependencies.
//   1. installs dependencies when node_modules is missing or older than package-lock.json;
//   2. runs the build (build.mjs), which also bundles test/**/*.test.ts to out/test/;
//   3. runs scripts/pythons.mjs (`npm run pythons`), which lists the interpreters the tests use
//      and installs the missing ones into the per-user cache (CPython 3.14, 3.15, 3.13t; about
//      5 minutes the first time on a machine, a stat each after that);
//   4. runs node's test runner over out/test/**/*.test.js with the spec reporter on stdout,
//      CONCURRENCY files at a time (GILSCOPE_TEST_CONCURRENCY), those of LONG_FIRST first
//      (test/runFiles.mjs).
// The runner's closing summary is the last thing printed, and its exit code is ours.
//
// A subset: `npm test -- --filter PATTERN` or GILSCOPE_TEST_FILTER=PATTERN, matched against
// test names (node's --test-name-pattern, a regular expression).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs a command in the repo root with inherited output; exits with its code if it fails. */
function step(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`test/run.mjs: '${[command, ...args].join(' ')}' failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
    process.exit(result.status || 1);
  }
}

/** npm writes node_modules/.package-lock.json on every install that changes something. */
function installIsStale() {
  const installed = join(root, 'node_modules/.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (!existsSync(installed)) return true;
  return existsSync(lock) && statSync(installed).mtimeMs < statSync(lock).mtimeMs;
}

function ensureDependencies() {
  if (!installIsStale()) return;
  // Under `npm test`, npm_execpath is the npm that started us; use the same one.
  const npm = process.env.npm_execpath;
  const [command, prefix] = npm && npm.endsWith('.js') ? [process.execPath, [npm]] : ['npm', []];
  step(command, [...prefix, 'install', '--no-audit', '--no-fund']);
  // An install with nothing to change leaves the marker's time alone; mark it current.
  const now = new Date();
  utimesSync(join(root, 'node_modules/.package-lock.json'), now, now);
}

function filterPattern(argv) {
  const i = argv.findIndex((a) => a === '--filter' || a.startsWith('--filter='));
  if (i >= 0) return argv[i].startsWith('--filter=') ? argv[i].slice('--filter='.length) : argv[i + 1];
  return process.env.GILSCOPE_TEST_FILTER || undefined;
}

/**
 * Test files run side by side, this many at a time. Most of a file's time is spent waiting for
 * the processes it starts (workloads that sleep or wait on each other, Chromium, code-server),
 * so two keep a 2-core machine busy without crowding it. A test whose figures the machine's
 * load can move (shares of time, speedups, the cores a run had) judges them against the load
 * its recording measured, or records again: it holds beside any other file.
 */
const CONCURRENCY = Number(process.env.GILSCOPE_TEST_CONCURRENCY) || 2;

/**
 * The files that take a minute or more, longest first (measured on a 2-core machine): started
 * before the others, so that the many short files run beside them instead of after them and
 * the run does not end on one long file alone. A new file of that kind goes in here.
 */
const LONG_FIRST = [
  'unit/pythonRuntime', // the runtime's unittest suite under every interpreter, two at a time
  'integration/packagedExtension', // packages the .vsix, then code-server and Chromium
  'integration/codeServer', // code-server and Chromium
  'webview/reportPage', // Chromium
  'unit/attachCli',
  'unit/attachRuntime',
  'suggest/recorded',
  'unit/plantedProbe', // one compile of the probe
  'compare/compare',
  'scenarios/nogil_kernels/nogil_kernels',
  'scenarios/integrate/integrate',
];

function rank(file) {
  const i = LONG_FIRST.findIndex((name) => file === `out/test/${name}.test.js`);
  return i < 0 ? LONG_FIRST.length : i;
}

function testFiles() {
  const dir = join(root, 'out/test');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.test.js'))
    .map((p) => relative(root, join(dir, p)))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * The interpreters the tests use. The script names what is missing, and why, in one line.
 * Under CI a missing one fails the run here: the tests that need it would fail anyway (they
 * are not skipped), and the line above says what to do. On a developer's machine (say, with
 * the archive out of reach) the other tests still run; test/unit/pythons.test.ts fails.
 */
function ensurePythons() {
  const result = spawnSync(process.execPath, ['scripts/pythons.mjs'], { cwd: root, stdio: 'inherit' });
  if (result.status === 0) return;
  const why = `scripts/pythons.mjs failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}): an interpreter the tests use is missing`;
  if (process.env.CI) {
    console.error(`test/run.mjs: ${why}; under CI that fails the run`);
    process.exit(result.status || 1);
  }
  console.error(`test/run.mjs: ${why}; running the tests anyway (those that need it fail)`);
}

ensureDependencies();
step(process.execPath, ['build.mjs']);
ensurePythons();

const files = testFiles();
if (files.length === 0) {
  console.error('test/run.mjs: the build produced no out/test/**/*.test.js files');
  process.exit(1);
}
const pattern = filterPattern(process.argv.slice(2));
// Recordings, storage folders and compiled fixtures that tests make in the temporary folder
// go to one folder of this run, removed when it ends: runs leave nothing behind.
const runTmp = mkdtempSync(join(tmpdir(), 'gilscope-npm-test-'));
// Others may pass through to a name they are given (launchSafety.test.ts runs a launcher as
// the user nobody on files made for it), not list it: each test's own folder is 0700 as made.
chmodSync(runTmp, 0o711);
const removeRunTmp = () => rmSync(runTmp, { recursive: true, force: true });
process.on('exit', removeRunTmp);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
// The runner's output is passed through as it comes, except its closing summary (the lines
// from "ℹ tests N" on that start with "ℹ "), which is held and printed last: node 20's spec
// reporter prints a recap of failing and todo tests after it, and the summary must close the run.
// node's test runner, through test/runFiles.mjs: `node --test` would sort the files by name.
const runner = spawn(
  process.execPath,
  ['--enable-source-maps', join(root, 'test/runFiles.mjs'), String(CONCURRENCY), ...(pattern ? [`--test-name-pattern=${pattern}`] : []), ...files],
  { cwd: root, stdio: ['inherit', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: runTmp } },
);
const summary = [];
let pending = '';
let inSummary = false;
function pass(line) {
  if (line.startsWith('ℹ tests ')) inSummary = true;
  if (inSummary && line.startsWith('ℹ ')) summary.push(line);
  else process.stdout.write(`${line}\n`);
}
runner.stdout.setEncoding('utf8');
runner.stdout.on('data', (chunk) => {
  const lines = (pending + chunk).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) pass(line);
});
runner.on('close', (code) => {
  if (pending) pass(pending);
  for (const line of summary) process.stdout.write(`${line}\n`);
  process.exitCode = code ?? 1;
});

// A real long run: CPython's own thread tests, bare and recorded, with the analysis after.
//
//   node bench/cpythonTests.mjs [--pythons 3.11.7,3.13.0] [--repeats 1] [--tests test_threading,...]
//
// Runs `python -m test -j1 --timeout 600 test_threading test_thread test_queue
// test_concurrent_futures` (serially: one test file at a time, each in a fresh worker
// process, so that a test that hangs, as test_concurrent_futures's forkserver tests
// did here once on a loaded machine, is ended after 10 minutes and the run goes on;
// each interpreter's own test package: Debian's 3.11 lacks it and pyenv's 3.11.7
// lacks test_concurrent_futures) bare and under `python -m gilscope.run -o DIR`,
// alternated, then `node dist/cli.js report DIR --json` on the recording. Reported per
// interpreter: the test run's wall time bare and recorded, recorded / bare without and
// with the analysis (target: <= 1.1 with it), the analysis's own time, the recording's
// size and process files, and whether the size cap stopped it. When the report cannot
// read the recording (format 2, until its reader is merged) the analysis columns say so
// and are left out of the ratio. Each run takes minutes: its defaults are one repeat.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  emitRows, fmt3, intArg, label, loadMonitor, loadRow, prepare, printTable, pythons, ratio, removeDir, root, row, runtimePath, stat, tempDir,
} from './lib.mjs';

const { values } = parseArgs({
  options: {
    pythons: { type: 'string', default: '3.11.7,3.13.0' },
    repeats: { type: 'string', default: '1' },
    tests: { type: 'string', default: 'test_threading,test_thread,test_queue,test_concurrent_futures' },
  },
});
const repeats = intArg(values, 'repeats');
const tests = values.tests.split(',').map((t) => t.trim()).filter(Boolean);
const cli = join(root, 'dist/cli.js');
const secs = (x) => `${x.toFixed(1)} s`;
const mib = (x) => `${(x / 2 ** 20).toFixed(1)} MiB`;
const count = (x) => String(Math.round(x));
const TIMEOUT_MS = 45 * 60_000;
const REGRTEST_OPTIONS = ['-j1', '--timeout', '600'];

/** Seconds and status of one command; its output kept only to quote a failure. */
function timed(exe, args, env) {
  const t0 = process.hrtime.bigint();
  // not in the repository: its test/ folder would shadow Python's test package
  const r = spawnSync(exe, args, { env, encoding: 'utf8', maxBuffer: 1 << 28, timeout: TIMEOUT_MS, cwd: tmp });
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function environment(recorded) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('GILSCOPE_')) delete env[name];
  delete env.PYTHONDONTWRITEBYTECODE;
  if (recorded) env.PYTHONPATH = runtimePath;
  else delete env.PYTHONPATH;
  return env;
}

/** The tests of `tests` that this interpreter's test package has (pyenv's 3.11.7 lacks test_concurrent_futures). */
function testsOf(py) {
  const r = spawnSync(py.exe, ['-c', 'import importlib.util, sys; print(" ".join(t for t in sys.argv[1:] if importlib.util.find_spec("test." + t)))', ...tests],
    { encoding: 'utf8', env: environment(false), cwd: tmp });
  if (r.status !== 0) throw new Error(`${py.exe} has no test package: ${r.stderr}`);
  return r.stdout.trim().split(' ').filter(Boolean);
}

/** The last line regrtest prints about the result ("Result: SUCCESS", "Tests result: SUCCESS"...). */
function verdict(r) {
  const line = r.stdout.split('\n').reverse().find((l) => /result:/i.test(l));
  return line ? line.trim() : `exit ${r.status ?? r.signal}`;
}

const rows = [];
const load = loadMonitor();
const tmp = tempDir();
try {
  for (const py of pythons(values.pythons)) {
    prepare(py);
    const own = testsOf(py);
    const missing = tests.filter((t) => !own.includes(t));
    if (missing.length) console.log(`${label(py)} has no ${missing.join(', ')}: left out`);
    const got = { bare: [], recorded: [], analysis: [], withAnalysis: [], ratio: [], ratioWithAnalysis: [], size: [], files: [], capped: [] };
    let analysisProblem;
    for (let i = 0; i < repeats; i++) {
      const dir = join(tmp, `rec-${i}`);
      const runBare = () => timed(py.exe, ['-m', 'test', ...REGRTEST_OPTIONS, ...own], environment(false));
      const runRecorded = () => timed(py.exe, ['-m', 'gilscope.run', '--no-fallback', '-o', dir, '-m', 'test', ...REGRTEST_OPTIONS, ...own],
        environment(true));
      let b, r;
      if (i % 2 === 0) { b = runBare(); r = runRecorded(); } else { r = runRecorded(); b = runBare(); }
      if (!existsSync(dir)) throw new Error(`the recorded run made no recording: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      const names = readdirSync(dir);
      const size = names.reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
      const capped = /recording stopped at the size cap/.test(r.stderr);
      const a = timed(process.execPath, [cli, 'report', dir, '--json'], process.env);
      got.bare.push(b.seconds);
      got.recorded.push(r.seconds);
      got.ratio.push(r.seconds / b.seconds);
      got.size.push(size);
      got.files.push(names.filter((n) => n.endsWith('.gsr')).length);
      got.capped.push(capped ? 1 : 0);
      if (a.status === 0) {
        got.analysis.push(a.seconds);
        got.withAnalysis.push(r.seconds + a.seconds);
        got.ratioWithAnalysis.push((r.seconds + a.seconds) / b.seconds);
      } else {
        analysisProblem = a.stderr.trim().split('\n')[0] || `exit ${a.status ?? a.signal}`;
      }
      console.log(`${label(py)} run ${i + 1}: bare ${secs(b.seconds)} (${verdict(b)}); recorded ${secs(r.seconds)} (${verdict(r)})` +
        `${capped ? ', stopped at the size cap' : ''}; recording ${mib(size)} in ${got.files.at(-1)} process files; ` +
        `analysis ${a.status === 0 ? secs(a.seconds) : `failed: ${analysisProblem}`}`);
      removeDir(dir);
    }
    const what = `CPython's ${own.join(', ')}, one at a time (-j1)`;
    const notAnalysed = analysisProblem ? `not measured: the report failed (${analysisProblem})` : undefined;
    rows.push(row('cpythonTests', what, label(py), 'test run wall time, bare', stat(got.bare), secs));
    rows.push(row('cpythonTests', what, label(py), 'test run wall time, recorded', stat(got.recorded), secs));
    rows.push(row('cpythonTests', what, label(py), 'recorded / bare, recording only', stat(got.ratio), ratio));
    if (got.ratioWithAnalysis.length) {
      const sr = stat(got.ratioWithAnalysis);
      rows.push(row('cpythonTests', what, label(py), 'analysis (gilscope report --json)', stat(got.analysis), secs));
      rows.push(row('cpythonTests', what, label(py), 'recorded + analysis / bare', sr, ratio, '<= 1.1', sr.median <= 1.1));
    } else {
      rows.push({ ...row('cpythonTests', what, label(py), 'recorded + analysis / bare', stat([]), ratio, '<= 1.1'), min: '', median: 'not measured', max: '' });
      console.log(`${label(py)}: recorded + analysis / bare ${notAnalysed}`);
    }
    rows.push(row('cpythonTests', what, label(py), 'recording size (all files)', stat(got.size), mib));
    rows.push(row('cpythonTests', what, label(py), 'process files (.gsr)', stat(got.files), count));
    rows.push(row('cpythonTests', what, label(py), 'runs stopped by the size cap (1 GiB)', stat(got.capped), count));
  }
} finally {
  removeDir(tmp);
}
const used = load.stop();
console.log(`other jobs used ${used.othersCores.toFixed(2)} of ${used.cpus} CPUs on average during this benchmark (${used.seconds.toFixed(0)} s)`);
rows.push(loadRow('cpythonTests', used));
printTable(rows);
emitRows(rows);

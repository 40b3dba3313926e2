// gilscope side by side with py-spy (a public sampling profiler) in one run: each
// tool's overhead and its per-thread GIL share against the workload's known answer.
//
//   node bench/pyspy.mjs [--python 3.11] [--repeats 6] [--py-spy PATH] [--no-nonblocking]
//
// py-spy is not a dependency of gilscope. Without --py-spy, it is taken from (or, the
// first time, installed with pip into) a virtual environment outside the repository:
// ~/.cache/gilscope-bench/pyspy-venv (made with the benchmark's interpreter).
//
// Workloads (test/workloads, defaults): cpu_threads.py (4 CPU-bound threads, 1.5 s)
// and sleeping_threads.py (4 threads x 20 sleeps of 50 ms). Configurations, run in a
// rotating order within each repeat so that drift hits all of them:
//   bare            the workload alone
//   gilscope        python -m gilscope.run -o DIR (exact recording)
//   py-spy 100      py-spy record --gil --idle --rate 100 --threads --format raw
//   py-spy 1000     the same at --rate 1000
//   py-spy 1000 nb  the same with --nonblocking (py-spy does not pause the process;
//                   omitted with --no-nonblocking)
// The py-spy rows without "nb" run with --nonblocking off (py-spy's default: it pauses
// the process for each sample).
//
// Overhead = recorded / bare of the workload's own measured time per unit of work,
// from its truth line (GILSCOPE_TRUTH=1): cpu_threads runs to a fixed deadline, so
// window_seconds / total_iterations; sleeping_threads does fixed work, so
// window_seconds. The run's bare time is the bare run of the same repeat.
//
// GIL share of each worker thread over its own run, against the known answer
// (truth thread_cpu_seconds / (end - start): a pure-Python thread burns CPU only
// while it holds the GIL):
//   gilscope: `node dist/cli.js report DIR --json`, processes[].threads[] matched by
//             tid: gil.heldSeconds / (endSeconds - startSeconds);
//   py-spy:   in --gil mode each sample names only the thread holding the GIL, so
//             samples of the thread (raw output, --threads) / (rate x the thread's
//             run time from the truth).
//             (py-spy's own "Samples: N" counts only samples that found a GIL holder
//             in this mode, so it cannot serve as the denominator.)
// Error = the largest |share - truth| over the worker threads of a run, in points.
// On a machine shared with other jobs the truth of cpu_threads undercounts (a
// descheduled holder keeps the GIL but burns no CPU), so the error is also given
// against a load-corrected truth (see correctedShares), with the bare runs' worker
// CPU / window that says how loaded the machine was.
// Also given: worker CPU per unit of work, tool/bare (robust to machine load, but it
// cannot see py-spy's pauses of the process), and whole-process wall time.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  emitRows, intArg, label, prepare, printTable, pythons, ratio, removeDir, root, row, runPython, stat, tempDir,
  workloads,
  loadMonitor, loadRow,
} from './lib.mjs';

const { values } = parseArgs({
  options: {
    python: { type: 'string', default: '3.11' },
    repeats: { type: 'string', default: '6' },
    'py-spy': { type: 'string' },
    'no-nonblocking': { type: 'boolean', default: false },
  },
});
const repeats = intArg(values, 'repeats');
const [py] = pythons(values.python);
if (!py) throw new Error(`interpreter ${values.python} not found`);

/** py-spy from --py-spy, or from the cache venv (installed there with pip when missing). */
function findPySpy() {
  if (values['py-spy']) return { exe: values['py-spy'] };
  const venv = join(homedir(), '.cache/gilscope-bench/pyspy-venv');
  const exe = join(venv, 'bin/py-spy');
  if (existsSync(exe)) return { exe };
  console.log(`installing py-spy into ${venv} (outside the repository) with pip`);
  mkdirSync(join(homedir(), '.cache/gilscope-bench'), { recursive: true });
  let r = spawnSync(py.exe, ['-m', 'venv', venv], { encoding: 'utf8' });
  if (r.status === 0) r = spawnSync(join(venv, 'bin/python'), ['-m', 'pip', 'install', 'py-spy'], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(exe)) return { error: `could not install py-spy with pip: ${(r.stderr || '').trim().split('\n').pop()}` };
  return { exe };
}

/**
 * dist/cli.js (built by `node build.mjs` when missing; bench/run.mjs builds first),
 * copied into this run's temporary folder: the bundle is self-contained, and a build
 * started meanwhile by someone else (it empties dist/) cannot pull it away mid-run.
 */
function ensureCli(into) {
  const cli = join(root, 'dist/cli.js');
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!existsSync(cli)) {
      const r = spawnSync(process.execPath, [join(root, 'build.mjs')], { cwd: root, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`node build.mjs failed: ${r.stderr}`);
    }
    try {
      copyFileSync(cli, join(into, 'cli.js'));
      return join(into, 'cli.js');
    } catch { /* rebuilt by someone else between the check and the copy: again */ }
  }
  throw new Error('dist/cli.js could not be built');
}

const tmp = tempDir();
const cli = ensureCli(tmp);
const spy = findPySpy();
let spyError = spy.error;
if (!spyError) {
  // can py-spy sample a child here at all (ptrace / process_vm_readv permissions)?
  const t = spawnSync(spy.exe, ['record', '--rate', '100', '--format', 'raw', '-o', join(tmp, 'probe.txt'), '--', py.exe, '-c', 'import time; time.sleep(0.3)'], { encoding: 'utf8' });
  const said = `${t.stderr || ''}${t.stdout || ''}`;
  if (!/Wrote raw flamegraph data/.test(said)) {
    spyError = `py-spy cannot sample here (exit ${t.status ?? t.signal}): ${said.split('\n').filter((l) => /error|denied|permission/i.test(l)).join(' ').trim() || said.trim().slice(-300)}`;
  }
}
if (spyError) console.log(`py-spy: NOT RUN. ${spyError}`);
else console.log(`py-spy: ${spawnSync(spy.exe, ['--version'], { encoding: 'utf8' }).stdout.trim()} at ${spy.exe}`);

const cases = [
  {
    name: 'cpu_threads.py (4 threads, 1.5 s)',
    args: [join(workloads, 'cpu_threads.py')],
    perWork: (t) => t.window_seconds / t.total_iterations,
    cpuPerWork: (t) => t.threads.reduce((a, w) => a + w.thread_cpu_seconds, 0) / t.total_iterations,
    corrected: true,
  },
  {
    name: 'sleeping_threads.py (4 threads x 20 x 50 ms)',
    args: [join(workloads, 'sleeping_threads.py')],
    perWork: (t) => t.window_seconds,
    // no CPU-per-work row: the threads burn ~1 ms of CPU in all, and a blocking
    // py-spy's ptrace stops add to it (50x at 1000 Hz here), which also inflates
    // this workload's truth (thread CPU) under that configuration.
    cpuPerWork: undefined,
    corrected: false,
  },
];

/** The known answer per worker: thread CPU / the thread's run time (valid on an idle machine). */
const truthShares = (t) => new Map(t.threads.map((w) => [w.native_id, { name: w.name, share: w.thread_cpu_seconds / (w.end - w.start) }]));

/**
 * cpu_threads on a machine shared with other jobs: a holder that is descheduled still
 * holds the GIL but burns no CPU, so the workers' CPU covers less than the window
 * (`coverage` = sum of worker CPU / window). The known answer also says the GIL is held
 * (>= 97%, ~100%) of the window by the workers; the load-corrected answer gives each
 * worker its CPU proportion of that: cpu / sum(cpu) x window / its run time.
 */
function correctedShares(t) {
  const total = t.threads.reduce((a, w) => a + w.thread_cpu_seconds, 0);
  return new Map(t.threads.map((w) => [w.native_id, { name: w.name, share: (w.thread_cpu_seconds / total) * t.window_seconds / (w.end - w.start) }]));
}
const coverage = (t) => t.threads.reduce((a, w) => a + w.thread_cpu_seconds, 0) / t.window_seconds;

function gilscopeShares(dir) {
  const r = spawnSync(process.execPath, [cli, 'report', dir, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`gilscope report failed: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const out = new Map();
  for (const p of report.processes) {
    for (const th of p.threads) out.set(th.tid, th.gil.heldSeconds / (th.endSeconds - th.startSeconds));
  }
  return out;
}

/** Samples per native thread id in py-spy's raw output (with --threads). */
function pyspySamples(file) {
  const out = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^thread \((0x[0-9a-fA-F]+|\d+)\)/.exec(line);
    if (!m) continue;
    const tid = m[1].startsWith('0x') ? parseInt(m[1], 16) : Number(m[1]);
    const count = Number(line.slice(line.lastIndexOf(' ') + 1));
    out.set(tid, (out.get(tid) ?? 0) + count);
  }
  return out;
}

function runPySpy(caseArgs, rate, nonblocking, file) {
  const argv = ['record', '--gil', '--idle', '--rate', String(rate), '--threads', '--format', 'raw', '-o', file,
    ...(nonblocking ? ['--nonblocking'] : []), '--', py.exe, ...caseArgs];
  const env = { ...process.env, GILSCOPE_TRUTH: '1' };
  delete env.PYTHONPATH;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(spy.exe, argv, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  // py-spy 0.4.2 here sometimes exits 1 with "No child process (os error 10)" after
  // it has written its output (a race with the child's exit): counted, not fatal.
  const wrote = /Wrote raw flamegraph data/.test(r.stderr + r.stdout) && existsSync(file);
  if (r.status !== 0 && !wrote) throw new Error(`py-spy failed: ${r.stderr.slice(-1000)}`);
  const line = r.stdout.trim().split('\n').find((l) => l.startsWith('GILSCOPE-TRUTH '));
  return { wall, truth: JSON.parse(line.slice('GILSCOPE-TRUTH '.length)), failedAfterWriting: r.status !== 0 };
}

const configs = [
  { key: 'gilscope', label: 'gilscope (exact)' },
  ...(spyError ? [] : [
    { key: 'spy100', label: 'py-spy --gil --idle --rate 100', rate: 100, nb: false },
    { key: 'spy1000', label: 'py-spy --gil --idle --rate 1000', rate: 1000, nb: false },
    ...(values['no-nonblocking'] ? [] : [{ key: 'spy1000nb', label: 'py-spy --gil --idle --rate 1000 --nonblocking', rate: 1000, nb: true }]),
  ]),
];

const rows = [];
const load = loadMonitor();
try {
  prepare(py);
  for (const c of cases) {
    const res = Object.fromEntries(configs.map((k) => [k.key, { over: [], cpuOver: [], wallOver: [], err: [], errCorr: [], shares: [], failed: 0 }]));
    const cov = [];
    const order = ['bare', ...configs.map((k) => k.key)];
    for (let i = 0; i < repeats; i++) {
      const rot = order.map((_, j) => order[(j + i) % order.length]);
      const got = {};
      for (const key of rot) {
        const dir = join(tmp, `rec-${key}`);
        const file = join(tmp, `spy-${key}.txt`);
        if (key === 'bare') {
          const r = runPython(py, c.args);
          got.bare = { wall: r.wall, truth: r.truth };
        } else if (key === 'gilscope') {
          removeDir(dir);
          const r = runPython(py, c.args, { recordDir: dir });
          got.gilscope = { wall: r.wall, truth: r.truth, shares: gilscopeShares(dir) };
          removeDir(dir);
        } else {
          const k = configs.find((x) => x.key === key);
          const r = runPySpy(c.args, k.rate, k.nb, file);
          const samples = pyspySamples(file);
          const shares = new Map();
          for (const w of r.truth.threads) shares.set(w.native_id, (samples.get(w.native_id) ?? 0) / (k.rate * (w.end - w.start)));
          got[key] = { wall: r.wall, truth: r.truth, shares, failedAfterWriting: r.failedAfterWriting };
          rmSync(file, { force: true });
        }
      }
      cov.push(coverage(got.bare.truth));
      for (const k of configs) {
        const g = got[k.key];
        const worstError = (truth) => {
          let worst = 0;
          for (const [tid, t] of truth) worst = Math.max(worst, Math.abs((g.shares.get(tid) ?? 0) - t.share));
          return worst * 100;
        };
        const truth = truthShares(g.truth), corr = correctedShares(g.truth);
        const list = [...truth].map(([tid, t]) => `${t.name} ${(100 * (g.shares.get(tid) ?? 0)).toFixed(1)}/${(100 * t.share).toFixed(1)}` +
          (c.corrected ? `/${(100 * corr.get(tid).share).toFixed(1)}` : ''));
        res[k.key].over.push(c.perWork(g.truth) / c.perWork(got.bare.truth));
        if (c.cpuPerWork) res[k.key].cpuOver.push(c.cpuPerWork(g.truth) / c.cpuPerWork(got.bare.truth));
        res[k.key].wallOver.push(g.wall / got.bare.wall);
        res[k.key].err.push(worstError(truth));
        if (c.corrected) res[k.key].errCorr.push(worstError(corr));
        res[k.key].shares.push(list.join(', '));
        if (g.failedAfterWriting) res[k.key].failed++;
      }
    }
    const f = (st, fn) => `${fn(st.min)} / ${fn(st.median)} / ${fn(st.max)}`;
    const pts = (x) => `${x.toFixed(1)} pts`;
    const sc = stat(cov);
    console.log(`\n${c.name}, ${label(py)}, ${repeats} repeats (min / median / max); bare runs' worker CPU / window: ${f(sc, (x) => x.toFixed(2))}` +
      (c.corrected ? ' (1.00 on an idle machine; below it, the truth shares undercount)' : ''));
    for (const k of configs) {
      const r = res[k.key];
      const so = stat(r.over), sp = stat(r.cpuOver), sw = stat(r.wallOver), se = stat(r.err), sx = stat(r.errCorr);
      console.log(`  ${k.label}: own time per unit of work ${f(so, ratio)}; ${c.cpuPerWork ? `CPU per unit of work ${f(sp, ratio)}; ` : ''}` +
        `whole-process wall ${f(sw, ratio)}; worst share error vs truth ${f(se, pts)}` +
        (c.corrected ? `, vs load-corrected truth ${f(sx, pts)}` : '') +
        (r.failed ? `; py-spy exited 1 ("No child process") after writing its output in ${r.failed} of ${repeats} runs` : ''));
      console.log(`    last run, share % tool/truth${c.corrected ? '/load-corrected truth' : ''}: ${r.shares[r.shares.length - 1]}`);
      rows.push(row('pyspy', c.name, label(py), `${k.label}: own time per unit of work, tool/bare`, so, ratio));
      if (c.cpuPerWork) rows.push(row('pyspy', c.name, label(py), `${k.label}: worker CPU per unit of work, tool/bare`, sp, ratio));
      rows.push(row('pyspy', c.name, label(py), `${k.label}: whole-process wall, tool/bare (tool start-up included)`, sw, ratio));
      rows.push(row('pyspy', c.name, label(py), `${k.label}: worst per-thread GIL share error vs truth`, se, pts));
      if (c.corrected) rows.push(row('pyspy', c.name, label(py), `${k.label}: worst per-thread GIL share error vs load-corrected truth`, sx, pts));
    }
    if (c.corrected) rows.push(row('pyspy', c.name, label(py), 'bare runs: worker CPU / window (1.00 = idle machine)', sc, (x) => x.toFixed(2)));
  }
} finally {
  removeDir(tmp);
}
if (spyError) {
  rows.push({ bench: 'pyspy', workload: 'all', python: label(py), metric: `py-spy NOT RUN: ${spyError}`, min: '', median: '', max: '', n: 0, target: '', verdict: '' });
}
const used = load.stop();
console.log(`other jobs used ${used.othersCores.toFixed(2)} of ${used.cpus} CPUs on average during this benchmark (${used.seconds.toFixed(0)} s)`);
rows.push(loadRow('pyspy', used));
printTable(rows);
emitRows(rows);

// Added cost of an uncontended threading.Lock acquire + release under recording,
// and the slowdown of a workload doing about a million of them a second.
//
//   node bench/lockCost.mjs [--pythons 3.11,3.13] [--repeats 8]
//                           [--calls 50000] [--rounds 45] [--rate 1000000]
//
// bench/py/lock_loop.py, one thread, so every acquire finds the lock free. Each process
// times short rounds with time.perf_counter() around the loop, and with
// time.thread_time() (the thread's CPU time) around the same loop; its figure is the
// 25th percentile of its rounds after the first 5 (bench/lib.mjs roundsFigure: rounds
// that another job preempted are slower). Both clocks are reported: on a machine
// shared with other jobs perf_counter also counts the time the thread waited for a
// CPU; the thread's CPU time includes all the recorder does (it has no thread of its
// own) but the kernel's writeback of the file's dirty pages.
// - tight: `with lock: pass`, `--calls` iterations per round. Added cost = recorded -
//   bare ns per iteration of each alternated pair. Target: median <= 100 ns.
// - paced: `with lock: x += 1` followed by K units of pure-Python arithmetic, with K
//   calibrated once per interpreter (bare, CPU time) so that the bare loop does about
//   `--rate` acquisitions per second of CPU (the rate achieved is reported); rounds of
//   ~20 ms. Slowdown = recorded / bare round time of each alternated pair, same fixed
//   work. Target: median <= 1.10.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  alternate, benchPy, emitRows, fmt3, intArg, label, ns, prepare, printTable, pythons, ratio, removeDir,
  row, runPython, roundsFigure, stat, tempDir,
  loadMonitor, loadRow,
} from './lib.mjs';

const { values } = parseArgs({
  options: {
    pythons: { type: 'string', default: '3.11,3.13' },
    repeats: { type: 'string', default: '8' },
    calls: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '45' },
    rate: { type: 'string', default: '1000000' },
  },
});
const repeats = intArg(values, 'repeats');
const rate = intArg(values, 'rate');
const script = join(benchPy, 'lock_loop.py');
const figure = (xs) => roundsFigure(xs, 5);
const clocks = [['perf_counter', 'wall'], ['thread CPU time', 'cpu']];

const rows = [];
const load = loadMonitor();
const tmp = tempDir();
const dir = join(tmp, 'rec');
const recorded = (py, args) => {
  removeDir(dir);
  const r = runPython(py, args, { recordDir: dir });
  removeDir(dir);
  return r;
};
try {
  for (const py of pythons(values.pythons)) {
    prepare(py);
    // tight loop
    const tightArgs = [script, 'tight', '--calls', values.calls, '--rounds', values.rounds];
    const figures = (j) => ({ wall: figure(j.ns_per_iteration), cpu: figure(j.cpu_ns_per_iteration) });
    const [bare, rec] = alternate(
      repeats,
      () => figures(runPython(py, tightArgs).json),
      () => figures(recorded(py, tightArgs).json),
    );
    const tight = '`with lock: pass` loop, 1 thread';
    for (const [clock, key] of clocks) {
      const b = bare.map((x) => x[key]), r = rec.map((x) => x[key]);
      const sb = stat(b), sr = stat(r), sa = stat(b.map((x, i) => r[i] - x));
      console.log(`${label(py)} tight (${clock}): bare ${fmt3(sb, ns)}; recorded ${fmt3(sr, ns)}; added ${fmt3(sa, ns)}`);
      rows.push(row('lockCost', tight, label(py), `ns per acquire+release, bare (${clock})`, sb, ns));
      rows.push(row('lockCost', tight, label(py), `ns per acquire+release, recorded (${clock})`, sr, ns));
      rows.push(row('lockCost', tight, label(py), `added ns per acquire+release (${clock})`, sa, ns, 'median <= 100 ns', sa.median <= 100));
    }

    // paced loop: calibrate K for `rate` acquisitions a second (bare, thread CPU time),
    // then alternate
    const cal = [0, 1, 2].map(() => runPython(py, [script, 'calibrate', '--calls', '20000']).json);
    const tightNs = stat(cal.map((c) => c.tight_ns)).median;
    const perWork = stat(cal.map((c) => c.per_work_ns)).median;
    const work = Math.max(0, Math.round((1e9 / rate - tightNs) / perWork));
    const pacedCalls = Math.max(1000, Math.round(rate * 0.02)); // ~20 ms per round
    const pacedArgs = [script, 'paced', '--work', String(work), '--calls', String(pacedCalls), '--rounds', '35'];
    const [pb, pr] = alternate(
      repeats,
      () => runPython(py, pacedArgs).json,
      () => recorded(py, pacedArgs).json,
    );
    const perSecond = (seconds) => stat(pb.map((b) => pacedCalls / figure(b[seconds])));
    const wallRate = perSecond('seconds'), cpuRate = perSecond('cpu_seconds');
    const rateText = `${(cpuRate.median / 1e6).toFixed(2)} M acquisitions per CPU second bare`;
    const where = `lock loop, fixed work, ${rateText}`;
    console.log(`${label(py)} paced: K=${work}; bare ${(cpuRate.median / 1e6).toFixed(2)} M acquisitions per CPU second, ` +
      `${(wallRate.median / 1e6).toFixed(2)} M per wall second (medians)`);
    for (const [clock, key] of [['perf_counter', 'seconds'], ['thread CPU time', 'cpu_seconds']]) {
      const ss = stat(pb.map((b, i) => figure(pr[i][key]) / figure(b[key])));
      console.log(`${label(py)} paced (${clock}): recorded/bare time ${fmt3(ss, ratio)}`);
      rows.push(row('lockCost', where, label(py), `time ratio recorded/bare (${clock})`, ss, ratio, 'median <= 1.10', ss.median <= 1.10));
    }
  }
} finally {
  removeDir(tmp);
}
const used = load.stop();
console.log(`other jobs used ${used.othersCores.toFixed(2)} of ${used.cpus} CPUs on average during this benchmark (${used.seconds.toFixed(0)} s)`);
rows.push(loadRow('lockCost', used));
printTable(rows);
emitRows(rows);

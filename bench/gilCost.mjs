// Added cost of one GIL release + re-acquire under recording.
//
//   node bench/gilCost.mjs [--pythons 3.11,3.8,3.13,debian-3.11] [--repeats 12]
//                          [--calls 50000] [--rounds 45] [--method read|sleep0]
//
// One Python thread calls os.read(fd, 1) on /dev/zero (or time.sleep(0)) in a tight
// loop: each call releases the GIL once and takes it straight back. bench/py/release_loop.py
// times `--calls` calls with time.perf_counter() around the loop, `--rounds` times per
// process (short rounds, ~5-10 ms); a process's figure is the 25th percentile of its
// rounds after the first 5 (warm-up): rounds that another job preempted are slower,
// most short rounds are not (bench/lib.mjs roundsFigure). Every round of a recorded
// process includes its share of the recorder's work: records, chunk reservations and
// page faults of the file mapping; only the growth of the file by a 1 MiB segment
// (once per ~33,000 calls; fallocate + mmap, a few to tens of microseconds here:
// < 1 ns a call) may fall in a round that the percentile leaves out.
// Each round is also timed with time.thread_time() (the thread's CPU time, user +
// system) around the same loop, and both are reported: on a machine shared with other
// jobs perf_counter also counts the time the thread waited for a CPU, while its CPU
// time stays within a few ns between runs; every cost of the recorder is in this
// thread (hooks, records, page faults of the file), except the kernel's writeback of
// the file's dirty pages, done elsewhere.
// Processes alternate bare / recorded (`python -m gilscope.run`) `--repeats` times per
// interpreter. Reported: ns per call bare, recorded, and the added cost of each
// bare/recorded pair (recorded - bare), min / median / max over the pairs.
// Target: median added cost <= 50 ns, measured with long-hold splitting off
// (GILSCOPE_HOLD_SPLIT_MS=0). With it on (the default) the same pairs are made again and
// reported beside, as what a one-thread program pays.
// Either way the recorded process has a thread of gilscope's (the CPU sampler; with
// splitting on, the splitter too), and a process with a second thread pays for it on every
// system call, whatever that thread does: glibc makes each call a cancellation point, and
// Linux counts references to the open files the threads share (~50 ns per os.read here).
// So with splitting off a third kind of process runs in the same rotation, bare with one
// idle thread (release_loop.py --idle-thread), and the added cost is split in two: that
// thread's presence (bare with an idle thread - bare) and the recorder's work per release
// and re-acquire (recorded - bare with an idle thread).
import { parseArgs } from 'node:util';
import {
  alternate, emitRows, fmt3, label, ns, prepare, printTable, pythons, removeDir, row, runPython, stat,
  tempDir, benchPy, intArg, roundsFigure,
  loadMonitor, loadRow,
} from './lib.mjs';
import { join } from 'node:path';

const { values } = parseArgs({
  options: {
    pythons: { type: 'string', default: '3.11,3.8,3.13,debian-3.11' },
    repeats: { type: 'string', default: '12' },
    calls: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '45' },
    method: { type: 'string', default: 'read' },
  },
});
const repeats = intArg(values, 'repeats');
const TARGET_NS = 50;
const script = join(benchPy, 'release_loop.py');
const args = [script, '--method', values.method, '--calls', values.calls, '--rounds', values.rounds];
const what = values.method === 'read' ? 'os.read(/dev/zero, 1) loop, 1 thread' : 'time.sleep(0) loop, 1 thread';

const perProcess = (result) => ({
  wall: roundsFigure(result.json.ns_per_call, 5),
  cpu: roundsFigure(result.json.cpu_ns_per_call, 5),
});

const rows = [];
const load = loadMonitor();
const tmp = tempDir();
try {
  for (const py of pythons(values.pythons)) {
    prepare(py);
    const dir = join(tmp, 'rec');
    const recorded = (env) => () => {
      removeDir(dir);
      const r = runPython(py, args, { recordDir: dir, env });
      removeDir(dir);
      return perProcess(r);
    };
    const modes = [
      ['long-hold splitting off', { GILSCOPE_HOLD_SPLIT_MS: '0' }, true],
      ['default: long-hold splitting on', {}, false],
    ];
    const bareRun = (extra) => () => perProcess(runPython(py, [...args, ...extra]));
    for (const [mode, env, judged] of modes) {
      const [bare, rec, idle] = judged
        ? alternate(repeats, bareRun([]), recorded(env), bareRun(['--idle-thread']))
        : alternate(repeats, bareRun([]), recorded(env));
      for (const [clock, key] of [['perf_counter', 'wall'], ['thread CPU time', 'cpu']]) {
        const b = bare.map((x) => x[key]), r = rec.map((x) => x[key]);
        const sb = stat(b), sr = stat(r), sa = stat(b.map((x, i) => r[i] - x));
        console.log(`${label(py)} ${mode} (${clock}): bare ${fmt3(sb, ns)}; recorded ${fmt3(sr, ns)}; added ${fmt3(sa, ns)} (min / median / max of ${repeats} pairs)`);
        rows.push(row('gilCost', what, label(py), `ns per release+reacquire, bare (${clock})`, sb, ns));
        rows.push(row('gilCost', what, label(py), `ns per release+reacquire, recorded, ${mode} (${clock})`, sr, ns));
        rows.push(row('gilCost', what, label(py), `added ns per release+reacquire, ${mode} (${clock})`, sa, ns,
          judged ? `median <= ${TARGET_NS} ns` : undefined, judged ? sa.median <= TARGET_NS : undefined));
        if (!idle) continue;
        const i = idle.map((x) => x[key]);
        const thread = stat(i.map((x, k) => x - b[k])), work = stat(r.map((x, k) => x - i[k]));
        console.log(`${label(py)} ${mode} (${clock}): of it, a second thread's presence ${fmt3(thread, ns)}; the recorder's work ${fmt3(work, ns)}`);
        rows.push(row('gilCost', what, label(py), `of it, a second thread's presence (bare with an idle thread - bare) (${clock})`, thread, ns));
        rows.push(row('gilCost', what, label(py), `of it, the recorder's work (recorded - bare with an idle thread), ${mode} (${clock})`, work, ns));
      }
    }
  }
} finally {
  removeDir(tmp);
}
const used = load.stop();
console.log(`other jobs used ${used.othersCores.toFixed(2)} of ${used.cpus} CPUs on average during this benchmark (${used.seconds.toFixed(0)} s)`);
rows.push(loadRow('gilCost', used));
printTable(rows);
emitRows(rows);

// No record lost at more than a million GIL transitions a second.
//
//   node bench/loss.mjs [--pythons 3.11,3.13,3.8,debian-3.11] [--repeats 3]
//                       [--threads 4] [--seconds 2]
//
// bench/py/transitions.py: --threads threads call os.read(fd, 1) on /dev/zero in tight
// loops until one shared deadline, recorded with `python -m gilscope.run`. Each call
// is one GIL release and one re-acquire (plus a GIL_WAIT, or a GIL_HANDOFF, when
// another thread had it). For every .gsr of the recording, bench/gsr.mjs (a reader
// written for this benchmark from runtime/FORMAT.md, not the product's) reads the
// header's lost_records (offset 80) and counts the GIL records (types 4, 5, 6, 10)
// timestamped inside the workload's window. Reported per interpreter:
// - GIL transitions per second recorded in the window (GIL records / window seconds),
//   min / median / max over the repeats; must be >= 1,000,000 for the test to count;
// - records lost: the sum of lost_records (must be 0), and a cross-check: every
//   worker thread has at least as many GIL_RELEASE records as the calls it counted.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { countRecords } from './gsr.mjs';
import {
  benchPy, emitRows, intArg, label, prepare, printTable, pythons, removeDir, row, runPython, stat, tempDir,
  loadMonitor, loadRow,
} from './lib.mjs';

const { values } = parseArgs({
  options: {
    pythons: { type: 'string', default: '3.11,3.13,3.8,debian-3.11' },
    repeats: { type: 'string', default: '3' },
    threads: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '2' },
  },
});
const repeats = intArg(values, 'repeats');
const args = [join(benchPy, 'transitions.py'), '--threads', values.threads, '--seconds', values.seconds];
const mps = (x) => `${(x / 1e6).toFixed(2)} M/s`;
const int = (x) => String(Math.round(x));

const rows = [];
const load = loadMonitor();
const tmp = tempDir();
try {
  for (const py of pythons(values.pythons)) {
    prepare(py);
    const rates = [], lost = [], missing = [], callRates = [];
    for (let i = 0; i < repeats; i++) {
      const dir = join(tmp, `rec${i}`);
      const r = runPython(py, args, { recordDir: dir });
      const w = r.json;
      let gil = 0, lostRecords = 0, records = 0, bytes = 0;
      const releasesByTid = new Map();
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.gsr'))) {
        const c = countRecords(join(dir, f), { fromNs: w.window_start * 1e9, toNs: w.window_end * 1e9 });
        gil += c.gilInWindow;
        lostRecords += c.header.lostRecords;
        records += c.records;
        bytes += c.fileBytes;
        for (const s of c.perSlot.values()) releasesByTid.set(s.tid, (releasesByTid.get(s.tid) ?? 0) + s.release);
      }
      // calls the workload counted but no GIL_RELEASE shows (0 when nothing is lost)
      const short = w.threads.reduce((a, t) => a + Math.max(0, t.calls - (releasesByTid.get(t.native_id) ?? 0)), 0);
      rates.push(gil / w.window_seconds);
      callRates.push(w.calls / w.window_seconds);
      lost.push(lostRecords);
      missing.push(short);
      console.log(`${label(py)} run ${i + 1}: ${w.calls} calls in ${w.window_seconds.toFixed(3)} s by ${w.threads.length} threads; ` +
        `${gil} GIL records in the window (${mps(gil / w.window_seconds)}), ${records} records in all, ` +
        `${(bytes / 2 ** 20).toFixed(0)} MiB; lost_records ${lostRecords}; calls without a GIL_RELEASE ${short}`);
      removeDir(dir);
    }
    const sr = stat(rates), sl = stat(lost), sm = stat(missing), sc = stat(callRates);
    const what = `${values.threads} threads os.read(/dev/zero) loop, ${values.seconds} s (${mps(sc.median)} calls)`;
    rows.push(row('loss', what, label(py), 'GIL transitions recorded per second', sr, mps, '>= 1 M/s', sr.min >= 1e6));
    rows.push(row('loss', what, label(py), 'lost_records (header offset 80), sum over .gsr files', sl, int, '0', sl.max === 0));
    rows.push(row('loss', what, label(py), 'calls counted by the workload without a GIL_RELEASE record', sm, int, '0', sm.max === 0));
  }
} finally {
  removeDir(tmp);
}
const used = load.stop();
console.log(`other jobs used ${used.othersCores.toFixed(2)} of ${used.cpus} CPUs on average during this benchmark (${used.seconds.toFixed(0)} s)`);
rows.push(loadRow('loss', used));
printTable(rows);
emitRows(rows);

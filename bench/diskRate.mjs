// What a recording costs in disk a second on the lock-and-release-heavy workload.
//
//   node bench/diskRate.mjs [--pythons 3.11,3.13] [--repeats 3] [--seconds 4]
//
// bench/py/lock_release_heavy.py: four threads run `with lock: os.read(fd, 1)` on
// /dev/zero until one deadline (a lock acquire + release and a GIL release + re-take
// each iteration, some contended), recorded with `python -m gilscope.run`: as shipped
// (events that carry no contention summarised: runtime/README.md, "Records that cost
// what they carry"), with every record kept (GILSCOPE_QUIET=0) for comparison, and
// bare for its iterations a second, in a rotating order. Reported per interpreter:
// the recording's bytes on disk (the .gsr files' sizes, which include the tail of the
// last segment taken) per second of the workload's window, in MB/s (10^6 bytes); the
// bytes of the chunks in use; the iterations a second in each mode. lost_records
// must stay 0.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readHeader } from './gsr.mjs';
import {
  benchPy, emitRows, fmt3, intArg, label, loadMonitor, loadRow, prepare, printTable, pythons, removeDir, row, runPython, stat, tempDir,
} from './lib.mjs';

const { values } = parseArgs({
  options: {
    pythons: { type: 'string', default: '3.11,3.13' },
    repeats: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '4' },
  },
});
const repeats = intArg(values, 'repeats');
const args = [join(benchPy, 'lock_release_heavy.py'), '--seconds', values.seconds];
const mbs = (x) => `${(x / 1e6).toFixed(2)} MB/s`;
const mps = (x) => `${(x / 1e6).toFixed(2)} M/s`;

/** A .gsr file's header page. */
function headerOf(path) {
  const fd = openSync(path, 'r');
  try {
    const page = Buffer.alloc(4096);
    readSync(fd, page, 0, page.length, 0);
    return readHeader(page);
  } finally {
    closeSync(fd);
  }
}

/** The recording's size on disk and in chunks used, and its lost records. */
function measure(dir) {
  let disk = 0, used = 0, lost = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.gsr'))) {
    const path = join(dir, name);
    disk += statSync(path).size;
    const h = headerOf(path);
    used += 4096 + h.chunksAllocated * h.chunkSize;
    lost += h.lostRecords;
  }
  return { disk, used, lost };
}

const modes = [
  { name: 'summarised (as shipped)', env: {}, target: '<= 4 MB/s (goal 1 MB/s)', limit: 4e6 },
  { name: 'every record kept (GILSCOPE_QUIET=0)', env: { GILSCOPE_QUIET: '0' } },
  { name: 'bare', bare: true },
];

const rows = [];
const load = loadMonitor();
const tmp = tempDir();
try {
  for (const py of pythons(values.pythons)) {
    prepare(py);
    const got = modes.map(() => ({ disk: [], used: [], rate: [], lost: [] }));
    for (let i = 0; i < repeats; i++) {
      for (let k = 0; k < modes.length; k++) {
        const m = (i + k) % modes.length; // alternate which mode goes first
        if (modes[m].bare) {
          const r = runPython(py, args);
          got[m].rate.push(r.json.iterations / r.json.window_seconds);
          console.log(`${label(py)} bare, run ${i + 1}: ${mps(r.json.iterations / r.json.window_seconds)} iterations`);
          continue;
        }
        const dir = join(tmp, `rec-${i}-${m}`);
        const r = runPython(py, args, { recordDir: dir, env: { ...modes[m].env, GILSCOPE_TRUTH: '' } });
        const seconds = r.json.window_seconds;
        const size = measure(dir);
        got[m].disk.push(size.disk / seconds);
        got[m].used.push(size.used / seconds);
        got[m].rate.push(r.json.iterations / seconds);
        got[m].lost.push(size.lost);
        console.log(`${label(py)} ${modes[m].name}, run ${i + 1}: ${(size.disk / 2 ** 20).toFixed(1)} MiB on disk ` +
          `(${(size.used / 2 ** 20).toFixed(1)} MiB in chunks) in ${seconds.toFixed(2)} s: ${mbs(size.disk / seconds)}; ` +
          `${mps(r.json.iterations / seconds)} iterations; lost_records ${size.lost}`);
        removeDir(dir);
      }
    }
    const what = `lock_release_heavy.py: 4 threads \`with lock: os.read(fd, 1)\`, ${values.seconds} s`;
    modes.forEach((mode, m) => {
      if (mode.bare) {
        rows.push(row('diskRate', what, label(py), 'iterations per second, bare', stat(got[m].rate), mps));
        return;
      }
      const sd = stat(got[m].disk);
      rows.push(row('diskRate', what, label(py), `recording on disk per second, ${mode.name}`, sd, mbs,
        mode.target, mode.limit === undefined ? undefined : sd.median <= mode.limit));
      rows.push(row('diskRate', what, label(py), `chunks in use per second, ${mode.name}`, stat(got[m].used), mbs));
      rows.push(row('diskRate', what, label(py), `iterations per second, ${mode.name}`, stat(got[m].rate), mps));
      const sl = stat(got[m].lost);
      rows.push(row('diskRate', what, label(py), `lost_records, ${mode.name}`, sl, String, '0', sl.max === 0));
    });
    console.log(`${label(py)}: ${modes.filter((mode) => !mode.bare).map((mode, m) => `${mode.name} ${fmt3(stat(got[m].disk), mbs)}`).join('; ')}`);
  }
} finally {
  removeDir(tmp);
}
const used = load.stop();
console.log(`other jobs used ${used.othersCores.toFixed(2)} of ${used.cpus} CPUs on average during this benchmark (${used.seconds.toFixed(0)} s)`);
rows.push(loadRow('diskRate', used));
printTable(rows);
emitRows(rows);

// What the recording of many short-lived processes takes on disk.
//
//   node bench/manyChildren.mjs [--pythons 3.11,3.13] [--repeats 3] [--children 40]
//
// bench/py/many_children.py: a parent starts --children `subprocess` Pythons that print
// and exit, then a fork Pool of 4 that does little, recorded with `python -m gilscope.run`
// and run bare, alternated. Reported per interpreter: the recording's total size (every
// file in the folder), its number of process files, and the whole run's wall time,
// recorded / bare (launcher and start-up included: runtime/README.md, "Start-up").
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  alternate, benchPy, emitRows, fmt3, intArg, label, loadMonitor, loadRow, prepare, printTable, pythons, ratio, removeDir, row, runPython,
  stat, tempDir,
} from './lib.mjs';

const { values } = parseArgs({
  options: {
    pythons: { type: 'string', default: '3.11,3.13' },
    repeats: { type: 'string', default: '3' },
    children: { type: 'string', default: '40' },
  },
});
const repeats = intArg(values, 'repeats');
const args = [join(benchPy, 'many_children.py'), '--children', values.children];
const mib = (x) => `${(x / 2 ** 20).toFixed(1)} MiB`;
const count = (x) => String(Math.round(x));
const LIMIT = 40 * 2 ** 20;

const rows = [];
const load = loadMonitor();
const tmp = tempDir();
try {
  for (const py of pythons(values.pythons)) {
    prepare(py);
    const sizes = [], files = [];
    const [bare, recorded] = alternate(repeats, () => runPython(py, args).wall, (i) => {
      const dir = join(tmp, `rec-${i}`);
      const r = runPython(py, args, { recordDir: dir });
      const names = readdirSync(dir);
      sizes.push(names.reduce((sum, n) => sum + statSync(join(dir, n)).size, 0));
      files.push(names.filter((n) => n.endsWith('.gsr')).length);
      removeDir(dir);
      return r.wall;
    });
    const ratios = recorded.map((t, i) => t / bare[i]);
    console.log(`${label(py)}: recording ${fmt3(stat(sizes), mib)} in ${fmt3(stat(files), count)} process files; ` +
      `wall bare ${fmt3(stat(bare), (x) => `${x.toFixed(2)} s`)}, recorded / bare ${fmt3(stat(ratios), ratio)}`);
    const what = `many_children.py: ${values.children} subprocess Pythons + a fork Pool of 4`;
    const ss = stat(sizes);
    rows.push(row('manyChildren', what, label(py), 'recording size (all files)', ss, mib, '<= 40 MiB', ss.median <= LIMIT));
    rows.push(row('manyChildren', what, label(py), 'process files (.gsr)', stat(files), count));
    rows.push(row('manyChildren', what, label(py), 'whole run wall time, recorded / bare', stat(ratios), ratio));
  }
} finally {
  removeDir(tmp);
}
const used = load.stop();
console.log(`other jobs used ${used.othersCores.toFixed(2)} of ${used.cpus} CPUs on average during this benchmark (${used.seconds.toFixed(0)} s)`);
rows.push(loadRow('manyChildren', used));
printTable(rows);
emitRows(rows);

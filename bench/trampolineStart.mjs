// What the parent-death trampoline (runtime/python/gilscope/parent_death.py, started
// by src/core/launch/parentDeath.ts) adds to the start of a workload: the time from
// spawn to exit of /bin/true, started directly and through the trampoline, alternated.
//
//   node bench/trampolineStart.mjs [--pythons 3.8,3.11,3.13] [--repeats 40]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { alternate, emitRows, fmt3, intArg, loadMonitor, loadRow, printTable, pythons, row, runtimePath, stat } from './lib.mjs';

const { values } = parseArgs({ options: { pythons: { type: 'string', default: '3.8,3.11,3.13' }, repeats: { type: 'string', default: '40' } } });
const repeats = intArg(values, 'repeats');
const trampoline = join(runtimePath, 'gilscope', 'parent_death.py');
const ms = (x) => `${x.toFixed(1)} ms`;

/** Milliseconds from spawn to exit. */
function timed(command) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command[0], command.slice(1), { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${command.join(' ')} failed: ${r.status ?? r.signal}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const rows = [];
const load = loadMonitor();
for (const py of pythons(values.pythons)) {
  const [bare, tied] = alternate(repeats, () => timed(['/bin/true']),
    () => timed([py.exe, '-I', '-S', trampoline, String(process.pid), '/bin/true']));
  const added = tied.map((t, i) => t - bare[i]);
  console.log(`${py.name}: /bin/true ${fmt3(stat(bare), ms)}, through the trampoline ${fmt3(stat(tied), ms)}`);
  rows.push(row('trampolineStart', 'spawn to exit of /bin/true', py.name, 'added by the trampoline', stat(added), ms));
}
rows.push(loadRow('trampolineStart', load.stop()));
printTable(rows);
emitRows(rows);

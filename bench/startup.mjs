// How much later a recorded Python process starts than a bare one: spawn to exit of
// `python -c pass`, and of a Python that imports threading and runs one thread, bare
// and recorded, in a rotating order, timed by bench/py/spawn_timer.py: wall time from
// spawn to exit, and the child's CPU time (user + system, from wait4), which other jobs
// on a shared machine do not inflate as they do wall time.
//
//   node bench/startup.mjs [--pythons 3.8,3.11,3.13,3.14] [--repeats 30] [--no-bytecode-cache]
//
// Recorded runs get the environment `gilscope record` gives a workload's processes:
// GILSCOPE_DIR (a recording folder with its `budget`, as under the default size cap),
// the runtime first on PYTHONPATH, and the probe handed over by the launcher's check
// (runtime/python/gilscope/probe_handoff.py: GILSCOPE_PROBE...). A third arm leaves
// the hand-over out: each process then checks the probe in full (hashing it and the
// sources), as every process did before the hand-over existed.
//
// The runtime's .pyc files are written on a first untimed run (PYTHONDONTWRITEBYTECODE
// is unset for every arm); --no-bytecode-cache keeps it set for every arm, which is
// what a runtime folder that cannot take __pycache__ costs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  benchPy, emitRows, fmt3, intArg, label, loadMonitor, loadRow, prepare, printTable, pythons, removeDir, row, runtimePath, stat, tempDir,
} from './lib.mjs';

const { values } = parseArgs({
  options: {
    pythons: { type: 'string', default: '3.8,3.11,3.13,3.14' },
    repeats: { type: 'string', default: '30' },
    'no-bytecode-cache': { type: 'boolean', default: false },
  },
});
const repeats = intArg(values, 'repeats');
const ms = (x) => `${x.toFixed(1)} ms`;
const DEFAULT_CAP = 2 ** 30;

const programs = [
  { name: 'python -c pass', args: ['-c', 'pass'] },
  { name: 'python: import threading, run one thread', args: ['-c', 'import threading; t = threading.Thread(target=int); t.start(); t.join()'] },
];

/** The caller's environment without anything of gilscope's, bytecode caching as asked. */
function bareEnvironment() {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('GILSCOPE_')) delete env[name];
  delete env.PYTHONPATH;
  if (values['no-bytecode-cache']) env.PYTHONDONTWRITEBYTECODE = '1';
  else delete env.PYTHONDONTWRITEBYTECODE;
  return env;
}

/** A recording folder as the launchers leave it for the workload: 0700, with its budget (FORMAT.md, "The size cap"). */
function recordingFolder(tmp, name) {
  const dir = join(tmp, name);
  const page = Buffer.alloc(4096);
  page.writeBigUInt64LE(BigInt(DEFAULT_CAP), 8);
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, 'budget'), page, { mode: 0o600, flag: 'wx' });
  return dir;
}

/**
 * Runs the arms (commands with their environments) `repeats` times in a rotating order,
 * timed by bench/py/spawn_timer.py (started once, untimed, with `timerPython -I -S`):
 * per arm, the wall ms (spawn to exit) and CPU ms (the child's user + system time) of each run.
 */
function timeArms(timerPython, arms) {
  const spec = JSON.stringify({ repeats, arms: arms.map(([argv, env]) => ({ argv, env })) });
  const r = spawnSync(timerPython, ['-I', '-S', join(benchPy, 'spawn_timer.py')], { input: spec, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`spawn_timer failed (${r.status ?? r.signal}): ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  return arms.map((_, k) => ({ wall: out.wall_ms[k], cpu: out.cpu_ms[k] }));
}

const rows = [];
const load = loadMonitor();
const tmp = tempDir();
try {
  for (const py of pythons(values.pythons)) {
    const info = prepare(py);
    if (!info.handoff || !info.handoff.GILSCOPE_PROBE) throw new Error(`${py.exe}: gilscope.prepare handed over no probe`);
    const bare = bareEnvironment();
    const dir = recordingFolder(tmp, `rec-${py.name}`);
    const full = { ...bare, GILSCOPE_DIR: dir, GILSCOPE_RUNTIME: runtimePath, PYTHONPATH: runtimePath };
    const handed = { ...full, ...info.handoff };
    for (const program of programs) {
      const argv = [py.exe, ...program.args];
      const [b, h, f] = timeArms(py.exe, [[argv, bare], [argv, handed], [argv, full]]);
      const added = (arm, clock) => arm[clock].map((t, i) => t - b[clock][i]);
      console.log(`${label(py)} ${program.name}: bare ${fmt3(stat(b.wall), ms)} (CPU ${fmt3(stat(b.cpu), ms)}); ` +
        `recorded ${fmt3(stat(h.wall), ms)} (CPU ${fmt3(stat(h.cpu), ms)}); recorded, full check ${fmt3(stat(f.wall), ms)} ` +
        `(CPU ${fmt3(stat(f.cpu), ms)}) (min / median / max of ${repeats})`);
      const sa = stat(added(h, 'wall'));
      rows.push(row('startup', program.name, label(py), 'bare, spawn to exit', stat(b.wall), ms));
      rows.push(row('startup', program.name, label(py), 'added by recording (probe handed over), wall', sa, ms, 'median <= 10 ms (goal 3)', sa.median <= 10));
      rows.push(row('startup', program.name, label(py), 'added by recording (probe handed over), CPU', stat(added(h, 'cpu')), ms));
      rows.push(row('startup', program.name, label(py), 'added with the full probe check (before the hand-over), wall', stat(added(f, 'wall')), ms));
      rows.push(row('startup', program.name, label(py), 'added with the full probe check (before the hand-over), CPU', stat(added(f, 'cpu')), ms));
    }
  }
} finally {
  removeDir(tmp);
}
const used = load.stop();
console.log(`other jobs used ${used.othersCores.toFixed(2)} of ${used.cpus} CPUs on average during this benchmark (${used.seconds.toFixed(0)} s)` +
  (values['no-bytecode-cache'] ? '; PYTHONDONTWRITEBYTECODE=1 for every arm' : ''));
rows.push(loadRow('startup', used));
printTable(rows);
emitRows(rows);

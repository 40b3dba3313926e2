// Shared helpers of the runtime benchmarks (bench/*.mjs): interpreters, running a
// Python script bare or recorded, statistics, and the result rows that bench/run.mjs
// gathers into one table.
//
// Every benchmark alternates its A and B runs (bare, recorded, bare, recorded, ...)
// so that drift of a shared machine hits both, and reports min / median / max over
// the repeats. Times measured inside Python use time.perf_counter(); times of whole
// processes use process.hrtime.bigint() around the child.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const runtimePath = join(root, 'runtime/python');
export const workloads = join(root, 'test/workloads');
export const benchPy = join(root, 'bench/py');

/**
 * The interpreters `npm run pythons` installed into the per-user cache (3.14, 3.15,
 * 3.13t; scripts/pythons/cache.mjs): tag -> executable, from its pythons.json.
 */
function cachedPythons() {
  const root = process.env.GILSCOPE_PYTHONS_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gilscope');
  try {
    return new Map(JSON.parse(readFileSync(join(root, 'pythons.json'), 'utf8')).map((p) => [p.tag, p.executable]));
  } catch {
    return new Map();
  }
}

/**
 * `3.11` -> pyenv's newest 3.11.x, else the one `npm run pythons` installed (3.14, 3.15,
 * 3.13t); `debian-3.11` -> /usr/bin/python3.11; a path is used as is.
 */
export function resolvePython(name) {
  if (name.includes('/')) return existsSync(name) ? { name, exe: name } : undefined;
  const debian = /^debian-(\d+\.\d+)$/.exec(name);
  if (debian) {
    const exe = `/usr/bin/python${debian[1]}`;
    return existsSync(exe) ? { name, exe } : undefined;
  }
  const pyenvRoot = process.env.PYENV_ROOT || join(process.env.HOME || '/root', '.pyenv');
  const versions = join(pyenvRoot, 'versions');
  const cached = cachedPythons().get(name);
  if (!existsSync(versions) || !readdirSync(versions).some((v) => v === name || v.startsWith(`${name}.`))) {
    return cached && existsSync(cached) ? { name: cachedVersion(cached) ?? name, exe: cached, cached: true } : undefined;
  }
  const found = readdirSync(versions)
    .filter((v) => v === name || v.startsWith(name + '.'))
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
    .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
  const v = found.pop();
  if (!v) return undefined;
  const exe = join(versions, v, 'bin/python');
  return existsSync(exe) ? { name: `${v}`, exe } : undefined;
}

/** Resolves a comma-separated list; prints and drops the ones not on this machine. */
export function pythons(list) {
  const out = [];
  for (const name of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const py = resolvePython(name);
    if (py) out.push(py);
    else console.log(`(interpreter ${name} not found here: skipped)`);
  }
  return out;
}

/** The version of an interpreter of the cache, from its folder's name (python/3.14.10-1/usr/bin/python3.14). */
function cachedVersion(exe) {
  return /\/python\/([^/]+)\//.exec(exe)?.[1];
}

/** Label of an interpreter for tables: "3.11.7 (pyenv)", "3.11 (Debian /usr/bin)" or "3.14.10-1 (Debian sid)". */
export function label(py) {
  if (py.exe.startsWith('/usr/bin/')) return `${py.exe.replace('/usr/bin/python', '')} (Debian)`;
  if (py.cached) return `${py.name} (${py.name.endsWith('t') ? 'built from source' : 'Debian sid'})`;
  return `${py.name} (pyenv)`;
}

/** Builds (or finds) the probe for `py` so that no timed run pays for a compile. */
export function prepare(py) {
  const r = spawnSync(py.exe, ['-m', 'gilscope.prepare'], {
    encoding: 'utf8', env: { ...process.env, PYTHONPATH: runtimePath },
  });
  if (r.status !== 0) throw new Error(`gilscope.prepare failed for ${py.exe}: ${r.stdout}${r.stderr}`);
  const info = JSON.parse(r.stdout.trim().split('\n').pop());
  if (!info.exact) throw new Error(`exact recording unavailable for ${py.exe}: ${info.reason}`);
  return info;
}

export function tempDir(prefix = 'gilscope-bench-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Runs `args` (a script and its arguments) with `py`, bare or under
 * `python -m gilscope.run -o recordDir` (after an untimed `prepare`). Returns { wall (seconds, whole process),
 * stdout, truth (the GILSCOPE-TRUTH object, if printed), json (the last stdout line
 * parsed as JSON, if it is) }.
 */
export function runPython(py, args, { recordDir, env = {}, timeout = 300_000 } = {}) {
  const childEnv = { ...process.env, GILSCOPE_TRUTH: '1', ...env };
  delete childEnv.GILSCOPE_DIR;
  let argv;
  if (recordDir) {
    // untimed: finds the cached probe, or rebuilds it if runtime/csrc changed since
    // the last run (a compile inside a timed run would count seconds of gcc)
    prepare(py);
    childEnv.PYTHONPATH = runtimePath;
    argv = ['-m', 'gilscope.run', '--no-fallback', '-o', recordDir, ...args];
  } else {
    delete childEnv.PYTHONPATH;
    argv = args;
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(py.exe, argv, { encoding: 'utf8', env: childEnv, maxBuffer: 1 << 26, timeout });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    throw new Error(`${py.exe} ${argv.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  }
  return { wall, stdout: r.stdout, stderr: r.stderr, ...parseOutput(r.stdout) };
}

export function parseOutput(stdout) {
  const lines = stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const out = {};
  for (const line of lines) {
    if (line.startsWith('GILSCOPE-TRUTH ')) out.truth = JSON.parse(line.slice('GILSCOPE-TRUTH '.length));
  }
  if (last.startsWith('{')) {
    try { out.json = JSON.parse(last); } catch { /* not JSON */ }
  }
  return out;
}

/** Runs `fns` in turn `repeats` times, every other round in reverse (a, b, b, a, a, b, ...: none always goes first); their results, per function. */
export function alternate(repeats, ...fns) {
  const out = fns.map(() => []);
  for (let i = 0; i < repeats; i++) {
    const order = fns.map((_, k) => k);
    if (i % 2 === 1) order.reverse();
    for (const k of order) out[k].push(fns[k](i));
  }
  return out;
}

export function stat(xs) {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  if (!s.length) return { min: NaN, median: NaN, max: NaN, n: 0 };
  const m = s.length >> 1;
  const median = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  return { min: s[0], median, max: s[s.length - 1], n: s.length };
}

export function fmt3(st, f) {
  return `${f(st.min)} / ${f(st.median)} / ${f(st.max)}`;
}

export const ns = (x) => `${x.toFixed(1)} ns`;
export const ratio = (x) => x.toFixed(3);
export const pct = (x) => `${(x * 100).toFixed(1)}%`;

/**
 * A result row for bench/run.mjs: `metric` over `workload` on `python`, its
 * min/median/max (already formatted), the target and whether the median meets it.
 */
export function row(bench, workload, python, metric, st, f, target, pass) {
  return {
    bench, workload, python, metric,
    min: f(st.min), median: f(st.median), max: f(st.max), n: st.n,
    target: target ?? '', verdict: pass === undefined ? '' : pass ? 'met' : 'MISSED',
  };
}

/** Prints rows as a Markdown table. */
export function printTable(rows, { withBench = false } = {}) {
  const head = [...(withBench ? ['bench'] : []), 'workload', 'interpreter', 'measure', 'min', 'median', 'max', 'n', 'target', ''];
  const lines = [head, head.map(() => '---')];
  for (const r of rows) {
    lines.push([...(withBench ? [r.bench] : []), r.workload, r.python, r.metric, r.min, r.median, r.max, String(r.n), r.target, r.verdict]);
  }
  console.log(lines.map((l) => `| ${l.join(' | ')} |`).join('\n'));
}

/** The last line a benchmark prints, read by bench/run.mjs. */
export function emitRows(rows) {
  console.log('BENCH-ROWS ' + JSON.stringify(rows));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

export function intArg(values, key) {
  const n = Number(values[key]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key} must be a positive number`);
  return n;
}

/** CPU ticks (USER_HZ) of the whole machine, and of this process plus its reaped children. */
function cpuTicks() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu;
  const self = readFileSync('/proc/self/stat', 'utf8');
  const f = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number); // f[0] is field 3 (state)
  const own = f[11] + f[12] + f[13] + f[14]; // utime stime cutime cstime (fields 14-17)
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal, own, t: process.hrtime.bigint() };
}

/**
 * Measures what other jobs on the machine used while a benchmark ran: call start(),
 * then stop() -> { othersCores, cpus, steal } where othersCores is the average number
 * of CPUs busy with processes other than this benchmark and its children (children
 * are counted once reaped, which every run is before the next starts).
 */
export function loadMonitor() {
  const a = cpuTicks();
  return {
    stop() {
      const b = cpuTicks();
      const seconds = Number(b.t - a.t) / 1e9;
      const hz = 100;
      const others = Math.max(0, (b.busy - a.busy) - (b.own - a.own)) / hz / seconds;
      return { othersCores: others, cpus: cpus().length, stealCores: (b.steal - a.steal) / hz / seconds, seconds };
    },
  };
}

export function loadRow(bench, load) {
  const v = load.othersCores.toFixed(2);
  return {
    bench, workload: '(machine)', python: '', metric: `CPUs used by other jobs during this benchmark (of ${load.cpus})`,
    min: '', median: v, max: '', n: 1, target: '0 (idle machine)', verdict: load.othersCores > 0.25 ? 'LOADED' : '',
  };
}

/**
 * A process's figure from its timed rounds: the 25th percentile of the rounds after the
 * `warmup` first ones. A round that a concurrent job preempted is slower; on a shared
 * machine most short rounds are not, so this keeps the cost of the code itself (every
 * round, bare or recorded, still includes its share of the recorder's work) without the
 * extremes of a minimum.
 */
export function roundsFigure(rounds, warmup) {
  const s = (rounds.length > warmup ? rounds.slice(warmup) : rounds).slice().sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 4)];
}

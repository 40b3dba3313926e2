import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { CompareResult, CompareRun } from '../../src/core/compare/types';
import { gilscope, oneLine } from '../support/gilscopeCli';
import { freeCores } from '../support/machineCores';
import { findPythons } from '../support/pythons';
import { tempDir } from '../support/recordingFixtures';
import { TEST_PYTHON } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import { compare, inputsFile, KERNEL, POOLS } from './cli';

/**
 * `gilscope compare` on REAL runs (each recorded by the runtime), kept
 * small: a pure-Python kernel (test/workloads/whatif_kernel.py) over a few
 * inputs, N in {1, 2}.
 */

function run(r: CompareResult, mode: string, workers: number | null): CompareRun {
  const found = r.runs.find((x) => x.mode === mode && x.workers === workers);
  assert.ok(found, `a ${mode} ×${workers} run`);
  return found;
}

function ok(r: CompareResult, mode: string, workers: number | null): CompareRun {
  const x = run(r, mode, workers);
  assert.equal(x.error, null, `${mode} ×${workers} worked`);
  return x;
}

/** The backticked field names of the first column of the table under `### heading` in docs/compare.md. */
function documented(heading: string): string[] {
  const doc = readFileSync(join(repoRoot, 'docs/compare.md'), 'utf8');
  const from = doc.indexOf(`### ${heading}`);
  const section = doc.slice(from, doc.indexOf('\n### ', from + 4) > 0 ? doc.indexOf('\n### ', from + 4) : undefined);
  return [...section.matchAll(/^\| `([a-zA-Z]+)`/gm)].map((m) => m[1]!);
}

describe('gilscope compare: bad input is one line and exit status 2, before anything runs', () => {
  const inputs = inputsFile(2, 1000);
  const cases: [string, string[], RegExp][] = [
    ['a missing inputs file', ['--function', `${KERNEL}:work`, '--inputs', '/no/such/inputs.json'], /no such file: \/no\/such\/inputs\.json/],
    ['a missing function file', ['--function', '/no/such/file.py:work', '--inputs', inputs], /no such file: \/no\/such\/file\.py/],
    ['a function the file does not define', ['--function', `${KERNEL}:nothere`, '--inputs', inputs], /defines no function 'nothere'/],
    ['inputs that are not JSON', ['--function', `${KERNEL}:work`, '--inputs', KERNEL], /is not JSON/],
    ['--function without --inputs', ['--function', `${KERNEL}:work`], /needs --inputs/],
    ['an unknown mode', ['--function', `${KERNEL}:work`, '--inputs', inputs, '--modes', 'gpu'], /unknown mode 'gpu'/],
    ['a missing script', ['--', TEST_PYTHON, '/no/such/script.py'], /no such script/],
    ['--from a folder with no comparison', ['--from', tempDir()], /whatif\.json is missing/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const out = join(tempDir(), 'out');
      const r = await gilscope(['compare', '--python', TEST_PYTHON, '-o', out, ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(oneLine(r.stderr), message);
      assert.equal(r.stdout, '');
      assert.ok(!existsSync(out), 'nothing was run');
    });
  }
});

describe(`gilscope compare --function (${TEST_PYTHON}, N in 1, 2)`, () => {
  let r: CompareResult;
  before(async () => {
    ({ result: r } = await compare(['--function', `${KERNEL}:work`, '--inputs', inputsFile(8, 150_000), '--workers', '1,2']));
  });

  it('runs every mode, each with exactly the fields docs/compare.md documents', () => {
    const fields = documented('Run').sort();
    assert.ok(fields.length >= 10);
    for (const x of r.runs) assert.deepEqual(Object.keys(x).sort(), fields, `${x.mode} ×${x.workers}`);
    assert.deepEqual(r.workerCounts, [1, 2]);
    for (const mode of ['threads', 'processes-fork', 'processes-spawn']) for (const n of [1, 2]) ok(r, mode, n);
    assert.equal(ok(r, 'serial', 1).speedup, 1);
  });

  it('the GIL shares come from the recordings: serial holds it, two threads wait for it, processes do not', () => {
    assert.ok(ok(r, 'serial', 1).gil!.heldShare > 0.9);
    const threads = ok(r, 'threads', 2).gil!;
    // Two CPU threads wait about half their time on an idle machine; when other programs load
    // it, a thread preempted after a release is neither holding nor waiting, so only a clear
    // wait (serial shows none) is asked for here.
    assert.ok(threads.waitShare > 0.1 && threads.heldShare < 0.8, JSON.stringify(threads));
    for (const mode of ['processes-fork', 'processes-spawn']) {
      const run = ok(r, mode, 2);
      const g = run.gil!;
      // Each worker holds its own GIL while it computes and lets it go while it waits for its
      // next input: on a machine other programs load, the parent hands inputs out later and
      // that wait grows; what holds under any load is that nobody waits for a GIL.
      const free = freeCores(run.foreignCpus, availableParallelism());
      const heldAtLeast = free >= 1.7 ? 0.6 : 0.3;
      assert.ok(g.heldShare > heldAtLeast && g.waitShare < 0.1, `${mode}: ${JSON.stringify(g)} (${free.toFixed(2)} cores free)`);
    }
  });

  it('processes pay start-up and pickling, threads do not; peak memory counts the workers', () => {
    const serial = ok(r, 'serial', 1);
    for (const mode of ['processes-fork', 'processes-spawn']) {
      const p = ok(r, mode, 2);
      assert.ok(p.startupSeconds! > 0 && p.transferSeconds! > 0, `${mode}: start-up ${p.startupSeconds}, transfer ${p.transferSeconds}`);
      assert.ok(p.peakMemoryBytes! > serial.peakMemoryBytes!, `${mode} uses more memory than serial`);
    }
    assert.ok(ok(r, 'processes-spawn', 1).startupSeconds! > ok(r, 'processes-fork', 1).startupSeconds!, 'spawn starts slower than fork');
    assert.equal(ok(r, 'threads', 2).transferSeconds, 0);
    for (const x of r.runs.filter((y) => y.cpuUtilisation !== null)) assert.ok(x.cpuUtilisation! > 0 && x.cpuUtilisation! <= 1.05);
  });

  it('says plainly when sub-interpreters or a free-threaded build are not there', () => {
    const sub = run(r, 'subinterpreters', r.runs.some((x) => x.mode === 'subinterpreters' && x.workers === null) ? null : 2);
    if (sub.workers === null) assert.match(sub.error!, /no sub-interpreters with their own GIL \(3\.12 or newer has\)/);
    const ft = r.runs.filter((x) => x.mode === 'free-threaded');
    if (ft.length === 1 && ft[0]!.workers === null) assert.match(ft[0]!.error!, /no free-threaded Python found \(looked for python3\.13t, python3\.14t/);
  });

  it('suggestions carry the measured speedup beside the predicted one', () => {
    const procs = r.suggestions.find((s) => s.kind === 'useProcesses');
    assert.ok(procs, 'a processes suggestion');
    assert.equal(procs.workers, 2);
    assert.equal(procs.measuredSpeedup, ok(r, 'processes-fork', 2).speedup);
    assert.equal(procs.evidence['costsMeasured'], 1);
    assert.equal(r.suggestions.find((s) => s.kind === 'keepThreads')?.measuredSpeedup, ok(r, 'threads', 2).speedup);
    assert.equal(r.suggestions.find((s) => s.kind === 'releaseGil')?.target?.function, 'work');
    assert.equal(r.suggestions[0]!.rank, 1);
  });

  it('series give a chart its lines: measured and predicted per N, and the ideal', () => {
    const fork = r.series.find((s) => s.mode === 'processes-fork');
    assert.ok(fork);
    assert.deepEqual(fork.points.map((p) => [p.workers, p.ideal, p.idealOnCores]), [[1, 1, 1], [2, 2, Math.min(2, r.cores)]]);
    for (const p of fork.points) {
      assert.equal(p.measured, ok(r, 'processes-fork', p.workers).speedup);
      assert.ok(p.predicted! > 0 && p.predictedInterval![0] <= p.predicted! && p.predicted! <= p.predictedInterval![1]);
    }
  });

  it('--from reads it again and prints the table', async () => {
    const t = await gilscope(['compare', '--from', r.directory]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /mode\s+N\s+wall\s+speedup\s+predicted/);
    assert.match(t.stdout, /processes-fork\s+2\s/);
    assert.match(t.stdout, /Suggestions\n1\. /);
  });
});

describe('gilscope compare: the predicted process-pool speedup is within 25% of the measured one', () => {
  it(`CPU-bound kernel, processes-fork ×2 (${TEST_PYTHON})`, async (t) => {
    // Other processes using the CPUs change the measured speedup, not the prediction (made
    // for this machine's cores): the measurement is brought to those cores through what each
    // run measured of the machine (serial Python uses one core at most, two processes two),
    // on the least loaded of up to three tries, each of three repeats keeping the fastest.
    const inputs = inputsFile(8, 1_000_000);
    const cores = availableParallelism();
    const attempts: { load: number; error: number; said: string }[] = [];
    const started = performance.now();
    while (attempts.length < 3 && performance.now() - started < 25_000) {
      const { result } = await compare(['--function', `${KERNEL}:work`, '--inputs', inputs, '--workers', '2', '--modes', 'processes-fork', '--repeat', '3']);
      const serial = ok(result, 'serial', 1);
      const fork = ok(result, 'processes-fork', 2);
      const freeSerial = freeCores(serial.foreignCpus, cores);
      const freeFork = freeCores(fork.foreignCpus, cores);
      const measured = fork.speedup! * Math.min(1, freeSerial) * Math.min(2, cores) / Math.min(2, freeFork);
      // This VM's speed itself moves from one run to the next, by up to a sixth with nothing else
      // running (the hypervisor's other guests, unseen by /proc/stat): the spread of each mode's
      // repeats, as measured, widens the bound by as much.
      const noise = Math.max(spread(serial.repeats), spread(fork.repeats));
      const error = Math.abs(fork.predictedSpeedup! - measured) / measured - noise;
      const load = Math.max(serial.foreignCpus ?? 0, fork.foreignCpus ?? 0);
      attempts.push({ load, error, said: `predicted ${fork.predictedSpeedup}, measured ${fork.speedup} as run, ${measured.toFixed(3)} on ${Math.min(2, cores)} cores ` +
        `(${((error + noise) * 100).toFixed(1)}%, the repeats' spread ${(noise * 100).toFixed(1)}%; cores free ${freeSerial.toFixed(2)} serial, ${freeFork.toFixed(2)} processes)` });
      if (load <= 0.3) break;
    }
    t.diagnostic(attempts.map((a) => a.said).join('; '));
    const best = attempts.reduce((a, b) => (b.load < a.load ? b : a));
    assert.ok(best.error <= 0.25, `within 25% and the repeats' spread: ${best.said}`);
  });
});

/** How far apart a run's repeats were: slowest over fastest, less one (0 without two). */
function spread(repeats: readonly (number | null)[] | null): number {
  const times = (repeats ?? []).filter((x): x is number => x !== null && x > 0);
  return times.length >= 2 ? Math.max(...times) / Math.min(...times) - 1 : 0;
}

describe('gilscope compare -- python SCRIPT: pools swapped without editing the script', () => {
  it('thread pool → processes, and the script still computes the right answer', async () => {
    const { result } = await compare(['--workers', '2', '--modes', 'processes-fork', '--', TEST_PYTHON, POOLS, '--pool', 'thread']);
    const p = ok(result, 'processes-fork', 2);
    ok(result, 'as-is', null);
    assert.ok(p.transferSeconds! > 0 && p.startupSeconds! > 0);
    assert.equal(result.suggestions.find((s) => s.kind === 'useProcesses')?.measuredSpeedup, p.speedup);
  });

  it('process pool → threads, and multiprocessing.dummy → multiprocessing', async () => {
    const [a, b] = await Promise.all([
      compare(['--workers', '2', '--modes', 'threads', '--', TEST_PYTHON, POOLS, '--pool', 'process']),
      compare(['--workers', '2', '--modes', 'processes-spawn', '--', TEST_PYTHON, POOLS, '--pool', 'dummy']),
    ]);
    assert.equal(ok(a.result, 'threads', 2).transferSeconds, 0);
    assert.ok(ok(b.result, 'processes-spawn', 2).startupSeconds! > 0);
  });

  it('a lambda cannot go to a process: the run says so and names it', async () => {
    const { result } = await compare(['--workers', '2', '--modes', 'processes-fork', '--', TEST_PYTHON, POOLS, '--pool', 'thread', '--lambda']);
    const lambdaLine = readFileSync(POOLS, 'utf8').split('\n').findIndex((l) => l.includes('# LAMBDA')) + 1;
    const p = run(result, 'processes-fork', 2);
    assert.match(p.error!, new RegExp(`the lambda defined at .*pools\\.py:${lambdaLine}, cannot be pickled`));
    assert.match(result.suggestions.find((s) => s.kind === 'useProcesses')!.title, /what-if run failed: cannot run this in a process pool/);
  });
});

describe('gilscope compare: sub-interpreters with their own GIL (3.12+)', () => {
  it('runs the function in N sub-interpreters, each GIL recorded', async (t) => {
    const python = (await findPythons([3, 12]))[0];
    if (!python) {
      t.skip('no Python 3.12 or newer here');
      return;
    }
    const { result } = await compare(['--function', `${KERNEL}:work`, '--inputs', inputsFile(4, 100_000), '--workers', '2', '--modes', 'subinterpreters'], python.executable);
    const s = ok(result, 'subinterpreters', 2);
    assert.ok(s.gil && s.gil.heldShare > 0.5 && s.gil.waitShare < 0.2, `each interpreter holds its own GIL: ${JSON.stringify(s.gil)}`);
    assert.ok(s.startupSeconds! > 0 && s.transferSeconds! > 0);
    assert.equal(result.suggestions.find((x) => x.kind === 'subInterpreters')?.measuredSpeedup, s.speedup);
  });
});

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../../src/core/analysis/recordingSession';
import { buildReport } from '../../../src/core/report/buildReport';
import type { Report, ReportProcess, ReportThread } from '../../../src/core/report/schema';
import { findPythons } from '../../support/pythons';
import type { PythonInterpreter } from '../../support/pythons';
import { tempDir } from '../../support/recordingFixtures';
import { recordWithRuntime } from '../../support/recordWorkload';
import type { Truth } from '../../support/recordWorkload';
import { repoRoot } from '../../support/repoRoot';
import { runOk } from '../../support/runProcess';

/**
 * A free-threaded CPython (3.13t from `npm run pythons`) recorded as it runs, read the way a user
 * reads it: the JSON report (docs/report-schema.md). Where threads wait without a GIL, by object
 * and line; stop-the-world pauses; the GIL turned on by a module; and no GIL wait while it is off.
 * The workloads are test/workloads/'s, with their own measurements (the truth line).
 */

interface Run {
  readonly dir: string;
  readonly truth: Truth;
  readonly script: string;
  readonly analysis: RecordingAnalysis;
  readonly report: Report;
  readonly process: ReportProcess;
}

async function record(python: PythonInterpreter, name: string, args: readonly string[] = []): Promise<Run> {
  const dir = join(tempDir('gilscope-ft-'), `${name}.gilscope`);
  const script = join(repoRoot, 'test/workloads', `${name}.py`);
  const ran = await recordWithRuntime(python.executable, dir, script, args, { env: { GILSCOPE_TRUTH: '1' }, timeoutMs: 180_000 });
  const line = ran.stdout.trimEnd().split('\n').find((l) => l.startsWith('GILSCOPE-TRUTH ')) ?? '';
  assert.ok(line, `${name} printed its truth line:\n${ran.stdout}\n${ran.stderr}`);
  const analysis = analyzeRecording(dir);
  const report = buildReport(analysis, 'gilscope', 2);
  const truth = JSON.parse(line.slice('GILSCOPE-TRUTH '.length)) as Truth;
  const process = report.processes.find((p) => p.pid === truth.pid) ?? report.processes[0]!;
  return { dir, truth, script, analysis, report, process };
}

const life = (t: ReportThread): number => t.endSeconds - t.startSeconds;

/** Every thread's states without a GIL, with the GIL's held and wait, add up to its life; none waits for a GIL that is off. */
function statesAddUp(p: ReportProcess): void {
  for (const t of p.threads) {
    assert.ok(t.states, `${t.name} has free-threaded states`);
    const s = t.states;
    const sum = s.runningSeconds + s.lockWaitSeconds + s.stopTheWorldSeconds + s.blockedSeconds + s.detachedSeconds;
    assert.ok(Math.abs(sum - t.gil.releasedSeconds) < 1e-6, `${t.name}: states ${sum} vs released ${t.gil.releasedSeconds}`);
    assert.ok(Math.abs(sum + t.gil.heldSeconds + t.gil.waitSeconds - life(t)) < 1e-6, `${t.name}: states and GIL add up to its life`);
    if (p.gilEnabledAt === null) {
      assert.equal(t.gil.waitSeconds, 0, `${t.name} waited for a GIL that was off`);
      // only while a module is created is the GIL on, for microseconds (FORMAT.md PHASE 4)
      assert.ok(t.gil.heldSeconds <= 0.01 * life(t), `${t.name} held a GIL that was off ${t.gil.heldSeconds} s`);
    }
  }
}

describe('a free-threaded CPython (3.13t) recorded', async () => {
  const python = (await findPythons({ include: ['3.13t'] })).find((p) => p.freeThreaded);
  if (!python) {
    it('needs a free-threaded CPython: npm run pythons builds 3.13t', (t) => t.skip('no free-threaded CPython listed by npm run pythons'));
    return;
  }

  describe('four threads writing one dict, then four appending to one list', () => {
    let r: Run;
    before(async () => {
      // Whether a thread finding the object busy parks (a wait) or only spins depends on how the OS runs
      // the four at that moment: a run in which no thread had to wait for one of them is made again, twice at most.
      for (let attempt = 0; attempt < 3; attempt++) {
        r = await record(python, 'shared_objects');
        const waited = (type: string) => r.process.locks.some((l) => l.kind === type && l.waitSeconds > 0);
        if (waited('dict') && waited('list')) break;
      }
    });

    it('the GIL stays off: the report says so, and no thread waits for it', () => {
      assert.equal(r.report.python.gilEnabled, false);
      assert.equal(r.truth['gil_enabled'], false);
      assert.equal(r.process.gilEnabledAt, null);
      statesAddUp(r.process);
    });

    // the lines that write each object: a list is extended, and cleared now and then, and
    // when its waits are few, the one that let it go or waited may be the clearing line
    for (const [type, markers] of [['dict', ['DICT-WRITE']], ['list', ['LIST-APPEND', 'LIST-CLEAR']]] as const) {
      it(`the ${type} is listed among the locks, by its type, with its writing line among its waiters`, () => {
        const lines: number[] = markers.flatMap((m) => r.truth.markers?.[m] ?? []);
        assert.equal(lines.length, markers.length, `the markers ${markers.join(', ')} are in the workload`);
        const writes = (at: { file: string; line: number }) => at.file === r.script && lines.includes(at.line);
        const objects = r.process.locks.filter((l) => l.kind === type && l.waitSeconds > 0);
        assert.ok(objects.length > 0, `a ${type} was waited for: ${r.process.locks.map((l) => `${l.kind} ${l.waitSeconds}`).join(', ')}`);
        const o = objects[0]!;
        assert.equal(o.name, null);
        assert.ok(o.waiters.some(writes), `${type} waiters ${JSON.stringify(o.waiters)} include one of lines ${lines.join(', ')}`);
        // a critical section's holds are not recorded: none is made up; the line that let it go is its holder
        assert.equal(o.holdSeconds, 0);
        assert.ok(o.holders.some((h) => h.blockingSeconds > 0 && writes(h)), `${type} holders ${JSON.stringify(o.holders)}`);
        const threads = r.process.threads.reduce((s, t) => s + (t.states?.lockWaitSeconds ?? 0), 0);
        const locks = r.process.locks.reduce((s, l) => s + l.waitSeconds, 0);
        assert.ok(Math.abs(threads - locks) < 1e-6, `threads' lock/object wait ${threads} = the locks' ${locks}`);
      });
    }
  });

  describe('shared objects: the suggestion', () => {
    it('an object the workers waited for at least 1% of their time is to be given to each thread, at its waiting line; none below', async () => {
      const r = await record(python, 'shared_objects');
      const workers = r.report.workers?.threads.length ?? 0;
      const top = r.process.locks.filter((l) => (l.kind === 'dict' || l.kind === 'list') && l.waitSeconds > 0).sort((a, b) => b.waitSeconds - a.waitSeconds)[0];
      const s = r.report.suggestions.find((x) => x.kind === 'shareNothing');
      if (top && top.waitSeconds >= 0.01 * r.report.wallSeconds * workers) {
        assert.ok(s, `a shareNothing suggestion for the ${top.kind}: ${r.report.suggestions.map((x) => x.title).join('\n')}`);
        assert.match(s.title, new RegExp(`own ${top.kind}`));
        assert.equal(s.target?.line, top.waiters[0]!.line);
        assert.ok(s.predictedSpeedup > 1 && s.evidence['objectWaitSeconds'] === Math.round(top.waitSeconds * 1e6) / 1e6, JSON.stringify(s.evidence));
      } else {
        assert.equal(s, undefined, 'no suggestion for waits that small');
      }
    });
  });

  describe('lock_convoy: four threads on one threading.Lock', () => {
    let r: Run;
    before(async () => {
      r = await record(python, 'lock_convoy', ['--threads', '4', '--iterations', '100']);
    });

    it("the lock's wait is what the workload measured around its acquire() calls, within 5% and the threads' CPU wait", () => {
      const lock = r.process.locks[0]!;
      assert.equal(lock.kind, 'Lock');
      assert.equal(lock.name, 'shared_lock');
      assert.equal(lock.acquisitions, r.truth['acquisitions']);
      const measured = r.truth['lock_wait_seconds'] as number;
      // Without a GIL a woken waiter returns from acquire() once the OS runs it: the recorded wait ends at the
      // wake, the workload's clock when it ran. On a busy machine that delay is the threads' run-queue delay.
      const convoy = r.process.threads.filter((t) => t.name.startsWith('convoy-'));
      const cpuWait = convoy.reduce((s, t) => s + (t.cpuWaitSeconds ?? 0), 0);
      assert.ok(lock.waitSeconds <= measured * 1.05, `recorded ${lock.waitSeconds.toFixed(4)} s, measured ${measured.toFixed(4)} s`);
      assert.ok(lock.waitSeconds >= measured * 0.95 - cpuWait, `recorded ${lock.waitSeconds.toFixed(4)} s, measured ${measured.toFixed(4)} s, CPU wait ${cpuWait.toFixed(4)} s`);
      assert.equal(lock.gilWaitSeconds, 0, 'no GIL to wait for after the lock');
      statesAddUp(r.process);
    });
  });

  describe('gc_pauses: three busy threads while the main thread collects 20 times', () => {
    let r: Run;
    before(async () => {
      r = await record(python, 'gc_pauses', ['--collections', '20']);
    });

    it('at least 20 stop-the-world pauses, each with its duration, caused by garbage collection', () => {
      const stw = r.process.stopTheWorld;
      assert.ok(stw, 'a free-threaded process has its stop-the-world figures');
      assert.ok(stw.count >= 20, `${stw.count} pauses`);
      const gc = stw.causes.find((c) => c.cause === 'garbage collection');
      assert.ok(gc && gc.count >= 20 && gc.seconds > 0, JSON.stringify(stw.causes));
      const pauses = r.analysis.processes.find((p) => p.pid === r.process.pid)!.stopTheWorld!.pauses;
      assert.equal(pauses.length, stw.count);
      assert.ok(pauses.every((p) => p.endSeconds > p.startSeconds), 'each pause has a duration');
      // one pause stops the three busy threads together: not a pause per thread stopped
      const stopped = pauses.reduce((s, p) => s + p.stopped, 0);
      assert.ok(stopped >= 1.5 * pauses.filter((p) => p.stopped > 0).length, `${stopped} threads stopped in ${pauses.length} pauses`);
      // the busy threads were stopped by them, at their loop's line
      const busy = r.process.threads.filter((t) => t.name.startsWith('busy-'));
      assert.equal(busy.length, 3);
      for (const t of busy) assert.ok((t.states?.stopTheWorldSeconds ?? 0) > 0, `${t.name} was stopped`);
      // the suggestion: collect less often, for what the pauses cost the workers
      const s = r.report.suggestions.find((x) => x.kind === 'fewerCollections');
      assert.ok(s, r.report.suggestions.map((x) => x.title).join('\n'));
      assert.ok(s.predictedSpeedup > 1 && s.evidence['gcPauses']! >= 20, JSON.stringify(s.evidence));
      assert.equal(s.target?.file, r.script, 'at the line the workers were stopped at');
      assert.ok(r.process.lines.some((l) => l.file === r.script && l.stopTheWorldSeconds > 0), 'a line of the workload was stopped by the world');
      statesAddUp(r.process);
    });
  });

  describe('gil_enabling: a module without Py_mod_gil imported half-way', () => {
    let r: Run;
    before(async () => {
      const folder = tempDir('gilscope-cext-');
      mkdirSync(folder, { recursive: true });
      const [include, suffix] = (await runOk(python.executable, ['-c', "import sysconfig; print(sysconfig.get_paths()['include']); print(sysconfig.get_config_var('EXT_SUFFIX'))"])).stdout.trim().split('\n');
      await runOk('gcc', ['-O1', '-shared', '-fPIC', '-I', include!, '-o', join(folder, `gil_needed${suffix}`), join(repoRoot, 'test/workloads/cext/gil_needed.c'), '-lpthread']);
      r = await record(python, 'gil_enabling', [folder]);
    });

    it('says when and by which module the GIL was turned on, and counts the GIL exactly after it', () => {
      const on = r.process.gilEnabledAt;
      assert.ok(on, 'gilEnabledAt');
      assert.equal(on.module, 'gil_needed');
      const [start, end] = (r.truth['import_at'] as [number, number]).map((s) => s - Number(r.analysis.startNs) / 1e9) as [number, number];
      assert.ok(on.seconds >= start - 1e-3 && on.seconds <= end + 0.01, `turned on at ${on.seconds} s, the import ran ${start}–${end} s`);
      assert.ok(r.report.warnings.some((w) => /GIL was turned on at .* to import gil_needed/.test(w)), r.report.warnings.join('\n'));
      const s = r.report.suggestions.find((x) => x.kind === 'gilModule');
      assert.ok(s && /importing gil_needed turned the GIL on/.test(s.title) && /PYTHON_GIL=0/.test(s.detail), r.report.suggestions.map((x) => x.title).join('\n'));
      assert.ok(s.predictedSpeedup > 1 && s.evidence['gilWaitSeconds']! > 0, JSON.stringify(s.evidence));
      statesAddUp(r.process);
      const h = r.analysis.heatmap.query({ startSeconds: 0, endSeconds: r.analysis.wallSeconds, width: 1 });
      const spinners = r.process.threads.filter((t) => t.name.startsWith('spin-'));
      assert.equal(spinners.length, 3);
      const slotOf = (t: ReportThread) => r.analysis.processes.find((p) => p.pid === r.process.pid)!.threads.find((x) => x.tid === t.tid)!.slot;
      // the heatmap spreads each 1 ms bin evenly over it: a window that ends inside the bin where
      // the GIL came on gets a share of what followed in it, so it ends two bins earlier
      const before = r.analysis.heatmap.query({ startSeconds: 0, endSeconds: start - 0.002, width: 1 });
      const after = r.analysis.heatmap.query({ startSeconds: end + 0.01, endSeconds: r.analysis.wallSeconds, width: 1 });
      for (const t of spinners) {
        const key = `${r.process.pid}/${slotOf(t)}`;
        const b = before.threads.find((x) => x.key === key)!.cells;
        const a = after.threads.find((x) => x.key === key)!.cells;
        // before: running without a GIL, never waiting for one; after: holding or waiting for it, never running without it
        assert.equal(b.wait[0]! + b.held[0]!, 0, `${t.name} had no GIL before the import`);
        assert.ok(b.running[0]! > 0, `${t.name} ran before the import`);
        assert.ok(a.held[0]! > 0 && a.wait[0]! > 0, `${t.name} held and waited for the GIL after it`);
        assert.ok(a.running[0]! < 1e-3, `${t.name} ran ${a.running[0]} s without a GIL after it was on`);
        assert.ok(h.threads.some((x) => x.key === key));
      }
    });
  });

  describe('cpu_threads: four independent CPU threads', () => {
    let r: Run;
    before(async () => {
      r = await record(python, 'cpu_threads', ['--threads', '4', '--seconds', '1.0']);
    });

    it('they hardly wait, and never for a GIL: they run', () => {
      const workers = r.process.threads.filter((t) => t.name.startsWith('cpu-'));
      assert.equal(workers.length, 4);
      // Leaving the start barrier a thread may wait for the barrier's own lock while no core is free to run
      // the thread holding it (a real wait, of the start, not the loop's): waits on other locks and objects,
      // and stop-the-world pauses, are near zero.
      // The start barrier is the workload's one synchronisation (a threading.Barrier: its Condition).
      const startUp = (l: ReportProcess['locks'][number]) => l.kind === 'Condition' || (l.createdAt !== null && /[\\/]threading\.py$/.test(l.createdAt.file));
      const loopWaits = r.process.locks.filter((l) => !startUp(l)).reduce((s, l) => s + l.waitSeconds, 0);
      const lives = workers.reduce((s, t) => s + life(t), 0);
      assert.ok(loopWaits <= 0.02 * lives, `waited ${loopWaits} s on locks and objects of ${lives} s`);
      for (const t of workers) {
        assert.equal(t.gil.waitSeconds, 0);
        const s = t.states!;
        assert.ok(s.stopTheWorldSeconds <= 0.02 * life(t), `${t.name}: stopped ${s.stopTheWorldSeconds} s of ${life(t)} s`);
        // running, or at the start barrier: never detached or stopped for long
        assert.ok(s.runningSeconds + s.lockWaitSeconds + s.blockedSeconds >= 0.98 * life(t), `${t.name}: ${JSON.stringify(s)}`);
      }
      // no lock or object guessed at; where the threads hardly waited (the start barrier aside), how many ran at once
      assert.equal(r.report.suggestions.filter((x) => x.kind === 'narrowLock' || x.kind === 'shareNothing').length, 0, r.report.suggestions.map((x) => x.title).join('\n'));
      const waited = workers.reduce((s, t) => s + t.states!.lockWaitSeconds + t.states!.stopTheWorldSeconds, 0);
      const s = r.report.suggestions.find((x) => x.kind === 'threadScaling');
      if (waited <= 0.2 * lives) {
        assert.ok(s, r.report.suggestions.map((x) => x.title).join('\n'));
        assert.match(s.title, /4 threads ran [\d.]+ at once/);
        assert.ok(s.evidence['runningAtOnce']! > 1, JSON.stringify(s.evidence));
      } else {
        assert.equal(s, undefined, `threads that waited ${waited} s of ${lives} s are not said to hardly wait`);
      }
      statesAddUp(r.process);
    });
  });

  describe('the integrate scenario (test/scenarios/integrate), serial and in two threads', () => {
    it('threads scale without a GIL, and the report says so', async () => {
      const run = async (mode: string) => {
        const dir = join(tempDir('gilscope-ft-'), `integrate-${mode}.gilscope`);
        const ran = await recordWithRuntime(python.executable, dir, join(repoRoot, 'test/scenarios/integrate/integrate.py'), ['--mode', mode, '--steps', '4000000'], { env: { GILSCOPE_TRUTH: '1' }, timeoutMs: 300_000 });
        const line = ran.stdout.split('\n').find((l) => l.startsWith('GILSCOPE-TRUTH '))!;
        const truth = JSON.parse(line.slice('GILSCOPE-TRUTH '.length)) as Truth;
        return { truth, report: buildReport(analyzeRecording(dir), 'gilscope', 2) };
      };
      const serial = await run('serial');
      const threads = await run('threads');
      const p = threads.report.processes[0]!;
      const workers = p.threads.filter((t) => t.name.startsWith('ThreadPoolExecutor'));
      assert.equal(workers.length, 2);
      // No GIL to wait for: a worker runs, but for its wait on the pool's queue, which on a busy
      // machine lasts while the OS runs the other worker slowly (a run beside four CPU threads of
      // another test: 0.38 s running, 0.49 s waiting for the next work item).
      for (const t of workers) {
        assert.ok(t.states && t.gil.waitSeconds === 0 && t.states.runningSeconds >= 0.5 * (life(t) - t.states.lockWaitSeconds), `${t.name} ran: ${JSON.stringify(t.states)}`);
      }
      // Judged against the cores each run had: other programs' CPUs are measured in its recording.
      const freeOf = (q: ReportProcess) => Math.max(0.1, (q.onlineCpus ?? 2) - (q.foreignCpus ?? 0));
      const free = freeOf(p);
      const expected = Math.min(2, free) / Math.min(1, freeOf(serial.report.processes[0]!));
      const measured = (serial.truth['seconds'] as number) / (threads.truth['seconds'] as number);
      assert.ok(measured >= 0.6 * expected, `threads ${measured.toFixed(2)}× over serial, ${expected.toFixed(2)}× possible with the cores each run had`);
      const top = threads.report.suggestions[0]!;
      assert.ok(top.kind === 'threadScaling' || top.kind === 'keepThreads', threads.report.suggestions.map((x) => x.title).join('\n'));
      assert.match(top.title, /^Threads are fine: .*side by side/);
    });
  });
});


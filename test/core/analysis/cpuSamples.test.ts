import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import { buildReport } from '../../../src/core/report/buildReport';
import { ms, writeRecording } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';
import { sampledMachine } from '../../support/machineScenario';

/** CPU_SAMPLE and MACHINE_SAMPLE (runtime/FORMAT.md, "Machine"), on test/support/machineScenario.ts's run. */

const near = (actual: number | null, expected: number, what: string): void =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

test('a thread\'s run-queue delay over its life, and the part that overlapped its GIL wait', () => {
  const p = analyzeRecording(writeRecording([sampledMachine()])).processes[0]!;
  const worker = p.threads.find((t) => t.tid === 501)!;
  near(worker.cpuWaitSeconds, 0.024, 'worker CPU wait');
  near(worker.cpuWaitInGilWaitSeconds, 0.02, 'worker CPU wait in GIL wait');
  near(worker.cpuSeconds, 0.08, 'worker CPU time');
  near(worker.gil.waitSeconds, 0.04, 'worker GIL wait (unchanged)');
  const main = p.threads.find((t) => t.isMain)!;
  near(main.cpuWaitSeconds, 0, 'main CPU wait');
  near(main.cpuWaitInGilWaitSeconds, 0, 'main CPU wait in GIL wait');
});

test('the machine: CPUs online, other programs\' CPUs, and the CPUs left for the run', () => {
  const p = analyzeRecording(writeRecording([sampledMachine()])).processes[0]!;
  assert.ok(p.machine);
  assert.equal(p.machine.onlineCpus, 2);
  near(p.machine.foreignCpus, 1.4, 'foreign CPUs');
  near(p.machine.freeCpus, 0.6, 'free CPUs');
  near(p.machine.processCpus, 0.4, 'this process\'s CPUs');
});

test('a busy machine is warned about, with the figures; a quiet one is not', () => {
  const busy = analyzeRecording(writeRecording([sampledMachine()]));
  assert.deepEqual(busy.warnings, [
    'the machine was busy: other programs used 1.4 of 2 CPUs; 0.6 were free for this run, and the threads waited 10% of their lives for a CPU, part of what shows as GIL wait',
  ]);
  // Other programs used 0.1 CPU: the worker's 24 ms of run-queue delay is still 23% of the time it wanted a CPU,
  // a wait of the run's own, not a busy machine's.
  const quietOthers = analyzeRecording(writeRecording([sampledMachine(0.5)]));
  assert.deepEqual(quietOthers.warnings, [
    'the threads waited 10% of their lives for a CPU (other programs used 0.1 of 2 CPUs), part of what shows as GIL wait',
  ]);
});

test('the recording\'s own processes are not other programs: a pool\'s workers leave their parent\'s machine free', () => {
  // The parent's samples count 1.4 CPUs besides its own (sampledMachine); two workers of the same
  // recording ran beside it all along, at 0.65 CPU each.
  const parent = sampledMachine();
  const workers = [2, 3].map((k) => {
    const w = new RecordingWriter({ formatVersion: 2, onlineCpus: 2, pid: 1000 + k, ppid: 1234 });
    const t = w.thread(1);
    t.start(0, 600 + k, true).gilAcquire(0, 0, true);
    for (let at = 0; at <= 120; at += 100) t.machineSample(ms(at), 2, ms(1000) + ms(1.8 * at), ms(0.65 * at));
    t.gilRelease(ms(120)).end(ms(120));
    w.end(1, 0, ms(120));
    return w;
  });
  const a = analyzeRecording(writeRecording([parent, ...workers]));
  const p = a.processes.find((x) => x.pid === 1234)!;
  near(p.machine!.foreignCpus, 0.1, 'other programs, less the two workers');
  near(p.machine!.freeCpus, 1.9, 'free CPUs');
  const w = a.processes.find((x) => x.pid === 1002)!;
  near(w.machine!.foreignCpus, 0.1, 'a worker\'s other programs, less its parent and the other worker');
  assert.ok(a.warnings.every((x) => !/machine was busy/.test(x)), a.warnings.join('\n'));
});

test('no warning when the threads hardly waited for a CPU and the machine had room', () => {
  const calm = analyzeRecording(writeRecording([calmMachine()]));
  assert.deepEqual(calm.warnings, []);
  near(calm.processes[0]!.threads.find((t) => t.tid === 501)!.cpuWaitSeconds, 0.001, 'worker CPU wait');
});

test('gilscope\'s own thread is in no thread list, count, heatmap row or report', () => {
  const a = analyzeRecording(writeRecording([sampledMachine()]));
  const p = a.processes[0]!;
  assert.deepEqual(p.threads.map((t) => t.tid).sort(), [500, 501]);
  const q = a.heatmap.query({ startSeconds: 0, endSeconds: a.wallSeconds, width: 10 });
  assert.equal(q.threads.length, 2);
  const report = buildReport(a, 'gilscope', 2);
  assert.deepEqual(report.processes[0]!.threads.map((t) => t.name).sort(), ['MainThread', 'thread 2']);
  assert.ok(!JSON.stringify(report).includes('gilscope-sampler'));
});

test('the JSON report: cpuWait per thread, the machine per process; null without samples', () => {
  const report = buildReport(analyzeRecording(writeRecording([sampledMachine()])), 'gilscope', 2);
  const p = report.processes[0]!;
  near(p.onlineCpus, 2, 'onlineCpus');
  near(p.foreignCpus, 1.4, 'foreignCpus');
  const worker = p.threads.find((t) => t.tid === 501)!;
  near(worker.cpuWaitSeconds, 0.024, 'cpuWaitSeconds');
  near(worker.cpuWaitInGilWaitSeconds, 0.02, 'cpuWaitInGilWaitSeconds');
  const v1 = new RecordingWriter({ formatVersion: 1 });
  v1.thread(1).start(0, 500, true).gilAcquire(0, 0, true).gilRelease(ms(10)).end(ms(20));
  v1.end(1, 0, ms(20));
  const old = buildReport(analyzeRecording(writeRecording([v1])), 'gilscope', 2).processes[0]!;
  assert.equal(old.onlineCpus, null);
  assert.equal(old.foreignCpus, null);
  assert.equal(old.threads[0]!.cpuWaitSeconds, null);
  assert.equal(old.threads[0]!.cpuWaitInGilWaitSeconds, null);
});

/** A worker that waited 1 ms for a CPU in all, on a machine with room (other programs: 0.5 CPU). */
function calmMachine(): RecordingWriter {
  const w = new RecordingWriter({ formatVersion: 2, onlineCpus: 2 });
  w.thread(1).start(0, 500, true).end(ms(120));
  w.thread(2).start(0, 501).gilAcquire(0, 0, true).gilRelease(ms(40)).gilWait(ms(40)).gilAcquire(ms(80), 0).gilRelease(ms(120)).end(ms(120));
  const s = w.thread(3).start(0, 502, false, true);
  for (let t = 0; t <= 120; t += 10) {
    s.cpuSample(ms(t), 2, ms(5) + (t >= 60 ? ms(1) : 0), ms(Math.min(t, 40) + Math.max(0, t - 80)));
    if (t % 100 === 0) s.machineSample(ms(t), 2, ms(0.9 * t), ms(0.4 * t));
  }
  w.end(1, 0, ms(120));
  return w;
}

test('the suggestions are predicted for the cores the run had (online less other programs\' use, at least 1), and say so', () => {
  // no cores given: the run's (given, as `report --cores 8` gives them, they win: reportCli.test.ts)
  const report = buildReport(analyzeRecording(writeRecording([sampledMachine(1.0)])));
  assert.ok(report.suggestions.length > 0);
  for (const s of report.suggestions) {
    assert.equal(s.evidence['cores'], 1.4, `${s.kind}: 2 online less 0.6 used by others`);
    assert.match(s.detail, /Predicted for the 1\.4 cores this run had: 2 online, of which other programs used 0\.6 on average\./);
    assert.match(s.model, /cores = 1\.4 \(2 online − 0\.6 used by other programs\)/);
  }
  const busy = buildReport(analyzeRecording(writeRecording([sampledMachine()])));
  for (const s of busy.suggestions) assert.equal(s.evidence['cores'], 1, `${s.kind}: 0.6 free, at least 1`);
  const processes = busy.suggestions.find((s) => s.kind === 'useProcesses');
  assert.ok(processes && !/on 8 cores/.test(processes.model), processes?.model);
});

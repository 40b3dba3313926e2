import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRecording } from '../../src/core/analysis/recordingSession';
import { buildReport } from '../../src/core/report/buildReport';
import { ms, writeRecording } from '../support/recordingFixtures';
import { RecordingWriter } from '../support/recordingWriter';

/**
 * One thread did the work and the main thread only waited for it (started it and joined it):
 * serial work, as the main thread's alone is. Its suggestions are those of one thread (split
 * the work first), not predictions for a pool of one process or one thread without a GIL.
 */
function oneWorker(): string {
  const w = new RecordingWriter({ formatVersion: 2, onlineCpus: 2 });
  const main = w.thread(1);
  main.string(1, 'work.py').string(2, 'crunch').string(3, 'worker');
  main.site(0, 1, 1, 2, 12, 10);
  main.start(0, 100, true).gilAcquire(0, 1, true).gilRelease(ms(1)).end(ms(101));
  const t = w.thread(2);
  t.start(ms(1), 101).name(ms(1), 3).gilAcquire(ms(1), 1, true).gilRelease(ms(100)).end(ms(100));
  w.end(1, 0, ms(101));
  return writeRecording([w]);
}

test('one worker thread beside a main thread that waits for it: split the work first; as it is, nothing to gain', () => {
  const report = buildReport(analyzeRecording(oneWorker()), 'gilscope', 2);
  const [top] = report.suggestions;
  assert.equal(top!.kind, 'useProcesses', report.suggestions.map((s) => s.title).join('\n'));
  assert.match(top!.title, /^If the work can be split into independent tasks, use processes: a pool of 2 processes/);
  for (const kind of ['freeThreaded', 'subInterpreters', 'releaseGil'] as const) {
    const s = report.suggestions.find((x) => x.kind === kind);
    if (!s) continue;
    assert.match(s.title, /nothing to gain as it is, the work runs in one thread/, s.title);
    assert.ok(s.predictedSpeedup <= 1.001, `${kind}: ${s.predictedSpeedup}`);
  }
  assert.ok(report.suggestions.every((s) => !/a pool of 1 process/.test(s.title)), report.suggestions.map((s) => s.title).join('\n'));
});

import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import { loadRecording } from '../../src/extension/recordings/loadedRecording';
import type { LoadedRecording } from '../../src/extension/recordings/loadedRecording';
import { loadRecordingInSlices, OPENING_PACE } from '../../src/extension/recordings/recordingOpener';
import type { OpeningPace } from '../../src/extension/recordings/recordingOpener';
import { tempDir, writeRecording } from '../support/recordingFixtures';
import { busyProcess } from '../support/scenarios';
import { mock } from './mock/vscode';

/**
 * Opening a recording in the editor: a large one is read a slice at a time
 * under a progress notification, its report filling in, and the extension
 * host's other work runs between the slices. Slices here are a few chunks, so
 * that a recording of a few MiB stands for one of a GiB.
 */

const SMALL_SLICES: OpeningPace = { atOnceBytes: 0, sliceMs: 2, chunksPerPoll: 4, firstPartialMs: 5, partialPeriodMs: 10 };

/** A two-process recording of about 3 MiB. */
function largeRecording(): string {
  return writeRecording([busyProcess(201, 4, 12_000, 3), busyProcess(202, 4, 12_000, 3)]);
}

function sizeOf(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

beforeEach(() => mock.reset());

describe('opening a recording in the editor', () => {
  it('reads a large one a slice at a time: other work runs meanwhile, the progress reaches 100%, partial reports come with the share read, and the whole is as read at once', async () => {
    const dir = largeRecording();
    assert.ok(sizeOf(dir) > 2 << 20, `${sizeOf(dir)} bytes`);
    const parts: LoadedRecording[] = [];
    let timerRuns = 0;
    const timer = setInterval(() => timerRuns++, 1);
    let recording: LoadedRecording | undefined;
    try {
      recording = await loadRecordingInSlices(dir, (part) => parts.push(part), SMALL_SLICES);
    } finally {
      clearInterval(timer);
    }
    assert.ok(recording, 'the recording opened');
    assert.equal(recording.readShare, 1);
    assert.deepEqual(recording.report, loadRecording(dir).report, 'the same report as reading it at once');
    assert.ok(timerRuns >= 3, `the host's timers ran ${timerRuns} times while it was read`);
    assert.equal(mock.progress.length, 1, 'one progress notification');
    const shown = mock.progress[0]!;
    assert.equal(shown.options.cancellable, true);
    assert.match(shown.options.title ?? '', /reading/);
    assert.equal(shown.reports.reduce((n, r) => n + (r.increment ?? 0), 0), 100, 'the bar fills to 100%');
    assert.ok(shown.reports.some((r) => /^\d+ of 3 MiB$/.test(r.message ?? '')), JSON.stringify(shown.reports.slice(0, 3)));
    // As many as the reports' cost allows (at most a fifth of the time): one at least.
    assert.ok(parts.length >= 1, 'a partial report');
    parts.forEach((p, i) => {
      assert.ok(p.readShare > 0 && p.readShare < 1, `partial ${i}: share ${p.readShare}`);
      if (i > 0) assert.ok(p.readShare > parts[i - 1]!.readShare, 'each partial report has read more');
      assert.equal(p.cellSites(), undefined, 'no line behind the cells of a part (it would read the whole recording again)');
      assert.ok(p.analysis.records < recording!.analysis.records);
    });
  });

  it('Cancel stops the reading: it resolves to nothing, and the report shown last keeps the share it was of', async () => {
    const dir = largeRecording();
    const parts: LoadedRecording[] = [];
    const recording = await loadRecordingInSlices(dir, (part) => {
      parts.push(part);
      mock.progress[0]!.cancel();
    }, SMALL_SLICES);
    assert.equal(recording, undefined);
    assert.equal(parts.length, 1, 'no report after the Cancel');
    assert.ok(parts[0]!.readShare < 1);
  });

  it('a newer opening supersedes one still reading: the older resolves to nothing and shows nothing more', async () => {
    const first = largeRecording();
    const second = largeRecording();
    const shown: string[] = [];
    const older = loadRecordingInSlices(first, (part) => shown.push(part.dir), SMALL_SLICES);
    // The user opens another while the first is read (the first's reading gives way between slices).
    await new Promise((resolve) => setTimeout(resolve, 20));
    const from = shown.length;
    const newer = loadRecordingInSlices(second, (part) => shown.push(part.dir), SMALL_SLICES);
    assert.equal(await older, undefined);
    const recording = await newer;
    assert.equal(recording?.dir, second);
    assert.deepEqual(shown.slice(from).filter((d) => d === first), [], 'no report of the older one after the newer began');
  });

  it('reads a small one at once, without a progress notification', async () => {
    const dir = writeRecording([busyProcess(301, 2, 200, 3)]);
    const recording = await loadRecordingInSlices(dir, () => assert.fail('no partial report'), OPENING_PACE);
    assert.ok(recording);
    assert.deepEqual(recording.report, loadRecording(dir).report);
    assert.equal(mock.progress.length, 0);
  });

  it('a folder that holds no recording: an error message that names it, and nothing opens', async () => {
    const dir = tempDir();
    const recording = await loadRecordingInSlices(dir, () => assert.fail('no partial report'), SMALL_SLICES);
    assert.equal(recording, undefined);
    assert.equal(mock.messages.length, 1);
    assert.equal(mock.messages[0]!.kind, 'error');
    assert.ok(mock.messages[0]!.message.includes(dir), mock.messages[0]!.message);
  });
});

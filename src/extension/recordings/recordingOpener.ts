import { basename } from 'node:path';
import * as vscode from 'vscode';
import { RecordingSession } from '../../core/analysis/recordingSession';
import { nextTickDelayMs } from '../profiling/liveFollower';
import { LoadedRecording } from './loadedRecording';

/** How a recording is read when opened; tests make the slices smaller. */
export interface OpeningPace {
  /** A recording up to this many bytes is read at once (32 MiB: a fifth of a second or less). */
  readonly atOnceBytes: number;
  /** Reading goes on this long before the extension host's other work gets its turn. */
  readonly sliceMs: number;
  /** Chunks (4 KiB) a poll reads: a few ms of decoding, so the slice's time is checked often. */
  readonly chunksPerPoll: number;
  /** The first report of what has been read so far, this long after the reading began: the report opens at once. */
  readonly firstPartialMs: number;
  /** Later ones at most this often (and at most a fifth of the time). */
  readonly partialPeriodMs: number;
}

export const OPENING_PACE: OpeningPace = { atOnceBytes: 32 << 20, sliceMs: 40, chunksPerPoll: 256, firstPartialMs: 250, partialPeriodMs: 1000 };

const MIB = 1 << 20;

/** The event loop's other work first (messages, timers, I/O). */
function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads and analyses a finished recording for the editor without holding
 * the extension host: a large one is read a slice at a time under a
 * progress notification that says how much of it is read and can cancel,
 * and `partial` is handed a report of what has been read so far, now and
 * then, as a live run's is. Resolves to the whole recording, or undefined
 * when the reading was cancelled (the last partial report stays, marked with
 * the share read) or the directory holds no recording (said in an error
 * message naming it).
 */
export async function loadRecordingInSlices(dir: string, partial: (recording: LoadedRecording) => void, pace: OpeningPace = OPENING_PACE): Promise<LoadedRecording | undefined> {
  const session = new RecordingSession(dir);
  try {
    if (session.progress().totalBytes <= pace.atOnceBytes) {
      session.poll();
      return new LoadedRecording(session.result(), false);
    }
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `gilscope: reading ${basename(dir)}`, cancellable: true },
      (progress, token) => readInSlices(session, pace, partial, progress, token),
    );
  } catch (error) {
    void vscode.window.showErrorMessage(`gilscope: ${dir} holds no recording gilscope can read: ${(error as Error).message}`);
    return undefined;
  } finally {
    session.close();
  }
}

async function readInSlices(
  session: RecordingSession,
  pace: OpeningPace,
  partial: (recording: LoadedRecording) => void,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<LoadedRecording | undefined> {
  let shownPercent = 0;
  let nextPartialAt = performance.now() + pace.firstPartialMs;
  for (;;) {
    const sliceStart = performance.now();
    do session.poll(pace.chunksPerPoll);
    while (!session.caughtUp && performance.now() - sliceStart < pace.sliceMs);
    if (session.caughtUp) break;
    const { readBytes, totalBytes } = session.progress();
    const share = totalBytes > 0 ? Math.min(1, readBytes / totalBytes) : 1;
    const percent = Math.floor(share * 100);
    if (percent > shownPercent) {
      progress.report({ increment: percent - shownPercent, message: `${(readBytes / MIB).toFixed(0)} of ${(totalBytes / MIB).toFixed(0)} MiB` });
      shownPercent = percent;
    }
    if (performance.now() >= nextPartialAt) {
      const started = performance.now();
      partial(new LoadedRecording(session.result(), false, share));
      // As a live run's readings: the report of a large part costs more, so it comes less often.
      nextPartialAt = performance.now() + nextTickDelayMs(pace.partialPeriodMs, performance.now() - started);
    }
    await yieldToHost();
    if (token.isCancellationRequested) return undefined;
  }
  progress.report({ increment: 100 - shownPercent, message: 'analysing' });
  return new LoadedRecording(session.result(), false);
}

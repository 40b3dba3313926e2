import { nextTickDelayMs } from './hostPacing';
import type { RecordingAnalysis, RecordingSession } from './recordingSession';

/** How a large recording is read without holding its reader's thread; tests make the slices smaller. */
export interface ReadingPace {
  /** Reading goes on this long before the thread's other work gets its turn. */
  readonly sliceMs: number;
  /** Chunks (4 KiB) a poll reads: a few ms of decoding, so the slice's time is checked often. */
  readonly chunksPerPoll: number;
  /** The first partial analysis, this long after the reading began: a view of it opens at once. */
  readonly firstPartialMs: number;
  /** Later ones at most this often (and at most a fifth of the time, with what is done with them). */
  readonly partialPeriodMs: number;
}

export const READING_PACE: ReadingPace = { sliceMs: 40, chunksPerPoll: 256, firstPartialMs: 250, partialPeriodMs: 1000 };

/** What a reading in slices tells, and asks, its caller. */
export interface SliceHooks {
  /** After each slice: the share of the files' bytes read so far. */
  progress(share: number, readBytes: number, totalBytes: number): void;
  /** Now and then: the analysis of what has been read so far; its time (and what is done with it) spaces the next. */
  partial(analysis: RecordingAnalysis, share: number): void;
  /** Checked after each slice's turn for other work: true stops the reading. */
  cancelled(): boolean;
}

/** The event loop's other work first (messages, timers, I/O). */
export function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads what `session` has not read yet a slice at a time, the event loop's
 * other work between the slices. Resolves to true once everything is read
 * (the caller then takes `session.result()`), false when cancelled.
 */
export async function readInSlices(session: RecordingSession, hooks: SliceHooks, pace: ReadingPace = READING_PACE): Promise<boolean> {
  let nextPartialAt = performance.now() + pace.firstPartialMs;
  for (;;) {
    const sliceStart = performance.now();
    do session.poll(pace.chunksPerPoll);
    while (!session.caughtUp && performance.now() - sliceStart < pace.sliceMs);
    if (session.caughtUp) return true;
    const { readBytes, totalBytes } = session.progress();
    const share = totalBytes > 0 ? Math.min(1, readBytes / totalBytes) : 1;
    hooks.progress(share, readBytes, totalBytes);
    if (performance.now() >= nextPartialAt) {
      const started = performance.now();
      hooks.partial(session.result(), share);
      // As a live run's readings: the analysis of a larger part costs more, so it comes less often.
      nextPartialAt = performance.now() + nextTickDelayMs(pace.partialPeriodMs, performance.now() - started);
    }
    await yieldToOthers();
    if (hooks.cancelled()) return false;
  }
}

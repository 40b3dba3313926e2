import { RecordingSession } from '../../core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../core/analysis/recordingSession';

/**
 * A tick (reading what is new, the snapshot, and what is done with it) is
 * followed by a wait of at least this many times its length: following a
 * recording takes at most a fifth of the extension host's time, however long
 * the run grows (a snapshot's cost grows with what was recorded: 110 ms for
 * 4 minutes of 64 busy threads), and the rest stays for the editor.
 */
const WAIT_PER_TICK = 4;

/** Milliseconds from the end of a tick that took `tickMs` to the start of the next, for one tick every `periodMs` at best. */
export function nextTickDelayMs(periodMs: number, tickMs: number): number {
  return Math.max(periodMs - tickMs, WAIT_PER_TICK * tickMs);
}

/**
 * Follows a recording while it is written: every 1/hz second at most (see
 * WAIT_PER_TICK) it reads what is new (RecordingSession.poll) and hands a
 * snapshot of the analysis on; undefined while nothing can be read yet (no
 * file, or a half-written header), which the next tick reads again. States:
 * following (after start) → stopped.
 */
export class LiveFollower {
  private readonly session: RecordingSession;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private periodMs = 250;

  constructor(dir: string, private readonly onSnapshot: (analysis: RecordingAnalysis | undefined) => void) {
    this.session = new RecordingSession(dir);
  }

  start(hz: number): void {
    if (this.stopped || this.timer) return;
    this.periodMs = Math.max(50, 1000 / hz);
    this.schedule(this.periodMs);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      const started = performance.now();
      this.tick();
      if (!this.stopped) this.schedule(nextTickDelayMs(this.periodMs, performance.now() - started));
    }, delayMs);
  }

  /** Reads once now. */
  tick(): void {
    let analysis: RecordingAnalysis | undefined;
    try {
      this.session.poll();
      analysis = this.session.result();
    } catch {
      analysis = undefined;
    }
    this.onSnapshot(analysis);
  }

  /** The last reading, once the workload has ended: the whole recording's analysis (undefined if it cannot be read), then stopped. */
  finish(): RecordingAnalysis | undefined {
    let analysis: RecordingAnalysis | undefined;
    try {
      if (!this.stopped) {
        this.session.poll();
        analysis = this.session.result();
      }
    } catch {
      analysis = undefined;
    }
    this.stop();
    return analysis;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    this.stopped = true;
    this.session.close();
  }
}

import { RecordingSession } from '../../core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../core/analysis/recordingSession';
import { nextTickDelayMs } from '../../core/analysis/hostPacing';

/**
 * Follows a recording while it is written: every 1/hz second at most (see
 * core/analysis/hostPacing.ts) it reads what is new (RecordingSession.poll) and hands a
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

import { RecordingSession } from '../../core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../core/analysis/recordingSession';

/**
 * Follows a recording while it is written: every 1/hz second it reads what
 * is new (RecordingSession.poll) and hands a snapshot of the analysis on;
 * undefined while nothing can be read yet (no file, or a half-written
 * header), which the next tick reads again. States: following (after start)
 * → stopped.
 */
export class LiveFollower {
  private readonly session: RecordingSession;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(dir: string, private readonly onSnapshot: (analysis: RecordingAnalysis | undefined) => void) {
    this.session = new RecordingSession(dir);
  }

  start(hz: number): void {
    if (!this.stopped) this.timer ??= setInterval(() => this.tick(), Math.max(50, 1000 / hz));
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
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    this.stopped = true;
    this.session.close();
  }
}

import { RecordingSession } from '../../core/analysis/recordingSession';

interface Totals {
  readonly atMs: number;
  readonly held: number;
  readonly wait: number;
}

/**
 * The one-line status `gilscope record` shows on a terminal while the
 * workload runs: elapsed time, processes and threads, and the GIL held share
 * and the number of threads waiting for it over the last interval, read by
 * following the recording as it is written.
 */
export class LiveStatus {
  private readonly session: RecordingSession;
  private previous: Totals | undefined;
  private readonly startedMs = Date.now();

  constructor(recordingDir: string) {
    this.session = new RecordingSession(recordingDir);
  }

  /** The status line now; never throws (a half-written file is read next time). */
  line(): string {
    const elapsed = ((Date.now() - this.startedMs) / 1000).toFixed(1);
    let analysis;
    try {
      this.session.poll();
      analysis = this.session.result();
    } catch {
      return `gilscope ▸ ${elapsed} s`;
    }
    const threads = analysis.processes.flatMap((p) => p.threads.filter((t) => !t.ended));
    const now: Totals = {
      atMs: Date.now(),
      held: analysis.processes.reduce((s, p) => s + p.threads.reduce((a, t) => a + t.gil.heldSeconds, 0), 0),
      wait: analysis.processes.reduce((s, p) => s + p.threads.reduce((a, t) => a + t.gil.waitSeconds, 0), 0),
    };
    const before = this.previous;
    this.previous = now;
    const processes = analysis.processes.length;
    let gil = '';
    if (before && now.atMs > before.atMs) {
      const span = (now.atMs - before.atMs) / 1000;
      const held = Math.min(1, (now.held - before.held) / span / Math.max(1, processes));
      const waiting = Math.max(0, (now.wait - before.wait) / span);
      gil = ` · GIL held ${(held * 100).toFixed(0)}% · ${waiting.toFixed(1)} threads waiting`;
    }
    return `gilscope ▸ ${elapsed} s · ${processes} process${processes === 1 ? '' : 'es'} · ${threads.length} threads${gil}`;
  }

  close(): void {
    this.session.close();
  }
}

import type { RecordingAnalysis } from '../../core/analysis/recordingSession';

/** The threads' GIL time so far, all processes together. */
export interface GilTotals {
  readonly held: number;
  readonly wait: number;
  /** Held + waiting + released: the threads' lifetimes. */
  readonly life: number;
}

export function gilTotals(analysis: RecordingAnalysis): GilTotals {
  let held = 0;
  let wait = 0;
  let released = 0;
  for (const p of analysis.processes) {
    for (const t of p.threads) {
      held += t.gil.heldSeconds;
      wait += t.gil.waitSeconds;
      released += t.gil.releasedSeconds;
    }
  }
  return { held, wait, life: held + wait + released };
}

/**
 * "Now": the shares of the threads' time between two readings that went to
 * holding the GIL and to waiting for it. Undefined when no thread time passed.
 */
export function sharesBetween(before: GilTotals, now: GilTotals): { readonly held: number; readonly wait: number } | undefined {
  const life = now.life - before.life;
  if (!(life > 0)) return undefined;
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  return { held: clamp((now.held - before.held) / life), wait: clamp((now.wait - before.wait) / life) };
}

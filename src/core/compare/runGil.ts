import { Heatmap } from '../analysis/heatmap';
import type { ThreadRowSource } from '../analysis/heatmap';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import type { WhatIfResult, WhatIfTask } from './whatifFile';

/** GIL time of some threads over a span of the recording. */
export interface GilSpan {
  readonly heldSeconds: number;
  readonly waitSeconds: number;
  readonly lockWaitSeconds: number;
  /** The threads' time inside the span (their lifetimes clipped to it), summed. */
  readonly threadSeconds: number;
}

/** Seconds of the recording at a CLOCK_MONOTONIC ns reading (the what-if harness's perf_counter_ns). */
export function recordingSeconds(a: RecordingAnalysis, ns: number): number {
  return (ns - Number(a.startNs)) / 1e9;
}

/** Heatmap rows of the threads that ran tasks (by pid and tid). */
export function taskRows(a: RecordingAnalysis, tasks: readonly WhatIfTask[]): ThreadRowSource[] {
  const wanted = new Set(tasks.map((t) => `${t.pid}/${t.tid}`));
  const keys = new Set<string>();
  for (const p of a.processes) {
    for (const t of p.threads) if (wanted.has(`${p.pid}/${t.tid}`)) keys.add(`${p.key}/${t.slot}`);
  }
  return a.heatmap.threadRows.filter((r) => keys.has(r.key));
}

/** The rows' GIL time between two recording times. */
export function gilOver(rows: readonly ThreadRowSource[], startSeconds: number, endSeconds: number): GilSpan {
  if (rows.length === 0 || endSeconds <= startSeconds) return { heldSeconds: 0, waitSeconds: 0, lockWaitSeconds: 0, threadSeconds: 0 };
  const answer = new Heatmap(rows, []).query({ startSeconds, endSeconds, width: 1 });
  let held = 0;
  let wait = 0;
  let lockWait = 0;
  let life = 0;
  for (const [i, row] of answer.threads.entries()) {
    held += row.cells.held[0]!;
    wait += row.cells.wait[0]!;
    lockWait += row.cells.lockWait[0]!;
    const r = rows[i]!;
    life += Math.max(0, Math.min(endSeconds, r.endSeconds) - Math.max(startSeconds, r.startSeconds));
  }
  return { heldSeconds: held, waitSeconds: wait, lockWaitSeconds: lockWait, threadSeconds: life };
}

/**
 * Held and waiting shares of a run's worker threads (those that ran tasks;
 * without tasks, every thread that held a GIL in the window) over the run's
 * window. Null when the recording has no GIL to speak of (free-threaded).
 */
export function runGil(a: RecordingAnalysis, r: WhatIfResult): { heldShare: number; waitShare: number } | null {
  if (a.processes.every((p) => !p.python.gilEnabled)) return null;
  const start = recordingSeconds(a, r.windowStartNs);
  const end = recordingSeconds(a, r.windowEndNs);
  let rows = taskRows(a, r.tasks);
  if (rows.length === 0) {
    rows = a.heatmap.threadRows.filter((row) => gilOver([row], start, end).heldSeconds > 0);
  }
  const g = gilOver(rows, start, end);
  if (g.threadSeconds <= 0) return null;
  return { heldShare: Math.min(1, Math.max(0, g.heldSeconds / g.threadSeconds)), waitShare: Math.min(1, Math.max(0, g.waitSeconds / g.threadSeconds)) };
}

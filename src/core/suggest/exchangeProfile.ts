import type { ProcessResult, ThreadResult } from '../analysis/model';
import { concurrency } from './concurrency';
import type { ExchangePressure } from './profile';
import { isLibrary } from './libraryCode';

/**
 * How the workers' runs interleave, from their blocked spans: the runnable
 * count over their span, the waits they came out of, and what those
 * hand-overs cost. Null with fewer than two workers or when a worker's
 * blocked spans are unknown (its process's logs ran out of room).
 */
export function exchangeProfile(p: ProcessResult, workers: readonly ThreadResult[]): ExchangePressure | null {
  if (workers.length < 2) return null;
  const from = Math.min(...workers.map((t) => t.startSeconds));
  const to = Math.max(...workers.map((t) => t.endSeconds));
  const c = concurrency(workers, from, to);
  if (!c) return null;
  const lives = workers.reduce((s, t) => s + Math.max(0, Math.min(to, t.endSeconds) - Math.max(from, t.startSeconds)), 0);
  const runnable = c.seconds.reduce((s, x, k) => s + k * x, 0);
  const blocked = Math.max(0, lives - runnable);
  // The waits' whole calls minus their blocked spans: the time a waiter spent being woken, waiting for
  // the GIL the other thread held, and returning, which in a lock-step exchange is spent once per hand-over.
  const inWaits = workers.reduce((s, t) => s + t.blockedSeconds + t.lockWaitSeconds, 0);
  const waitLines = [...p.lines]
    .filter((l) => l.blockedSeconds + l.lockWaitSeconds > 0)
    .sort((x, y) => y.blockedSeconds + y.lockWaitSeconds - (x.blockedSeconds + x.lockWaitSeconds));
  const line = waitLines.find((l) => !isLibrary(l.file)) ?? waitLines[0];
  return {
    runnableSeconds: c.seconds,
    handOvers: c.handOvers,
    handOverSeconds: Math.max(0, inWaits - blocked) + c.seconds[0]!,
    target: line ? { file: line.file, line: line.line, function: line.function } : null,
  };
}

import type { ReportFunction, ReportLock } from '../../core/report/schema';
import { percent, plural, seconds } from './format';

/**
 * What lenses, hovers and diagnostics say of a free-threaded build's lines
 * (docs/report-schema.md): the objects threads waited for (an object's own
 * lock: `kind` is its type, no name, no creation line), and the time threads
 * ran, were detached and were stopped by the world on a line.
 */

const LOCK_KINDS = new Set(['Lock', 'RLock', 'Condition', 'Semaphore', 'BoundedSemaphore', 'Event', 'Queue', 'Future', 'Thread', 'multiprocessing.Lock', 'internal', 'unknown']);

/** An object's own lock, waited for through a critical section (`dict.update`, `list.extend`…). */
export function isObjectLock(lock: ReportLock): boolean {
  return lock.name === null && lock.createdAt === null && !LOCK_KINDS.has(lock.kind) && !lock.kind.startsWith('kind ');
}

/** `the dict object` / `a lock inside CPython`. */
export function objectLabel(lock: ReportLock): string {
  return lock.kind === 'internal' ? `a lock inside CPython (#${lock.id})` : `the ${lock.kind} object #${lock.id}`;
}

interface FtFigures {
  readonly runningSeconds: number;
  readonly detachedSeconds: number;
  readonly stopTheWorldSeconds: number;
  readonly lockWaitSeconds: number;
  readonly blockedSeconds: number;
}

/** The line's or function's figures as a free-threaded build's, when it has any. */
export function ftTotal(f: FtFigures): number {
  return f.runningSeconds + f.detachedSeconds + f.stopTheWorldSeconds;
}

/** `running 61% · lock/object wait 12% · stopped 27% of 1.2 s`: a free-threaded function's lens, or undefined. */
export function ftFunctionTitle(fn: ReportFunction): string | undefined {
  const total = ftTotal(fn) + fn.lockWaitSeconds + fn.gilHeldSeconds + fn.gilWaitSeconds;
  if (!(ftTotal(fn) > 0) || !(total > 0)) return undefined;
  const parts = [`running ${percent(fn.runningSeconds, total)}`];
  if (fn.lockWaitSeconds > 0) parts.push(`lock/object wait ${percent(fn.lockWaitSeconds, total)}`);
  if (fn.stopTheWorldSeconds > 0) parts.push(`stopped by the world ${percent(fn.stopTheWorldSeconds, total)}`);
  if (fn.detachedSeconds > 0) parts.push(`detached ${percent(fn.detachedSeconds, total)}`);
  if (fn.gilHeldSeconds + fn.gilWaitSeconds > 0) parts.push(`GIL held ${percent(fn.gilHeldSeconds, total)} · waited ${percent(fn.gilWaitSeconds, total)}`);
  return `${parts.join(' · ')} of ${seconds(total)} (no GIL)`;
}

/** `stopped by the world 2.5 s here (garbage collection…)`: a line's stop-the-world lens, or undefined. */
export function stwTitle(stoppedSeconds: number, pauses: number): string | undefined {
  if (!(stoppedSeconds > 0)) return undefined;
  return `stopped by the world ${seconds(stoppedSeconds)} here, threads summed (${plural(pauses, 'stop-the-world pause')} in the run)`;
}

/** The hover's line of a free-threaded line's figures. */
export function ftLineText(f: FtFigures): string | undefined {
  if (!(ftTotal(f) > 0)) return undefined;
  const parts = [`running **${seconds(f.runningSeconds)}**`, `detached ${seconds(f.detachedSeconds)}`];
  if (f.lockWaitSeconds > 0) parts.push(`waiting for a lock or object **${seconds(f.lockWaitSeconds)}**`);
  if (f.stopTheWorldSeconds > 0) parts.push(`stopped by the world **${seconds(f.stopTheWorldSeconds)}**`);
  if (f.blockedSeconds > 0) parts.push(`blocked on events ${seconds(f.blockedSeconds)}`);
  return `Without a GIL: ${parts.join(' · ')}`;
}

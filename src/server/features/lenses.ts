import type { CodeLens, Range } from 'vscode-languageserver';
import type { ReportFunction } from '../../core/report/schema';
import { LENS_COMMAND } from '../../protocol/lspProtocol';
import type { PythonOutline } from '../python/outlineTypes';
import { percent, plural, seconds } from './format';
import { ftFunctionTitle, isObjectLock, stwTitle } from './freeThreaded';
import { functionFigures, lockLabel, locksAt } from './profile';
import type { DocumentProfile, LockAtLine } from './profile';

/**
 * Code lenses: over each function the recording ran, its GIL and lock
 * shares; over each `with lock:` and `lock.acquire()` line, that lock's
 * waits and holds there. Clicking one shows the report (LENS_COMMAND).
 */
export function codeLenses(profile: DocumentProfile, o: PythonOutline): CodeLens[] {
  const lenses: CodeLens[] = [];
  const older = profile.stale ? ` · recording older than the file (${profile.stale}): figures by function name` : '';
  for (const [f, fn] of functionFigures(profile, o)) {
    const title = functionTitle(fn);
    if (title) lenses.push(lens(f.nameRange, `${title}${older}`));
  }
  if (profile.stale) return lenses;
  const seen = new Set<number>();
  const lockLines: { line: number; range: Range }[] = [
    ...o.withBlocks.map((w) => ({ line: w.line, range: w.headerRange })),
    ...o.acquires.map((a) => ({ line: a.line, range: a.range })),
  ];
  for (const { line, range } of lockLines) {
    if (seen.has(line)) continue;
    seen.add(line);
    for (const at of locksAt(profile, line)) {
      if (at.waitSeconds > 0 || at.holdSeconds > 0) lenses.push(lens(range, lockTitle(at)));
    }
  }
  // A free-threaded build: a line that waited for an object (dict.update, list.extend… taking its own lock),
  // or where threads were stopped by the world, is no `with lock:` line; it gets its lens all the same.
  for (const [reportLine, l] of profile.figures.lines) {
    const line = profile.current(reportLine);
    if (line === undefined || seen.has(line)) continue;
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    for (const at of locksAt(profile, line)) {
      if (at.waitSeconds > 0 && (isObjectLock(at.lock) || at.lock.kind === 'internal')) lenses.push(lens(range, lockTitle(at)));
    }
    const stw = stwTitle(l.stopTheWorldSeconds, profile.figures.stopTheWorldPauses);
    if (stw) lenses.push(lens(range, stw));
  }
  return lenses;
}

function lens(range: Range, title: string): CodeLens {
  return { range, command: { title, command: LENS_COMMAND } };
}

/** `GIL held 82% · waited 14% · lock wait 3% of 2.4 s`: shares of the time its threads spent in it. */
export function functionTitle(fn: ReportFunction): string | undefined {
  const ft = ftFunctionTitle(fn);
  if (ft) return ft;
  const total = fn.gilHeldSeconds + fn.gilWaitSeconds + fn.releasedSeconds;
  if (total > 0) {
    const lockWait = fn.lockWaitSeconds > 0 ? ` · lock wait ${percent(fn.lockWaitSeconds, total)}` : '';
    return `GIL held ${percent(fn.gilHeldSeconds, total)} · waited ${percent(fn.gilWaitSeconds, total)}${lockWait} of ${seconds(total)}`;
  }
  if (fn.blockedSeconds > 0) return `blocked ${seconds(fn.blockedSeconds)} waiting for events (join, queue, Event, Condition)`;
  return undefined;
}

/** `shared_lock: waited 4.8 s over 717 contended acquisitions · held 1.6 s`. */
export function lockTitle(at: LockAtLine): string {
  const { lock } = at;
  const parts: string[] = [];
  if (at.waitSeconds > 0) {
    const allHere = Math.abs(at.waitSeconds - lock.waitSeconds) <= 1e-9 * Math.max(1, lock.waitSeconds);
    parts.push(allHere
      ? `waited ${seconds(at.waitSeconds)} over ${plural(lock.contended, 'contended acquisition')}`
      : `waited ${seconds(at.waitSeconds)} here (${seconds(lock.waitSeconds)} over ${plural(lock.contended, 'contended acquisition')} in all)`);
  }
  if (at.holdSeconds > 0) parts.push(`held ${seconds(at.holdSeconds)}`);
  return `${lockLabel(lock)}: ${parts.join(' · ')}`;
}

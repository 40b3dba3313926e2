import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Diagnostic, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticCode } from '../../protocol/lspProtocol';
import type { DiagnosticsSettings } from '../../protocol/lspProtocol';
import type { PythonOutline } from '../python/outlineTypes';
import { targetFunction } from '../python/targetFunction';
import { percent, plural, seconds } from './format';
import { isObjectLock } from './freeThreaded';
import { functionFigures, lockLabel } from './profile';
import type { DocumentProfile } from './profile';

export const SOURCE = 'gilscope';
export const STATIC_PREFIX = 'static: no recording yet — ';

/** A thread target is CPU-bound when its threads held the GIL at least this share of the run… */
export const CPU_TARGET_HELD_SHARE = 0.5;
/** …while threads waited for the GIL at least this much, summed over threads, as a share of the run (half a thread waiting on average). */
export const CPU_TARGET_GIL_WAIT_SHARE = 0.5;
/** A line is in a convoy when its convoy waits add up to this share of the run, over at least CONVOY_MIN_COUNT waits. */
export const CONVOY_SHARE = 0.2;
export const CONVOY_MIN_COUNT = 20;

/** What a code action needs to know of the diagnostic it fixes. */
export interface DiagnosticData {
  readonly kind: DiagnosticCode;
  /** The thread target's function (cpu-bound-target, static-cpu-target). */
  readonly functionName?: string;
  /** The `with` line (0-based) of the lock (lock-contention, static-*-under-lock). */
  readonly withLine?: number;
}

function diagnostic(range: Range, code: DiagnosticCode, message: string, data: Omit<DiagnosticData, 'kind'> = {}, severity: DiagnosticSeverity = DiagnosticSeverity.Information): Diagnostic {
  return { range, severity, source: SOURCE, code, message, data: { kind: code, ...data } satisfies DiagnosticData };
}

/** The non-blank part of a line. */
export function lineRange(doc: TextDocument, line: number): Range {
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
  const start = Math.max(0, text.search(/\S/));
  return { start: { line, character: start }, end: { line, character: text.length } };
}

/** Diagnostics from the recording's figures. */
export function measuredDiagnostics(profile: DocumentProfile, o: PythonOutline, doc: TextDocument, settings: DiagnosticsSettings): Diagnostic[] {
  if (profile.stale) return [];
  const out: Diagnostic[] = [];
  const { figures } = profile;
  const wall = figures.wallSeconds;
  if (!(wall > 0)) return out;
  const run = `the ${seconds(wall)} run`;

  // A thread target that kept the GIL while threads waited for it.
  const gilWait = figures.threads.reduce((s, t) => s + t.gil.waitSeconds, 0);
  const fnFigures = functionFigures(profile, o);
  for (const t of o.threadTargets) {
    const f = targetFunction(o, t);
    const fn = f && fnFigures.get(f);
    if (!f || !fn) continue;
    if (fn.gilHeldSeconds / wall < CPU_TARGET_HELD_SHARE || gilWait / wall < CPU_TARGET_GIL_WAIT_SHARE) continue;
    out.push(diagnostic(t.range, DiagnosticCode.cpuBoundTarget,
      `${f.name} held the GIL ${percent(fn.gilHeldSeconds, wall)} of ${run} (${seconds(fn.gilHeldSeconds)}) while threads waited ${seconds(gilWait)} for it ` +
      `(${(gilWait / wall).toFixed(1)} threads waiting on average): threads running pure Python take turns on one GIL; processes run it in parallel.`,
      { functionName: f.name }));
  }

  // Locks whose waiters lost more than the set share of the wall time (objects' own locks: objectDiagnostics).
  for (const lock of figures.locks) {
    if (lock.waitSeconds / wall <= settings.lockWaitShare || isObjectLock(lock)) continue;
    const blocking = lock.holders.filter((h) => h.file === figures.path && h.blockingSeconds > 0).sort((a, b) => b.blockingSeconds - a.blockingSeconds)[0];
    const holdNote = blocking ? `; held ${seconds(lock.holdSeconds)}, and others waited ${seconds(blocking.blockingSeconds)} while it was held at line ${blocking.line}` : `; held ${seconds(lock.holdSeconds)}`;
    const summary = `${lockLabel(lock)}: threads waited ${seconds(lock.waitSeconds)} for it (${percent(lock.waitSeconds, wall)} of ${run}, above ${percent(settings.lockWaitShare, 1)}) over ${plural(lock.contended, 'contended acquisition')}${holdNote}`;
    const lines = new Map<number, number>(); // current line → wait there
    for (const w of lock.waiters) {
      if (w.file !== figures.path) continue;
      const line = profile.current(w.line);
      if (line !== undefined) lines.set(line, (lines.get(line) ?? 0) + w.waitSeconds);
    }
    for (const [line, wait] of lines) {
      const here = wait < lock.waitSeconds ? ` (${seconds(wait)} at this line)` : '';
      out.push(diagnostic(lineRange(doc, line), DiagnosticCode.lockContention, `${summary}${here}.`, { withLine: line }));
    }
    const created = lock.createdAt && lock.createdAt.file === figures.path ? profile.current(lock.createdAt.line) : undefined;
    if (created !== undefined && !lines.has(created)) out.push(diagnostic(lineRange(doc, created), DiagnosticCode.lockContention, `${summary}.`));
  }

  out.push(...objectDiagnostics(profile, doc, settings, run));

  // The convoy effect: GIL waits after giving the GIL up for I/O.
  const hogs = figures.threads.filter((t) => t.gilShares.held >= CPU_TARGET_HELD_SHARE).map((t) => `${t.name} (${percent(t.gilShares.held, 1)})`);
  for (const [reportLine, l] of figures.lines) {
    if (l.convoyCount < CONVOY_MIN_COUNT || l.convoyWaitSeconds / wall < CONVOY_SHARE) continue;
    const line = profile.current(reportLine);
    if (line === undefined) continue;
    const holders = hogs.length > 0 ? `; the GIL was held by ${hogs.join(', ')}` : '';
    out.push(diagnostic(lineRange(doc, line), DiagnosticCode.convoy,
      `convoy: ${plural(l.convoyCount, 'GIL wait')} of ${seconds(l.convoyWaitSeconds)} here after giving the GIL up for I/O (${percent(l.convoyWaitSeconds, wall)} of ${run}): ` +
      `each time a CPU-bound thread kept it until its switch interval ran out${holders}.`));
  }
  return out;
}

/** Stop-the-world pauses stopped threads at a line at least this share of the run, threads summed. */
export const STW_SHARE = 0.1;

/**
 * A free-threaded build: an object whose own lock threads waited for (a dict or list written by all of
 * them), at each line that waited; and lines where stop-the-world pauses stopped threads.
 */
function objectDiagnostics(profile: DocumentProfile, doc: TextDocument, settings: DiagnosticsSettings, run: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { figures } = profile;
  const wall = figures.wallSeconds;
  for (const lock of figures.locks) {
    if (!isObjectLock(lock) || lock.waitSeconds / wall <= settings.lockWaitShare) continue;
    const releasedAt = lock.holders.filter((h) => h.blockingSeconds > 0).sort((a, b) => b.blockingSeconds - a.blockingSeconds)[0];
    const holder = releasedAt ? `; the waits ended when a thread let it go at ${releasedAt.file === figures.path ? `line ${releasedAt.line}` : `${releasedAt.function} line ${releasedAt.line}`}` : '';
    for (const w of lock.waiters) {
      if (w.file !== figures.path) continue;
      const line = profile.current(w.line);
      if (line === undefined) continue;
      out.push(diagnostic(lineRange(doc, line), DiagnosticCode.objectContention,
        `${lockLabel(lock)}: threads waited ${seconds(w.waitSeconds)} here for its own lock (${percent(lock.waitSeconds, wall)} of ${run} in all, ${plural(lock.contended, 'contended take')})${holder}: ` +
        `every thread writes this one ${lock.kind}; give each thread its own and merge them at the end.`));
    }
  }
  for (const [reportLine, l] of figures.lines) {
    if (l.stopTheWorldSeconds / wall < STW_SHARE) continue;
    const line = profile.current(reportLine);
    if (line === undefined) continue;
    out.push(diagnostic(lineRange(doc, line), DiagnosticCode.stopTheWorld,
      `stopped by the world ${seconds(l.stopTheWorldSeconds)} here, threads summed (${percent(l.stopTheWorldSeconds, wall)} of ${run}, ${plural(figures.stopTheWorldPauses, 'pause')}): ` +
      `every pause (garbage collection, mostly) stops all running threads; fewer collections (gc.freeze() after setup, a higher gc threshold) stop them less.`));
  }
  return out;
}

/** Patterns read from the code alone, for a file no recording has run. */
export function staticDiagnostics(o: PythonOutline): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of o.threadTargets) {
    const f = targetFunction(o, t);
    if (f?.pureLoopLine === undefined) continue;
    out.push(diagnostic(t.range, DiagnosticCode.staticCpuTarget,
      `${STATIC_PREFIX}${f.name} runs a pure-Python loop (line ${f.pureLoopLine + 1}) as a thread's target: threads running it hold the GIL in turns and do not run in parallel.`,
      { functionName: f.name }, DiagnosticSeverity.Hint));
  }
  const withLine = (lock: string, line: number): number | undefined =>
    o.withBlocks.filter((w) => w.lockish && w.contextText === lock && w.line <= line && line <= w.endLine).sort((a, b) => b.line - a.line)[0]?.line;
  for (const s of o.sleeps) {
    if (!s.underLock) continue;
    out.push(diagnostic(s.range, DiagnosticCode.staticSleepUnderLock,
      `${STATIC_PREFIX}${s.callee}() while holding ${s.underLock}: every thread that needs the lock waits out the sleep (a busy-wait holding the lock); release it before sleeping, or wait on a threading.Condition.`,
      { withLine: withLine(s.underLock, s.line) }, DiagnosticSeverity.Hint));
  }
  for (const c of o.blockingCalls) {
    if (!c.underLock) continue;
    out.push(diagnostic(c.range, DiagnosticCode.staticIoUnderLock,
      `${STATIC_PREFIX}${c.callee}() blocks on I/O while holding ${c.underLock}: the lock stays held for the whole I/O; do the I/O before or after the critical section.`,
      { withLine: withLine(c.underLock, c.line) }, DiagnosticSeverity.Hint));
  }
  return out;
}

import type { ReportFunction, ReportLock } from '../../core/report/schema';
import { isObjectLock, objectLabel } from './freeThreaded';
import type { OpenDocument } from '../documents/openDocuments';
import type { PyFunction, PythonOutline } from '../python/outlineTypes';
import type { FileFigures, LineFigures } from '../recordings/fileFigures';
import type { LoadedRecording } from '../recordings/loadRecording';
import type { RecordingStore } from '../recordings/recordingStore';

/**
 * A document seen through its newest recording: the recording's figures for
 * the file, and the way between the report's lines (1-based, as recorded)
 * and the editor's (0-based, as they are now).
 */
export interface DocumentProfile {
  readonly recording: LoadedRecording;
  readonly figures: FileFigures;
  /** Why recorded lines cannot be placed in the current text; undefined when they can. */
  readonly stale: string | undefined;
  /** Where a report line is now (0-based), or undefined (deleted, or stale). */
  current(reportLine: number): number | undefined;
  /** The report line (1-based) of a current line, or undefined (written since, or stale). */
  reportLine(line: number): number | undefined;
  /** The line's figures, by current line. */
  lineAt(line: number): LineFigures | undefined;
}

export function documentProfile(store: RecordingStore, document: OpenDocument): DocumentProfile | undefined {
  if (!document.path) return undefined;
  const found = store.forFile(document.path);
  if (!found) return undefined;
  const placement = document.placement(found.recording);
  const tracker = 'tracker' in placement ? placement.tracker : undefined;
  const reportLine = (line: number): number | undefined => {
    const r = tracker?.recorded(line);
    return r === undefined ? undefined : r + 1;
  };
  return {
    recording: found.recording,
    figures: found.figures,
    stale: 'stale' in placement ? placement.stale : undefined,
    current: (l) => tracker?.current(l - 1),
    reportLine,
    lineAt: (line) => {
      const r = reportLine(line);
      return r === undefined ? undefined : found.figures.lines.get(r);
    },
  };
}

/**
 * The recorded figures of each function of the outline: by the line the
 * report gives (co_firstlineno: the first decorator, else the `def`), placed
 * in the current text; when lines cannot be placed, by qualified name.
 */
export function functionFigures(profile: DocumentProfile, o: PythonOutline): Map<PyFunction, ReportFunction> {
  const out = new Map<PyFunction, ReportFunction>();
  const byLine = new Map<number, PyFunction>();
  for (const f of o.functions) {
    byLine.set(f.firstLine, f);
    if (!byLine.has(f.defLine)) byLine.set(f.defLine, f);
  }
  for (const fn of profile.figures.functions) {
    let f: PyFunction | undefined;
    if (!profile.stale) {
      const line = profile.current(fn.firstLine);
      f = line === undefined ? undefined : byLine.get(line);
    } else {
      f = byName(o.functions, fn.function);
    }
    if (f && !out.has(f)) out.set(f, fn);
  }
  return out;
}

/** By co_qualname (3.11+), else by co_name when only one function has it. */
function byName(functions: readonly PyFunction[], name: string): PyFunction | undefined {
  const exact = functions.filter((f) => f.qualname === name);
  if (exact.length === 1) return exact[0];
  const simple = functions.filter((f) => f.name === name);
  return simple.length === 1 ? simple[0] : undefined;
}

/** A lock seen at one line of the document: where it was waited for, held, or created. */
export interface LockAtLine {
  readonly lock: ReportLock;
  /** Waits at this line. */
  readonly waitSeconds: number;
  /** Holds of acquisitions made at this line. */
  readonly holdSeconds: number;
  /** The lock was created on this line. */
  readonly created: boolean;
}

/** The locks the recording saw at a current line of this file. */
export function locksAt(profile: DocumentProfile, line: number): LockAtLine[] {
  const reportLine = profile.reportLine(line);
  if (reportLine === undefined) return [];
  const path = profile.figures.path;
  const here = (s: { file: string; line: number }): boolean => s.file === path && s.line === reportLine;
  const out: LockAtLine[] = [];
  for (const lock of profile.figures.locks) {
    const waits = lock.waiters.filter(here);
    const holds = lock.holders.filter(here);
    const created = lock.createdAt !== null && here(lock.createdAt);
    if (waits.length === 0 && holds.length === 0 && !created) continue;
    out.push({
      lock,
      waitSeconds: waits.reduce((s, w) => s + w.waitSeconds, 0),
      holdSeconds: holds.reduce((s, h) => s + h.holdSeconds, 0),
      created,
    });
  }
  return out.sort((a, b) => b.waitSeconds + b.holdSeconds - (a.waitSeconds + a.holdSeconds));
}

/** A lock's name for people: its name, else its kind and where it was created. */
export function lockLabel(lock: ReportLock): string {
  if (lock.name) return lock.name;
  if (isObjectLock(lock) || lock.kind === 'internal') return objectLabel(lock);
  if (lock.createdAt) return `${lock.kind} created at line ${lock.createdAt.line}`;
  return `${lock.kind} #${lock.id}`;
}

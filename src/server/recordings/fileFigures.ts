import { realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Report, ReportFunction, ReportLine, ReportLock, ReportProcess, ReportSite, ReportThread } from '../../core/report/schema';
import { siteKey } from './threadSites';
import type { ThreadSites } from './threadSites';

/**
 * One recording's figures for one source file, gathered from every process
 * of the report that ran it. File names are resolved (absolute, symlinks
 * followed) so they compare with an editor's document path.
 */
export interface FileFigures {
  readonly path: string;
  /** By 1-based line. */
  readonly lines: ReadonlyMap<number, LineFigures>;
  readonly functions: readonly ReportFunction[];
  /** Locks created, waited for or held in this file; their sites' files are resolved too. */
  readonly locks: readonly ReportLock[];
  /** The threads of the processes that ran this file. */
  readonly threads: readonly ReportThread[];
  /** Seconds from the recording's start to the end of the last of those processes. */
  readonly wallSeconds: number;
  /** Stop-the-world pauses of those processes (free-threaded builds), 0 elsewhere. */
  readonly stopTheWorldPauses: number;
}

export interface LineFigures extends ReportLine {
  /** The threads seen on this line, most time first, with the report's thread names. */
  readonly threads: readonly (ThreadFigure & { readonly name: string })[];
}

export interface ThreadFigure {
  readonly tid: number;
  readonly seconds: number;
  readonly acquisitions: number;
  readonly lockWaits: number;
  readonly lockWaitSeconds: number;
}

/** A report's file name as a real path, or undefined for `<frozen …>`, `<string>` and site 0. */
export function resolveSourcePath(file: string, cwd: string | undefined): string | undefined {
  if (!file || file.startsWith('<')) return undefined;
  const path = isAbsolute(file) ? file : resolve(cwd ?? '.', file);
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Builder {
  lines: Map<number, Mutable<LineFigures>>;
  functions: Map<string, Mutable<ReportFunction>>;
  locks: ReportLock[];
  threads: ReportThread[];
  wallSeconds: number;
  pauses: number;
  /** The processes counted in it, by key (a pid is one machine's). */
  processes: Set<string>;
}

const LINE_SUMS = [
  'gilHeldSeconds', 'gilWaitSeconds', 'releasedSeconds', 'lockWaitSeconds', 'blockedSeconds', 'acquisitions', 'convoyCount', 'convoyWaitSeconds',
  'runningSeconds', 'detachedSeconds', 'stopTheWorldSeconds',
] as const;

function addFigures<T extends Record<(typeof LINE_SUMS)[number], number>>(into: T, from: T): void {
  for (const k of LINE_SUMS) (into as Record<string, number>)[k] = into[k] + from[k];
}

/** Splits a report by source file. `sites` gives each process's threads per line (by process key, the report's Process `key`). */
export function figuresByFile(report: Report, cwd: string | undefined, sites: ReadonlyMap<string, ThreadSites>): Map<string, FileFigures> {
  const files = new Map<string, Builder>();
  const resolved = new Map<string, string | undefined>();
  const resolveOnce = (file: string): string | undefined => {
    if (!resolved.has(file)) resolved.set(file, resolveSourcePath(file, cwd));
    return resolved.get(file);
  };
  const builder = (path: string, p: ReportProcess): Builder => {
    let b = files.get(path);
    if (!b) files.set(path, (b = { lines: new Map(), functions: new Map(), locks: [], threads: [], wallSeconds: 0, pauses: 0, processes: new Set() }));
    if (!b.processes.has(p.key)) {
      b.processes.add(p.key);
      b.pauses += p.stopTheWorld?.count ?? 0;
      b.threads.push(...p.threads);
      b.wallSeconds = Math.max(b.wallSeconds, p.endSeconds);
    }
    return b;
  };
  for (const p of report.processes) {
    const names = new Map(p.threads.map((t) => [t.tid, t.name]));
    const threadSites = sites.get(p.key);
    for (const line of p.lines) {
      const path = resolveOnce(line.file);
      if (!path) continue;
      const b = builder(path, p);
      const threads = (threadSites?.get(siteKey(line.file, line.line)) ?? []).map((t) => ({ ...t, name: names.get(t.tid) ?? `thread ${t.tid}` }));
      const row = b.lines.get(line.line);
      if (row) {
        addFigures(row, line);
        row.threads = [...row.threads, ...threads];
      } else {
        b.lines.set(line.line, { ...line, file: path, threads });
      }
    }
    for (const fn of p.functions) {
      const path = resolveOnce(fn.file);
      if (!path) continue;
      const b = builder(path, p);
      const key = `${fn.function}\0${fn.firstLine}`;
      const row = b.functions.get(key);
      if (row) addFigures(row, fn);
      else b.functions.set(key, { ...fn, file: path });
    }
    for (const lock of p.locks) {
      const site = <S extends ReportSite>(s: S): S => ({ ...s, file: resolveOnce(s.file) ?? s.file });
      const copy: ReportLock = {
        ...lock,
        createdAt: lock.createdAt ? site(lock.createdAt) : null,
        waiters: lock.waiters.map(site),
        holders: lock.holders.map(site),
      };
      const touched = new Set([copy.createdAt, ...copy.waiters, ...copy.holders].filter((s): s is ReportSite => s !== null && s.file !== '').map((s) => s.file));
      for (const path of touched) if (isAbsolute(path)) builder(path, p).locks.push(copy);
    }
  }
  const out = new Map<string, FileFigures>();
  for (const [path, b] of files) {
    out.set(path, { path, lines: b.lines, functions: [...b.functions.values()], locks: b.locks, threads: b.threads, wallSeconds: b.wallSeconds, stopTheWorldPauses: b.pauses });
  }
  return out;
}

import type { Definitions } from '../format/definitions';
import { FtState, ftStateOf } from './ftStates';
import type { FunctionResult, LineResult } from './model';
import type { ProcessContext } from './processContext';
import { SiteCol } from './siteColumns';
import { pendingTicks } from './snapshotThreads';
import type { ThreadState } from './threadState';
import type { TimeMap } from './timeMap';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Per line and per function: the site table, plus each thread's time that no
 * acquire has named yet, credited to the thread's last acquire site.
 */
export function siteResults(
  c: ProcessContext,
  threads: Iterable<ThreadState>,
  endOf: (t: ThreadState) => number,
  defs: Definitions,
  time: TimeMap,
): { lines: LineResult[]; functions: FunctionResult[] } {
  // held, wait, released, running, detached: not named by an acquire (or an attach) yet
  const extra = new Map<number, [number, number, number, number, number]>();
  for (const t of threads) {
    if (t.start !== t.start) continue;
    const stop = endOf(t);
    const p = pendingTicks(t, stop);
    const ft = ftStateOf(t);
    const open = Math.max(0, stop - t.ftSince);
    const running = t.pendRunning + (ft === FtState.running ? open : 0);
    const detached = t.pendDetached + (ft === FtState.detached ? open : 0);
    if (p.held + p.wait + p.released + running + detached === 0) continue;
    const e = extra.get(t.lastSite) ?? [0, 0, 0, 0, 0];
    e[0] += p.held;
    e[1] += p.wait;
    e[2] += p.released;
    e[3] += running;
    e[4] += detached;
    extra.set(t.lastSite, e);
  }
  const ids = new Set(c.sites.ids());
  for (const id of extra.keys()) ids.add(id);
  const lines = new Map<string, Mutable<LineResult>>();
  const sec = (ticks: number): number => time.duration(ticks);
  for (const id of ids) {
    const e = extra.get(id) ?? [0, 0, 0, 0, 0];
    const held = c.sites.get(SiteCol.held, id) + e[0];
    const wait = c.sites.get(SiteCol.wait, id) + e[1];
    const released = c.sites.get(SiteCol.released, id) + e[2];
    const lockWait = c.sites.get(SiteCol.lockWait, id);
    const blocked = c.sites.get(SiteCol.blocked, id);
    const acquisitions = c.sites.get(SiteCol.acquisitions, id);
    const running = c.sites.get(SiteCol.running, id) + e[3];
    const detached = c.sites.get(SiteCol.detached, id) + e[4];
    const stw = c.sites.get(SiteCol.stw, id);
    if (held + wait + released + lockWait + blocked + acquisitions + running + detached + stw === 0) continue;
    const s = defs.site(id);
    const key = `${s.file}\0${s.line}\0${s.function}`;
    const row = lines.get(key) ?? {
      file: s.file, line: s.line, function: s.function,
      gilHeldSeconds: 0, gilWaitSeconds: 0, releasedSeconds: 0, lockWaitSeconds: 0, blockedSeconds: 0,
      acquisitions: 0, convoyCount: 0, convoyWaitSeconds: 0, runningSeconds: 0, detachedSeconds: 0, stopTheWorldSeconds: 0,
    };
    row.runningSeconds += sec(running);
    row.detachedSeconds += sec(detached);
    row.stopTheWorldSeconds += sec(stw);
    row.gilHeldSeconds += sec(held);
    row.gilWaitSeconds += sec(wait);
    row.releasedSeconds += sec(released);
    row.lockWaitSeconds += sec(lockWait);
    row.blockedSeconds += sec(blocked);
    row.acquisitions += acquisitions;
    row.convoyCount += c.sites.get(SiteCol.convoyCount, id);
    row.convoyWaitSeconds += sec(c.sites.get(SiteCol.convoyWait, id));
    lines.set(key, row);
  }
  return { lines: [...lines.values()], functions: byFunction(defs, ids, lines) };
}

function byFunction(defs: Definitions, ids: Set<number>, lines: Map<string, LineResult>): FunctionResult[] {
  const firstLine = new Map<string, number>();
  for (const id of ids) {
    const s = defs.site(id);
    firstLine.set(`${s.file}\0${s.function}`, s.firstLine);
  }
  const out = new Map<string, Mutable<FunctionResult>>();
  for (const l of lines.values()) {
    const key = `${l.file}\0${l.function}`;
    const f = out.get(key) ?? {
      file: l.file, function: l.function, firstLine: firstLine.get(key) ?? 0,
      gilHeldSeconds: 0, gilWaitSeconds: 0, releasedSeconds: 0, lockWaitSeconds: 0, blockedSeconds: 0,
      acquisitions: 0, convoyCount: 0, convoyWaitSeconds: 0, runningSeconds: 0, detachedSeconds: 0, stopTheWorldSeconds: 0,
    };
    f.runningSeconds += l.runningSeconds;
    f.detachedSeconds += l.detachedSeconds;
    f.stopTheWorldSeconds += l.stopTheWorldSeconds;
    f.gilHeldSeconds += l.gilHeldSeconds;
    f.gilWaitSeconds += l.gilWaitSeconds;
    f.releasedSeconds += l.releasedSeconds;
    f.lockWaitSeconds += l.lockWaitSeconds;
    f.blockedSeconds += l.blockedSeconds;
    f.acquisitions += l.acquisitions;
    f.convoyCount += l.convoyCount;
    f.convoyWaitSeconds += l.convoyWaitSeconds;
    out.set(key, f);
  }
  return [...out.values()];
}

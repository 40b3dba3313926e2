import { Heatmap } from './heatmap';
import type { BinTime, LockRowSource, ThreadRowSource } from './heatmap';
import { FtState, ftStateOf } from './ftStates';
import { openContention } from './lockMachine';
import type { LockResult, ThreadResult } from './model';
import { freezeSeries } from './prefixSeries';
import type { ProcessContext } from './processContext';
import { GilState } from './threadState';
import type { ThreadState } from './threadState';
import type { TimeMap } from './timeMap';

/** Lock rows shown: the locks with the most wait, then hold. */
export const HEATMAP_LOCK_ROWS = 64;

/** A free-threaded thread's running, stopped and blocked bins, with the state open at `stop`. */
function ftRows(t: ThreadState, w: number, stop: number, final: boolean): Pick<ThreadRowSource, 'running' | 'stw' | 'blocked'> {
  if (!t.runningBins || !t.stwBins || !t.blockedBins) return {};
  const s = t.state === GilState.ended ? FtState.none : ftStateOf(t);
  const open = (state: number): [number, number][] => (s === state && stop > t.ftSince ? [[t.ftSince, stop]] : []);
  return {
    running: freezeSeries(t.runningBins, w, open(FtState.running), final),
    stw: freezeSeries(t.stwBins, w, open(FtState.stw), final),
    blocked: freezeSeries(t.blockedBins, w, open(FtState.blocked), final),
  };
}

/**
 * `key`: the process's key (processKeys.ts), which its rows' keys begin with.
 * `final`: no record will come any more (its file has ended): rows read the bins in place.
 */
export function buildHeatmap(
  key: string,
  pid: number,
  c: ProcessContext,
  threads: readonly [ThreadState, ThreadResult][],
  locks: readonly LockResult[],
  end: number,
  time: TimeMap,
  final = false,
): Heatmap {
  const w = c.grid.width;
  const bt: BinTime = { offsetNs: time.fileOffsetNs + time.intercept, slope: time.slope, binTicks: w };
  const threadRows: ThreadRowSource[] = threads.map(([t, r]) => {
    const stop = t.state === GilState.ended ? t.end : end;
    return {
      kind: 'thread',
      key: `${key}/${t.slot}`,
      label: r.name,
      pid,
      startSeconds: r.startSeconds,
      endSeconds: r.endSeconds,
      time: bt,
      held: freezeSeries(t.heldBins, w, t.state === GilState.held ? [[t.since, stop]] : [], final),
      wait: freezeSeries(t.waitBins, w, t.state === GilState.waiting ? [[t.since, stop]] : [], final),
      lockWait: freezeSeries(t.lockWaitBins, w, openContention(t, stop).spans, final),
      ...ftRows(t, w, stop, final),
      ...(t.unknownBins ? { unknown: freezeSeries(t.unknownBins, w, t.state === GilState.unknown ? [[t.since, stop]] : [], final) } : {}),
    };
  });
  const lockRows: LockRowSource[] = [];
  for (const l of locks) {
    if (lockRows.length >= HEATMAP_LOCK_ROWS) break;
    const stats = c.locks.get(l.id);
    if (!stats?.waitBins || !stats.holdBins || l.waitSeconds + l.holdSeconds === 0) continue;
    lockRows.push({
      kind: 'lock',
      key: `${key}/lock/${l.id}`,
      label: l.name ?? `${l.kind} #${l.id}${l.createdAt ? ` (${l.createdAt.file}:${l.createdAt.line})` : ''}`,
      pid,
      time: bt,
      wait: freezeSeries(stats.waitBins, w, [], final),
      hold: freezeSeries(stats.holdBins, w, [], final),
    });
  }
  return new Heatmap(threadRows, lockRows);
}

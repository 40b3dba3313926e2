import type { Definitions } from '../format/definitions';
import { ftTotals } from './ftMachine';
import { FtState, ftStateOf } from './ftStates';
import { openContention } from './lockMachine';
import type { ThreadResult, WaitRef } from './model';
import { NO_CPU_FIGURES } from './snapshotCpu';
import type { ThreadCpuFigures } from './snapshotCpu';
import { GilState, TOP_WAITS } from './threadState';
import type { ThreadState } from './threadState';
import type { TimeMap } from './timeMap';

/** The thread's totals with the state still open at `end` (ticks) added. */
export function closedTotals(t: ThreadState, end: number): { held: number; wait: number; released: number; unknown: number; lockWait: number; blocked: number } {
  const open = t.state === GilState.ended ? 0 : Math.max(0, end - t.since);
  const blockedOpen = t.waitLock >= 0 && t.waitKind !== 0 ? Math.max(0, end - t.waitStart) : 0;
  return {
    held: t.held + (t.state === GilState.held ? open : 0),
    wait: t.wait + (t.state === GilState.waiting ? open : 0),
    released: t.released + (t.state === GilState.released ? open : 0),
    unknown: t.unknown + (t.state === GilState.unknown ? open : 0),
    lockWait: t.lockWait + openContention(t, end).ticks,
    blocked: t.blockedByKind.reduce((a, b) => a + b, 0) + blockedOpen,
  };
}

/** Time since the last acquire, not yet named by a next one, with the open state to `end`. */
export function pendingTicks(t: ThreadState, end: number): { held: number; wait: number; released: number } {
  const open = t.state === GilState.ended ? 0 : Math.max(0, end - t.since);
  return {
    held: t.pendHeld + (t.state === GilState.held ? open : 0),
    wait: t.pendWait + (t.state === GilState.waiting ? open : 0),
    released: t.pendReleased + (t.state === GilState.released ? open : 0),
  };
}

/** The free-threaded state open at the end is a wait (a lock or object, an event, a pause). */
function ftWaiting(t: ThreadState): boolean {
  const s = ftStateOf(t);
  return s === FtState.lockWait || s === FtState.blocked || s === FtState.stw;
}

/**
 * The thread's blocked spans in seconds, the one still open at `stop` included; null when `complete` is false.
 * On a free-threaded build a stop-the-world wait blocks it too, and its open state starts at `ftSince`.
 */
function blockedSpans(t: ThreadState, stop: number, time: TimeMap, complete: boolean, ft: boolean): Float64Array | null {
  if (!complete) return null;
  const log = t.blockedLog;
  const from = ft ? t.ftSince : t.since;
  const open = t.state === GilState.released && (ft ? ftWaiting(t) : t.waitLock >= 0) && stop > from;
  const out = new Float64Array(log.size + (open ? 2 : 0));
  for (let i = 0; i < log.size; i++) out[i] = time.seconds(log.at(i));
  if (open) {
    out[log.size] = time.seconds(from);
    out[log.size + 1] = time.seconds(stop);
  }
  return out;
}

/**
 * @param spansComplete false when the process's logs ran out of room (blocked spans then unknown)
 * @param cpu what the thread's CPU samples say (snapshotCpu.ts)
 */
export function threadResult(t: ThreadState, end: number, time: TimeMap, defs: Definitions, spansComplete = true, cpu: ThreadCpuFigures = NO_CPU_FIGURES, ft = false): ThreadResult {
  const ended = t.state === GilState.ended;
  const stop = ended ? t.end : Math.max(end, t.lastTs);
  const totals = closedTotals(t, stop);
  const longestWaits: WaitRef[] = [];
  for (let i = 0; i < TOP_WAITS && t.topWait[i]! > 0; i++) {
    const s = defs.site(t.topWaitSite[i]!);
    longestWaits.push({
      seconds: time.duration(t.topWait[i]!),
      atSeconds: time.seconds(t.topWaitAt[i]!),
      site: { file: s.file, line: s.line, function: s.function },
    });
  }
  return {
    slot: t.slot,
    tid: t.tid,
    name: defs.string(t.nameId) ?? (t.isMain ? 'MainThread' : `thread ${t.slot}`),
    isMain: t.isMain,
    startSeconds: time.seconds(t.start),
    endSeconds: time.seconds(stop),
    ended,
    gil: {
      heldSeconds: time.duration(totals.held),
      waitSeconds: time.duration(totals.wait),
      releasedSeconds: time.duration(totals.released),
      ...(totals.unknown > 0 ? { unknownSeconds: time.duration(totals.unknown) } : {}),
    },
    acquisitions: t.acquisitions,
    lockWaitSeconds: time.duration(totals.lockWait),
    blockedSeconds: time.duration(totals.blocked),
    convoy: { count: t.convoyCount, waitSeconds: time.duration(t.convoyWait) },
    longestWaits,
    blockedSpans: blockedSpans(t, stop, time, spansComplete, ft),
    ...cpu,
    states: ft ? ftStates(t, stop, time) : null,
    attaches: t.attaches,
  };
}

function ftStates(t: ThreadState, stop: number, time: TimeMap): ThreadResult['states'] {
  const s = ftTotals(t, stop);
  return {
    runningSeconds: time.duration(s.running),
    lockWaitSeconds: time.duration(s.lockWait),
    stopTheWorldSeconds: time.duration(s.stw),
    blockedSeconds: time.duration(s.blocked),
    detachedSeconds: time.duration(s.detached),
  };
}

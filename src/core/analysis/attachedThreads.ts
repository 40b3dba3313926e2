import { AtAttachState, ATTACH_GIL_INDEX, GilFlag } from '../format/layout';
import { ftStartedAt } from './ftMachine';
import { SiteCol } from './siteColumns';
import type { ProcessContext } from './processContext';
import { GilState } from './threadState';
import type { ThreadState } from './threadState';

/**
 * What an attached recording (`gilscope attach`, FORMAT.md THREAD_NAME and
 * THREAD_AT_ATTACH) says of threads other than the one writing: the thread
 * that began the recording names the threads that ran already, by Linux
 * tid, and gives each one's state at the attach. A thread's own records may
 * be read before or after those (chunks come in any order), so what names a
 * tid not seen yet waits in the context until that thread's THREAD_START.
 */

/** A thread's name from THREAD_NAME: the latest one wins, whoever wrote it. */
export function nameThread(t: ThreadState, ts: number, nameId: number): void {
  if (ts < t.nameTs) return;
  t.nameId = nameId;
  t.nameTs = ts;
}

/** THREAD_NAME with a payload: names the thread with Linux tid `tid`, not the writer. */
export function nameByTid(threads: Iterable<ThreadState>, c: ProcessContext, tid: number, ts: number, nameId: number): void {
  const named = findByTid(threads, tid);
  if (named) nameThread(named, ts, nameId);
  else c.tidNames.set(tid, [ts, nameId]);
}

/** The state a thread was in at the attach, as the GIL machine's state; -1 when unknown. */
function gilStateAt(flags: number): number {
  switch (flags & 0xff) {
    case AtAttachState.holds: return GilState.held;
    case AtAttachState.waits: return GilState.waiting;
    case AtAttachState.without: return GilState.released;
    default: return -1;
  }
}

/** THREAD_AT_ATTACH: the state of the thread with Linux tid `tid` from `ts` (the attach) until its first transition. */
export function threadAtAttach(threads: Iterable<ThreadState>, c: ProcessContext, tid: number, ts: number, flags: number): void {
  const t = findByTid(threads, tid);
  if (t) beganEarlier(t, c, ts, flags);
  else c.atAttach.set(tid, [ts, flags]);
}

/** At a THREAD_START: what the attach said of this tid before its own records came. */
export function threadStarted(t: ThreadState, c: ProcessContext): void {
  const name = c.tidNames.get(t.tid);
  if (name) {
    c.tidNames.delete(t.tid);
    nameThread(t, name[0], name[1]);
  }
  const at = c.atAttach.get(t.tid);
  if (at) {
    c.atAttach.delete(t.tid);
    beganEarlier(t, c, at[0], at[1]);
  }
}

function findByTid(threads: Iterable<ThreadState>, tid: number): ThreadState | undefined {
  if (tid === 0) return undefined;
  for (const t of threads) if (t.tid === tid) return t;
  return undefined;
}

/**
 * The thread ran from `ts` in the state the attach saw: its life begins
 * there. When the state is unknown nothing is made up: the thread is shown
 * from its first transition. A free-threaded thread's attachment (GIL index
 * 255) is its attached flag; a GIL's state is the GIL machine's. Read before
 * the thread's first transition, the state simply stands until then; read
 * after it (its records came first), the time before is added to its totals,
 * its bins and the line of its first acquire.
 */
function beganEarlier(t: ThreadState, c: ProcessContext, ts: number, flags: number): void {
  const index = (flags >>> 8) & GilFlag.indexMask;
  const state = gilStateAt(flags);
  if (state < 0 || !(ts < t.start)) return;
  if (index === ATTACH_GIL_INDEX && c.ft) {
    if (state !== GilState.waiting) ftStartedAt(t, ts, state === GilState.held);
    return;
  }
  const d = t.start - ts;
  const untouched = t.state === GilState.released && t.since === t.start && t.acquisitions === 0 && t.pendHeld + t.pendWait + t.pendReleased === 0;
  if (untouched) {
    t.start = ts;
    t.since = ts;
    t.state = state;
    t.gil = index;
    return;
  }
  t.start = ts;
  if (state === GilState.held) {
    t.held += d;
    c.gilHeld[index]! += d;
    t.heldBins.add(ts, ts + d);
  } else if (state === GilState.waiting) {
    t.wait += d;
    c.gilWait[index]! += d;
    t.waitBins.add(ts, ts + d);
  } else {
    t.released += d;
  }
  const col = state === GilState.held ? SiteCol.held : state === GilState.waiting ? SiteCol.wait : SiteCol.released;
  if (t.acquisitions === 0) {
    if (state === GilState.held) t.pendHeld += d;
    else if (state === GilState.waiting) t.pendWait += d;
    else t.pendReleased += d;
  } else {
    c.sites.add(col, t.firstSite, d);
  }
}

import { LockAcquireFlag, LockKind, RecordFlag, WaitKind } from '../format/layout';
import { ftClose } from './ftStates';
import { addTo, LockStats } from './lockStats';
import { MAX_LOCK_ROWS } from './processContext';
import type { ProcessContext } from './processContext';
import { SiteCol } from './siteColumns';
import { GilState } from './threadState';
import type { ThreadState } from './threadState';

/**
 * Lock records 20-24 (FORMAT.md, "Locks"), as the runtime writes them
 * (runtime/csrc/locks.c). A wait of kind 0 (acquire) is contention; the other
 * kinds (Condition wait-until-notified, Event, queue, future, join) are waits
 * for an event and are counted apart, on the user's object, for the whole
 * call.
 *
 * A contended acquire is written as GIL_RELEASE, LOCK_WAIT (the release's
 * time), [GIL_HANDOFF], [GIL_WAIT], GIL_ACQUIRE, LOCK_ACQUIRE (contended;
 * its time is when the lock was obtained, which is when the thread asked for
 * the GIL back, so earlier than the GIL_ACQUIRE before it). The lock wait is
 * the time the thread was released in between; the GIL waits around it are
 * GIL waits, counted apart (`LockStats.gilWait`).
 */

export function lockOf(c: ProcessContext, id: number): LockStats {
  let lock = c.locks.get(id);
  if (!lock) {
    lock = new LockStats(id, c.logBudget);
    if (c.lockRows < MAX_LOCK_ROWS) {
      c.lockRows++;
      lock.waitBins = c.grid.newSeries();
      lock.holdBins = c.grid.newSeries();
    }
    c.locks.set(id, lock);
  }
  return lock;
}

export function lockNew(c: ProcessContext, id: number, kind: number, ts: number, site: number, nameId: number, addrLo: number, addrHi: number): void {
  const lock = lockOf(c, id);
  lock.kind = kind;
  lock.created = ts;
  lock.createSite = site;
  lock.nameId = nameId;
  lock.address = addrHi * 4294967296 + addrLo;
}

export function lockWait(t: ThreadState, c: ProcessContext, id: number, kind: number, ts: number, site: number, holderSite: number): void {
  if (t.waitLock >= 0) finishWait(t, c, ts);
  if (c.ft) ftClose(t, ts);
  t.waitLock = id;
  t.waitKind = kind;
  t.waitStart = ts;
  t.waitSite = site;
  t.waitHolderSite = holderSite;
  t.waitRel = 0;
  t.waitGil = 0;
  t.waitPendStart = NaN;
  t.waitFirstRel = NaN;
  t.contending = kind === WaitKind.acquire;
}

/**
 * Called by the GIL machine before it closes the thread's state at `ts`
 * while a contention wait is open: released time goes to the wait (the last
 * span held back), GIL waiting to the wait's GIL time.
 */
export function contentionSpan(t: ThreadState, c: ProcessContext, ts: number): void {
  const s0 = Math.max(t.since, t.waitStart);
  if (!(ts > s0)) return;
  if (t.state === GilState.waiting) {
    t.waitGil += ts - s0;
    return;
  }
  if (t.state !== GilState.released) return;
  if (t.waitPendStart === t.waitPendStart) flushPending(t, lockOf(c, t.waitLock), t.waitPendEnd);
  else if (t.waitFirstRel !== t.waitFirstRel) t.waitFirstRel = s0;
  t.waitPendStart = s0;
  t.waitPendEnd = ts;
}

function addWaitSpan(t: ThreadState, lock: LockStats, s0: number, s1: number): void {
  if (!(s1 > s0)) return;
  if (t.waitFirstRel !== t.waitFirstRel) t.waitFirstRel = s0;
  t.waitRel += s1 - s0;
  t.lockWaitBins.add(s0, s1);
  lock.waitBins?.add(s0, s1);
}

function flushPending(t: ThreadState, lock: LockStats, upTo: number): void {
  addWaitSpan(t, lock, t.waitPendStart, Math.min(t.waitPendEnd, upTo));
  t.waitPendStart = NaN;
}

/** Released time in the open contention wait up to `end`, without changing the state (for snapshots). */
export function openContention(t: ThreadState, end: number): { ticks: number; spans: [number, number][] } {
  const spans: [number, number][] = [];
  if (!t.contending) return { ticks: 0, spans };
  if (t.waitPendStart === t.waitPendStart) spans.push([t.waitPendStart, Math.min(t.waitPendEnd, end)]);
  if (t.state === GilState.released) spans.push([Math.max(t.since, t.waitStart), end]);
  let ticks = t.waitRel;
  for (const [a, b] of spans) if (b > a) ticks += b - a;
  return { ticks, spans: spans.filter(([a, b]) => b > a) };
}

/**
 * A free-threaded build: the lock was the thread's at `ts` (handed over by its releaser), and the
 * acquire, written later, comes after a record of the thread's that closed its states past `ts`
 * (its attach once the OS ran it). The lock wait ended at `ts`, as the lock machine counts it;
 * the time since, the thread had the lock and was not yet running: detached, named by the line
 * of the attach that ended it, as detached time is.
 */
function handedBeforeRunning(t: ThreadState, c: ProcessContext, ts: number): void {
  const over = Math.min(t.ftSince - Math.max(ts, t.waitStart), t.ftLockWait);
  if (!(over > 0)) return;
  t.ftLockWait -= over;
  t.ftDetached += over;
  c.sites.add(SiteCol.detached, t.lastSite, over);
}

/** Ends the thread's open wait at `ts`; returns a contention wait's time (0 for the other kinds). */
export function finishWait(t: ThreadState, c: ProcessContext, ts: number): number {
  if (c.ft) ftClose(t, ts);
  const lock = lockOf(c, t.waitLock);
  const kind = t.waitKind;
  if (kind === WaitKind.acquire && c.ft && t.ftSince > ts) handedBeforeRunning(t, c, ts);
  if (kind === WaitKind.acquire) {
    if (t.waitPendStart === t.waitPendStart) flushPending(t, lock, ts);
    if (t.state === GilState.released) addWaitSpan(t, lock, Math.max(t.since, t.waitStart), ts);
    const d = t.waitRel;
    lock.waits.add(d);
    lock.gilWait += t.waitGil;
    addTo(lock.waiters, t.waitSite, d);
    addTo(lock.blockers, t.waitHolderSite, d);
    if (d > 0) lock.waitLog.push2(t.waitFirstRel, ts);
    t.lockWait += d;
    c.sites.add(SiteCol.lockWait, t.waitSite, d);
    t.waitLock = -1;
    t.contending = false;
    return d;
  } else {
    const d = Math.max(0, ts - t.waitStart);
    const k = kind < 8 ? kind : 7;
    lock.otherWaitByKind[k]! += d;
    lock.otherWaitCountByKind[k]!++;
    const key = t.waitSite * 8 + k;
    let box = lock.otherWaitBySite.get(key);
    if (!box) lock.otherWaitBySite.set(key, (box = new Float64Array(2)));
    box[0]!++;
    box[1]! += d;
    t.blockedByKind[k]! += d;
    c.sites.add(SiteCol.blocked, t.waitSite, d);
  }
  t.waitLock = -1;
  t.contending = false;
  return 0;
}

/** An object's own lock or a lock inside CPython (free-threaded): their holds are not recorded, only waits and wakes. */
export function holdsUnseen(kind: number): boolean {
  return kind === LockKind.object || kind === LockKind.internal;
}

/**
 * @param wakerSite where the thread that woke this one let the lock or object go (free-threaded builds; 0 unknown):
 *   the line whose hold made it wait
 */
export function lockAcquire(t: ThreadState, c: ProcessContext, id: number, flags: number, ts: number, site: number, wakerSite = 0): void {
  const lock = lockOf(c, id);
  const waited = t.waitLock === id;
  // A contended acquire without a site (no payload, FORMAT.md) was obtained at its wait's;
  // an uncontended one flagged sameSite at the site of the thread's last with a site.
  if (site === 0 && waited && flags & LockAcquireFlag.contended) site = t.waitSite;
  else if (flags & LockAcquireFlag.sameSite) site = t.acquireLock === id ? t.acquireSite : 0;
  else if ((flags & (LockAcquireFlag.contended | RecordFlag.summarised)) === 0) {
    t.acquireLock = id;
    t.acquireSite = site;
  }
  // A contended acquire is stamped when the lock was obtained, before the GIL_ACQUIRE read just before it.
  const floor = waited ? t.waitStart : t.lastTs;
  if (ts < floor) ts = floor;
  const d = waited ? finishWait(t, c, ts) : 0;
  if (wakerSite !== 0 && d > 0) addTo(lock.wakers, wakerSite, d);
  if (flags & LockAcquireFlag.gaveUp) {
    lock.gaveUp++;
    return;
  }
  lock.acquisitions++;
  if (waited || flags & LockAcquireFlag.contended) lock.contended++;
  if (holdsUnseen(lock.kind)) return; // no LOCK_RELEASE will close a hold
  const stack = t.holdLock;
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i] !== id) continue;
    if (lock.kind === LockKind.rlock) {
      t.holdDepth[i]!++; // re-entry: the outer hold goes on
      return;
    }
    // Acquired again while its hold looks open: another thread released it in
    // between (a record read later). That release will close the old hold.
    lock.detachedHolds.push(t.holdStart[i]!, t.holdSite[i]!, t.slot);
    removeHold(t, i);
    break;
  }
  stack.push(id);
  t.holdStart.push(ts);
  t.holdSite.push(site);
  t.holdDepth.push(1);
  // The GIL acquire that followed obtaining the lock was read before this record: it is inside the hold.
  if (t.lastAcqTs >= ts) t.acqLog.push2(t.lastAcqTs, t.lastSite);
}

function removeHold(t: ThreadState, i: number): void {
  if (i === t.holdLock.length - 1) {
    // The innermost hold, as a rule: no shifting.
    t.holdLock.pop();
    t.holdStart.pop();
    t.holdSite.pop();
    t.holdDepth.pop();
    return;
  }
  t.holdLock.splice(i, 1);
  t.holdStart.splice(i, 1);
  t.holdSite.splice(i, 1);
  t.holdDepth.splice(i, 1);
}

export function endHold(lock: LockStats, start: number, site: number, slot: number, ts: number): void {
  const d = ts - start;
  lock.holds.add(d);
  addTo(lock.holdBySite, site, d);
  lock.holdBins?.add(start, ts);
  lock.holdLog.push4(start, ts, slot, site);
}

export function lockRelease(t: ThreadState, c: ProcessContext, id: number, ts: number): void {
  const stack = t.holdLock;
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i] !== id) continue;
    if (--t.holdDepth[i]! > 0) return;
    endHold(lockOf(c, id), t.holdStart[i]!, t.holdSite[i]!, t.slot, ts);
    removeHold(t, i);
    return;
  }
  lockOf(c, id).orphanReleases.push(ts); // released by a thread that did not acquire it
}

export function lockWaitEnd(t: ThreadState, c: ProcessContext, id: number, ts: number): void {
  if (t.waitLock === id) finishWait(t, c, ts);
}

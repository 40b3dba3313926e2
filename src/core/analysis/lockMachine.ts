import { WaitKind } from '../format/layout';
import { addTo, LockStats } from './lockStats';
import { MAX_LOCK_ROWS } from './processContext';
import type { ProcessContext } from './processContext';
import { SiteCol } from './siteColumns';
import type { ThreadState } from './threadState';

/**
 * Lock records 20-24 (FORMAT.md, "Locks"). A wait of kind 0 (acquire) is
 * contention; the other kinds (Condition wait-until-notified, Event, queue,
 * future, join) are waits for an event and are counted apart.
 */

export function lockOf(c: ProcessContext, id: number): LockStats {
  let lock = c.locks.get(id);
  if (!lock) {
    lock = new LockStats(id);
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
  t.waitLock = id;
  t.waitKind = kind;
  t.waitStart = ts;
  t.waitSite = site;
  t.waitHolderSite = holderSite;
}

/** Ends the thread's open wait at `ts`. */
export function finishWait(t: ThreadState, c: ProcessContext, ts: number): void {
  const lock = lockOf(c, t.waitLock);
  const d = ts - t.waitStart;
  const kind = t.waitKind;
  if (kind === WaitKind.acquire) {
    lock.waits.add(d);
    addTo(lock.waiters, t.waitSite, d);
    addTo(lock.blockers, t.waitHolderSite, d);
    t.lockWait += d;
    c.sites.add(SiteCol.lockWait, t.waitSite, d);
    t.lockWaitBins.add(t.waitStart, ts);
    lock.waitBins?.add(t.waitStart, ts);
  } else {
    const k = kind < 8 ? kind : 7;
    lock.otherWaitByKind[k]! += d;
    lock.otherWaitCountByKind[k]!++;
    t.blockedByKind[k]! += d;
    c.sites.add(SiteCol.blocked, t.waitSite, d);
  }
  t.waitLock = -1;
}

export function lockAcquire(t: ThreadState, c: ProcessContext, id: number, flags: number, ts: number, site: number): void {
  const lock = lockOf(c, id);
  const waited = t.waitLock === id;
  if (waited) finishWait(t, c, ts);
  if (flags & 2) {
    lock.gaveUp++;
    return;
  }
  lock.acquisitions++;
  if (waited || flags & 1) lock.contended++;
  const stack = t.holdLock;
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i] === id) {
      t.holdDepth[i]!++; // re-entry (RLock): the outer hold goes on
      return;
    }
  }
  stack.push(id);
  t.holdStart.push(ts);
  t.holdSite.push(site);
  t.holdDepth.push(1);
}

export function endHold(c: ProcessContext, lock: LockStats, start: number, site: number, ts: number): void {
  const d = ts - start;
  lock.holds.add(d);
  addTo(lock.holdBySite, site, d);
  lock.holdBins?.add(start, ts);
}

export function lockRelease(t: ThreadState, c: ProcessContext, id: number, ts: number): void {
  const stack = t.holdLock;
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i] !== id) continue;
    if (--t.holdDepth[i]! > 0) return;
    endHold(c, lockOf(c, id), t.holdStart[i]!, t.holdSite[i]!, ts);
    stack.splice(i, 1);
    t.holdStart.splice(i, 1);
    t.holdSite.splice(i, 1);
    t.holdDepth.splice(i, 1);
    return;
  }
  lockOf(c, id).orphanReleases.push(ts); // released by a thread that did not acquire it
}

export function lockWaitEnd(t: ThreadState, c: ProcessContext, id: number, ts: number): void {
  if (t.waitLock === id) finishWait(t, c, ts);
}

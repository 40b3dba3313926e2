import { ftClose } from './ftStates';
import { contentionSpan } from './lockMachine';
import type { ProcessContext } from './processContext';
import { SiteCol } from './siteColumns';
import { GilState } from './threadState';
import type { ThreadState } from './threadState';

/**
 * The per-thread GIL state machine (FORMAT.md, "GIL"): released → waiting →
 * held → released. The site of a GIL_ACQUIRE names the released time and the
 * wait that just ended, and the hold before them: that time is kept pending
 * on the thread until the acquire names its line. A GIL_HANDOFF after a
 * GIL_RELEASE makes the time between them waiting (the releasing thread was
 * blocked in the hand-over); the thread is released after it.
 */

/** Adds the time in the current state up to `ts`. */
export function closeState(t: ThreadState, c: ProcessContext, ts: number): void {
  if (t.contending) contentionSpan(t, c, ts); // rare: kept out of this hot function
  if (c.ft) ftClose(t, ts); // a free-threaded build's states split where the GIL's do (ftStates.ts logs their blocked spans)
  const d = ts - t.since;
  switch (t.state) {
    case GilState.released:
      t.released += d;
      t.pendReleased += d;
      if (t.waitLock >= 0 && d > 0 && !c.ft) t.blockedLog.push2(t.since, ts);
      break;
    case GilState.waiting:
      t.wait += d;
      t.pendWait += d;
      c.gilWait[t.gil]! += d;
      t.waitBins.add(t.since, ts);
      break;
    case GilState.held:
      t.held += d;
      t.pendHeld += d;
      t.lastHold = t.holdCarried + d;
      c.gilHeld[t.gil]! += d;
      t.heldBins.add(t.since, ts);
      break;
    case GilState.unknown:
      t.unknown += d; // no line: nothing is said of it but that it is not known
      (t.unknownBins ??= c.grid.newSeries()).add(t.since, ts);
      break;
    default:
      return;
  }
  t.since = ts;
}

export function gilWait(t: ThreadState, c: ProcessContext, ts: number, gil: number): void {
  if (t.state === GilState.waiting || t.state === GilState.ended) return; // a signal split one wait
  closeState(t, c, ts);
  t.state = GilState.waiting;
  t.gil = gil;
  t.handoffArmed = false;
}

export function gilHandoff(t: ThreadState, c: ProcessContext, ts: number): void {
  if (t.state !== GilState.released || !t.handoffArmed) return;
  t.handoffArmed = false;
  t.state = GilState.waiting; // since the release: blocked in the hand-over
  closeState(t, c, ts);
  t.state = GilState.released;
}

export function gilAcquire(t: ThreadState, c: ProcessContext, ts: number, gil: number, site: number): void {
  if (t.state === GilState.ended) return;
  const sites = c.sites;
  if (t.state === GilState.waiting) {
    const d = ts - t.since;
    t.noteWait(d, t.since, site);
    if (d >= c.convoyTicks && t.lastHold < c.convoyTicks) {
      t.convoyCount++;
      t.convoyWait += d;
      sites.add(SiteCol.convoyCount, site, 1);
      sites.add(SiteCol.convoyWait, site, d);
    }
  }
  closeState(t, c, ts);
  // The site's row once for the four columns an acquire adds to (the hot path).
  const at = sites.offset(site);
  const row = sites.data;
  row[at + SiteCol.held]! += t.pendHeld;
  row[at + SiteCol.wait]! += t.pendWait;
  row[at + SiteCol.released]! += t.pendReleased;
  row[at + SiteCol.acquisitions]! += 1;
  t.pendHeld = 0;
  t.pendWait = 0;
  t.pendReleased = 0;
  t.holdCarried = 0;
  t.state = GilState.held;
  t.gil = gil;
  if (t.acquisitions === 0) t.firstSite = site;
  t.acquisitions++;
  c.gilAcquisitions[gil]!++;
  t.lastSite = site;
  t.lastAcqTs = ts;
  t.handoffArmed = false;
  if (t.holdLock.length > 0) t.acqLog.push2(ts, site);
}

export function attributePending(t: ThreadState, c: ProcessContext, site: number): void {
  if (t.pendHeld + t.pendWait + t.pendReleased === 0) return;
  c.sites.add(SiteCol.held, site, t.pendHeld);
  c.sites.add(SiteCol.wait, site, t.pendWait);
  c.sites.add(SiteCol.released, site, t.pendReleased);
  t.pendHeld = 0;
  t.pendWait = 0;
  t.pendReleased = 0;
}

/**
 * GIL_HOLD_SITE: a long hold goes on (the runtime asked the thread to let the
 * GIL go and it took it straight back); the time held so far is named by the
 * line the thread stood on. Not a switch: no acquisition is counted.
 */
export function gilHoldSite(t: ThreadState, c: ProcessContext, ts: number, site: number): void {
  if (t.state !== GilState.held) return;
  closeState(t, c, ts);
  attributePending(t, c, site);
  t.holdCarried = t.lastHold;
  t.lastSite = site;
}

export function gilRelease(t: ThreadState, c: ProcessContext, ts: number): void {
  if (t.state === GilState.released || t.state === GilState.ended) return;
  closeState(t, c, ts);
  t.state = GilState.released;
  t.handoffArmed = true;
}

/** A sampled GIL_RELEASE flagged toUnknown: from `ts` the thread ran in a state the sampler could not tell. */
export function gilUnknown(t: ThreadState, c: ProcessContext, ts: number): void {
  if (t.state === GilState.unknown || t.state === GilState.ended) return;
  closeState(t, c, ts);
  t.state = GilState.unknown;
  t.handoffArmed = false;
}

export function threadEnd(t: ThreadState, c: ProcessContext, ts: number): void {
  if (t.state === GilState.ended) return;
  closeState(t, c, ts);
  t.state = GilState.ended;
  t.end = ts;
  t.handoffArmed = false;
}

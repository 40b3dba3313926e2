import { QUIET_HOLD_BOUNDS_NS } from '../format/layout';
import { attributePending, closeState } from './gilMachine';
import { lockOf } from './lockMachine';
import { addTo } from './lockStats';
import type { ProcessContext } from './processContext';
import { SiteCol } from './siteColumns';
import { GilState } from './threadState';
import type { ThreadState } from './threadState';

/**
 * The summaries GIL_QUIET (15) and LOCK_QUIET (25) (FORMAT.md, "Tentative
 * records, and the summaries that stand for them"): what the writer folded
 * because it carried no contention, counted so that every total (a thread's
 * held and released time, its GIL's held time and acquisitions, the lines,
 * a lock's acquisitions and hold time) is what the full log gives. Only how
 * the time lies within a summary's span is lost: the heatmaps spread it
 * evenly, and a lock's hold percentiles come from the summary's histogram.
 */

/**
 * GIL_QUIET: over [ts - span, ts] the thread held the GIL except `released`
 * ticks in `count` pieces, and took it back `count` times without waiting,
 * at `site` (which names the released time and the holds around it, as a
 * GIL_ACQUIRE's site does).
 */
export function gilQuiet(t: ThreadState, c: ProcessContext, ts: number, gil: number, site: number, count: number, released: number, span: number): void {
  if (t.state === GilState.ended) return;
  // Held time after the last re-take that is already counted: a release the
  // writer could not fold (written tentatively, never retracted) ends the
  // hold that went on after the summary's time, and the summary is written
  // after it. That time is for the next acquire's line, not this one.
  let after = 0;
  if (t.state === GilState.held) closeState(t, c, ts > t.since ? ts : t.since);
  else after = Math.min(t.pendHeld, Math.max(0, t.since - ts));
  // Never give back more than was held since a line was last named (damaged input).
  const r = Math.max(0, Math.min(released, t.pendHeld - after));
  if (r > 0) {
    t.held -= r;
    t.pendHeld -= r;
    t.released += r;
    t.pendReleased += r;
    c.gilHeld[gil]! -= r;
    t.heldBins.addSpread(ts - span, ts, -r);
  }
  t.pendHeld -= after;
  attributePending(t, c, site);
  t.pendHeld = after;
  t.acquisitions += count;
  c.gilAcquisitions[gil]! += count;
  c.sites.add(SiteCol.acquisitions, site, count);
  if (t.state === GilState.held) {
    t.holdCarried = 0; // the hold going on began at the last re-take
    t.handoffArmed = false;
  } else {
    t.lastHold = after;
  }
  t.lastSite = site;
  if (ts > t.lastAcqTs) t.lastAcqTs = ts;
  if (t.holdLock.length > 0) t.acqLog.push2(ts, site);
}

/** Geometric middles (ns) of LOCK_QUIET's histogram buckets but the last, the first's at 100 / √2.5 ns. */
const MIDDLES_NS = QUIET_HOLD_BOUNDS_NS.map((b, i) => (i === 0 ? b / Math.sqrt(2.5) : Math.sqrt(QUIET_HOLD_BOUNDS_NS[i - 1]! * b)));
const LAST_BOUND_NS = QUIET_HOLD_BOUNDS_NS[QUIET_HOLD_BOUNDS_NS.length - 1]!;

/** The 8 bucket counts (u16 each, two to a word) scaled to add up to `count` (a bucket may have saturated). */
function bucketCounts(words: Uint32Array, p: number, count: number): number[] {
  const raw: number[] = [];
  for (let i = 0; i < 4; i++) raw.push(words[p + i]! & 0xffff, words[p + i]! >>> 16);
  const sum = raw.reduce((a, b) => a + b, 0);
  if (sum === count || sum === 0) return raw;
  const exact = raw.map((n) => (n * count) / sum);
  const out = exact.map(Math.floor);
  let left = count - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - out[i]!, i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]!++;
    left--;
  }
  return out;
}

/**
 * LOCK_QUIET: over [ts - span, ts] the thread took the lock `count` times
 * with no one waiting and held it `held` ticks in all (the longest
 * `longest`), taking it at `acquiringSite`. `extra` payload slots are at
 * `words[p]`; a record shorter than the format's three gives what it has.
 *
 * The holds enter the lock's percentiles by their histogram bucket: at its
 * geometric middle (the first bucket's at 100 / √2.5 ns), within a factor
 * of √2.5 ≈ 1.6 of the truth; the last bucket (24 414 ns and more, up to
 * the fold window) at its holds' mean, which is what the exact total leaves
 * after the other buckets' middles, kept between 24 414 ns and the longest
 * hold. Without a histogram, at the mean of all. The total and the longest
 * are exact.
 */
export function lockQuiet(c: ProcessContext, ticksPerNs: number, id: number, ts: number, words: Uint32Array, p: number, extra: number): void {
  const count = words[p]!;
  const held = words[p + 1]!;
  const span = words[p + 2]!;
  const longest = words[p + 3]!;
  const acquiringSite = extra >= 2 ? words[p + 4]! : 0;
  const lock = lockOf(c, id);
  lock.acquisitions += count;
  if (count === 0) return;
  addTo(lock.holdBySite, acquiringSite, held);
  lock.holdBins?.addSpread(ts - span, ts, held);
  if (extra < 3) {
    lock.holds.addSummarised([held / count], [count], held, longest);
    return;
  }
  const counts = bucketCounts(words, p + 8, count);
  const middles = MIDDLES_NS.map((ns) => Math.min(ns * ticksPerNs, longest));
  let rest = held;
  for (let i = 0; i < middles.length; i++) rest -= counts[i]! * middles[i]!;
  const last = counts[middles.length]!;
  const lastMean = last > 0 ? rest / last : 0;
  middles.push(Math.min(longest, Math.max(LAST_BOUND_NS * ticksPerNs, lastMean)));
  lock.holds.addSummarised(middles, counts, held, longest);
}

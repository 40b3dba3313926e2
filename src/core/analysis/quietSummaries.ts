import { QUIET_HOLD_BOUNDS_NS } from '../format/layout';
import { relativeTicks } from '../format/relativeTicks';
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
 *
 * Two payload layouts of version 2 are read, told apart by their size: one
 * stamps a summary at its span's end and gives the span's length (GIL_QUIET
 * 1 payload slot, which the runtime writes since December 2026; LOCK_QUIET
 * 3, FORMAT.md's first draft); the other stamps it when written and names
 * its span's start and end in ticks (GIL_QUIET 2 slots, as the runtime wrote
 * it before; LOCK_QUIET 4, as it writes it). Either way a summary applies to
 * the span it names.
 */


/**
 * GIL_QUIET: over [spanStart, spanEnd] the thread held the GIL except
 * `released` ticks in `count` pieces, and took it back `count` times without
 * waiting, the last at spanEnd, at `site` (which names the released time and
 * the holds up to spanEnd, as a GIL_ACQUIRE's site does).
 */
export function gilQuiet(t: ThreadState, c: ProcessContext, spanStart: number, spanEnd: number, gil: number, site: number, count: number, released: number): void {
  if (t.state === GilState.ended) return;
  // Held time after the span's end that is already counted: a release the
  // writer could not fold (written tentatively and kept) ends the hold that
  // went on after the last re-take, and the summary comes after it. That
  // time is for the next acquire's line, not this one.
  let after = 0;
  if (t.state === GilState.held) closeState(t, c, spanEnd > t.since ? spanEnd : t.since);
  else after = Math.min(t.pendHeld, Math.max(0, t.since - spanEnd));
  // Never give back more than was held since a line was last named (damaged input).
  const r = Math.max(0, Math.min(released, t.pendHeld - after));
  if (r > 0) {
    t.held -= r;
    t.pendHeld -= r;
    t.released += r;
    t.pendReleased += r;
    c.gilHeld[gil]! -= r;
    t.heldBins.addSpread(spanStart, spanEnd, -r);
    // a free-threaded build with its GIL on: a short release of it is time detached (ftMachine.ts)
    if (c.ft) t.ftDetached += r;
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
  if (spanEnd > t.lastAcqTs) t.lastAcqTs = spanEnd;
  if (t.holdLock.length > 0) t.acqLog.push2(spanEnd, site);
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

/** A LOCK_QUIET's figures, whichever its layout. */
export interface LockQuiet {
  readonly count: number;
  /** Ticks held, summed, and the longest hold. */
  readonly held: number;
  readonly longest: number;
  readonly spanStart: number;
  readonly spanEnd: number;
  readonly acquiringSite: number;
  /** Where in `words` the histogram's four words start; -1 when the record has none. */
  readonly histogramAt: number;
}

/**
 * Reads a LOCK_QUIET of `extra` payload slots at `words[p]` stamped `ts`
 * (relative ticks): 4 slots, the writer's layout, with its span in ticks;
 * 3, the first draft's, with the span's length ending at `ts`; fewer, what
 * there is.
 */
export function readLockQuiet(words: Uint32Array, p: number, extra: number, ts: number, baseLo: number, baseHi: number): LockQuiet {
  if (extra >= 4) {
    // The span lies at or before the stamp (damaged words must not stretch the heatmap's bins).
    const spanEnd = Math.min(ts, relativeTicks(words, p + 6, baseLo, baseHi));
    return {
      count: words[p]!, held: words[p + 1]!, longest: words[p + 2]!,
      spanStart: Math.min(spanEnd, relativeTicks(words, p + 4, baseLo, baseHi)), spanEnd,
      acquiringSite: words[p + 8]!, histogramAt: p + 12,
    };
  }
  return {
    count: words[p]!, held: words[p + 1]!, longest: words[p + 3]!,
    spanStart: ts - words[p + 2]!, spanEnd: ts,
    acquiringSite: extra >= 2 ? words[p + 4]! : 0, histogramAt: extra >= 3 ? p + 8 : -1,
  };
}

/**
 * LOCK_QUIET: over its span the thread took the lock `count` times with no
 * one waiting and held it `held` ticks in all (the longest `longest`),
 * taking it at `acquiringSite`.
 *
 * The holds enter the lock's percentiles by their histogram bucket: at its
 * geometric middle (the first bucket's at 100 / √2.5 ns), within a factor
 * of √2.5 ≈ 1.6 of the truth; the last bucket (24 414 ns and more, up to
 * the fold window) at its holds' mean, which is what the exact total leaves
 * after the other buckets' middles, kept between 24 414 ns and the longest
 * hold. Without a histogram, at the mean of all. The total and the longest
 * are exact.
 */
export function lockQuiet(c: ProcessContext, ticksPerNs: number, id: number, q: LockQuiet, words: Uint32Array): void {
  const { count, held, longest } = q;
  const lock = lockOf(c, id);
  lock.acquisitions += count;
  if (count === 0) return;
  addTo(lock.holdBySite, q.acquiringSite, held);
  lock.holdBins?.addSpread(q.spanStart, q.spanEnd, held);
  if (q.histogramAt < 0) {
    lock.holds.addSummarised([held / count], [count], held, longest);
    return;
  }
  const counts = bucketCounts(words, q.histogramAt, count);
  const middles = MIDDLES_NS.map((ns) => Math.min(ns * ticksPerNs, longest));
  let rest = held;
  for (let i = 0; i < middles.length; i++) rest -= counts[i]! * middles[i]!;
  const last = counts[middles.length]!;
  const lastMean = last > 0 ? rest / last : 0;
  middles.push(Math.min(longest, Math.max(LAST_BOUND_NS * ticksPerNs, lastMean)));
  lock.holds.addSummarised(middles, counts, held, longest);
}

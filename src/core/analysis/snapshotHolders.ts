import type { LockStats } from './lockStats';
import type { NumberLog } from './numberLog';
import type { ThreadState } from './threadState';

/**
 * Who blocked whom on one lock: the others' contention wait during each
 * hold, by the line the holder stood on. A holder's line inside its hold
 * comes from its own GIL acquires (FORMAT.md: an acquire's site names the
 * time just before it, and where the thread stands from then on): a span of
 * the hold that ends at an acquire goes to that acquire's line, the rest
 * after the last one to the last one's line, and a hold with no acquire in it
 * to the line that took the lock.
 */

/** A hold: start, end (ticks), thread slot, acquiring site. */
export type Hold = readonly [number, number, number, number];

/**
 * How many of `sorted` are at most `x`, found by galloping from `hint` (the
 * previous answer): holds come nearly in time order, so most lookups move
 * a few places.
 */
function countAtMost(sorted: Float64Array, x: number, hint: number): number {
  const n = sorted.length;
  // lo: a count known to be at most the answer; hi: one known to be at least it.
  let lo: number;
  let hi: number;
  if (hint > 0 && sorted[hint - 1]! > x) {
    hi = hint - 1;
    let step = 1;
    while (hi - step > 0 && sorted[hi - step - 1]! > x) {
      hi -= step;
      step *= 2;
    }
    lo = Math.max(0, hi - step);
  } else {
    lo = hint;
    let step = 1;
    while (lo + step <= n && sorted[lo + step - 1]! <= x) {
      lo += step;
      step *= 2;
    }
    hi = Math.min(n, lo + step - 1);
  }
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid - 1]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The number of threads in a contention wait as a step function of time,
 * integrated. It keeps the waits' sorted starts and ends and the integral
 * at each step (their merge): a lock of a long recording has hundreds of
 * thousands of waits, and the count at a time is the starts before it less
 * the ends before it, not a third array.
 */
export class WaitCount {
  /** Integral of the count from the first start up to the k-th step of the merge (a start or an end; at one time, starts first). */
  private readonly area: Float64Array;
  /** Where the last lookup ended, in `starts` and in `ends`. */
  private i = 0;
  private j = 0;

  /** `starts` and `ends` of the waits, each sorted; they are kept, not copied. */
  constructor(private readonly starts: Float64Array, private readonly ends: Float64Array) {
    const n = starts.length;
    this.area = new Float64Array(2 * n);
    let i = 0;
    let j = 0;
    let c = 0;
    let area = 0;
    let prev = n > 0 ? starts[0]! : 0;
    for (let k = 0; i < n || j < n; k++) {
      const opening = i < n && (j >= n || starts[i]! <= ends[j]!);
      const time = opening ? starts[i++]! : ends[j++]!;
      area += c * (time - prev);
      c += opening ? 1 : -1;
      prev = time;
      this.area[k] = area;
    }
  }

  /** Thread-ticks of waiting up to `x`. */
  at(x: number): number {
    const i = (this.i = countAtMost(this.starts, x, this.i));
    if (i === 0) return 0;
    const j = (this.j = countAtMost(this.ends, x, this.j));
    // The last step at or before x is the (i + j)-th of the merge; at one time the
    // integral is the same whichever of its steps comes first.
    const last = j > 0 ? Math.max(this.starts[i - 1]!, this.ends[j - 1]!) : this.starts[i - 1]!;
    return this.area[i + j - 1]! + (i - j) * (x - last);
  }
}

/**
 * Per thread, the position in its log of critical-section acquires: a
 * thread's holds come in time order, so the position only moves forward.
 */
class AcquireCursor {
  private readonly positions = new Map<number, number>();

  constructor(private readonly threads: ReadonlyMap<number, ThreadState>) {}

  /** The thread's log, and the index of its first entry after `x`. */
  seek(slot: number, x: number): [NumberLog | undefined, number] {
    const log = this.threads.get(slot)?.acqLog;
    if (!log) return [undefined, 0];
    let i = this.positions.get(slot) ?? 0;
    if (i > 0 && log.at((i - 1) * 2) > x) i = 0; // out of order (a hold closed only at the snapshot): start over
    const n = log.entries;
    while (i < n && log.at(i * 2) <= x) i++;
    this.positions.set(slot, i);
    return [log, i];
  }
}

/** Adds the waiting of `count` over one hold, split by the holder's lines. */
function visitHold(count: WaitCount, out: Map<number, number>, cursor: AcquireCursor, start: number, end: number, slot: number, holdSite: number): void {
  let from = count.at(start);
  if (count.at(end) === from) return; // nobody waited during this hold
  let site = holdSite;
  const [log, first] = cursor.seek(slot, start);
  if (log) {
    const n = log.entries;
    for (let i = first; i < n; i++) {
      const ts = log.at(i * 2);
      if (ts >= end) break;
      const upTo = count.at(ts);
      site = log.at(i * 2 + 1);
      if (upTo > from) out.set(site, (out.get(site) ?? 0) + upTo - from);
      from = upTo;
    }
  }
  const upTo = count.at(end);
  if (upTo > from) out.set(site, (out.get(site) ?? 0) + upTo - from);
}

/**
 * Blocking ticks by holder site. `extraHolds` are the holds closed only at
 * the snapshot, `extraWaits` the contention waits still open.
 */
export function blockingBySite(
  lock: LockStats,
  extraHolds: readonly Hold[],
  extraWaits: readonly (readonly [number, number])[],
  threads: ReadonlyMap<number, ThreadState>,
): Map<number, number> {
  const out = new Map<number, number>();
  const wl = lock.waitLog;
  const logged = wl.entries;
  const n = logged + extraWaits.length;
  if (n === 0) return out;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  for (let i = 0; i < logged; i++) {
    starts[i] = wl.at(2 * i);
    ends[i] = wl.at(2 * i + 1);
  }
  extraWaits.forEach(([a, b], i) => {
    starts[logged + i] = a;
    ends[logged + i] = Math.max(a, b);
  });
  const count = new WaitCount(starts.sort(), ends.sort());
  const cursor = new AcquireCursor(threads);
  const hl = lock.holdLog;
  for (let i = 0; i < hl.size; i += 4) visitHold(count, out, cursor, hl.at(i), hl.at(i + 1), hl.at(i + 2), hl.at(i + 3));
  for (const h of extraHolds) visitHold(count, out, cursor, h[0], h[1], h[2], h[3]);
  return out;
}

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

/** The number of threads in a contention wait as a step function of time, integrated. */
export class WaitCount {
  private readonly times: Float64Array;
  /** Integral of the count from the first time up to times[i]. */
  private readonly area: Float64Array;
  /** The count from times[i] on. */
  private readonly count: Float64Array;
  /** Where the last lookup ended: holds come nearly in time order, so lookups gallop from here. */
  private k = 0;

  /** `starts` and `ends` of the waits, each sorted. */
  constructor(starts: Float64Array, ends: Float64Array) {
    const n = starts.length;
    this.times = new Float64Array(2 * n);
    this.area = new Float64Array(2 * n);
    this.count = new Float64Array(2 * n);
    let i = 0;
    let j = 0;
    let k = 0;
    let c = 0;
    let area = 0;
    let prev = n > 0 ? starts[0]! : 0;
    while (i < n || j < n) {
      const opening = i < n && (j >= n || starts[i]! <= ends[j]!);
      const time = opening ? starts[i++]! : ends[j++]!;
      area += c * (time - prev);
      c += opening ? 1 : -1;
      prev = time;
      this.times[k] = time;
      this.area[k] = area;
      this.count[k] = c;
      k++;
    }
  }

  /** Thread-ticks of waiting up to `x`. */
  at(x: number): number {
    const times = this.times;
    const n = times.length;
    if (n === 0 || x <= times[0]!) return 0;
    // The last index with times[index] <= x, galloping from the previous answer.
    const k = this.k;
    let lo: number;
    let hi: number;
    if (times[k]! <= x) {
      lo = k;
      let step = 1;
      while (lo + step < n && times[lo + step]! <= x) {
        lo += step;
        step *= 2;
      }
      hi = Math.min(n - 1, lo + step - 1);
    } else {
      // times[bound] > x throughout; times[0] <= x (checked above).
      let bound = k;
      let step = 1;
      let p = k - 1;
      while (p > 0 && times[p]! > x) {
        bound = p;
        step *= 2;
        p = k - step;
      }
      lo = Math.max(0, p);
      hi = bound - 1;
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    this.k = lo;
    return this.area[lo]! + this.count[lo]! * (x - times[lo]!);
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

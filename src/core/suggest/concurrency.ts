import type { ThreadResult } from '../analysis/model';

/**
 * Which of the worker threads could have run at the same moment. A thread
 * is runnable except while it is released inside a wait (a queue, a
 * Condition, an event, a lock): holding the GIL, waiting for it and
 * running without it all count, since without a GIL those threads would
 * all run. Threads that take turns (a lock-step exchange: each one's run
 * happens while the other is blocked on it) have little runnable time in
 * common, and no remedy that keeps the exchange runs them side by side.
 */
export interface Concurrency {
  /** seconds[k]: time in the window with exactly k of the threads runnable (k = 0 … threads). */
  readonly seconds: readonly number[];
  /** Waits the threads came out of in the window: each one a hand-over from another thread (or an outside event). */
  readonly handOvers: number;
}

/**
 * One thread's steps of the runnable count within a window, in time order:
 * +1 at its start, −1 and +1 around each blocked span, −1 at its end. A
 * thread's blocked spans come in time order and do not overlap, so its steps
 * do too, and the threads' steps are merged as they are read: a recording's
 * threads have millions of blocked spans, and sorting them all at once took
 * tens of MiB.
 */
class ThreadSteps {
  /** Time of the next step (valid while `delta` is not 0). */
  at = 0;
  /** The next step: +1, −1, or 0 once the thread's steps are done. */
  delta = 0;
  /** Next span's index in `spans`. */
  private i = 0;
  /** End of the span being visited, or NaN between spans. */
  private spanEnd = Number.NaN;
  /** The step at the thread's end has been given. */
  private ended = false;

  constructor(private readonly spans: Float64Array, private readonly start: number, private readonly end: number) {
    if (end > start) {
      this.at = start;
      this.delta = 1;
    }
  }

  /** Moves on to the next step; true when a blocked span was entered (a hand-over). */
  advance(): boolean {
    if (this.delta === 0) return false;
    if (!Number.isNaN(this.spanEnd)) {
      this.at = this.spanEnd;
      this.delta = 1;
      this.spanEnd = Number.NaN;
      return false;
    }
    if (this.ended) {
      this.delta = 0;
      return false;
    }
    const spans = this.spans;
    while (this.i + 1 < spans.length) {
      const a = Math.max(this.start, spans[this.i]!);
      const b = Math.min(this.end, spans[this.i + 1]!);
      this.i += 2;
      if (!(b > a)) continue;
      this.at = a;
      this.delta = -1;
      this.spanEnd = b;
      return true;
    }
    this.at = this.end;
    this.delta = -1;
    this.ended = true;
    return false;
  }
}

/** The runnable count of `threads` over [from, to], integrated; null when a thread's blocked spans are unknown. */
export function concurrency(threads: readonly ThreadResult[], from: number, to: number): Concurrency | null {
  if (threads.some((t) => !t.blockedSpans)) return null;
  // A binary heap of the threads' cursors, earliest next step first.
  const heap = threads
    .map((t) => new ThreadSteps(t.blockedSpans!, Math.max(from, t.startSeconds), Math.min(to, t.endSeconds)))
    .filter((c) => c.delta !== 0);
  const before = (x: ThreadSteps, y: ThreadSteps): boolean => x.at < y.at;
  const siftDown = (k: number): void => {
    const n = heap.length;
    const c = heap[k]!;
    for (;;) {
      let m = 2 * k + 1;
      if (m >= n) break;
      if (m + 1 < n && before(heap[m + 1]!, heap[m]!)) m++;
      if (!before(heap[m]!, c)) break;
      heap[k] = heap[m]!;
      k = m;
    }
    heap[k] = c;
  };
  for (let k = (heap.length >> 1) - 1; k >= 0; k--) siftDown(k);
  const seconds = new Array<number>(threads.length + 1).fill(0);
  let handOvers = 0;
  let count = 0;
  let prev = from;
  // Steps at one time may come in any order: only time between steps is counted.
  while (heap.length > 0) {
    const c = heap[0]!;
    const x = c.at;
    if (x > prev) seconds[Math.max(0, Math.min(threads.length, count))]! += x - prev;
    prev = Math.max(prev, x);
    count += c.delta;
    if (c.advance()) handOvers++;
    if (c.delta === 0) {
      const last = heap.pop()!;
      if (heap.length === 0) break;
      heap[0] = last;
    }
    siftDown(0);
  }
  if (to > prev) seconds[0]! += to - prev;
  return { seconds, handOvers };
}

/** Time with two or more threads runnable: the most that could have run side by side. */
export function overlapSeconds(seconds: readonly number[]): number {
  return seconds.reduce((sum, x, k) => (k > 1 ? sum + x : sum), 0);
}

/** Time with at least one thread runnable. */
export function runnableSeconds(seconds: readonly number[]): number {
  return seconds.reduce((sum, x, k) => (k > 0 ? sum + x : sum), 0);
}

/**
 * The shortest the runnable time can get on `cores` cores with the threads'
 * dependencies kept: a moment with k threads runnable (`seconds[k]`, as in
 * Concurrency) shrinks at most min(k, cores) times (under one GIL only one of them ran).
 */
export function sideBySideSeconds(seconds: readonly number[], cores: number): number {
  return seconds.reduce((sum, x, k) => (k > 0 ? sum + x / Math.min(k, Math.max(1, cores)) : sum), 0);
}

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

/**
 * Visits the runnable steps of `threads` within [from, to] in time order:
 * `visit(at, thread, delta)`, `thread` an index into `threads`, `delta` +1 or
 * −1. Steps at one time may come in any order. Returns the waits the threads
 * came out of in the window (hand-overs). The threads' blocked spans must be known.
 */
function walkSteps(threads: readonly ThreadResult[], from: number, to: number, visit: (at: number, thread: number, delta: number) => void): number {
  // A binary heap of the threads' cursors, earliest next step first.
  const heap: { steps: ThreadSteps; thread: number }[] = [];
  threads.forEach((t, thread) => {
    const steps = new ThreadSteps(t.blockedSpans!, Math.max(from, t.startSeconds), Math.min(to, t.endSeconds));
    if (steps.delta !== 0) heap.push({ steps, thread });
  });
  const siftDown = (k: number): void => {
    const n = heap.length;
    const c = heap[k]!;
    for (;;) {
      let m = 2 * k + 1;
      if (m >= n) break;
      if (m + 1 < n && heap[m + 1]!.steps.at < heap[m]!.steps.at) m++;
      if (!(heap[m]!.steps.at < c.steps.at)) break;
      heap[k] = heap[m]!;
      k = m;
    }
    heap[k] = c;
  };
  for (let k = (heap.length >> 1) - 1; k >= 0; k--) siftDown(k);
  let handOvers = 0;
  while (heap.length > 0) {
    const c = heap[0]!;
    visit(c.steps.at, c.thread, c.steps.delta);
    if (c.steps.advance()) handOvers++;
    if (c.steps.delta === 0) {
      const last = heap.pop()!;
      if (heap.length === 0) break;
      heap[0] = last;
    }
    siftDown(0);
  }
  return handOvers;
}

/** The runnable count of `threads` over [from, to], integrated; null when a thread's blocked spans are unknown. */
export function concurrency(threads: readonly ThreadResult[], from: number, to: number): Concurrency | null {
  if (threads.some((t) => !t.blockedSpans)) return null;
  const seconds = new Array<number>(threads.length + 1).fill(0);
  let count = 0;
  let prev = from;
  // Only the time between steps is counted, so the order of steps at one time does not matter.
  const handOvers = walkSteps(threads, from, to, (at, _thread, delta) => {
    if (at > prev) seconds[Math.max(0, Math.min(threads.length, count))]! += at - prev;
    prev = Math.max(prev, at);
    count += delta;
  });
  if (to > prev) seconds[0]! += to - prev;
  return { seconds, handOvers };
}

/**
 * The runnable count of groups of threads over [from, to]: `seconds[g][k]`,
 * the time with g of the groups having a thread runnable and k threads
 * runnable in all. A group is a process's threads under its one GIL: g of
 * them can run at once, and k could in one process each. Null when a
 * thread's blocked spans are unknown.
 */
export function groupConcurrency(groups: readonly (readonly ThreadResult[])[], from: number, to: number): number[][] | null {
  const threads = groups.flat();
  if (threads.some((t) => !t.blockedSpans)) return null;
  const groupOf = groups.flatMap((g, i) => g.map(() => i));
  const perGroup = new Array<number>(groups.length).fill(0);
  const seconds = Array.from({ length: groups.length + 1 }, () => new Array<number>(threads.length + 1).fill(0));
  let busy = 0;
  let count = 0;
  let prev = from;
  walkSteps(threads, from, to, (at, thread, delta) => {
    if (at > prev) seconds[Math.max(0, Math.min(groups.length, busy))]![Math.max(0, Math.min(threads.length, count))]! += at - prev;
    prev = Math.max(prev, at);
    count += delta;
    const g = groupOf[thread]!;
    const was = perGroup[g]!;
    perGroup[g] = was + delta;
    // Steps at one time may come in any order: a group's count may dip below 0 for a moment.
    busy += (perGroup[g]! > 0 ? 1 : 0) - (was > 0 ? 1 : 0);
  });
  if (to > prev) seconds[0]![0]! += to - prev;
  return seconds;
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

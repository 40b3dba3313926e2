/** What a span of a thread's timeline is. */
export const SpanKind = {
  /** Holds the GIL. */
  held: 0,
  /** Waits for the GIL (blocked in take_gil, or in the hand-over after a release). */
  gilWait: 1,
  /** Blocked on a lock or an event (LOCK_WAIT … its end); `aux` is the wait kind. */
  lockWait: 2,
  /** Free-threaded, no GIL held: its thread state attached (running); `aux` is the site it attached at. */
  running: 3,
  /** Free-threaded: stopped by a stop-the-world pause (STW_WAIT … STW_END); `aux` 1 when it asked for the pause. */
  stopped: 4,
} as const;

/**
 * A growable table of spans in ticks (one file's clock), six numbers each:
 * start, end, kind, site (the line that names it), aux (held: the site it
 * started at; lock wait: the wait kind) and lock id (−1 for GIL spans).
 */
export class SpanList {
  data = new Float64Array(6 * 64);
  size = 0;

  get length(): number {
    return this.size / 6;
  }

  push(start: number, end: number, kind: number, site: number, aux: number, lock: number): void {
    if (!(end >= start)) return;
    if (this.size + 6 > this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    const d = this.data;
    const i = this.size;
    d[i] = start;
    d[i + 1] = end;
    d[i + 2] = kind;
    d[i + 3] = site;
    d[i + 4] = aux;
    d[i + 5] = lock;
    this.size += 6;
  }

  start(i: number): number {
    return this.data[i * 6]!;
  }
  end(i: number): number {
    return this.data[i * 6 + 1]!;
  }
  kind(i: number): number {
    return this.data[i * 6 + 2]!;
  }
  site(i: number): number {
    return this.data[i * 6 + 3]!;
  }
  aux(i: number): number {
    return this.data[i * 6 + 4]!;
  }
  lock(i: number): number {
    return this.data[i * 6 + 5]!;
  }
}

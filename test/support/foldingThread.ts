/**
 * A test-only stand-in for the C writer's folding (runtime/FORMAT.md,
 * "Tentative records, and the summaries that stand for them"): the same
 * events of one thread written as the full log, as summaries, or as both
 * (the full log kept, each side flagged 0x4000), so tests can compare what
 * the analysis makes of them.
 */
import { QUIET_HOLD_BOUNDS_NS, RecordFlag } from '../../src/core/format/layout';
import type { ThreadWriter } from './recordingWriter';

export type FoldMode = 'full' | 'summarised' | 'both';
/**
 * The summaries' payload: `writer`, the runtime's (stamped when written, the
 * span's start and end in ticks); `draft`, the format's first draft's
 * (stamped at the span's end, with the span's length).
 */
export type SummaryLayout = 'writer' | 'draft';

interface GilFold {
  site: number;
  count: number;
  released: number;
  first: number;
  last: number;
  longest: number;
}

interface LockFold {
  site: number;
  count: number;
  held: number;
  first: number;
  last: number;
  longest: number;
  buckets: number[];
}

function bucketOf(ns: number): number {
  const i = QUIET_HOLD_BOUNDS_NS.findIndex((b) => ns < b);
  return i < 0 ? QUIET_HOLD_BOUNDS_NS.length : i;
}

export class FoldingThread {
  private releasedAt = NaN;
  /** The chunks the last tentative release and acquire went to: only the current chunk's last record is retracted. */
  private releaseChunk = -1;
  private acquireChunk = -1;
  private gil: GilFold | undefined;
  private readonly locks = new Map<number, LockFold & { acquiredAt: number }>();
  private readonly lockOrder: number[] = [];

  /** @param windowNs the longest span one summary stands for (summary_window_ns) */
  constructor(readonly t: ThreadWriter, readonly mode: FoldMode, readonly windowNs = Infinity, readonly layout: SummaryLayout = 'writer') {}

  private get full(): boolean {
    return this.mode !== 'summarised';
  }

  private get foldedFlag(): number {
    return this.mode === 'both' ? RecordFlag.summarised : 0;
  }

  /**
   * A GIL_RELEASE not asked for: written tentatively, and retracted if the
   * thread takes the GIL back without waiting. With the full log kept it
   * stays, flagged summarised: the tests' scenarios know at once whether it
   * will be folded.
   */
  release(ns: number, folded = true): this {
    this.t.gilRelease(ns, 0, RecordFlag.tentative | (folded ? this.foldedFlag : 0));
    this.releasedAt = ns;
    this.releaseChunk = this.t.position.chunk;
    return this;
  }

  /**
   * The re-take without waiting, at `site`: with the release before it, one
   * piece of a GIL_QUIET. As the writer does, a release in an earlier chunk
   * than the thread's current one is no longer retracted: the re-take is then
   * written as it is.
   */
  retake(ns: number, site: number): this {
    if (this.full) this.t.rec(6, 0x100 | this.foldedFlag, site, ns);
    else if (this.t.position.chunk !== this.releaseChunk) {
      this.t.rec(6, 0x100, site, ns);
      return this;
    } else this.t.retract();
    // A summary written now would follow a tentative LOCK_ACQUIRE and make it firm: one site per thread here.
    if (this.gil && this.gil.site !== site) throw new Error('FoldingThread folds one re-take site');
    const released = ns - this.releasedAt;
    if (!this.gil) this.gil = { site, count: 0, released: 0, first: this.releasedAt, last: ns, longest: 0 };
    const f = this.gil;
    f.count++;
    f.released += released;
    f.last = ns;
    f.longest = Math.max(f.longest, released);
    return this;
  }

  /** An uncontended LOCK_ACQUIRE: tentative, folded with its release by the same thread. */
  acquire(ns: number, lock: number, site: number): this {
    // Summaries that cover the window are written here, where nothing tentative is pending.
    if (this.gil && ns - this.gil.first > this.windowNs) this.flushGil();
    let f = this.locks.get(lock);
    if (f && (f.site !== site || ns - f.first > this.windowNs)) {
      this.flushLock(lock);
      f = undefined;
    }
    this.t.lockAcquire(ns, lock, site, RecordFlag.tentative | this.foldedFlag);
    this.acquireChunk = this.t.position.chunk;
    if (!f) {
      f = { site, count: 0, held: 0, first: ns, last: ns, longest: 0, buckets: new Array<number>(8).fill(0), acquiredAt: ns };
      this.locks.set(lock, f);
      this.lockOrder.push(lock);
    }
    f.acquiredAt = ns;
    return this;
  }

  /** The release of a lock taken by `acquire`: retracts the acquire (the last record again once the GIL's pieces are) unless the full log is written. */
  releaseLock(ns: number, lock: number): this {
    const f = this.locks.get(lock)!;
    if (this.full) this.t.lockRelease(ns, lock, this.foldedFlag);
    else if (this.t.position.chunk !== this.acquireChunk) {
      this.t.lockRelease(ns, lock); // the acquire is in an earlier chunk: it stays, and so does this
      return this;
    } else this.t.retract();
    const held = ns - f.acquiredAt;
    f.count++;
    f.held += held;
    f.last = ns;
    f.longest = Math.max(f.longest, held);
    f.buckets[bucketOf(held)]!++;
    return this;
  }

  private flushGil(): void {
    const g = this.gil;
    this.gil = undefined;
    if (!g || this.mode === 'full') return;
    if (this.layout === 'draft') this.t.gilQuiet(g.last, g.site, g.count, g.released, g.last - g.first, g.longest, 0, this.foldedFlag);
    else this.t.gilQuietSpan(Math.max(g.last, this.t.lastNs), g.site, g.count, g.released, g.first, g.last, g.longest, 0, this.foldedFlag);
  }

  private flushLock(lock: number): void {
    const f = this.locks.get(lock);
    this.locks.delete(lock);
    this.lockOrder.splice(this.lockOrder.indexOf(lock), 1);
    if (!f || f.count === 0 || this.mode === 'full') return;
    if (this.layout === 'draft') this.t.lockQuiet(f.last, lock, f.count, f.held, f.last - f.first, f.longest, f.site, f.site, f.buckets, this.foldedFlag);
    else this.t.lockQuietSpan(Math.max(f.last, this.t.lastNs), lock, f.count, f.held, f.first, f.last, f.longest, f.site, f.site, f.buckets, this.foldedFlag);
  }

  /** Writes the summaries pending, as the writer does before a record that is not tentative. */
  flush(): this {
    this.flushGil();
    for (const lock of [...this.lockOrder]) this.flushLock(lock);
    return this;
  }

  /** Records that are not tentative: the summaries pending go first. */
  firm(write: (t: ThreadWriter) => void): this {
    this.flush();
    write(this.t);
    return this;
  }
}

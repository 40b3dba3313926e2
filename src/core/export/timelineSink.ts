import { LockAcquireFlag, RecordType, ThreadFlag, WaitKind } from '../format/layout';
import type { RecordSink } from '../format/recordSink';
import { SpanKind, SpanList } from './spanList';

const RELEASED = 0;
const WAITING = 1;
const HELD = 2;
const ENDED = 3;

/** One thread's timeline while records stream in. */
export class TimelineThread {
  tid = 0;
  isMain = false;
  /** gilscope's own sampling thread (THREAD_START flag bit 1): not exported. */
  isGilscope = false;
  nameId = 0;
  start = NaN;
  end = NaN;
  lastTs = -Infinity;
  readonly spans = new SpanList();

  state = RELEASED;
  since = 0;
  startSite = 0;
  lastSite = 0;
  handoffArmed = false;
  /** GIL spans waiting for the next acquire to name their line: (start, end, kind, startSite) quads. */
  readonly pending: number[] = [];

  /** The open lock wait: lock id (−1 when none), kind, site, start; `waitFrom` the first released moment in it. */
  waitLock = -1;
  waitKind = 0;
  waitSite = 0;
  waitStart = 0;
  waitFrom = NaN;

  constructor(readonly slot: number) {}
}

/** What LOCK_NEW said of a lock. */
export interface TimelineLock {
  kind: number;
  createSite: number;
  nameId: number;
}

/**
 * Turns one process's records into spans per thread for the exports (Chrome
 * trace, speedscope), with the analysis's semantics (src/core/analysis/):
 * a GIL span is named by the line of the GIL_ACQUIRE that ends it or
 * follows it; a GIL_HANDOFF makes the time since the release a GIL wait; a
 * lock or event wait spans the time the thread was off the GIL in it (from
 * the first release after LOCK_WAIT to the moment the lock was obtained, or
 * to the GIL acquire before LOCK_WAIT_END), so spans nest.
 */
export class TimelineSink implements RecordSink {
  readonly threads = new Map<number, TimelineThread>();
  readonly locks = new Map<number, TimelineLock>();
  private cur: TimelineThread;

  constructor() {
    this.cur = this.thread(0);
  }

  private thread(slot: number): TimelineThread {
    let t = this.threads.get(slot);
    if (!t) {
      t = new TimelineThread(slot);
      this.threads.set(slot, t);
    }
    return t;
  }

  beginChunk(threadSlot: number): void {
    this.cur = this.thread(threadSlot);
  }

  record(type: number, flags: number, arg: number, ts: number, p0: number, p1: number): void {
    const t = this.cur;
    if (ts >= t.lastTs) t.lastTs = ts;
    else if (type !== RecordType.lockAcquire) ts = t.lastTs;
    if (t.start !== t.start) {
      t.start = ts;
      t.since = ts;
    }
    switch (type) {
      case RecordType.gilRelease:
        if (t.state !== HELD) break;
        this.close(t, ts);
        t.state = RELEASED;
        t.handoffArmed = true;
        if (t.waitLock >= 0 && t.waitFrom !== t.waitFrom) t.waitFrom = ts;
        break;
      case RecordType.gilHandoff:
        if (t.state !== RELEASED || !t.handoffArmed) break;
        t.pending.push(t.since, ts, SpanKind.gilWait, 0);
        // As in the analysis, a lock wait starts after the hand-over.
        if (t.waitLock >= 0 && t.waitKind === WaitKind.acquire && t.waitFrom === t.since) t.waitFrom = ts;
        t.since = ts;
        t.handoffArmed = false;
        break;
      case RecordType.gilWait:
        if (t.state === WAITING || t.state === ENDED) break;
        this.close(t, ts);
        t.state = WAITING;
        t.handoffArmed = false;
        break;
      case RecordType.gilAcquire:
        if (t.state === ENDED) break;
        this.close(t, ts);
        this.name(t, arg);
        t.state = HELD;
        t.startSite = arg;
        t.lastSite = arg;
        t.handoffArmed = false;
        break;
      case RecordType.gilHoldSite:
        // A long hold goes on: the piece held so far is named by this line.
        if (t.state !== HELD) break;
        this.close(t, ts);
        this.name(t, arg);
        t.startSite = arg;
        t.lastSite = arg;
        break;
      case RecordType.threadEnd:
        if (t.state === ENDED) break;
        this.finishThread(t, ts);
        t.end = ts;
        break;
      case RecordType.lockWait:
        if (t.waitLock >= 0) this.endWait(t, ts);
        t.waitLock = arg;
        t.waitKind = flags;
        t.waitSite = p0;
        t.waitStart = ts;
        t.waitFrom = t.state === HELD ? NaN : Math.max(ts, t.since);
        break;
      case RecordType.lockAcquire:
        if (t.waitLock === arg) this.endWait(t, Math.max(ts, t.waitStart), (flags & LockAcquireFlag.contended) !== 0);
        break;
      case RecordType.lockWaitEnd:
        if (t.waitLock === arg) this.endWait(t, ts);
        break;
      case RecordType.lockNew:
        this.locks.set(arg, { kind: flags, createSite: p0, nameId: p1 });
        break;
      case RecordType.gilQuiet:
        // Short releases taken back without waiting, summarised (FORMAT.md): p0 of them, p1 ticks
        // released in all. The hold is drawn as one span, named by the summary's line as its re-takes
        // would have named it, and shortened by the time released, drawn as one gap at its end, so
        // the exported GIL time adds up to the report's.
        if (t.state === HELD) {
          this.close(t, Math.max(t.since, ts - p1));
          this.name(t, arg);
          t.since = ts;
          t.startSite = arg;
        } else if (t.pending.length > 0) {
          // written after a release that stayed: the hold before that release ends the gap earlier
          this.shortenLastHeld(t, p1);
          this.name(t, arg);
        }
        t.lastSite = arg;
        break;
      case RecordType.threadStart:
        t.tid = arg;
        t.isMain = (flags & ThreadFlag.main) !== 0;
        t.isGilscope = (flags & ThreadFlag.gilscope) !== 0;
        break;
      case RecordType.threadName:
        t.nameId = arg;
        break;
      default:
        break;
    }
  }

  /** Ends the current GIL state at `ts`, keeping its span until a line names it. */
  private close(t: TimelineThread, ts: number): void {
    if (t.state === HELD) t.pending.push(t.since, ts, SpanKind.held, t.startSite);
    else if (t.state === WAITING) t.pending.push(t.since, ts, SpanKind.gilWait, 0);
    t.since = ts;
  }

  /** Takes `ticks` off the end of the newest held span still waiting for its line. */
  private shortenLastHeld(t: TimelineThread, ticks: number): void {
    const p = t.pending;
    for (let i = p.length - 4; i >= 0; i -= 4) {
      if (p[i + 2] !== SpanKind.held) continue;
      p[i + 1] = Math.max(p[i]!, p[i + 1]! - ticks);
      return;
    }
  }

  private name(t: TimelineThread, site: number): void {
    const p = t.pending;
    for (let i = 0; i < p.length; i += 4) t.spans.push(p[i]!, p[i + 1]!, p[i + 2]!, site, p[i + 3]!, -1);
    p.length = 0;
  }

  /**
   * Ends the open wait at `ts`. A contended acquire ends at the moment the
   * lock was obtained (the GIL wait after it is its own span); other waits
   * end when the thread got the GIL back, if it has already.
   */
  private endWait(t: TimelineThread, ts: number, obtained = false): void {
    const from = t.waitFrom;
    const end = t.state === HELD && !obtained ? Math.min(ts, t.since) : ts;
    if (from === from && end > from) t.spans.push(from, end, SpanKind.lockWait, t.waitSite, t.waitKind, t.waitLock);
    t.waitLock = -1;
  }

  private finishThread(t: TimelineThread, ts: number): void {
    if (t.waitLock >= 0) this.endWait(t, ts);
    this.close(t, ts);
    this.name(t, t.lastSite);
    t.state = ENDED;
  }

  /** Closes what is still open at the process's end (ticks). */
  finish(end: number): void {
    for (const t of this.threads.values()) {
      if (t.start !== t.start || t.state === ENDED) continue;
      this.finishThread(t, Math.max(end, t.lastTs));
      t.end = Math.max(end, t.lastTs);
    }
  }
}

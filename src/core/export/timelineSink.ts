import { ATTACH_GIL_INDEX, GilFlag, LockAcquireFlag, RecordType, StwFlag, ThreadFlag, WaitKind } from '../format/layout';
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

  /**
   * Free-threaded builds: attached (GIL index 255) since `runFrom` (NaN: not attached, or in a wait); `guessFrom`,
   * when not attached, the moment it was last known attached or not: a detach then says it ran from there.
   */
  attached = false;
  runFrom = NaN;
  runSite = 0;
  guessFrom = NaN;
  /** The open stop-the-world wait's start (NaN: none), site, and whether it asked for the pause. */
  stwFrom = NaN;
  stwSite = 0;
  stwRequester = 0;

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
 *
 * A free-threaded build's threads (`ft`, src/core/analysis/ftMachine.ts)
 * have, besides, running spans (attached without a GIL: GIL index 255
 * records), cut by their waits, and stopped spans (stop-the-world); their
 * waits are never inside a GIL hold.
 */
export class TimelineSink implements RecordSink {
  readonly threads = new Map<number, TimelineThread>();
  readonly locks = new Map<number, TimelineLock>();
  private cur: TimelineThread;

  constructor(readonly freeThreaded = false) {
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
      t.guessFrom = ts;
    }
    if (this.freeThreaded && this.freeThreadedRecord(t, type, flags, arg, ts, p0, p1)) return;
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
        if (this.tidNames.has(arg)) t.nameId = this.tidNames.get(arg)!;
        t.isMain = (flags & ThreadFlag.main) !== 0;
        t.isGilscope = (flags & ThreadFlag.gilscope) !== 0;
        break;
      case RecordType.threadName:
        // with a payload (an attached recording) it names the thread with that tid, not the writer
        if (p0 !== 0) this.nameByTid(p0, arg);
        else t.nameId = arg;
        break;
      default:
        break;
    }
  }

  /** A free-threaded build's records that are not a GIL's; true when handled. */
  private freeThreadedRecord(t: TimelineThread, type: number, flags: number, arg: number, ts: number, p0: number, p1: number): boolean {
    const attachment = (type === RecordType.gilAcquire || type === RecordType.gilRelease || type === RecordType.gilQuiet) && (flags & GilFlag.indexMask) === ATTACH_GIL_INDEX;
    if (attachment && type === RecordType.gilAcquire) {
      if (t.state === ENDED) return true;
      this.stopRunning(t, ts);
      t.attached = true;
      t.runSite = arg;
      t.lastSite = arg;
      this.resumeRunning(t, ts);
      return true;
    }
    if (attachment && type === RecordType.gilRelease) {
      // A detach while taken as detached: it ran from the moment nothing was known.
      if (!t.attached && t.guessFrom === t.guessFrom && t.waitLock < 0 && t.stwFrom !== t.stwFrom && ts > t.guessFrom) {
        t.spans.push(t.guessFrom, ts, SpanKind.running, t.lastSite, t.lastSite, -1);
      }
      this.stopRunning(t, ts);
      t.attached = false;
      t.guessFrom = NaN;
      return true;
    }
    if (attachment) {
      // Short detaches summarised: p1 ticks detached in all, drawn as one gap at the end of the run.
      if (t.runFrom === t.runFrom) {
        this.stopRunning(t, Math.max(t.runFrom, ts - p1));
        t.runSite = arg;
        this.resumeRunning(t, ts);
      }
      t.lastSite = arg;
      return true;
    }
    switch (type) {
      case RecordType.gilRelease:
        // a real GIL let go: whether the thread runs on attached is not known until its next index-255 record
        t.attached = false;
        t.guessFrom = ts;
        return false;
      case RecordType.stwWait:
        this.stopRunning(t, ts);
        t.stwFrom = ts;
        t.stwSite = p0;
        t.stwRequester = flags & StwFlag.requester;
        return true;
      case RecordType.stwEnd:
        if (t.stwFrom === t.stwFrom && ts >= t.stwFrom) t.spans.push(t.stwFrom, ts, SpanKind.stopped, t.stwSite, t.stwRequester, -1);
        t.stwFrom = NaN;
        this.resumeRunning(t, ts);
        return true;
      case RecordType.lockWait:
        this.stopRunning(t, ts);
        if (t.waitLock >= 0) this.endWait(t, ts);
        t.waitLock = arg;
        t.waitKind = flags;
        t.waitSite = p0;
        t.waitStart = ts;
        t.waitFrom = ts;
        return true;
      case RecordType.lockAcquire:
      case RecordType.lockWaitEnd:
        if (t.waitLock === arg) {
          this.endWait(t, Math.max(ts, t.waitStart), type === RecordType.lockAcquire);
          this.resumeRunning(t, Math.max(ts, t.waitStart));
        }
        return true;
      case RecordType.threadEnd:
        this.stopRunning(t, ts);
        return false;
      case RecordType.gilWait:
      case RecordType.gilAcquire:
        this.stopRunning(t, ts); // the GIL is on: its own spans from here
        return false;
      default:
        void p1;
        return false;
    }
  }

  /** Names the thread with Linux tid `tid`; one whose THREAD_START is not read yet takes it then. */
  private readonly tidNames = new Map<number, number>();

  private nameByTid(tid: number, nameId: number): void {
    for (const other of this.threads.values()) {
      if (other.tid === tid) {
        other.nameId = nameId;
        return;
      }
    }
    this.tidNames.set(tid, nameId);
  }

  /** Ends the running span going on at `ts`. */
  private stopRunning(t: TimelineThread, ts: number): void {
    if (t.runFrom === t.runFrom && ts > t.runFrom) t.spans.push(t.runFrom, ts, SpanKind.running, t.runSite, t.runSite, -1);
    t.runFrom = NaN;
  }

  /** Starts a running span at `ts` when the thread is attached and not waiting. */
  private resumeRunning(t: TimelineThread, ts: number): void {
    if (t.attached && t.waitLock < 0 && t.stwFrom !== t.stwFrom && t.state !== HELD && t.state !== ENDED) t.runFrom = ts;
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
    this.stopRunning(t, ts);
    if (t.stwFrom === t.stwFrom && ts > t.stwFrom) t.spans.push(t.stwFrom, ts, SpanKind.stopped, t.stwSite, t.stwRequester, -1);
    t.stwFrom = NaN;
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

import { ATTACH_GIL_INDEX, CHUNK_SIZE, GilFlag, PhaseFlag, RecordType, StwFlag, ThreadFlag } from '../format/layout';
import type { RecordSink } from '../format/recordSink';
import { ftAttach, ftBegin, ftWaitsAt, ftDetach, ftGilReleased, ftQuiet, gilEnabled, phase, stwEnd, stwWait } from './ftMachine';
import { gilAcquire, gilHandoff, gilHoldSite, gilRelease, gilUnknown, gilWait, threadEnd } from './gilMachine';
import { lockAcquire, lockNew, lockRelease, lockWait, lockWaitEnd } from './lockMachine';
import { PAGE } from './binPages';
import { ProcessContext } from './processContext';
import { nameByTid, nameThread, threadAtAttach, threadStarted } from './attachedThreads';
import { relativeTicks, ticksFrom } from '../format/relativeTicks';
import { gilQuiet, lockQuiet, readLockQuiet } from './quietSummaries';
import { ThreadState } from './threadState';

/** Options of the analysis, in nanoseconds. */
export interface AnalysisOptions {
  /** A wait for the GIL at least this long after a voluntary release counts as a convoy wait. */
  readonly convoyNs?: number;
  /** The heatmap's initial bin width. */
  readonly baseBinNs?: number;
  /** Numbers the logs behind "who blocked whom" may hold per process (numberLog.ts); beyond, holders come from LOCK_WAIT's holder site. */
  readonly logNumbers?: number;
  /**
   * A recording with the full log kept (FORMAT.md recording flag bit 3)
   * holds both the records its GIL_QUIET / LOCK_QUIET summaries stand for and
   * the summaries: `use` analyses the summaries, `ignore` the full log.
   * Other recordings are analysed whole. Default `use`.
   */
  readonly summaries?: 'use' | 'ignore';
}

export const DEFAULT_CONVOY_NS = 4.5e6; // ~ the default 5 ms switch interval
export const DEFAULT_BASE_BIN_NS = 1e6;

/**
 * The heatmap's bins may take an eighth of the bytes of the file read, or
 * 8 MiB, whichever is more: a 2^16-bin row for each of 64 threads' states is
 * 50 MiB, which was more than a 4-minute recording of them needed, and than
 * its file; and the analysis as a whole should take no more memory than the
 * recording. Past it the bins widen.
 */
const BIN_SHARE_OF_FILE = 1 / 8;
const BIN_PAGES_AT_LEAST = (8 << 20) / (PAGE * 4);

/**
 * Aggregates one process's records as they stream in (a RecordSink): GIL
 * states per thread, per line and per GIL, lock waits and holds, heatmap
 * bins. `snapshot` (see snapshot.ts) turns the state into results at any
 * moment, so a live view can call it while the file is still written.
 */
export class ProcessAnalyzer implements RecordSink {
  readonly threads = new Map<number, ThreadState>();
  readonly ctx: ProcessContext;
  records = 0;
  /** Chunks read (CHUNK_SIZE bytes of the file each). */
  private chunks = 0;
  private cur: ThreadState;

  /** start_ticks as two u32 halves: summaries name their spans in absolute ticks. */
  private readonly baseLo: number;
  private readonly baseHi: number;

  /**
   * @param expectedTicks the process's length when known (it ended): bins are sized for it at once
   * @param startTicks the header's start_ticks, against which records' times are relative
   */
  /**
   * @param ft a free-threaded build (header build flag bit 1), and whether its threads' attaching and detaching is recorded (recording flag bit 4)
   */
  constructor(private readonly ticksPerNs: number, options: AnalysisOptions = {}, expectedTicks?: number, startTicks = 0n, ft?: { readonly detachSeen: boolean }) {
    this.baseLo = Number(startTicks & 0xffffffffn);
    this.baseHi = Number(startTicks >> 32n);
    this.ctx = new ProcessContext(
      (options.convoyNs ?? DEFAULT_CONVOY_NS) * ticksPerNs,
      (options.baseBinNs ?? DEFAULT_BASE_BIN_NS) * ticksPerNs,
      options.logNumbers,
    );
    if (ft) {
      this.ctx.ft = true;
      this.ctx.detachSeen = ft.detachSeen;
    }
    if (expectedTicks !== undefined && expectedTicks > 0) this.ctx.grid.fit(expectedTicks * this.ctx.grid.inverse);
    this.cur = this.thread(0);
  }

  private thread(slot: number): ThreadState {
    let t = this.threads.get(slot);
    if (!t) {
      const g = this.ctx.grid;
      t = new ThreadState(slot, g.newSeries(), g.newSeries(), g.newSeries(), this.ctx.logBudget);
      if (this.ctx.ft) {
        t.runningBins = g.newSeries();
        t.stwBins = g.newSeries();
        t.blockedBins = g.newSeries();
      }
      this.threads.set(slot, t);
    }
    return t;
  }

  beginChunk(threadSlot: number): void {
    this.cur = this.thread(threadSlot);
    const grid = this.ctx.grid;
    this.chunks++;
    if (grid.pages.inUse > BIN_PAGES_AT_LEAST) grid.keepWithin(Math.max(BIN_PAGES_AT_LEAST, (this.chunks * CHUNK_SIZE * BIN_SHARE_OF_FILE) / (PAGE * 4)));
  }

  record(type: number, flags: number, arg: number, ts: number, p0: number, p1: number, p2: number, p3: number): void {
    this.records++;
    const t = this.cur;
    // Per thread, time never goes back: a damaged stamp cannot make a negative interval.
    // A contended LOCK_ACQUIRE is the exception: it is stamped when the lock was
    // obtained, before the GIL_ACQUIRE written ahead of it (lockAcquire bounds it);
    // and so is a GIL_QUIET of one payload slot, stamped at its last re-take but written before
    // the thread's next record that is not tentative, after any tentative ones (gilQuiet bounds it).
    if (ts >= t.lastTs) t.lastTs = ts;
    else if (type !== RecordType.lockAcquire && type !== RecordType.gilQuiet) ts = t.lastTs;
    const c = this.ctx;
    if (t.start !== t.start) {
      t.start = ts;
      t.since = ts;
      if (c.ft) ftBegin(t, c, ts);
    }
    // The commonest records of a build with a GIL, kept small enough for the JIT to compile into the
    // chunk walk: the same as dispatch's cases for them where no thread attaches or detaches.
    if (!c.ft) {
      if (type === RecordType.gilAcquire) return gilAcquire(t, c, ts, flags & GilFlag.indexMask, arg);
      if (type === RecordType.gilWait) return gilWait(t, c, ts, flags & GilFlag.indexMask);
      if (type === RecordType.gilRelease && (flags & GilFlag.toUnknown) === 0) return gilRelease(t, c, ts);
    }
    this.dispatch(t, c, type, flags, arg, ts, p0, p1, p2, p3);
  }

  /** Every record but the fast path's in `record`. */
  private dispatch(t: ThreadState, c: ProcessContext, type: number, flags: number, arg: number, ts: number, p0: number, p1: number, p2: number, p3: number): void {
    // On a free-threaded build GIL index 255 is the thread attaching and detaching (ftMachine.ts), not a GIL.
    const attachment = c.ft && (flags & GilFlag.indexMask) === ATTACH_GIL_INDEX;
    switch (type) {
      case RecordType.gilAcquire:
        if (attachment) ftAttach(t, c, ts, arg);
        else gilAcquire(t, c, ts, flags & GilFlag.indexMask, arg);
        break;
      case RecordType.gilRelease:
        if (attachment) ftDetach(t, c, ts);
        else if (flags & GilFlag.toUnknown) gilUnknown(t, c, ts);
        else {
          gilRelease(t, c, ts);
          if (c.ft) ftGilReleased(t);
        }
        break;
      case RecordType.gilWait:
        if (!attachment) gilWait(t, c, ts, flags & GilFlag.indexMask);
        break;
      case RecordType.gilHandoff:
        if (!attachment) gilHandoff(t, c, ts);
        break;
      case RecordType.gilHoldSite:
        if (!attachment) gilHoldSite(t, c, ts, arg);
        break;
      case RecordType.lockAcquire:
        lockAcquire(t, c, arg, flags, ts, p0, p2);
        break;
      case RecordType.lockRelease:
        lockRelease(t, c, arg, ts);
        break;
      case RecordType.lockWait:
        if (c.ft) ftWaitsAt(t, c, ts, p0);
        lockWait(t, c, arg, flags, ts, p0, p2);
        break;
      case RecordType.lockWaitEnd:
        lockWaitEnd(t, c, arg, ts);
        break;
      case RecordType.lockNew:
        lockNew(c, arg, flags, ts, p0, p1, p2, p3);
        break;
      case RecordType.gilQuiet:
        // One payload slot: count, released, span length, longest; stamped at the span's end.
        if (attachment) ftQuiet(t, c, ts - p2, ts, arg, p0, p1);
        else gilQuiet(t, c, ts - p2, ts, flags & GilFlag.indexMask, arg, p0, p1);
        break;
      default:
        this.rareRecord(t, c, type, flags, arg, ts, p0, p1, p2, p3);
        break;
    }
  }

  /** The records that come seldom, kept out of `record` so that its hot path compiles small. */
  private rareRecord(t: ThreadState, c: ProcessContext, type: number, flags: number, arg: number, ts: number, p0: number, p1: number, p2: number, p3: number): void {
    switch (type) {
      case RecordType.stwWait:
        stwWait(t, c, ts, (flags & StwFlag.requester) !== 0, p0);
        break;
      case RecordType.stwEnd:
        stwEnd(t, c, ts, p0, p1, p2 === 0 && p3 === 0 ? NaN : ticksFrom(p2, p3, this.baseLo, this.baseHi));
        break;
      case RecordType.phase:
        phase(t, c, ts, arg, (flags & PhaseFlag.end) !== 0);
        break;
      case RecordType.gilEnabled:
        gilEnabled(c, ts, arg);
        break;
      case RecordType.cpuSample:
        c.cpu.thread(arg, ts, p0, p1, p2, p3);
        break;
      case RecordType.machineSample:
        c.cpu.machineSample(ts, arg, p0, p1, p2, p3);
        break;
      case RecordType.threadStart:
        t.tid = arg;
        t.isMain = (flags & ThreadFlag.main) !== 0;
        t.isGilscope = (flags & ThreadFlag.gilscope) !== 0;
        threadStarted(t, c);
        break;
      case RecordType.threadName:
        // With a payload (an attached recording) it names the thread with that Linux tid, not the writer.
        if (p0 !== 0) nameByTid(this.threads.values(), c, p0, ts, arg);
        else nameThread(t, ts, arg);
        break;
      case RecordType.threadAtAttach:
        threadAtAttach(this.threads.values(), c, arg, ts, flags);
        break;
      case RecordType.threadEnd:
        threadEnd(t, c, ts);
        break;
      case RecordType.gilRegister:
        // A GIL found in use is registered with 0 first, then with its interpreter's id by its first taker;
        // threads' chunks come in any order, so a known id is kept.
        if (arg !== 0 || !c.gilInterpreter.has(flags & GilFlag.indexMask)) c.gilInterpreter.set(flags & GilFlag.indexMask, arg);
        break;
      default:
        break; // unknown types are skipped (their payload was skipped by `extra`)
    }
  }

  /** Records of two or more payload slots: GIL_QUIET and LOCK_QUIET (quietSummaries.ts reads both of their layouts). */
  wideRecord(type: number, flags: number, arg: number, ts: number, words: Uint32Array, p: number, extra: number): void {
    if ((type === RecordType.gilQuiet && extra < 2) || (type !== RecordType.gilQuiet && type !== RecordType.lockQuiet)) {
      this.record(type, flags, arg, ts, words[p]!, words[p + 1]!, words[p + 2]!, words[p + 3]!);
      return;
    }
    this.records++;
    const t = this.cur;
    // A summary applies to the span it names. Its stamp (when it was written) is no moment of the thread's:
    // the writer reads its clock for it after the next record's time was taken, so it may even pass that
    // record's, and must not hold the thread's time back (the clamp in `apply`).
    let start: number;
    let end: number;
    if (type === RecordType.gilQuiet) {
      // Two payload slots (the runtime's writer before December 2026): count, released, longest; then the span's start and end in ticks.
      // A span lies at or before the summary's stamp (damaged words must not stretch the heatmap's bins).
      end = Math.min(ts, relativeTicks(words, p + 6, this.baseLo, this.baseHi));
      start = Math.min(end, relativeTicks(words, p + 4, this.baseLo, this.baseHi));
    } else {
      const q = readLockQuiet(words, p, extra, ts, this.baseLo, this.baseHi);
      start = q.spanStart;
      end = q.spanEnd;
      lockQuiet(this.ctx, this.ticksPerNs, arg, q, words);
    }
    if (t.start !== t.start) {
      t.start = start;
      t.since = start;
      if (this.ctx.ft) ftBegin(t, this.ctx, start);
    }
    if (type === RecordType.gilQuiet) {
      if (this.ctx.ft && (flags & GilFlag.indexMask) === ATTACH_GIL_INDEX) ftQuiet(t, this.ctx, start, end, arg, words[p]!, words[p + 1]!);
      else gilQuiet(t, this.ctx, start, end, flags & GilFlag.indexMask, arg, words[p]!, words[p + 1]!);
    }
    if (end > t.lastTs) t.lastTs = end;
  }
}

import type { BinSeries } from './binGrid';
import { NumberLog } from './numberLog';
import type { LogBudget } from './numberLog';

/**
 * `unknown`: a sampled thread that ran while the sampler could not tell whether it held the GIL
 * (an interpreter whose GIL it cannot read): neither held nor released, shown as neither.
 */
export const GilState = { released: 0, waiting: 1, held: 2, ended: 3, unknown: 4 } as const;

/** How many of a thread's longest GIL waits are kept. */
export const TOP_WAITS = 5;

/**
 * Everything the analysis accumulates for one thread while records stream
 * in. Times are in ticks relative to the file's start; only numbers, so the
 * hot path allocates nothing.
 */
export class ThreadState {
  tid = 0;
  isMain = false;
  /** gilscope's own sampling thread (THREAD_START flag bit 1): not the program's, left out of every result. */
  isGilscope = false;
  nameId = 0;
  /** When the thread was last named (THREAD_NAME by itself, or by the thread that attached the recording). */
  nameTs = -Infinity;
  /** THREAD_START's time, or the first record's when it was lost. */
  start = NaN;
  end = NaN;
  lastTs = -Infinity;
  state: number = GilState.released;
  since = 0;
  gil = 0;

  held = 0;
  wait = 0;
  released = 0;
  /** Time in GilState.unknown (sampled recordings only). */
  unknown = 0;
  acquisitions = 0;

  /** Time since the last GIL_ACQUIRE, waiting for the next one to name its line. */
  pendHeld = 0;
  pendReleased = 0;
  pendWait = 0;
  lastSite = 0;
  /** The site of the thread's first GIL acquire: names time before it learnt late (THREAD_AT_ATTACH read after its records). */
  firstSite = 0;
  lastHold = 0;
  /** Of the hold going on, the ticks before its current piece (GIL_HOLD_SITE splits a hold into pieces). */
  holdCarried = 0;
  /** The last GIL_ACQUIRE's time. */
  lastAcqTs = -Infinity;
  /** The last GIL record was a GIL_RELEASE: a GIL_HANDOFF now makes the time since then waiting. */
  handoffArmed = false;

  convoyCount = 0;
  convoyWait = 0;

  readonly topWait = new Float64Array(TOP_WAITS);
  readonly topWaitAt = new Float64Array(TOP_WAITS);
  readonly topWaitSite = new Float64Array(TOP_WAITS);

  /** The open lock wait, if any (waitLock < 0 when none). */
  waitLock = -1;
  waitKind = 0;
  waitStart = 0;
  waitSite = 0;
  waitHolderSite = 0;
  /** The lock and site of the thread's last uncontended LOCK_ACQUIRE with a site (not flagged summarised): one with flag sameSite has none. */
  acquireLock = -1;
  acquireSite = 0;
  /**
   * A contention wait (kind 0) counts only the time the thread was released
   * within it (a GIL hand-over before it and the GIL wait after the lock was
   * obtained are GIL waits): released ticks of closed spans, the last span
   * held back until the wait's end is known (the LOCK_ACQUIRE that ends it is
   * written after the GIL_ACQUIRE that follows it, with an earlier time),
   * and the GIL wait inside the acquire call.
   */
  /** A contention wait (kind 0) is open: the GIL machine reports its spans (lockMachine.contentionSpan). */
  contending = false;
  waitRel = 0;
  waitPendStart = NaN;
  waitPendEnd = NaN;
  waitFirstRel = NaN;
  waitGil = 0;
  /** Contention waits (kind 0) and the other blocking waits by kind. */
  lockWait = 0;
  readonly blockedByKind = new Float64Array(8);

  /** Locks this thread holds: parallel stacks. */
  readonly holdLock: number[] = [];
  readonly holdStart: number[] = [];
  readonly holdSite: number[] = [];
  readonly holdDepth: number[] = [];
  /** (ts, site) of the GIL acquires made while this thread held a lock: where it stood inside critical sections. */
  readonly acqLog: NumberLog;
  /**
   * (start, end) of the spans the thread was released inside a wait (a lock, a queue, a Condition, an event):
   * blocked, unable to run whatever the GIL did. The suggestions read which threads could have run at once.
   */
  readonly blockedLog: NumberLog;

  /*
   * Free-threaded builds (ftMachine.ts): the thread's state when it holds no
   * GIL, by priority: waiting on a lock or object (a contention wait), blocked
   * on an event, stopped by the world, else running (attached) or detached.
   */
  /** Its thread state is attached (GIL index 255 records): it runs Python. */
  attached = false;
  /** `attached` is a guess (at its start, or after it let a real GIL go): its next index-255 record tells. */
  attachGuessed = true;
  /** The detached spans counted on that guess: [start, end, …], made running when it proves wrong. */
  readonly guessSpans: number[] = [];
  /** In a stop-the-world wait (STW_WAIT … STW_END): since, where it stood, whether it asked for the pause. */
  stw = false;
  stwStart = 0;
  stwSite = 0;
  stwRequester = false;
  ftSince = NaN;
  ftRunning = 0;
  ftLockWait = 0;
  ftStw = 0;
  ftBlocked = 0;
  ftDetached = 0;
  /** Running and detached time not yet named by an attach's line. */
  pendRunning = 0;
  pendDetached = 0;
  /** Times it attached again (index-255 acquires and the re-takes of their summaries). */
  attaches = 0;
  /** Bins of the free-threaded states (free-threaded processes only); detached is what the others leave. */
  runningBins: BinSeries | undefined;
  /** Bins of GilState.unknown, made when a sampled thread first enters it (none elsewhere). */
  unknownBins: BinSeries | undefined;
  stwBins: BinSeries | undefined;
  blockedBins: BinSeries | undefined;

  constructor(
    readonly slot: number,
    readonly heldBins: BinSeries,
    readonly waitBins: BinSeries,
    readonly lockWaitBins: BinSeries,
    budget: LogBudget,
  ) {
    this.acqLog = new NumberLog(2, budget);
    this.blockedLog = new NumberLog(2, budget);
  }

  /** Keeps the wait if it is among the longest. */
  noteWait(duration: number, at: number, site: number): void {
    const top = this.topWait;
    let i = TOP_WAITS - 1;
    if (duration <= top[i]!) return;
    while (i > 0 && top[i - 1]! < duration) {
      top[i] = top[i - 1]!;
      this.topWaitAt[i] = this.topWaitAt[i - 1]!;
      this.topWaitSite[i] = this.topWaitSite[i - 1]!;
      i--;
    }
    top[i] = duration;
    this.topWaitAt[i] = at;
    this.topWaitSite[i] = site;
  }
}

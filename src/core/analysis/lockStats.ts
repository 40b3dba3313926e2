import type { BinSeries } from './binGrid';
import { DurationSamples } from './durationSamples';
import { NumberLog } from './numberLog';
import type { LogBudget } from './numberLog';

/** What the analysis accumulates for one lock (records 20-24). Times in ticks. */
export class LockStats {
  kind = 0;
  createSite = 0;
  nameId = 0;
  address = 0;
  created = NaN;
  acquisitions = 0;
  contended = 0;
  gaveUp = 0;
  /** Contention: waits of kind 0 (acquire). */
  readonly waits = new DurationSamples();
  /** GIL waits inside contended acquire calls: a hand-over before the lock wait, getting the GIL back after it. */
  gilWait = 0;
  readonly holds = new DurationSamples();
  /** Waits of other kinds (Condition, Event, queue…): not contention. */
  readonly otherWaitByKind = new Float64Array(8);
  readonly otherWaitCountByKind = new Float64Array(8);
  /** Waits of other kinds by (waiting site × 8 + kind): [count, ticks]. */
  readonly otherWaitBySite = new Map<number, Float64Array>();
  /** Contention wait by waiting site. */
  readonly waiters = new Map<number, Float64Array>();
  /** Contention wait by the line where the waking thread let the lock or object go (LOCK_ACQUIRE's waker site, free-threaded builds). */
  readonly wakers = new Map<number, Float64Array>();
  /** Contention wait of others by the holder site the runtime named in LOCK_WAIT: the fallback when the logs overflow. */
  readonly blockers = new Map<number, Float64Array>();
  /** Finished holds: (start, end, thread slot, acquiring site). */
  readonly holdLog: NumberLog;
  /** Finished contention waits: (start, end) of the released time in them. */
  readonly waitLog: NumberLog;
  /** Hold time by acquiring site. */
  readonly holdBySite = new Map<number, Float64Array>();
  /** Releases by a thread that did not acquire: matched at the end. */
  readonly orphanReleases: number[] = [];
  /** Holds set aside when their thread acquired the lock again (another thread released it): (start, site, slot) triples, closed by orphan releases at the end. */
  readonly detachedHolds: number[] = [];
  waitBins: BinSeries | undefined;
  holdBins: BinSeries | undefined;

  constructor(readonly id: number, budget: LogBudget) {
    this.holdLog = new NumberLog(4, budget);
    this.waitLog = new NumberLog(2, budget);
  }
}

/** Adds to a per-site total; the total lives in a one-element array so the hot path allocates nothing. */
export function addTo(map: Map<number, Float64Array>, key: number, value: number): void {
  let box = map.get(key);
  if (!box) {
    box = new Float64Array(1);
    map.set(key, box);
  }
  box[0]! += value;
}

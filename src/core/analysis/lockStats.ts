import type { BinSeries } from './binGrid';
import { DurationSamples } from './durationSamples';

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
  readonly holds = new DurationSamples();
  /** Waits of other kinds (Condition, Event, queue…): not contention. */
  readonly otherWaitByKind = new Float64Array(8);
  readonly otherWaitCountByKind = new Float64Array(8);
  /** Contention wait by waiting site. */
  readonly waiters = new Map<number, Float64Array>();
  /** Contention wait of others by the site the holder stood on. */
  readonly blockers = new Map<number, Float64Array>();
  /** Hold time by acquiring site. */
  readonly holdBySite = new Map<number, Float64Array>();
  /** Releases by a thread that did not acquire: matched at the end. */
  readonly orphanReleases: number[] = [];
  waitBins: BinSeries | undefined;
  holdBins: BinSeries | undefined;

  constructor(readonly id: number) {}
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

export function valueOf(map: Map<number, Float64Array>, key: number): number {
  return map.get(key)?.[0] ?? 0;
}

import type { PrefixSeries } from './prefixSeries';

/** Converts between seconds of the recording and one process's bins. */
export interface BinTime {
  /** ns from the recording's start to the process's tick 0, plus the fit's intercept. */
  readonly offsetNs: number;
  /** ns per tick. */
  readonly slope: number;
  /** ticks per bin. */
  readonly binTicks: number;
}

/**
 * A thread's exclusive states in a cell. On a build with a GIL: held, wait, lockWait and released. A
 * free-threaded build's thread holding no GIL (ftMachine.ts) is running, waiting for a lock or object
 * (lockWait), stopped by the world (stw), blocked on an event, or detached (released: what is left).
 * A sampled thread whose GIL the sampler could not read is `unknown` then: neither held nor released.
 */
export type ThreadStateName = 'held' | 'wait' | 'released' | 'lockWait' | 'running' | 'stw' | 'blocked' | 'unknown';
export type LockStateName = 'wait' | 'hold';

export interface ThreadRowSource {
  readonly kind: 'thread';
  readonly key: string;
  readonly label: string;
  readonly pid: number;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly time: BinTime;
  readonly held: PrefixSeries;
  readonly wait: PrefixSeries;
  readonly lockWait: PrefixSeries;
  /** Free-threaded processes only. */
  readonly running?: PrefixSeries;
  readonly stw?: PrefixSeries;
  readonly blocked?: PrefixSeries;
  /** Sampled threads whose GIL the sampler could not read (GilState.unknown) only. */
  readonly unknown?: PrefixSeries;
}

export interface LockRowSource {
  readonly kind: 'lock';
  readonly key: string;
  readonly label: string;
  readonly pid: number;
  readonly time: BinTime;
  readonly wait: PrefixSeries;
  readonly hold: PrefixSeries;
}

/**
 * One row of an answered query: seconds in each state per cell. Read-only:
 * the states a row cannot be in (a GIL build's free-threaded states) share
 * one array of zeros per answer, as zooming allocates an answer each time.
 */
export interface HeatmapRow<S extends string> {
  readonly key: string;
  readonly label: string;
  readonly pid: number;
  readonly cells: Readonly<Record<S, Float64Array>>;
}

export interface HeatmapQuery {
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** Cells across (e.g. pixels). */
  readonly width: number;
}

export interface HeatmapAnswer {
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly cellSeconds: number;
  readonly threads: readonly HeatmapRow<ThreadStateName>[];
  readonly locks: readonly HeatmapRow<LockStateName>[];
}

function cells(series: PrefixSeries, time: BinTime, q: HeatmapQuery, out: Float64Array): Float64Array {
  const cell = (q.endSeconds - q.startSeconds) / q.width;
  const toBin = 1e9 / time.slope / time.binTicks;
  const base = time.offsetNs / time.slope / time.binTicks;
  const scale = time.slope / 1e9;
  let prev = series.at(q.startSeconds * toBin - base);
  for (let i = 0; i < q.width; i++) {
    const next = series.at((q.startSeconds + (i + 1) * cell) * toBin - base);
    out[i] = (next - prev) * scale;
    prev = next;
  }
  return out;
}

/**
 * The time-binned matrices behind the heatmaps (threads × time, locks ×
 * time). Each row is a cumulative sum over fixed bins, so any window at any
 * width costs O(width) per row: 64 threads at 2000 cells is well under 50 ms.
 */
export class Heatmap {
  constructor(
    readonly threadRows: readonly ThreadRowSource[],
    readonly lockRows: readonly LockRowSource[],
  ) {}

  query(q: HeatmapQuery): HeatmapAnswer {
    const width = Math.max(1, Math.floor(q.width));
    const query = { ...q, width };
    const cellSeconds = (q.endSeconds - q.startSeconds) / width;
    const zeros = new Float64Array(width);
    const threads = this.threadRows.map((r) => {
      const held = cells(r.held, r.time, query, new Float64Array(width));
      const wait = cells(r.wait, r.time, query, new Float64Array(width));
      const lockWait = cells(r.lockWait, r.time, query, new Float64Array(width));
      // A state only some rows have (a free-threaded build's, a sampler's unknown time): zeros elsewhere.
      const optional = (s: PrefixSeries | undefined): Float64Array => (s ? cells(s, r.time, query, new Float64Array(width)) : zeros);
      const running = optional(r.running);
      const stw = optional(r.stw);
      const blocked = optional(r.blocked);
      const unknown = optional(r.unknown);
      const released = new Float64Array(width);
      for (let i = 0; i < width; i++) {
        const a = Math.max(r.startSeconds, q.startSeconds + i * cellSeconds);
        const b = Math.min(r.endSeconds, q.startSeconds + (i + 1) * cellSeconds);
        // The states are exclusive: released is what is left after holding,
        // waiting for the GIL and waiting for a lock (itself released time), and on a
        // free-threaded build running, stopped by the world and blocked on an event; and time not known.
        // Not clamped, so rows sum to the totals exactly; where a cell is narrower
        // than a bin at a thread's first or last bin it may dip below 0: draw as 0.
        released[i] = (b > a ? b - a : 0) - held[i]! - wait[i]! - lockWait[i]! - running[i]! - stw[i]! - blocked[i]! - unknown[i]!;
      }
      return { key: r.key, label: r.label, pid: r.pid, cells: { held, wait, released, lockWait, running, stw, blocked, unknown } };
    });
    const locks = this.lockRows.map((r) => ({
      key: r.key,
      label: r.label,
      pid: r.pid,
      cells: {
        wait: cells(r.wait, r.time, query, new Float64Array(width)),
        hold: cells(r.hold, r.time, query, new Float64Array(width)),
      },
    }));
    return { startSeconds: q.startSeconds, endSeconds: q.endSeconds, cellSeconds, threads, locks };
  }

  /** Rows of several processes in one heatmap. */
  static merge(maps: readonly Heatmap[]): Heatmap {
    return new Heatmap(maps.flatMap((m) => m.threadRows), maps.flatMap((m) => m.lockRows));
  }
}

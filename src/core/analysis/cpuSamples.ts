import type { BinGrid, BinSeries } from './binGrid';

/**
 * CPU_SAMPLE (13) and MACHINE_SAMPLE (14) as they stream in (FORMAT.md,
 * "Machine"): gilscope's own thread samples each recorded thread's
 * run-queue delay and CPU time every 10 ms, and the machine's busy time
 * every 100 ms. All values are cumulative, in CLOCK_MONOTONIC ns; a
 * thread's first sample is its baseline.
 */

const TWO32 = 4294967296;

/** One thread's samples. */
export class ThreadCpu {
  samples = 0;
  firstTs = NaN;
  lastTs = NaN;
  firstRunQueueNs = 0;
  lastRunQueueNs = 0;
  firstCpuNs = 0;
  lastCpuNs = 0;
  /**
   * The run-queue delay's growth between samples, spread evenly over each
   * interval on the heatmap's bins (ns per bin): set against the thread's
   * GIL wait per bin, it gives the part of the delay that overlapped it.
   */
  readonly runQueueBins: BinSeries;

  constructor(grid: BinGrid) {
    this.runQueueBins = grid.newSeries();
  }
}

/**
 * The machine's samples in time order (one out of order is dropped): each one's
 * time (ticks) and the cumulative busy ns of all CPUs and of this process.
 * 10 a second, 2.4 MB an hour: a window's load is read from them.
 */
export class MachineSamples {
  readonly ts: number[] = [];
  readonly busyNs: number[] = [];
  readonly processNs: number[] = [];
  onlineCpus = 0;
}

/** The samples of one process, by the sampled thread's slot. */
export class CpuSamples {
  readonly threads = new Map<number, ThreadCpu>();
  readonly machine = new MachineSamples();

  constructor(private readonly grid: BinGrid) {}

  /** CPU_SAMPLE of thread `slot` at `ts` (ticks); the payload's u64 run-queue delay and u64 CPU time as u32 halves. */
  thread(slot: number, ts: number, runLo: number, runHi: number, cpuLo: number, cpuHi: number): void {
    let t = this.threads.get(slot);
    if (!t) {
      t = new ThreadCpu(this.grid);
      this.threads.set(slot, t);
    }
    const runQueue = runHi * TWO32 + runLo;
    const cpu = cpuHi * TWO32 + cpuLo;
    if (t.samples === 0) {
      t.firstTs = ts;
      t.firstRunQueueNs = runQueue;
      t.firstCpuNs = cpu;
    } else if (ts >= t.lastTs && runQueue > t.lastRunQueueNs) {
      t.runQueueBins.addSpread(t.lastTs, ts, runQueue - t.lastRunQueueNs);
    }
    if (t.samples === 0 || ts >= t.lastTs) {
      t.lastTs = ts;
      t.lastRunQueueNs = Math.max(runQueue, t.lastRunQueueNs);
      t.lastCpuNs = Math.max(cpu, t.lastCpuNs);
    }
    t.samples++;
  }

  /** MACHINE_SAMPLE at `ts`: CPUs online, the u64 busy time of all CPUs and of this process. */
  machineSample(ts: number, onlineCpus: number, busyLo: number, busyHi: number, procLo: number, procHi: number): void {
    const m = this.machine;
    const busy = busyHi * TWO32 + busyLo;
    const proc = procHi * TWO32 + procLo;
    const n = m.ts.length;
    if (n === 0 || ts >= m.ts[n - 1]!) {
      m.ts.push(ts);
      m.busyNs.push(busy);
      m.processNs.push(proc);
    }
    if (onlineCpus > 0) m.onlineCpus = onlineCpus;
  }
}

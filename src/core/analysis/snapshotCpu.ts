import { PAGE } from './binGrid';
import type { CpuSamples, ThreadCpu } from './cpuSamples';
import type { MachineLoad } from './model';
import { GilState } from './threadState';
import type { ThreadState } from './threadState';
import type { TimeMap } from './timeMap';

/** What a thread's CPU samples say, in seconds; null without samples. */
export interface ThreadCpuFigures {
  readonly cpuWaitSeconds: number | null;
  readonly cpuWaitInGilWaitSeconds: number | null;
  readonly cpuSeconds: number | null;
}

export const NO_CPU_FIGURES: ThreadCpuFigures = { cpuWaitSeconds: null, cpuWaitInGilWaitSeconds: null, cpuSeconds: null };

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  const d = Math.min(a1, b1) - Math.max(a0, b0);
  return d > 0 ? d : 0;
}

/**
 * A thread's run-queue delay over its life (the growth from its first
 * sample, the baseline, to its last), and the part of it that overlapped
 * its GIL waits: each sample interval's growth is spread evenly over the
 * interval (on the heatmap's bins, 1 ms and coarser in long recordings),
 * and the growth within a bin is shared among the thread's states in that
 * bin in proportion to their durations, the waiting share going to the GIL
 * wait. `stop` is where the thread's life ends (ticks).
 */
export function threadCpuFigures(t: ThreadState, cpu: ThreadCpu | undefined, stop: number, binTicks: number): ThreadCpuFigures {
  if (!cpu || cpu.samples === 0) return NO_CPU_FIGURES;
  const openWait = t.state === GilState.waiting ? t.since : NaN;
  let inGilWait = 0;
  const pages = cpu.runQueueBins.pages;
  for (let p = 0; p < pages.length; p++) {
    const page = pages[p];
    if (!page) continue;
    for (let i = 0; i < PAGE; i++) {
      const grown = page[i]!;
      if (grown === 0) continue;
      const b = p * PAGE + i;
      const b0 = b * binTicks;
      const b1 = b0 + binTicks;
      const alive = overlap(t.start, stop, b0, b1);
      if (alive === 0) continue;
      const wait = t.waitBins.at(b) + (openWait === openWait ? overlap(openWait, stop, b0, b1) : 0);
      inGilWait += grown * Math.min(1, wait / alive);
    }
  }
  const grownNs = Math.max(0, cpu.lastRunQueueNs - cpu.firstRunQueueNs);
  return {
    cpuWaitSeconds: grownNs / 1e9,
    cpuWaitInGilWaitSeconds: Math.min(grownNs, Math.max(0, inGilWait)) / 1e9,
    cpuSeconds: Math.max(0, cpu.lastCpuNs - cpu.firstCpuNs) / 1e9,
  };
}

/**
 * The machine's load over the samples' span: other programs' CPUs are the
 * growth of all CPUs' busy time less this process's, over the span's wall
 * time. `headerCpus` (online_cpus at start) stands in when no sample named
 * the CPUs online. Null without two machine samples.
 */
export function machineLoad(cpu: CpuSamples, headerCpus: number, time: TimeMap): MachineLoad | null {
  const m = cpu.machine;
  const online = m.onlineCpus || headerCpus;
  const last = m.ts.length - 1;
  if (last < 1 || !(m.ts[last]! > m.ts[0]!)) {
    return online > 0 ? { onlineCpus: online, foreignCpus: null, freeCpus: null, processCpus: null, sampledSeconds: 0 } : null;
  }
  const seconds = time.duration(m.ts[last]! - m.ts[0]!);
  const processNs = m.processNs[last]! - m.processNs[0]!;
  const processCpus = Math.max(0, processNs) / 1e9 / seconds;
  const foreignCpus = Math.max(0, m.busyNs[last]! - m.busyNs[0]! - processNs) / 1e9 / seconds;
  return {
    onlineCpus: online,
    foreignCpus,
    freeCpus: online > 0 ? Math.max(0, online - foreignCpus) : null,
    processCpus,
    sampledSeconds: seconds,
    samples: {
      seconds: Float64Array.from(m.ts, (ts) => time.seconds(ts)),
      busyNs: Float64Array.from(m.busyNs),
      processNs: Float64Array.from(m.processNs),
    },
  };
}

/** A cumulative count at `x` seconds, interpolated between the samples around it (clamped to the first and last). */
function at(seconds: Float64Array, values: Float64Array, x: number): number {
  const n = seconds.length;
  if (x <= seconds[0]!) return values[0]!;
  if (x >= seconds[n - 1]!) return values[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (seconds[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const f = (x - seconds[lo]!) / Math.max(1e-12, seconds[hi]! - seconds[lo]!);
  return values[lo]! + f * (values[hi]! - values[lo]!);
}

/**
 * The machine's busy time (ns, all CPUs) over [from, to] (seconds from the
 * recording's start), from the samples around it; null when the samples do
 * not cover the window.
 */
export function machineBusyNsIn(m: MachineLoad, from: number, to: number): number | null {
  const s = m.samples;
  if (!s || s.seconds.length < 2 || !(to > from) || s.seconds[0]! > from || s.seconds[s.seconds.length - 1]! < to) return null;
  return at(s.seconds, s.busyNs, to) - at(s.seconds, s.busyNs, from);
}

/** This process's CPU time (ns) over the part of [from, to] its samples cover (0 without samples). */
export function processNsIn(m: MachineLoad, from: number, to: number): number {
  const s = m.samples;
  if (!s || s.seconds.length < 2 || !(to > from)) return 0;
  return at(s.seconds, s.processNs, to) - at(s.seconds, s.processNs, from);
}

/**
 * What running work elsewhere costs: starting the workers, stopping them,
 * and pickling inputs and results. Measured by a what-if run when one ran
 * (gilscope compare), else estimated: the estimates below are what these
 * cost on a small Linux VM (CPython 3.11, 2 cores; recorded) and are
 * widened in the intervals.
 */

export type ParallelMode = 'threads' | 'processes-fork' | 'processes-spawn' | 'processes-forkserver' | 'subinterpreters' | 'free-threaded';

export const PARALLEL_MODES: readonly ParallelMode[] = ['threads', 'processes-fork', 'processes-spawn', 'processes-forkserver', 'subinterpreters', 'free-threaded'];

export interface ModeCosts {
  /** From making the pool to its first task starting. */
  readonly startupSeconds: number;
  /** From the last task's end to the pool being shut down (the last result's trip included). */
  readonly shutdownSeconds: number;
  /** Pickling in the parent (serial): inputs out, results in. */
  readonly parentTransferSeconds: number;
  /** Pickling in the workers (spread over them): inputs in, results out. */
  readonly workerTransferSeconds: number;
  /** `measured`: by a what-if run of this mode; `estimated`: from the figures here (pickling from the serial run when it timed it). */
  readonly source: 'measured' | 'estimated';
  /** Whether the pickling figures are known (measured, or timed by the serial run). */
  readonly transferKnown: boolean;
}

/**
 * A small object sent from one process to another and picked up there (pickled, written to a pipe, the
 * reader woken, read, unpickled): about 10 µs on the development VM (test/workloads/pingpong.py in
 * lock-step with two processes: 25–37 µs an item, two messages each, beside 4 µs of work in one thread).
 * Estimated, so widened ×2 / ×0.5 in the intervals like the other estimates.
 */
export const MESSAGE_SECONDS = 10e-6;

export function crossesProcesses(mode: ParallelMode): boolean {
  return mode.startsWith('processes-') || mode === 'subinterpreters';
}

/** Start-up and shutdown without a measurement: per start method, for n workers on `cores` cores. */
export function estimatedCosts(mode: ParallelMode, n: number, cores: number, pickling?: { parentSeconds: number; workerSeconds: number }): ModeCosts {
  const waves = Math.ceil(n / Math.max(1, cores));
  const [startup, shutdown] = {
    threads: [0.0002 * n, 0.0005],
    'free-threaded': [0.0002 * n, 0.0005],
    'processes-fork': [0.005 + 0.002 * n, 0.005],
    'processes-spawn': [0.15 * waves, 0.03],
    'processes-forkserver': [0.15 + 0.005 * n, 0.02],
    subinterpreters: [0.05 * waves, 0.01],
  }[mode] as [number, number];
  const crosses = crossesProcesses(mode);
  return {
    startupSeconds: startup,
    shutdownSeconds: shutdown,
    parentTransferSeconds: crosses ? (pickling?.parentSeconds ?? 0) : 0,
    workerTransferSeconds: crosses ? (pickling?.workerSeconds ?? 0) : 0,
    source: 'estimated',
    transferKnown: !crosses || pickling !== undefined,
  };
}

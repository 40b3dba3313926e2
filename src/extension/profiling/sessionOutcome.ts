import { constants } from 'node:os';
import type { WorkloadEnd } from '../../core/launch/workloadRun';
import { formatCount } from './outputGate';

/** How a run ended, as the session saw it. */
export interface RunEnd {
  readonly end: WorkloadEnd;
  /** Stop Profiling, Ctrl+C in its terminal, cancel on the progress, or the terminal closed. */
  readonly stoppedByUser: boolean;
  readonly seconds: number;
  /** Characters of output not shown in the terminal. */
  readonly outputSkipped: number;
  /** Whether any process left a recording file. */
  readonly recorded: boolean;
}

function signalName(signal: NodeJS.Signals | null, exitCode: number | null): string | undefined {
  if (signal) return signal;
  // A launcher in between (the sampler) reports a signal death as 128 + N.
  if (exitCode !== null && exitCode > 128 && exitCode < 128 + 64) {
    return Object.entries(constants.signals).find(([, n]) => n === exitCode - 128)?.[0];
  }
  return undefined;
}

/**
 * What the user is told at the end of a run: how the workload ended, and what
 * became of the recording. `ok` is false when they should look: a crash, a
 * flood, nothing recorded.
 */
export function describeRunEnd(run: RunEnd): { readonly text: string; readonly ok: boolean } {
  const after = `after ${run.seconds.toFixed(1)} s`;
  const signal = signalName(run.end.signal, run.end.exitCode);
  let how: string;
  let ok = false;
  if (run.stoppedByUser) {
    how = `The workload was stopped ${after}`;
    ok = true;
  } else if (signal) {
    how = `The workload was killed by ${signal} ${after}`;
  } else if (run.end.exitCode === 0) {
    how = `The workload finished ${after}`;
    ok = true;
  } else {
    how = `The workload exited with status ${run.end.exitCode ?? 'unknown'} ${after}`;
  }
  const kept = !run.recorded ? '; nothing was recorded.' : ok && !run.stoppedByUser ? '.' : '; what was recorded until then is kept.';
  const flood = run.outputSkipped > 0
    ? ` It wrote output faster than a terminal can show; ${formatCount(run.outputSkipped)} of it was not shown.`
    : '';
  return { text: how + kept + flood, ok: ok && run.recorded && !flood };
}

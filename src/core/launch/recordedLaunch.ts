import type { StdioOptions } from 'node:child_process';

import type { PreparedPython } from './preparePython';
import { DEFAULT_SAMPLE_HZ, readSamplerReport, samplerCommand } from './sampledLaunch';
import { capReachedAt, cappedLine, createBudget, DEFAULT_CAP } from './sizeCap';
import { WorkloadRun } from './workloadRun';

export interface RecordedLaunch {
  /** What `python -m gilscope.prepare` said of the interpreter: exact, or sampled and why. */
  readonly prepared: PreparedPython;
  readonly command: readonly string[];
  /** Made by createRecordingDir (recordingDirSetup.ts). */
  readonly recordingDir: string;
  readonly runtimeDir: string;
  readonly launcher: string;
  readonly cwd?: string;
  readonly stdio?: StdioOptions;
  /** The sampling rate when the interpreter cannot be recorded exactly. */
  readonly sampleHz?: number;
  /** The recording's size cap in bytes (sizeCap.ts; default DEFAULT_CAP, 0: none). The sampler writes kilobytes a second and is not capped. */
  readonly maxBytes?: number;
}

/**
 * Starts `command` recorded: exactly when the interpreter allows it, else
 * under the sampler (which prints the one line saying so, and why). The
 * caller has already decided that sampling is acceptable. An exact
 * recording gets its size cap (the `budget` file) and the probe prepare
 * checked, handed over. Throws UnsafePathError (one sentence) when the
 * budget cannot be made.
 */
export function startRecordedWorkload(launch: RecordedLaunch): WorkloadRun {
  const { prepared, recordingDir } = launch;
  const { handoff, ...python } = prepared;
  const sampling = prepared.exact
    ? undefined
    : { hz: launch.sampleHz ?? DEFAULT_SAMPLE_HZ, reason: prepared.reason ?? 'exact recording is unavailable' };
  const cap = cappedAt(launch);
  if (cap > 0) createBudget(recordingDir, cap);
  return WorkloadRun.start({
    command: launch.command,
    recordingDir,
    runtimeDir: launch.runtimeDir,
    launcher: launch.launcher,
    python,
    ...(!sampling && handoff ? { probeHandoff: handoff } : {}),
    ...(launch.cwd !== undefined ? { cwd: launch.cwd } : {}),
    ...(launch.stdio !== undefined ? { stdio: launch.stdio } : {}),
    ...(sampling ? {
      through: samplerCommand(prepared.executable, recordingDir, sampling, launch.command),
      atEnd: () => readSamplerReport(recordingDir),
    } : {}),
  });
}

/** The cap this launch records under: none when sampled. */
function cappedAt(launch: RecordedLaunch): number {
  return launch.prepared.exact ? launch.maxBytes ?? DEFAULT_CAP : 0;
}

/** The one line to say after the run when the size cap stopped recording, else undefined. */
export function sizeCapNotice(launch: RecordedLaunch, workload: WorkloadRun): string | undefined {
  const cap = cappedAt(launch);
  const reached = cap > 0 ? capReachedAt(launch.recordingDir) : undefined;
  return reached === undefined ? undefined : cappedLine(cap, reached, workload.startedMonoNs);
}

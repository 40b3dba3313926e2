import type { StdioOptions } from 'node:child_process';

import type { PreparedPython } from './preparePython';
import { DEFAULT_SAMPLE_HZ, readSamplerReport, samplerCommand } from './sampledLaunch';
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
}

/**
 * Starts `command` recorded: exactly when the interpreter allows it, else
 * under the sampler (which prints the one line saying so, and why). The
 * caller has already decided that sampling is acceptable. An exact
 * recording gets the probe prepare checked, handed over.
 */
export function startRecordedWorkload(launch: RecordedLaunch): WorkloadRun {
  const { prepared, recordingDir } = launch;
  const { handoff, ...python } = prepared;
  const sampling = prepared.exact
    ? undefined
    : { hz: launch.sampleHz ?? DEFAULT_SAMPLE_HZ, reason: prepared.reason ?? 'exact recording is unavailable' };
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


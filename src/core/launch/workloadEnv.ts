import { delimiter } from 'node:path';

/** The environment variables the runtime reads (runtime/python/gilscope/__init__.py). */
export const ENV_DIRECTORY = 'GILSCOPE_DIR';
export const ENV_RUNTIME = 'GILSCOPE_RUNTIME';
/** The probe handed over by the launcher's check (runtime/python/gilscope/probe_handoff.py). */
export const PROBE_HANDOFF_NAMES = ['GILSCOPE_PROBE', 'GILSCOPE_PROBE_ID', 'GILSCOPE_PROBE_PYTHON', 'GILSCOPE_BUILD'] as const;

/**
 * The workload's environment: the caller's, plus the recording directory,
 * the runtime first on PYTHONPATH, so that every Python process the workload
 * starts (subprocess, multiprocessing spawn or forkserver) records itself,
 * and the probe `python -m gilscope.prepare` checked, handed over so that
 * those processes load it without checking it again (an outer launcher's
 * hand-over is dropped). Only the hand-over's own names are taken from it.
 */
export function workloadEnvironment(
  recordingDir: string,
  runtimeDir: string,
  base: NodeJS.ProcessEnv = process.env,
  probeHandoff: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  const old = base['PYTHONPATH'];
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of PROBE_HANDOFF_NAMES) {
    delete env[name];
    if (typeof probeHandoff[name] === 'string') env[name] = probeHandoff[name];
  }
  return {
    ...env,
    [ENV_DIRECTORY]: recordingDir,
    [ENV_RUNTIME]: runtimeDir,
    PYTHONPATH: old ? `${runtimeDir}${delimiter}${old}` : runtimeDir,
  };
}

import { delimiter } from 'node:path';

/** The environment variables the runtime reads (runtime/python/gilscope/__init__.py). */
export const ENV_DIRECTORY = 'GILSCOPE_DIR';
export const ENV_RUNTIME = 'GILSCOPE_RUNTIME';

/**
 * The workload's environment: the caller's, plus the recording directory and
 * the runtime first on PYTHONPATH, so that every Python process the workload
 * starts (subprocess, multiprocessing spawn or forkserver) records itself.
 */
export function workloadEnvironment(
  recordingDir: string,
  runtimeDir: string,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const old = base['PYTHONPATH'];
  return {
    ...base,
    [ENV_DIRECTORY]: recordingDir,
    [ENV_RUNTIME]: runtimeDir,
    PYTHONPATH: old ? `${runtimeDir}${delimiter}${old}` : runtimeDir,
  };
}

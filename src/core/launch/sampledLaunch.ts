import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The statistical fallback (runtime/python/gilscope/sampler/): when the exact
 * recorder is unavailable, the workload runs under `python -m gilscope.sampler`,
 * which samples it from outside through /proc and writes the same recording
 * format, marked sampled (gil_mode 3, sample_hz). The sampler must be the
 * workload's parent: reading another process's memory is allowed to its
 * ancestors (Yama's default ptrace scope).
 */
export const DEFAULT_SAMPLE_HZ = 200;
export const MAX_SAMPLE_HZ = 2000;

/** Where the sampler writes its own account, beside the session.json this launcher writes. */
export const SAMPLER_REPORT = 'sampler.json';

export interface SamplingOptions {
  readonly hz: number;
  /** Why exact recording is unavailable (from `python -m gilscope.prepare`), for the sampler's one stderr line. */
  readonly reason: string;
}

/**
 * The command that runs `command` sampled. `-S` keeps the sampler's own
 * Python from loading site and so our sitecustomize (which would try the
 * exact recorder in it); PYTHONPATH still finds the runtime. The sampler
 * gives the workload the environment without what the launcher added.
 */
export function samplerCommand(python: string, recordingDir: string, sampling: SamplingOptions, command: readonly string[]): string[] {
  return [
    python, '-S', '-m', 'gilscope.sampler',
    '--output', recordingDir,
    '--hz', String(sampling.hz),
    '--reason', sampling.reason,
    '--session-file', SAMPLER_REPORT,
    '--', ...command,
  ];
}

/** What the sampler reported: the workload's own pid (the launcher only sees the sampler's) and its account. */
export function readSamplerReport(recordingDir: string): { pid?: number; sampled?: Record<string, unknown> } {
  try {
    const raw = JSON.parse(readFileSync(join(recordingDir, SAMPLER_REPORT), 'utf8')) as Record<string, unknown>;
    return {
      ...(typeof raw['pid'] === 'number' ? { pid: raw['pid'] } : {}),
      ...(typeof raw['sampled'] === 'object' && raw['sampled'] !== null ? { sampled: raw['sampled'] as Record<string, unknown> } : {}),
    };
  } catch {
    return {};
  }
}

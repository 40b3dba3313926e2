/**
 * Reader of `whatif.json`, written by runtime/python/gilscope/whatif/driver.py
 * (the plan and every run's entry) with each run's `result` written by
 * harness.py / function_run.py / script_run.py inside the recorded process.
 * Mirrors those writers; every field is checked, nothing is trusted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PLAN_FILE = 'whatif.json';

export interface WhatIfTask {
  readonly startNs: number;
  readonly endNs: number;
  readonly pid: number;
  readonly tid: number;
}

export interface WhatIfTransfer {
  readonly parentSeconds: number;
  readonly workerSeconds: number;
  readonly movingSeconds: number;
  readonly bytes: number;
}

/** What one run measured (harness.py's result file). */
export interface WhatIfResult {
  readonly python: { readonly executable: string; readonly version: string; readonly gilEnabled: boolean };
  readonly error: string | null;
  readonly windowStartNs: number;
  readonly windowEndNs: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly cores: number;
  readonly cpuUtilisation: number;
  /** Other processes' CPU during the run, in CPUs; null when unknown. */
  readonly foreignCpus: number | null;
  readonly startupSeconds: number | null;
  readonly shutdownSeconds: number | null;
  readonly taskSeconds: number;
  readonly tasks: readonly WhatIfTask[];
  readonly transfer: WhatIfTransfer | null;
  readonly transferSeconds: number;
  /** The serial run's timing of pickling every input and result. */
  readonly transferEstimate: WhatIfTransfer | null;
  readonly peakMemoryBytes: number;
  readonly note: string | null;
}

export interface WhatIfRun {
  readonly mode: string;
  readonly workers: number | null;
  readonly error: string | null;
  readonly recording: string | null;
  readonly recorded: boolean;
  readonly log: string | null;
  readonly result: WhatIfResult | null;
  /** With --repeat: every repeat's wall time (null for one that failed); the fastest is kept. */
  readonly repeats: readonly (number | null)[] | null;
}

export interface WhatIfPlan {
  readonly schemaVersion: 1;
  readonly form: 'function' | 'script';
  readonly directory: string;
  readonly target: {
    readonly function?: { readonly path: string; readonly name: string; readonly line: number };
    readonly inputs?: string;
    readonly calls?: number;
    readonly script?: { readonly path: string; readonly args: readonly string[] };
  };
  readonly python: { readonly executable: string; readonly version: string };
  readonly cores: number;
  readonly workers: readonly number[];
  readonly freeThreaded: { readonly executable: string | null; readonly said: string } | null;
  readonly notes: readonly string[];
  readonly runs: readonly WhatIfRun[];
}

type Json = Record<string, unknown>;

const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);

function transfer(v: unknown): WhatIfTransfer | null {
  const o = obj(v);
  return o ? { parentSeconds: num(o['parentSeconds']), workerSeconds: num(o['workerSeconds']), movingSeconds: num(o['movingSeconds']), bytes: num(o['bytes']) } : null;
}

function result(v: unknown): WhatIfResult | null {
  const o = obj(v);
  if (!o) return null;
  const py = obj(o['python']) ?? {};
  const tasks = Array.isArray(o['tasks']) ? o['tasks'] : [];
  return {
    python: { executable: str(py['executable']), version: str(py['version']), gilEnabled: py['gilEnabled'] !== false },
    error: strOrNull(o['error']),
    windowStartNs: num(o['windowStartNs']),
    windowEndNs: num(o['windowEndNs']),
    wallSeconds: num(o['wallSeconds']),
    cpuSeconds: num(o['cpuSeconds']),
    cores: num(o['cores'], 1),
    cpuUtilisation: num(o['cpuUtilisation']),
    foreignCpus: numOrNull(o['foreignCpus']),
    startupSeconds: numOrNull(o['startupSeconds']),
    shutdownSeconds: numOrNull(o['shutdownSeconds']),
    taskSeconds: num(o['taskSeconds']),
    tasks: tasks.map(obj).filter((t): t is Json => t !== null).map((t) => ({ startNs: num(t['startNs']), endNs: num(t['endNs']), pid: num(t['pid']), tid: num(t['tid']) })),
    transfer: transfer(o['transfer']),
    transferSeconds: num(o['transferSeconds']),
    transferEstimate: transfer(o['transferEstimate']),
    peakMemoryBytes: num(o['peakMemoryBytes']),
    note: strOrNull(o['note']),
  };
}

/** Parses whatif.json's text; throws an Error saying what is wrong. */
export function parsePlan(text: string): WhatIfPlan {
  const o = obj(JSON.parse(text));
  if (!o || o['schemaVersion'] !== 1 || (o['form'] !== 'function' && o['form'] !== 'script') || !Array.isArray(o['runs'])) {
    throw new Error('not a what-if plan (whatif.json, schemaVersion 1) from this version of gilscope');
  }
  const target = obj(o['target']) ?? {};
  const fn = obj(target['function']);
  const script = obj(target['script']);
  const py = obj(o['python']) ?? {};
  const ft = obj(o['freeThreaded']);
  return {
    schemaVersion: 1,
    form: o['form'],
    directory: str(o['directory']),
    target: {
      ...(fn ? { function: { path: str(fn['path']), name: str(fn['name']), line: num(fn['line']) } } : {}),
      ...(typeof target['inputs'] === 'string' ? { inputs: target['inputs'] } : {}),
      ...(typeof target['calls'] === 'number' ? { calls: target['calls'] } : {}),
      ...(script ? { script: { path: str(script['path']), args: Array.isArray(script['args']) ? script['args'].map((a) => str(a)) : [] } } : {}),
    },
    python: { executable: str(py['executable']), version: str(py['version']) },
    cores: num(o['cores'], 1),
    workers: Array.isArray(o['workers']) ? o['workers'].map((n) => num(n)).filter((n) => n > 0) : [],
    freeThreaded: ft ? { executable: strOrNull(ft['executable']), said: str(ft['said']) } : null,
    notes: Array.isArray(o['notes']) ? o['notes'].map((n) => str(n)) : [],
    runs: o['runs'].map(obj).filter((r): r is Json => r !== null).map((r) => ({
      mode: str(r['mode']),
      workers: numOrNull(r['workers']),
      error: strOrNull(r['error']),
      recording: strOrNull(r['recording']),
      recorded: r['recorded'] === true,
      log: strOrNull(r['log']),
      result: result(r['result']),
      repeats: Array.isArray(r['repeats']) ? r['repeats'].map(numOrNull) : null,
    })),
  };
}

export function readPlan(directory: string): WhatIfPlan {
  return parsePlan(readFileSync(join(directory, PLAN_FILE), 'utf8'));
}

import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../../src/core/analysis/recordingSession';
import { buildReport } from '../../../src/core/report/buildReport';
import type { Report } from '../../../src/core/report/schema';
import type { Suggestion } from '../../../src/core/suggest/types';
import { forMachineCores } from '../../support/machineCores';
import { atQuietMoment } from '../../support/quietMoment';
import { tempDir } from '../../support/recordingFixtures';
import { recordWithRuntime } from '../../support/recordWorkload';
import { repoRoot } from '../../support/repoRoot';
import { runOk } from '../../support/runProcess';

/**
 * Records a scenario program exactly (`python -m gilscope.run --no-fallback`,
 * or a host program that enables the runtime itself) with GILSCOPE_TRUTH=1,
 * and builds the JSON report the CLI's `report --json` prints.
 */

export const SCENARIOS = join(repoRoot, 'test/scenarios');
export const RUNTIME_PYTHON = join(repoRoot, 'runtime/python');
export const CORES = availableParallelism();
/** Above this many CPUs of other processes' load, speedups and cores used are not judged (the run is retried first). */
export const BUSY_FOREIGN_CPUS = 0.3;
const TRUTH_PREFIX = 'GILSCOPE-TRUTH ';

/** The program's own measurements (test/scenarios/_truth.py), plus whatever else it printed. */
export interface Truth {
  readonly pid: number;
  readonly markers: Readonly<Record<string, readonly number[]>>;
  readonly machine?: { readonly foreign_cpus: number | null };
  readonly [key: string]: unknown;
}

export interface ScenarioRun {
  readonly name: string;
  readonly dir: string;
  readonly script: string;
  readonly truth: Truth;
  readonly stdout: string;
  readonly analysis: RecordingAnalysis;
  /** As `gilscope report --json` gives it: its suggestions are for the cores the run had. */
  readonly report: Report;
  /** The suggestions for this machine's cores (CORES), whatever the load during the run. */
  readonly suggestions: Suggestion[];
  /** Seconds the whole recorded run took, launcher included. */
  readonly seconds: number;
}

export interface RunOptions {
  /** The interpreter (default python3, or GILSCOPE_TEST_PYTHON). */
  readonly python?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** The program's output has no truth line (a host program that prints its own). */
  readonly noTruth?: boolean;
}

export const SCENARIO_PYTHON = process.env['GILSCOPE_TEST_PYTHON'] || 'python3';

/** What a scenario may take to record or to build, unless it says otherwise. */
const SCENARIO_TIMEOUT_MS = 300_000;

export function parseTruth(stdout: string, what: string): Truth {
  const line = stdout.trimEnd().split('\n').pop() ?? '';
  if (!line.startsWith(TRUTH_PREFIX)) throw new Error(`${what} printed no truth line:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice(TRUTH_PREFIX.length)) as Truth;
}

/**
 * The report of a recording, as `gilscope report DIR --json` builds it (its suggestions for the
 * cores the run had), and the suggestions for this machine's cores, whatever other programs
 * took of them during the run: those the scenarios' expectations describe (machineCores.ts).
 */
export function reportOf(dir: string): { analysis: RecordingAnalysis; report: Report; suggestions: Suggestion[] } {
  const analysis = analyzeRecording(dir);
  const report = buildReport(analysis, 'gilscope');
  return { analysis, report, suggestions: buildReport(forMachineCores(analysis), 'gilscope', CORES).suggestions };
}

/** Records `script args` (a path under test/scenarios, or absolute) with the runtime's launcher. */
export async function recordScript(name: string, script: string, args: readonly string[] = [], o: RunOptions = {}): Promise<ScenarioRun> {
  const path = script.startsWith('/') ? script : join(SCENARIOS, script);
  const dir = join(tempDir(`gilscope-scenario-${name}-`), `${name}.gilscope`);
  const { stdout, seconds } = await recordWithRuntime(o.python ?? SCENARIO_PYTHON, dir, path, args, {
    env: { GILSCOPE_TRUTH: '1', ...o.env },
    timeoutMs: o.timeoutMs ?? SCENARIO_TIMEOUT_MS,
  });
  return { name, dir, script: path, truth: parseTruth(stdout, name), stdout, seconds, ...reportOf(dir) };
}

/**
 * Runs a host program that enables recording itself (it is given the
 * recording directory in GILSCOPE_RECORD_DIR and sets GILSCOPE_DIR and
 * PYTHONPATH before Py_Initialize; test/scenarios/README.md).
 */
export async function recordHost(name: string, command: string, args: readonly string[], truthOf: (stdout: string) => Truth): Promise<ScenarioRun> {
  const dir = join(tempDir(`gilscope-scenario-${name}-`), `${name}.gilscope`);
  mkdirSync(dir, { mode: 0o700 });
  const env: NodeJS.ProcessEnv = { ...process.env, GILSCOPE_RECORD_DIR: dir, PYTHONDONTWRITEBYTECODE: '1' };
  delete env['GILSCOPE_DIR'];
  const { stdout, seconds } = await runOk(command, args, { env, timeoutMs: SCENARIO_TIMEOUT_MS });
  return { name, dir, script: command, truth: truthOf(stdout), stdout, seconds, ...reportOf(dir) };
}

/** The CPUs other programs used during a run: as the workload measured them, else as its recording did. */
export function foreignCpus(run: ScenarioRun): number {
  const measured = run.truth.machine?.foreign_cpus;
  if (typeof measured === 'number') return measured;
  return Math.max(0, ...run.report.processes.map((p) => p.foreignCpus ?? 0));
}

/** Whether other processes loaded the machine during any of the runs. */
export function busy(runs: readonly ScenarioRun[]): boolean {
  return runs.some((r) => foreignCpus(r) > BUSY_FOREIGN_CPUS);
}

/**
 * Records a set of runs up to `tries` times until one passes `check` (the picture and advice the
 * tests will judge: shares that a loaded machine moves, a thread's file I/O at start-up that a
 * busy disk stretches), or without a check, until one ran on an unloaded machine; a try after
 * the first waits for a quieter moment (test/support/quietMoment.ts). Returns the best set: one
 * that passes, the least loaded of those; and says on stdout why it recorded again, never silently.
 */
export async function recordQuiet(tries: number, record: () => Promise<ScenarioRun[]>, check?: (runs: readonly ScenarioRun[]) => void): Promise<{ runs: ScenarioRun[]; busy: boolean; attempts: number }> {
  let best: { runs: ScenarioRun[]; ok: boolean; load: number } | undefined;
  let attempts = 0;
  const notes: string[] = [];
  for (let i = 0; i < tries; i++) {
    attempts++;
    const runs = i === 0 ? await record() : (await atQuietMoment(record)).value;
    const load = Math.max(...runs.map(foreignCpus));
    let missed: string | undefined;
    try {
      check?.(runs);
    } catch (e) {
      missed = (e as Error).message.split('\n')[0];
    }
    const ok = missed === undefined;
    if (!best || (ok && !best.ok) || (ok === best.ok && load < best.load)) best = { runs, ok, load };
    // with a check, a set that passes it is kept however loaded (its bounds are judged against
    // the load it measured); without one, a loaded set is recorded again
    if (ok && (check !== undefined || !busy(runs))) break;
    notes.push(`try ${attempts}: ${missed ?? 'loaded'} (other programs used ${load.toFixed(2)} CPUs)`);
  }
  if (notes.length > 0) console.log(`recorded ${attempts} times: ${notes.join('; ')}`);
  return { runs: best!.runs, busy: busy(best!.runs), attempts };
}

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runDifferential } from './differential';
import type { DifferentialOptions, Finding, LauncherName, ProgramResult, StressPython } from './differential';
import { generateProgram } from './program';

export interface StressPlan {
  readonly pythons: readonly StressPython[];
  /** Programs per interpreter. */
  readonly programs: number;
  /** Program i on interpreter j has seed `baseSeed + j * programs + i`: every program differs. */
  readonly baseSeed: number;
  /** Which launchers record program i (both, or one in turn when time is short). */
  readonly launchersFor: (index: number) => readonly LauncherName[];
  /** Programs running at once (each is one bare and one or two recorded processes at once). */
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly readRecording: DifferentialOptions['readRecording'];
  readonly workDir: string;
  /** Keep each program's folder (the program, its recordings) even when it passed. */
  readonly keep?: boolean;
  /** Called after each program, e.g. to print progress (result: undefined when the harness itself failed). */
  readonly onProgram?: (python: StressPython, seed: number, findings: readonly Finding[], result?: ProgramResult) => void;
}

export interface PythonSummary {
  readonly python: StressPython;
  readonly programs: number;
  readonly recordedRuns: number;
  readonly findings: Finding[];
  /** Wall seconds from this interpreter's first program starting to its last ending. */
  readonly seconds: number;
  /** Recorded stdout lines that say whether the GIL is enabled (3.13+), for the free-threaded check. */
  readonly gilLines: string[];
  /** What the harness did that the results should say (differential.ts's onNote). */
  readonly notes: string[];
}

/** Seed of program `index` on interpreter number `pythonIndex`. */
export function seedOf(plan: Pick<StressPlan, 'baseSeed' | 'programs'>, pythonIndex: number, index: number): number {
  return (plan.baseSeed + pythonIndex * plan.programs + index) >>> 0;
}

/**
 * Runs every interpreter's programs through runDifferential, `concurrency` programs at a
 * time, in an order that interleaves the interpreters (so that a slow one does not come last).
 * Resolves per interpreter when all of its programs have run.
 */
export function runStress(plan: StressPlan): Map<string, Promise<PythonSummary>> {
  type Job = { python: StressPython; pythonIndex: number; index: number };
  const jobs: Job[] = [];
  for (let index = 0; index < plan.programs; index++) {
    plan.pythons.forEach((python, pythonIndex) => jobs.push({ python, pythonIndex, index }));
  }
  const state = new Map(plan.pythons.map((p) => [p.tag, { left: plan.programs, started: 0, recordedRuns: 0, findings: [] as Finding[], gilLines: [] as string[], notes: [] as string[], resolve: (_: PythonSummary) => {} }]));
  const done = new Map<string, Promise<PythonSummary>>();
  for (const p of plan.pythons) done.set(p.tag, new Promise((resolve) => (state.get(p.tag)!.resolve = resolve)));

  const runJob = async ({ python, pythonIndex, index }: Job) => {
    const s = state.get(python.tag)!;
    if (s.started === 0) s.started = performance.now();
    const seed = seedOf(plan, pythonIndex, index);
    const launchers = plan.launchersFor(index);
    const options = { workDir: plan.workDir, launchers, timeoutMs: plan.timeoutMs, readRecording: plan.readRecording, onNote: (n: string) => s.notes.push(n) };
    let findings: Finding[];
    let result: ProgramResult | undefined;
    try {
      result = await runDifferential(generateProgram(seed), python, options);
      findings = result.findings;
      for (const run of result.recorded.values()) s.gilLines.push(...run.stdout.split('\n').filter((l) => l.startsWith('gil_enabled ')));
    } catch (error) {
      findings = [{ seed, python: python.tag, run: 'bare', problem: 'the harness failed', details: (error as Error).stack ?? String(error) }];
    }
    if (findings.length === 0 && !plan.keep) rmSync(join(plan.workDir, `${python.tag}-${seed}`), { recursive: true, force: true });
    s.findings.push(...findings);
    s.recordedRuns += launchers.length;
    plan.onProgram?.(python, seed, findings, result);
    if (--s.left === 0) {
      s.resolve({ python, programs: plan.programs, recordedRuns: s.recordedRuns, findings: s.findings, seconds: (performance.now() - s.started) / 1e3, gilLines: s.gilLines, notes: s.notes });
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await runJob(jobs[next++]!);
  };
  for (let i = 0; i < Math.min(plan.concurrency, jobs.length); i++) void worker();
  return done;
}

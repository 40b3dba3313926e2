import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { repoRoot } from '../repoRoot';
import type { Exit, StressProgram } from './program';
import { runWithLimit } from './runs';
import type { Run } from './runs';
import type { Target } from './stages';

/** The two ways a program is recorded (runtime/README.md, "How a process gets recorded"). */
export const LAUNCHERS = ['gilscope record', 'python -m gilscope.run'] as const;
export type LauncherName = (typeof LAUNCHERS)[number];

/** An interpreter the programs run on, with the cthreads test extension built for it. */
export interface StressPython extends Target {
  /** `npm run pythons`'s name for it: 3.8 … 3.15, debian-3.11, 3.13t. */
  readonly tag: string;
  readonly executable: string;
  /** The folder holding cthreads built for this interpreter (runtime/tests/cext.py). */
  readonly cextDir: string;
}

export interface DifferentialOptions {
  /** Where the program and its recordings are written. */
  readonly workDir: string;
  readonly launchers: readonly LauncherName[];
  /** Each run's limit, bare or recorded. */
  readonly timeoutMs: number;
  /** Reads a recording as `gilscope report DIR --json` does; resolves to what went wrong, or undefined. */
  readonly readRecording: (dir: string) => Promise<string | undefined>;
  /**
   * Folders after runtime/python on the recorded runs' PYTHONPATH only. The runtime's
   * sitecustomize hands over to one found there: the harness's own tests put one that breaks
   * the recorded runs on purpose (test/stress/harness.test.ts).
   */
  readonly recordedPythonPath?: readonly string[];
  /** A hung run's C stacks (gdb) beside its Python stacks: default true. */
  readonly cStacks?: boolean;
  /** Told what the harness did that a reader of the results should know (a bare run repeated). */
  readonly onNote?: (note: string) => void;
}

/** Something a program did recorded that it did not do bare (or bare, that the generator did not expect). */
export interface Finding {
  readonly seed: number;
  readonly python: string;
  /** 'bare' when the bare run itself was not as the generator expected. */
  readonly run: LauncherName | 'bare';
  readonly problem: string;
  readonly details: string;
}

export interface ProgramResult {
  readonly findings: Finding[];
  readonly bare: Run;
  readonly recorded: ReadonlyMap<LauncherName, Run>;
}

const CLI = join(repoRoot, 'dist/cli.js');

/** The one command that runs a program again, bare and recorded, with everything it printed. */
export function reproduceCommand(seed: number, python: string): string {
  return `node bench/stress.mjs --seed ${seed} --pythons ${python}`;
}

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', PYTHONDONTWRITEBYTECODE: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('GILSCOPE_') || key === 'PYTHONPATH' || key.startsWith('PYTHON') && key !== 'PYTHONDONTWRITEBYTECODE') delete env[key];
  return env;
}

function launcherArgv(launcher: LauncherName, dir: string, python: string, script: readonly string[]): string[] {
  return launcher === 'gilscope record'
    ? [process.execPath, CLI, 'record', '-o', dir, '--no-fallback', '--', python, ...script]
    : [python, '-m', 'gilscope.run', '--no-fallback', '-o', dir, ...script];
}

const exitText = (e: Exit): string => (e.signal ? `killed by ${e.signal}` : `exit ${e.code}`);
const sameExit = (a: Exit, b: Exit): boolean => a.code === b.code && a.signal === b.signal;

/** Lines that differ between runs for reasons of no interest: pids and object addresses. */
function normalise(text: string): string {
  return text.replace(/pid=\d+/g, 'pid=N').replace(/0x[0-9a-f]+/g, '0xADDR');
}

/**
 * The workload's own stderr out of a launcher's: without the launcher's `gilscope: …` lines,
 * and for `gilscope record` without the summary it prints once the workload has ended (from its
 * first line, `gilscope CPython 3.x.y…`).
 */
export function workloadStderr(stderr: string, launcher: LauncherName): string {
  const lines = stderr.split('\n');
  let end = lines.length;
  if (launcher === 'gilscope record') {
    const header = lines.findIndex((l) => /^gilscope CPython \d+\.\d+/.test(l));
    if (header >= 0) end = header;
  }
  return lines.slice(0, end).filter((l) => !l.startsWith('gilscope: ')).join('\n').trimEnd();
}

/** The first line where two texts differ, with its neighbours, for a failure message. */
export function firstDifference(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (ls: string[]) => ls.slice(Math.max(0, i - 2), i + 3).map((l, k) => `    ${Math.max(0, i - 2) + k + 1}| ${l}`).join('\n');
  return `first difference at line ${i + 1}\n  bare:\n${show(a)}\n  recorded:\n${show(b)}`;
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop() ?? '';
}

/** What is wrong with a recording's folder itself: no .gsr, or a process that could not record itself. */
function recordingProblem(dir: string): string | undefined {
  if (!existsSync(dir)) return 'no recording folder was made';
  const names = readdirSync(dir);
  if (!names.some((n) => n.endsWith('.gsr'))) return `no .gsr file in the recording (${names.join(', ') || 'empty'})`;
  const notes = names.filter((n) => /^errors-\d+\.txt$/.test(n));
  if (notes.length) return `a process was not recorded: ${notes.map((n) => `${n}: ${readFileSync(join(dir, n), 'utf8').trim()}`).join('; ')}`;
  return undefined;
}

/**
 * Runs `program` on `python` bare and under each launcher at once, and compares: the bare run
 * against what the generator expects (a harness check), each recorded run against the bare one
 * (exit, stdout, the workload's stderr), no run outliving the limit, and each recording
 * readable, with every process recorded.
 */
export async function runDifferential(program: StressProgram, python: StressPython, options: DifferentialOptions): Promise<ProgramResult> {
  const dir = join(options.workDir, `${python.tag}-${program.seed}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const script = join(dir, 'prog.py');
  writeFileSync(script, program.source);
  const argv = [script, python.cextDir];
  const env = baseEnv();
  const runtimeEnv = { ...env, PYTHONPATH: [join(repoRoot, 'runtime/python'), ...(options.recordedPythonPath ?? [])].join(delimiter) };
  const limit = { cwd: dir, timeoutMs: options.timeoutMs, program: script, cStacks: options.cStacks };
  const runBare = () => runWithLimit([python.executable, ...argv], { ...limit, env });
  const [firstBare, ...recordedRuns] = await Promise.all([
    runBare(),
    ...options.launchers.map((l, i) => runWithLimit(launcherArgv(l, join(dir, `rec${i}`), python.executable, argv), { ...limit, env: runtimeEnv })),
  ]);
  const findings: Finding[] = [];
  const finding = (run: Finding['run'], problem: string, details: string) =>
    findings.push({ seed: program.seed, python: python.tag, run, problem, details });

  const expected = program.expected(python);
  const asExpected = (r: Run) => !r.hang && sameExit(r.exit, expected.exit) && r.stdout === expected.stdout;
  // The reference is what the program does bare. An interpreter's own rare failure (3.8's
  // forked child of a threaded parent dying of SIGSEGV now and then, with no profiler near)
  // is not the program's behaviour: a bare run that is not as expected is run again, once,
  // and the harness finding stands only when that one is not either.
  const bare = asExpected(firstBare) ? firstBare : await runBare();
  if (bare !== firstBare && asExpected(bare)) {
    options.onNote?.(`seed ${program.seed} on ${python.tag}: the bare run was ${exitText(firstBare.exit)} once, as expected when run again`);
  }
  if (bare.hang) finding('bare', 'the bare run hung', `${bare.hang}\nstderr:\n${bare.stderr.slice(-3000)}`);
  else if (!sameExit(bare.exit, expected.exit) || bare.stdout !== expected.stdout) {
    finding('bare', `the bare run is not what the generator expects (${exitText(bare.exit)}, expected ${exitText(expected.exit)})`,
      `${firstDifference(expected.stdout, bare.stdout).replace('bare:', 'expected:').replace('recorded:', 'bare:')}\nstderr:\n${bare.stderr.slice(-3000)}`);
  }
  const bareStderr = normalise(bare.stderr.trimEnd());
  const recorded = new Map<LauncherName, Run>();
  for (const [i, launcher] of options.launchers.entries()) {
    const run = recordedRuns[i]!;
    recorded.set(launcher, run);
    const recordingDir = join(dir, `rec${i}`);
    if (run.hang) {
      finding(launcher, `the recorded run hung (bare: ${exitText(bare.exit)} in ${bare.seconds.toFixed(2)} s); last line printed: ${JSON.stringify(lastLine(run.stdout))}`,
        `${run.hang}\nstderr:\n${run.stderr.slice(-6000)}`);
      continue;
    }
    if (!sameExit(run.exit, bare.exit)) finding(launcher, `recorded ${exitText(run.exit)}, bare ${exitText(bare.exit)}`, `stdout:\n${run.stdout.slice(-2000)}\nstderr:\n${run.stderr.slice(-4000)}`);
    if (run.stdout !== bare.stdout) finding(launcher, 'stdout differs from the bare run', firstDifference(bare.stdout, run.stdout));
    const stderr = normalise(workloadStderr(run.stderr, launcher));
    if (stderr !== bareStderr) finding(launcher, "the workload's stderr differs from the bare run", firstDifference(bareStderr, stderr));
    if (launcher === 'gilscope record' && /gilscope: the recording could not be summarised/.test(run.stderr)) {
      finding(launcher, 'gilscope record could not summarise the recording', run.stderr.split('\n').filter((l) => l.includes('could not be summarised')).join('\n'));
    }
    const folder = recordingProblem(recordingDir);
    if (folder) {
      finding(launcher, folder, `stderr:\n${run.stderr.slice(-2000)}`);
      continue;
    }
    const unreadable = await options.readRecording(recordingDir);
    if (unreadable) finding(launcher, 'gilscope report --json fails on the recording', unreadable);
  }
  return { findings, bare, recorded };
}

/** A finding as the test and the benchmark print it: what, where, the one command to see it again, the evidence. */
export function describeFinding(f: Finding): string {
  return [
    `seed ${f.seed} on ${f.python}, ${f.run}: ${f.problem}`,
    `  reproduce: ${reproduceCommand(f.seed, f.python)}`,
    ...f.details.split('\n').map((l) => `  ${l}`),
  ].join('\n');
}

import { readdirSync } from 'node:fs';
import { basename } from 'node:path';

import type { Command } from '../command';
import { LiveStatus } from '../support/liveStatus';
import { loadReport } from '../support/loadReport';
import { renderTerminalReport } from '../support/terminalReport';
import { styleFor } from '../support/terminalStyle';
import { osErrorWords } from '../../core/files/osErrorWords';
import { notRecordedLine, readRecorderNotes } from '../../core/format/recorderNotes';
import { findRuntimeDir } from '../../core/launch/runtimeDir';
import { preparePython } from '../../core/launch/preparePython';
import { createRecordingDir, defaultRecordingName } from '../../core/launch/recordingDirSetup';
import { startRecordedWorkload } from '../../core/launch/recordedLaunch';
import { checkOutputFolder, UnsafePathError } from '../../core/launch/safeFiles';
import { commandProblem } from '../../core/launch/workloadCommand';
import { DEFAULT_SAMPLE_HZ, MAX_SAMPLE_HZ } from '../../core/launch/sampledLaunch';
import type { WorkloadEnd } from '../../core/launch/workloadRun';

const USAGE = `usage: gilscope record [-o DIR] [--python PYTHON] [--no-fallback] [--sample-hz N] -- COMMAND [ARGS...]

Runs COMMAND (usually: python script.py args...) with every Python process it
starts recorded exactly: when each thread holds the GIL, waits for it, or
runs without it, and on which line. The workload's input, output, exit code
and signals pass through unchanged; gilscope writes only to stderr.

When exact recording is unavailable here (no C compiler, no Python headers),
gilscope says why in one line and samples the workload from outside instead:
GIL states every 1/N second, marked sampled in the recording.

  -o, --output DIR   the recording directory (default: gilscope-<time>.gilscope)
  --python PYTHON    the interpreter to prepare when COMMAND is not itself a
                     python (default: python3)
  --no-fallback      refuse (exit status 2) instead of sampling
  --sample-hz N      the sampling rate when sampling (default ${DEFAULT_SAMPLE_HZ})

Then: gilscope report DIR`;

interface RecordArgs {
  readonly output: string;
  readonly python: string | undefined;
  readonly fallback: boolean;
  readonly sampleHz: number;
  readonly command: readonly string[];
}

function parse(argv: readonly string[]): RecordArgs | string {
  let output: string | undefined;
  let python: string | undefined;
  let fallback = true;
  let hz: string | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { i++; break; }
    if (a === '-o' || a === '--output') output = argv[++i];
    else if (a.startsWith('--output=')) output = a.slice('--output='.length);
    else if (a === '--python') python = argv[++i];
    else if (a.startsWith('--python=')) python = a.slice('--python='.length);
    else if (a === '--no-fallback') fallback = false;
    else if (a === '--sample-hz') hz = argv[++i];
    else if (a.startsWith('--sample-hz=')) hz = a.slice('--sample-hz='.length);
    else if (a.startsWith('-')) return `unknown option '${a}'`;
    else break;
  }
  const command = argv.slice(i);
  if (command.length === 0) return 'name the command to record, e.g. gilscope record -- python script.py';
  if (output === '' || python === '' || hz === '') return 'an option is missing its value';
  const sampleHz = hz === undefined ? DEFAULT_SAMPLE_HZ : Number(hz);
  if (!Number.isInteger(sampleHz) || sampleHz < 1 || sampleHz > MAX_SAMPLE_HZ) return `--sample-hz takes a whole number from 1 to ${MAX_SAMPLE_HZ}`;
  return { output: output ?? defaultRecordingName(), python, fallback, sampleHz, command };
}

/** `python`, `python3`, `python3.12`, `python3.13t` or a path to one. */
function isPython(program: string): boolean {
  return /^python(\d+(\.\d+)?t?)?$/.test(basename(program));
}

/** Leaves the CLI the way the workload left, so callers see the same status. */
function exitLike(end: WorkloadEnd): number {
  if (end.signal) {
    process.removeAllListeners(end.signal);
    process.kill(process.pid, end.signal);
    return 128;
  }
  return end.exitCode ?? 1;
}

/** Redraws the status line on stderr four times a second until stopped. */
function showLiveStatus(recordingDir: string): { stop(): void } {
  const status = new LiveStatus(recordingDir);
  const draw = () => process.stderr.write(`\r\x1b[K${status.line()}`);
  const timer = setInterval(draw, 250);
  return {
    stop() {
      clearInterval(timer);
      status.close();
      process.stderr.write('\r\x1b[K');
    },
  };
}

/** The report's terminal summary, on stderr so the workload's stdout stays its own. */
function printSummary(recordingDir: string): void {
  try {
    const { report } = loadReport(recordingDir);
    process.stderr.write(renderTerminalReport(report, styleFor(process.stderr)));
  } catch (error) {
    process.stderr.write(`gilscope: the recording could not be summarised: ${(error as Error).message}\n`);
  }
}

/** One line on stderr, exit status 2. */
function refuse(sentence: string): number {
  process.stderr.write(`gilscope: ${sentence}\n`);
  return 2;
}

/** What is wrong with the -o folder, as one sentence: safeFiles.ts's, or an fs error in words. */
function folderProblem(error: unknown, output: string): string {
  return error instanceof UnsafePathError ? error.message : `cannot use ${output} as the recording folder: ${osErrorWords(error)}; choose another -o`;
}

async function run(argv: readonly string[]): Promise<number> {
  const args = parse(argv);
  if (typeof args === 'string') {
    process.stderr.write(`gilscope record: ${args}\n${USAGE}\n`);
    return 2;
  }
  // Each refusal is one line on stderr, and comes before anything is built or written.
  const problem = commandProblem(args.command);
  if (problem) return refuse(problem);
  try {
    checkOutputFolder(args.output);
  } catch (error) {
    return refuse(folderProblem(error, args.output));
  }
  const runtimeDir = findRuntimeDir();
  const python = args.python ?? (isPython(args.command[0]!) ? args.command[0]! : 'python3');
  const prepared = await preparePython(python, runtimeDir);
  if (!prepared.ok) return refuse(`${prepared.message.replace(/^gilscope: /, '')}; the workload was not started`);
  const exact = prepared.python.exact;
  if (!exact && !args.fallback) {
    return refuse(`cannot record ${prepared.python.executable} exactly: ${prepared.python.reason ?? 'no reason given'}; `
      + 'the workload was not started (--no-fallback)');
  }
  let recordingDir: string;
  try {
    recordingDir = createRecordingDir(args.output);
  } catch (error) {
    return refuse(folderProblem(error, args.output));
  }
  const workload = startRecordedWorkload({
    prepared: prepared.python,
    command: args.command,
    recordingDir,
    runtimeDir,
    launcher: 'gilscope record',
    sampleHz: args.sampleHz,
  });
  // The terminal sends SIGINT to the whole group, so the workload has it already;
  // the recorder must outlive the workload to finish the recording.
  const ignore = () => undefined;
  const forward = (signal: NodeJS.Signals) => workload.signal(signal);
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  const live = process.stderr.isTTY ? showLiveStatus(recordingDir) : undefined;
  const end = await workload.ended;
  live?.stop();
  process.off('SIGINT', ignore);
  process.off('SIGTERM', forward);
  process.off('SIGHUP', forward);
  const unrecorded = notRecordedLine(readRecorderNotes(recordingDir));
  if (unrecorded) {
    process.stderr.write(`${unrecorded}\n`);
    if (!readdirSync(recordingDir).some((name) => name.endsWith('.gsr'))) return 2; // nothing at all was recorded
  }
  printSummary(recordingDir);
  process.stderr.write(`gilscope: recording written to ${recordingDir}; see it again with: gilscope report ${recordingDir}\n`);
  return exitLike(end);
}

export const recordCommand: Command = {
  name: 'record',
  summary: 'run a workload and record its GIL and lock contention',
  usage: USAGE,
  run,
};

import { readdirSync } from 'node:fs';

import { defineCommand } from '../command';
import type { Command } from '../command';
import type { CommandSpec, ParsedCommandLine } from '../options';
import { UsageError } from '../support/cliFailure';
import { LiveStatus } from '../support/liveStatus';
import { printSummary } from '../support/printSummary';
import { isPython } from '../support/pythonCommand';
import { firstSuggestionText } from '../support/suggestionText';
import { styleFor } from '../support/terminalStyle';
import { osErrorWords } from '../../core/files/osErrorWords';
import { notRecordedLine, readRecorderNotes } from '../../core/format/recorderNotes';
import { findRuntimeDir } from '../../core/launch/runtimeDir';
import { preparePython } from '../../core/launch/preparePython';
import { createRecordingDir, defaultRecordingName } from '../../core/launch/recordingDirSetup';
import { sizeCapNotice, startRecordedWorkload } from '../../core/launch/recordedLaunch';
import type { RecordedLaunch } from '../../core/launch/recordedLaunch';
import { checkOutputFolder, UnsafePathError } from '../../core/launch/safeFiles';
import { commandProblem } from '../../core/launch/workloadCommand';
import { DEFAULT_SAMPLE_HZ, MAX_SAMPLE_HZ } from '../../core/launch/sampledLaunch';
import { DEFAULT_CAP, DEFAULT_CAP_TEXT, describeSize, parseSize, SIZE_CAP_HELP } from '../../core/launch/sizeCap';
import type { WorkloadEnd } from '../../core/launch/workloadRun';

const spec = {
  name: 'record',
  summary: 'run a workload and record its GIL and lock contention',
  about: `Runs COMMAND (usually: python script.py args...) with every Python process it
starts recorded exactly: when each thread holds the GIL, waits for it, or
runs without it, and on which line. The workload's input, output, exit code
and signals pass through unchanged; gilscope writes only to stderr. When the
workload ends, gilscope prints the summary that 'gilscope report' prints and,
last, the suggestion to try first with its predicted speedup.

When exact recording is unavailable here (no C compiler, no Python headers),
gilscope says why in one line and samples the workload from outside instead:
GIL states every 1/N second, marked sampled in the recording.

The recording stops at a size cap, ${describeSize(DEFAULT_CAP)} unless --max-size says otherwise;
the program runs on unrecorded, and one line says when that happened.`,
  options: {
    output: { type: 'string', short: 'o', value: 'DIR', defaultText: 'gilscope-<time>.gilscope', description: 'the recording directory' },
    'max-size': { type: 'string', value: 'SIZE', default: DEFAULT_CAP_TEXT, description: SIZE_CAP_HELP },
    python: { type: 'string', value: 'PYTHON', defaultText: 'python3', description: 'the interpreter to prepare when COMMAND is not itself a python' },
    'no-fallback': { type: 'boolean', description: 'refuse (exit status 2) instead of sampling' },
    'sample-hz': { type: 'string', value: 'N', default: String(DEFAULT_SAMPLE_HZ), description: 'the sampling rate when sampling' },
  },
  // The workload's own options start at its first word: `gilscope record python x.py --help`.
  passThrough: { name: 'COMMAND [ARGS...]', description: 'the workload, with its own arguments', atFirstWord: true },
  epilogue: 'Then: gilscope report DIR',
} as const satisfies CommandSpec;

function sampleRate(text: string): number {
  const hz = Number(text);
  if (!Number.isInteger(hz) || hz < 1 || hz > MAX_SAMPLE_HZ) throw new UsageError(`--sample-hz takes a whole number from 1 to ${MAX_SAMPLE_HZ}`);
  return hz;
}

function sizeCap(text: string): number {
  const parsed = parseSize(text);
  if ('problem' in parsed) throw new UsageError(parsed.problem);
  return parsed.bytes;
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

/** One line on stderr, exit status 2. */
function refuse(sentence: string): number {
  process.stderr.write(`gilscope: ${sentence}\n`);
  return 2;
}

/** What is wrong with the -o folder, as one sentence: safeFiles.ts's, or an fs error in words. */
function folderProblem(error: unknown, output: string): string {
  return error instanceof UnsafePathError ? error.message : `cannot use ${output} as the recording folder: ${osErrorWords(error)}; choose another -o`;
}

async function record({ values, rest: command }: ParsedCommandLine<typeof spec.options>): Promise<number> {
  if (command.length === 0) throw new UsageError('name the command to record, e.g. gilscope record -- python script.py');
  const sampleHz = sampleRate(values['sample-hz']);
  const maxBytes = sizeCap(values['max-size']);
  const output = values.output ?? defaultRecordingName();
  // Each refusal is one line on stderr, and comes before anything is built or written.
  const problem = commandProblem(command);
  if (problem) return refuse(problem);
  try {
    checkOutputFolder(output);
  } catch (error) {
    return refuse(folderProblem(error, output));
  }
  const runtimeDir = findRuntimeDir();
  const python = values.python ?? (isPython(command[0]!) ? command[0]! : 'python3');
  const prepared = await preparePython(python, runtimeDir);
  if (!prepared.ok) return refuse(`${prepared.message.replace(/^gilscope: /, '')}; the workload was not started`);
  const exact = prepared.python.exact;
  if (!exact && values['no-fallback']) {
    return refuse(`cannot record ${prepared.python.executable} exactly: ${prepared.python.reason ?? 'no reason given'}; `
      + 'the workload was not started (--no-fallback)');
  }
  let recordingDir: string;
  try {
    recordingDir = createRecordingDir(output);
  } catch (error) {
    return refuse(folderProblem(error, output));
  }
  const launch: RecordedLaunch = {
    prepared: prepared.python,
    command,
    recordingDir,
    runtimeDir,
    launcher: 'gilscope record',
    sampleHz,
    maxBytes,
  };
  let workload;
  try {
    workload = startRecordedWorkload(launch);
  } catch (error) {
    return refuse(folderProblem(error, output));
  }
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
  const capped = sizeCapNotice(launch, workload);
  if (capped) process.stderr.write(`${capped}\n`);
  process.off('SIGINT', ignore);
  process.off('SIGTERM', forward);
  process.off('SIGHUP', forward);
  const unrecorded = notRecordedLine(readRecorderNotes(recordingDir));
  if (unrecorded) {
    process.stderr.write(`${unrecorded}\n`);
    if (!readdirSync(recordingDir).some((name) => name.endsWith('.gsr'))) return 2; // nothing at all was recorded
  }
  const report = printSummary(recordingDir);
  process.stderr.write(`gilscope: recording written to ${recordingDir}; see it again with: gilscope report ${recordingDir}\n`);
  // Last, where the terminal leaves the eye after the tables have scrolled the suggestions away.
  if (report) process.stderr.write(`\n${firstSuggestionText(report, styleFor(process.stderr))}`);
  return exitLike(end);
}

export const recordCommand: Command = defineCommand(spec, record);

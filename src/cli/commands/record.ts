import { basename } from 'node:path';

import type { Command } from '../command';
import { findRuntimeDir } from '../../core/launch/runtimeDir';
import { preparePython } from '../../core/launch/preparePython';
import { createRecordingDir, defaultRecordingName } from '../../core/launch/recordingDirSetup';
import { recorderErrors } from '../../core/launch/recorderErrors';
import { WorkloadRun } from '../../core/launch/workloadRun';
import type { WorkloadEnd } from '../../core/launch/workloadRun';

const USAGE = `usage: gilscope record [-o DIR] [--python PYTHON] -- COMMAND [ARGS...]

Runs COMMAND (usually: python script.py args...) with every Python process it
starts recorded exactly: when each thread holds the GIL, waits for it, or
runs without it, and on which line. The workload's input, output, exit code
and signals pass through unchanged; gilscope writes only to stderr.

  -o, --output DIR   the recording directory (default: gilscope-<time>.gilscope)
  --python PYTHON    the interpreter to prepare when COMMAND is not itself a
                     python (default: python3)

Then: gilscope report DIR`;

interface RecordArgs {
  readonly output: string;
  readonly python: string | undefined;
  readonly command: readonly string[];
}

function parse(argv: readonly string[]): RecordArgs | string {
  let output: string | undefined;
  let python: string | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { i++; break; }
    if (a === '-o' || a === '--output') output = argv[++i];
    else if (a.startsWith('--output=')) output = a.slice('--output='.length);
    else if (a === '--python') python = argv[++i];
    else if (a.startsWith('--python=')) python = a.slice('--python='.length);
    else if (a.startsWith('-')) return `unknown option '${a}'`;
    else break;
  }
  const command = argv.slice(i);
  if (command.length === 0) return 'name the command to record, e.g. gilscope record -- python script.py';
  if (output === '' || python === '') return 'an option is missing its value';
  return { output: output ?? defaultRecordingName(), python, command };
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

async function run(argv: readonly string[]): Promise<number> {
  const args = parse(argv);
  if (typeof args === 'string') {
    process.stderr.write(`gilscope record: ${args}\n${USAGE}\n`);
    return 2;
  }
  const runtimeDir = findRuntimeDir();
  const python = args.python ?? (isPython(args.command[0]!) ? args.command[0]! : 'python3');
  const prepared = await preparePython(python, runtimeDir);
  if (!prepared.ok) {
    process.stderr.write(`${prepared.message}\ngilscope: the workload was not started\n`);
    return 2;
  }
  let recordingDir: string;
  try {
    recordingDir = createRecordingDir(args.output);
  } catch (error) {
    process.stderr.write(`gilscope: ${(error as Error).message}\n`);
    return 2;
  }
  const workload = WorkloadRun.start({
    command: args.command,
    recordingDir,
    runtimeDir,
    launcher: 'gilscope record',
    python: prepared.python,
  });
  // The terminal sends SIGINT to the whole group, so the workload has it already;
  // the recorder must outlive the workload to finish the recording.
  const ignore = () => undefined;
  const forward = (signal: NodeJS.Signals) => workload.signal(signal);
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  const end = await workload.ended;
  process.off('SIGINT', ignore);
  process.off('SIGTERM', forward);
  process.off('SIGHUP', forward);
  for (const reason of recorderErrors(recordingDir)) {
    process.stderr.write(`gilscope: a process was not recorded: ${reason}\n`);
  }
  process.stderr.write(`gilscope: recording written to ${recordingDir}; see it with: gilscope report ${recordingDir}\n`);
  return exitLike(end);
}

export const recordCommand: Command = {
  name: 'record',
  summary: 'run a workload and record its GIL and lock contention',
  usage: USAGE,
  run,
};

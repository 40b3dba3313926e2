import { defineCommand } from '../command';
import type { Command } from '../command';
import type { CommandSpec, ParsedCommandLine } from '../options';
import { UsageError } from '../support/cliFailure';
import { printSummary } from '../support/printSummary';
import { firstSuggestionText } from '../support/suggestionText';
import { styleFor } from '../support/terminalStyle';
import { attachToProcess, DEFAULT_START_TIMEOUT_MS } from '../../core/attach/attachedRecording';
import { commandText } from '../../core/attach/commandText';
import type { AttachedRecording, AttachEnd } from '../../core/attach/attachedRecording';
import { defaultRecordingName } from '../../core/launch/recordingDirSetup';
import { findRuntimeDir } from '../../core/launch/runtimeDir';

const spec = {
  name: 'attach',
  summary: 'record a running Python process (CPython 3.14+) for a while, then let it go on',
  about: `Records the running process PID exactly, every thread's GIL states, locks
and waits, as 'gilscope record' does, from now until N seconds have passed,
Ctrl-C, or the process ends. Then it stops recording and the process goes on
as before: every hook is put back, gilscope's threads end.

It needs CPython 3.14 or newer (sys.remote_exec, PEP 768) with remote
debugging on, a process of your own (or root), and the kernel's leave to
attach (ptrace; kernel.yama.ptrace_scope). The process starts and stops
recording when its main thread next runs Python: a main thread blocked in a
system call (a join() or read() without a timeout) starts it only when it
returns. For older Pythons: launch the program with 'gilscope record'.`,
  options: {
    output: { type: 'string', short: 'o', value: 'DIR', defaultText: 'gilscope-<time>.gilscope', description: 'the recording directory' },
    seconds: { type: 'string', value: 'N', description: 'stop after N seconds (default: at Ctrl-C, or when the process ends)' },
  },
  positionals: [{ name: 'PID', description: 'the Python process to record' }],
  epilogue: `Exit status: 0 when recorded; 2 when it could not attach (one line says why; the
process was not touched). Then: gilscope report DIR`,
} as const satisfies CommandSpec;

function parsePid(text: string): number {
  const pid = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(pid) || pid < 1) throw new UsageError(`PID must be a process id (a whole number), not '${text}'`);
  return pid;
}

function parseSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--seconds takes a number of seconds above 0, not '${text}'`);
  return seconds;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Calls `on(signal)` for each SIGINT, SIGTERM and SIGHUP until released: this process then never dies of them. */
function catchSignals(on: (signal: NodeJS.Signals) => void): () => void {
  const handler = (signal: NodeJS.Signals) => on(signal);
  for (const s of SIGNALS) process.on(s, handler);
  return () => {
    for (const s of SIGNALS) process.off(s, handler);
  };
}

/** Redraws "recording process N: 3.2 s" on a terminal's stderr until stopped. */
function showElapsed(recording: AttachedRecording): () => void {
  if (!process.stderr.isTTY) return () => undefined;
  const draw = () => process.stderr.write(`\r\x1b[Kgilscope: recording process ${recording.pid}: ${recording.seconds.toFixed(1)} s (Ctrl-C stops)`);
  const timer = setInterval(draw, 250);
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  };
}

function endLine(pid: number, end: AttachEnd): string {
  const lost = end.lostRecords ? ` (${end.lostRecords} records could not be written)` : '';
  return end.how === 'stopped'
    ? `gilscope: process ${pid} stopped recording after ${end.seconds.toFixed(1)} s and runs on as before${lost}`
    : `gilscope: process ${pid} ended while it was recorded (${end.seconds.toFixed(1)} s); the recording is kept as it is`;
}

async function attach({ values, positionals }: ParsedCommandLine<typeof spec.options>): Promise<number> {
  const pid = parsePid(positionals[0]!);
  const seconds = parseSeconds(values.seconds);
  const output = values.output ?? defaultRecordingName();
  const abort = new AbortController();
  // Until recording begins, a signal gives up: the process is left as it was.
  let release = catchSignals(() => abort.abort());
  const started = await attachToProcess({
    pid,
    output,
    runtimeDir: findRuntimeDir(),
    launcher: 'gilscope attach',
    abort: abort.signal,
    notice: (line) => process.stderr.write(`${line}\n`),
    startTimeoutMs: DEFAULT_START_TIMEOUT_MS,
  });
  release();
  if (!started.ok) {
    process.stderr.write(`gilscope: ${started.message}\n`);
    return 2;
  }
  const recording = started.recording;
  process.stderr.write(`gilscope: recording process ${pid} (${commandText(recording.target.cmdline)}) into ${recording.dir}`
    + `${seconds ? ` for ${seconds} s` : ''}; Ctrl-C stops\n`);
  const hideElapsed = showElapsed(recording);
  // Recording: a signal stops it first; a second one while the process has not run the stop leaves it queued there.
  let asked = 0;
  let leave: (() => void) | undefined;
  const leaving = new Promise<'left'>((resolve) => { leave = () => resolve('left'); });
  let stopNow: (() => void) | undefined;
  const stopAsked = new Promise<void>((resolve) => { stopNow = resolve; });
  release = catchSignals(() => {
    asked++;
    if (asked === 1) stopNow!();
    else leave!();
  });
  const timer = seconds ? setTimeout(() => stopNow!(), seconds * 1000) : undefined;
  await Promise.race([stopAsked, recording.ended]);
  if (timer) clearTimeout(timer);
  const end = await Promise.race([recording.stop((why) => {
    hideElapsed();
    process.stderr.write(`gilscope: ${why}; Ctrl-C again leaves it to stop by itself then\n`);
  }), leaving]);
  release();
  hideElapsed();
  if (end === 'left') {
    process.stderr.write(`gilscope: left process ${pid} recording until its main thread runs Python again (the stop is queued in it); `
      + `what it records meanwhile goes on into ${recording.dir}\n`);
    return 130;
  }
  process.stderr.write(`${endLine(pid, end)}\n`);
  const report = printSummary(recording.dir);
  process.stderr.write(`gilscope: recording written to ${recording.dir}; see it again with: gilscope report ${recording.dir}\n`);
  if (report) process.stderr.write(`\n${firstSuggestionText(report, styleFor(process.stderr))}`);
  return 0;
}

export const attachCommand: Command = defineCommand(spec, attach);

import { preparePython } from '../launch/preparePython';
import { createRecordingDir } from '../launch/recordingDirSetup';
import { checkOutputFolder, UnsafePathError } from '../launch/safeFiles';
import { writeSessionFile } from '../launch/sessionFile';
import type { SessionRecord } from '../launch/sessionFile';
import { osErrorWords } from '../files/osErrorWords';
import { checkAttachTarget, stillRuns } from './attachTarget';
import type { AttachTarget } from './attachTarget';
import { EndKind } from '../format/layout';
import { askStopNow, cancelStart, makeControlFolder, readMarker } from './controlFolder';
import { mainThreadState } from './mainThreadState';
import { ownStartTime } from './procFiles';
import { readRecordingLiveFields } from './recordingHeader';
import { remoteRequest } from './remoteRequest';

/**
 * `gilscope attach`: recording a Python process that runs already, then letting it go
 * on untouched (docs/vscode.md, "Attach"; the in-process side is
 * runtime/python/gilscope/attached.py). States: attachToProcess() checks the process
 * (attachTarget.ts), builds the probe with its own interpreter, makes the recording
 * folder, and has the process start recording → `recording` → stop() asks it to stop
 * → `stopping` → `ended`: it stopped, or it ended meanwhile (the recording is kept
 * as it is). The CLI and the VS Code extension both drive this one class.
 */
export interface AttachOptions {
  readonly pid: number;
  /** The recording folder to make (-o). */
  readonly output: string;
  readonly runtimeDir: string;
  /** Who attached, for session.json: `gilscope attach`, `vscode`. */
  readonly launcher: string;
  /** Splitting of long GIL holds (GILSCOPE_HOLD_SPLIT_MS; 0 off). */
  readonly holdSplitMs?: number;
  /** How long the process has to run the start script (its main thread must run Python). */
  readonly startTimeoutMs?: number;
  /** Notices of the probe's build, as they come. */
  readonly notice?: (line: string) => void;
  /** Aborted (Ctrl-C) before recording began: the process is left as it was. */
  readonly abort?: AbortSignal;
}

export type AttachResult = { readonly ok: true; readonly recording: AttachedRecording } | { readonly ok: false; readonly message: string };

/** How an attached recording ended. */
export interface AttachEnd {
  /** `stopped`: the process stopped recording and goes on; `process ended`: it ended while recorded. */
  readonly how: 'stopped' | 'process ended';
  /** Seconds from the start of recording to its end as the launcher saw it. */
  readonly seconds: number;
  /** Records the process could not write (the `stopped` marker), when it said. */
  readonly lostRecords?: number;
}

/** session.json of an attached recording: what the process ran, and `attached` (its pid; how recording ended). */
type AttachedSession = SessionRecord & { readonly attached: { readonly pid: number; readonly end?: AttachEnd['how'] } };

export const DEFAULT_START_TIMEOUT_MS = 10_000;
/** After this long without the stop having run, the caller is told why (the main thread's state). */
const STOP_NOTICE_MS = 2_000;
const POLL_MS = 25;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function holdSplitFromEnvironment(): number {
  const value = Number(process.env['GILSCOPE_HOLD_SPLIT_MS'] ?? 10);
  return Number.isInteger(value) && value >= 0 ? value : 10;
}

function refuse(message: string): AttachResult {
  return { ok: false, message };
}

export async function attachToProcess(options: AttachOptions): Promise<AttachResult> {
  const checked = checkAttachTarget(options.pid);
  if (!checked.ok) return refuse(checked.message);
  const target = checked.target;
  try {
    checkOutputFolder(options.output);
  } catch (error) {
    return refuse(error instanceof UnsafePathError ? error.message : `cannot use ${options.output} as the recording folder: ${osErrorWords(error)}; choose another -o`);
  }
  const prepared = await preparePython(target.executable, options.runtimeDir, options.notice);
  if (!prepared.ok) return refuse(`${prepared.message.replace(/^gilscope: /, '')}; process ${target.pid} was not touched`);
  const python = prepared.python;
  if (!python.exact || !python.probe) {
    return refuse(`cannot record process ${target.pid} exactly: ${python.reason ?? 'the probe could not be built'}; `
      + `attaching needs the probe (there is no sampling fallback); process ${target.pid} was not touched`);
  }
  if (!sameVersion(python.version, target)) {
    return refuse(`process ${target.pid} runs CPython ${target.python.versionText}, but its executable ${target.executable} is now ${python.version}; `
      + 'restart the program to record it');
  }
  if (options.abort?.aborted) return refuse('interrupted; the process was not touched');
  if (!stillRuns(target.pid, target.startTime)) return refuse(`process ${target.pid} ended before recording began`);
  let dir: string;
  let control: string;
  try {
    dir = createRecordingDir(options.output);
    control = makeControlFolder(dir);
  } catch (error) {
    return refuse(error instanceof UnsafePathError ? error.message : `cannot make the recording folder ${options.output}: ${osErrorWords(error)}`);
  }
  const asked = await remoteRequest(target.executable, options.runtimeDir, target.pid, control, {
    action: 'start',
    recordingDir: dir,
    probe: python.probe,
    build: python.build,
    launcherPid: process.pid,
    launcherStart: ownStartTime(),
    holdSplitMs: options.holdSplitMs ?? holdSplitFromEnvironment(),
  });
  if (!asked.ok) return refuse(`${asked.why}; process ${target.pid} was not changed`);
  const started = await waitForStart(target, control, options);
  if (!started.ok) return started;
  const session: AttachedSession = {
    command: target.cmdline,
    cwd: target.cwd ?? '',
    startedAt: Date.now() / 1000,
    launcher: options.launcher,
    pid: target.pid,
    python: { executable: python.executable, version: python.version, build: python.build },
    attached: { pid: target.pid },
  };
  writeSessionFile(dir, session);
  return { ok: true, recording: new AttachedRecording(target, dir, control, started.path, session, options.runtimeDir) };
}

function sameVersion(prepared: string, target: AttachTarget): boolean {
  const p = target.python;
  return p.micro === null ? prepared.startsWith(`${p.major}.${p.minor}.`) : prepared === `${p.major}.${p.minor}.${p.micro}`;
}

/** The recording's path once the process said it started, or why not. */
async function waitForStart(target: AttachTarget, control: string, options: AttachOptions): Promise<{ ok: true; path: string } | { ok: false; message: string }> {
  const deadline = Date.now() + (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  for (;;) {
    const said = readMarker(control, 'started') ?? readMarker(control, 'start-failed');
    if (said) {
      if (said[0] === 'ok' && said[1]) return { ok: true, path: said[1] };
      return { ok: false, message: `process ${target.pid} could not begin recording: ${said.slice(1).join(' ') || 'no reason given'}; it runs on as it was` };
    }
    const gone = !stillRuns(target.pid, target.startTime);
    const aborted = options.abort?.aborted ?? false;
    if (gone || aborted || Date.now() > deadline) {
      const why = gone ? `process ${target.pid} ended before recording began`
        : aborted ? 'interrupted before recording began'
          : `process ${target.pid} did not begin recording within ${Math.round((options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS) / 1000)} s: `
            + `its main thread ${mainThreadState(target.pid)}, and it runs gilscope's start script only when it runs Python again`;
      cancelStart(control);
      // it may have started just now, between the last look and the cancel
      const late = readMarker(control, 'started');
      if (late?.[0] === 'ok' && late[1] && !gone) return { ok: true, path: late[1] };
      return { ok: false, message: `${why}; nothing was changed in it${gone || aborted ? '' : ' (attach again once it runs Python)'}` };
    }
    await sleep(POLL_MS);
  }
}

export class AttachedRecording {
  state: 'recording' | 'stopping' | 'ended' = 'recording';
  /** Resolves when recording has ended, however it did. */
  readonly ended: Promise<AttachEnd>;
  readonly pid: number;
  private resolveEnded!: (end: AttachEnd) => void;
  private readonly startedMs = Date.now();
  private readonly monitor: NodeJS.Timeout;
  private stopping: Promise<AttachEnd> | undefined;

  constructor(
    readonly target: AttachTarget,
    /** The recording folder. */
    readonly dir: string,
    private readonly control: string,
    /** The process's own file in it. */
    readonly recordingPath: string,
    private readonly session: AttachedSession,
    private readonly runtimeDir: string,
  ) {
    this.pid = target.pid;
    this.ended = new Promise((resolve) => { this.resolveEnded = resolve; });
    // not unref'd: a launcher with nothing else to do waits on it
    this.monitor = setInterval(() => this.look(), 100);
  }

  /** Seconds since recording began. */
  get seconds(): number {
    return (Date.now() - this.startedMs) / 1000;
  }

  /**
   * Asks the process to stop recording; resolves once it has, or once it ended.
   * Recording stops at once: the probe's watch sees `stop-now` within 50 ms and
   * ends the file (end kind 4). The process puts its hooks back when its main thread
   * runs the stop script, at its next eval-breaker check; when that thread is blocked,
   * the stop stays queued in it, and the recording is complete all the same. Only if
   * neither has happened after 2 s is `pending` told why, once, and the wait goes on.
   */
  stop(pending?: (why: string) => void): Promise<AttachEnd> {
    if (this.state === 'ended') return this.ended;
    if (this.stopping) return this.stopping;
    this.state = 'stopping';
    try {
      askStopNow(this.control);
    } catch {
      // the control folder is gone: the stop script below still ends it
    }
    this.stopping = (async () => {
      const asked = await remoteRequest(this.target.executable, this.runtimeDir, this.pid, this.control, { action: 'stop' });
      if (!asked.ok && asked.kind !== 'gone') {
        pending?.(`process ${this.pid} could not be asked to stop recording: ${asked.why}; it goes on recording until it ends`);
      }
      const notice = setTimeout(() => {
        if (this.state !== 'ended') {
          pending?.(`process ${this.pid} has not run the stop yet: its main thread ${mainThreadState(this.pid)}; `
            + 'recording ends when it runs Python again, or when it ends');
        }
      }, STOP_NOTICE_MS);
      notice.unref();
      const end = await this.ended;
      clearTimeout(notice);
      return end;
    })();
    this.look();
    return this.stopping;
  }

  private look(): void {
    if (this.state === 'ended') return;
    const stopped = readMarker(this.control, 'stopped');
    const header = stopped ? undefined : readRecordingLiveFields(this.recordingPath);
    if (stopped) {
      const lost = /^lost (\d+)$/.exec(stopped[2] ?? '');
      this.finish({ how: 'stopped', seconds: this.seconds, ...(lost ? { lostRecords: Number(lost[1]) } : {}) });
    } else if (header?.endKind === EndKind.detached) {
      // stopped by the watch; the hooks go back when the main thread runs the stop script
      this.finish({ how: 'stopped', seconds: this.seconds, lostRecords: header.lostRecords });
    } else if (!stillRuns(this.pid, this.target.startTime)) {
      this.finish({ how: 'process ended', seconds: this.seconds });
    }
  }

  private finish(end: AttachEnd): void {
    this.state = 'ended';
    clearInterval(this.monitor);
    try {
      const ended: AttachedSession = { ...this.session, endedAt: Date.now() / 1000, attached: { pid: this.pid, end: end.how } };
      writeSessionFile(this.dir, ended);
    } catch {
      // the recording stays readable without it
    }
    this.resolveEnded(end);
  }
}

import { basename } from 'node:path';

import { osErrorWords } from '../files/osErrorWords';
import { remoteDebugDisabledBy } from './interpreterOptions';
import { findPythonImage, ImageReadError } from './pythonImage';
import type { PythonImage } from './pythonImage';
import { readCmdline, readCwd, readEnviron, readExe, readProcStat, readUids } from './procFiles';
import { ptraceAdvice } from './ptraceRights';

/** The oldest CPython with sys.remote_exec (PEP 768). */
export const ATTACH_MINIMUM: readonly [number, number] = [3, 14];

/** A running CPython that gilscope may attach to, as seen from outside. */
export interface AttachTarget {
  readonly pid: number;
  /** With the pid, names this process: a later check sees whether it is still the same one. */
  readonly startTime: number;
  /** Its interpreter's executable, run (isolated) to build the probe and to reach it. */
  readonly executable: string;
  readonly cmdline: readonly string[];
  readonly cwd: string | undefined;
  readonly python: PythonImage;
}

export type TargetCheck = { readonly ok: true; readonly target: AttachTarget } | { readonly ok: false; readonly message: string };

function refuse(message: string): TargetCheck {
  return { ok: false, message };
}

/** Whether the process `pid` that started at `startTime` still runs (not ended, not a zombie). */
export function stillRuns(pid: number, startTime: number): boolean {
  try {
    const stat = readProcStat(pid);
    return stat.startTime === startTime && stat.state !== 'Z' && stat.state !== 'X';
  } catch {
    return false;
  }
}

function versionAtLeast(python: PythonImage, [major, minor]: readonly [number, number]): boolean {
  return python.major > major || (python.major === major && python.minor >= minor);
}

/**
 * Everything checked before the process is touched, each failure one sentence that
 * says why and what to do: it runs; it is this user's (the recorder, running inside
 * it, writes the recording into this user's folder and loads this user's probe); the
 * kernel lets this user read its memory (ptrace rights); it is CPython 3.14 or newer;
 * remote debugging is not turned off in it; it is not recorded already; its
 * interpreter is still on disk to be run.
 */
export function checkAttachTarget(pid: number): TargetCheck {
  if (pid === process.pid) return refuse(`process ${pid} is gilscope itself; name the Python process to record`);
  let stat;
  try {
    stat = readProcStat(pid);
  } catch {
    return refuse(`no process ${pid} is running; name a running Python process (ps -C python3 -o pid,args)`);
  }
  if (stat.state === 'Z' || stat.state === 'X') return refuse(`process ${pid} has ended (a zombie, not yet waited for by its parent)`);
  const uid = process.geteuid?.() ?? 0;
  const owner = readUids(pid)[1];
  if (owner !== undefined && owner !== uid) {
    return refuse(uid === 0
      ? `process ${pid} belongs to another user (uid ${owner}), and the recorder inside it writes as that user: run gilscope attach as that user (sudo -u '#${owner}' …)`
      : `process ${pid} belongs to another user (uid ${owner}); attach to your own processes, or run gilscope attach as that user`);
  }
  const cmdline = safe(() => readCmdline(pid)) ?? [];
  let python: PythonImage | undefined;
  try {
    python = findPythonImage(pid);
  } catch (error) {
    if (error instanceof ImageReadError && error.memory) {
      return refuse(`you may not attach to process ${pid}: its memory cannot be read (${osErrorWords(error.cause)}): ${ptraceAdvice()}`);
    }
    return refuse(`cannot look into process ${pid} (${osErrorWords(error instanceof ImageReadError ? error.cause : error)}): ${ptraceAdvice()}`);
  }
  let executable: string;
  try {
    executable = readExe(pid);
  } catch (error) {
    return refuse(`cannot see process ${pid}'s executable (${osErrorWords(error)}): ${ptraceAdvice()}`);
  }
  if (!python) {
    return refuse(`process ${pid} is not a CPython (its executable is ${executable}); attach to a Python process`);
  }
  if (!versionAtLeast(python, ATTACH_MINIMUM)) {
    return refuse(`process ${pid} runs CPython ${python.versionText}, and attaching needs ${ATTACH_MINIMUM.join('.')} or newer `
      + `(sys.remote_exec, PEP 768); launch it with gilscope record instead`);
  }
  if (executable.endsWith(' (deleted)')) {
    return refuse(`process ${pid}'s interpreter ${executable.slice(0, -' (deleted)'.length)} was replaced on disk after it started, `
      + 'and attaching runs that interpreter: restart the program, or launch it with gilscope record');
  }
  if (!basename(executable).includes('python')) {
    return refuse(`process ${pid} embeds CPython in ${executable}, and gilscope attaches through the process's own python executable; `
      + 'record it with gilscope record, or attach to a process started by python');
  }
  const environ = safe(() => readEnviron(pid));
  const disabled = remoteDebugDisabledBy(cmdline, environ);
  if (disabled) {
    return refuse(`remote debugging is turned off in process ${pid} (${disabled}); restart it without that, or launch it with gilscope record`);
  }
  const recordedInto = environ?.get('GILSCOPE_DIR');
  if (recordedInto) return refuse(`process ${pid} is recorded already by gilscope record, into ${recordedInto}`);
  return { ok: true, target: { pid, startTime: stat.startTime, executable, cmdline, cwd: readCwd(pid), python } };
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

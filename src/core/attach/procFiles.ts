import { readFileSync, readlinkSync } from 'node:fs';

/**
 * Reads what Linux publishes of a process under /proc/PID, for `gilscope attach`:
 * nothing here touches the process. Each reader throws the fs error (ENOENT: it
 * is gone; EACCES: another user's, or not dumpable) for the caller to say in words.
 */

/** /proc/PID/stat: the fields after the command name, which may hold spaces and parentheses. */
export interface ProcStat {
  /** R running, S sleeping, D in an uninterruptible wait, Z zombie, T stopped… */
  readonly state: string;
  readonly ppid: number;
  /** Clock ticks after boot when it started: with the pid, names the process across pid reuse. */
  readonly startTime: number;
}

export function parseProcStat(text: string): ProcStat {
  const fields = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/);
  return { state: fields[0] ?? '?', ppid: Number(fields[1]), startTime: Number(fields[19]) };
}

export function readProcStat(pid: number, task?: number): ProcStat {
  return parseProcStat(readFileSync(task === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${task}/stat`, 'latin1'));
}

/** The real, effective, saved and file-system user ids (the `Uid:` line of /proc/PID/status). */
export function readUids(pid: number): readonly number[] {
  const line = readFileSync(`/proc/${pid}/status`, 'latin1').split('\n').find((l) => l.startsWith('Uid:'));
  return line ? line.slice(4).trim().split(/\s+/).map(Number) : [];
}

/** argv as the process holds it (/proc/PID/cmdline, NUL-separated). */
export function readCmdline(pid: number): string[] {
  const parts = readFileSync(`/proc/${pid}/cmdline`).toString('utf8').split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/** The environment the process started with (/proc/PID/environ); what it set since is not there. */
export function readEnviron(pid: number): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of readFileSync(`/proc/${pid}/environ`).toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

/** Its executable (the link /proc/PID/exe; " (deleted)" ends it when the file was replaced since). */
export function readExe(pid: number): string {
  return readlinkSync(`/proc/${pid}/exe`);
}

/** Its working folder, or undefined when it cannot be seen. */
export function readCwd(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** The files mapped into it, each with the address of its first mapping (/proc/PID/maps). */
export function readMappedFiles(pid: number): { readonly path: string; readonly start: number }[] {
  const seen = new Map<string, number>();
  for (const line of readFileSync(`/proc/${pid}/maps`, 'latin1').split('\n')) {
    const m = /^([0-9a-f]+)-[0-9a-f]+ \S+ \S+ \S+ \S+\s+(\/.*)$/.exec(line);
    if (m && !seen.has(m[2]!)) seen.set(m[2]!, parseInt(m[1]!, 16));
  }
  return [...seen].map(([path, start]) => ({ path, start }));
}

/** This process's own start time, for a script in the target to tell that its launcher still waits. */
export function ownStartTime(): number {
  return readProcStat(process.pid).startTime;
}

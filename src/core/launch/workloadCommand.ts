import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, resolve } from 'node:path';

/** `python`, `python3`, `python3.12`, `python3.13t` or a path to one. */
function isPythonProgram(program: string): boolean {
  return /^python(\d+(\.\d+)?t?)?$/.test(basename(program));
}

/** Whether `path` is a file this user may execute. */
function executable(path: string): boolean {
  try {
    return statSync(path).isFile() && (accessSync(path, constants.X_OK), true);
  } catch {
    return false;
  }
}

/**
 * Why `command` cannot be started, in one sentence, or undefined: checked
 * before anything is built or written for it, the way execvp will look
 * for the program (a name with a slash as a path, else each folder of
 * PATH). For a Python with a script (`python3 script.py`), the script must
 * exist too: else Python would run, fail, and be recorded doing so.
 */
export function commandProblem(command: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string | undefined {
  const program = command[0];
  if (!program) return 'name the command to record, e.g. gilscope record -- python3 script.py';
  if (program.includes('/')) {
    const path = resolve(cwd, program);
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch {
      return `cannot run '${program}': no such file; check the command after --`;
    }
    if (!isFile) return `cannot run '${program}': it is a folder, not a program; check the command after --`;
    if (!executable(path)) return `cannot run '${program}': it is not executable; chmod +x it, or run it with its interpreter`;
  } else {
    const folders = (env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).map((d) => d || '.');
    if (!folders.some((d) => executable(resolve(cwd, join(d, program))))) {
      return `cannot run '${program}': no such program on PATH; check the command after --`;
    }
  }
  const script = command[1];
  if (isPythonProgram(program) && script !== undefined && !script.startsWith('-')) {
    const path = isAbsolute(script) ? script : resolve(cwd, script);
    try {
      statSync(path);
    } catch {
      return `cannot record ${script}: no such file; name the Python script to run`;
    }
  }
  return undefined;
}

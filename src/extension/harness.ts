import { basename } from 'node:path';

/**
 * How "Profile Function Under Cursor" calls one function:
 * `python -m gilscope.harness FILE QUALNAME ARGS` (runtime/python/gilscope/harness.py).
 */
export const HARNESS_MODULE = 'gilscope.harness';

export interface HarnessCall {
  readonly file: string;
  readonly qualname: string;
  /** The text of the call's arguments, a Python argument list. */
  readonly args: string;
}

/** The interpreter's arguments after `-m` (`-u` and such come before). */
export function harnessArguments(call: HarnessCall): string[] {
  return ['-m', HARNESS_MODULE, call.file, call.qualname, call.args];
}

/** The call a recorded command made through the harness, or undefined for any other command. */
export function harnessCall(command: readonly string[] | null): HarnessCall | undefined {
  const i = command?.indexOf('-m') ?? -1;
  if (!command || i < 0 || command[i + 1] !== HARNESS_MODULE) return undefined;
  const [file, qualname, args = ''] = command.slice(i + 2);
  return file && qualname ? { file, qualname, args } : undefined;
}

/** `busy.py: work(3, n=10)`: how a harness run is named in the terminal, the list and the report's tab. */
export function harnessLabel(call: HarnessCall): string {
  return `${basename(call.file)}: ${call.qualname}(${call.args})`;
}

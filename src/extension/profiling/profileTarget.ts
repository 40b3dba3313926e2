import { basename } from 'node:path';
import { harnessArguments, harnessLabel } from '../harness';

/** What a run profiles: the interpreter's arguments, where, and how to name it. */
export interface ProfileTarget {
  /** Shown in the terminal's name, the progress and the recordings list. */
  readonly label: string;
  /** The Python file the run is about: its lenses and heat are shown first. */
  readonly file: string;
  /** The interpreter's arguments; the interpreter comes first when it runs. */
  readonly pythonArgs: readonly string[];
  readonly cwd: string;
}

/**
 * `python -u FILE ARGS…`. The workload's output reaches the terminal through
 * pipes, not a terminal device, so `-u` keeps Python from holding it back in
 * buffers until the run ends.
 */
export function fileTarget(file: string, args: readonly string[], cwd: string): ProfileTarget {
  return { label: [basename(file), ...args].join(' '), file, pythonArgs: ['-u', file, ...args], cwd };
}

/** `python -u -m gilscope.harness FILE QUALNAME ARGS`: calls one function of the file (harness.ts). */
export function functionTarget(file: string, qualname: string, argsExpression: string, cwd: string): ProfileTarget {
  const call = { file, qualname, args: argsExpression };
  return { label: harnessLabel(call), file, pythonArgs: ['-u', ...harnessArguments(call)], cwd };
}

/**
 * Splits what the user typed for the arguments the way a POSIX shell would
 * for plain words and quotes (no variables, no globbing): `a "b c" 'd'` is
 * three arguments. Undefined when a quote is left open.
 */
export function splitArguments(text: string): string[] | undefined {
  const args: string[] = [];
  let current: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) current += text[++i]!;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      current = (current ?? '') + text[++i]!;
    } else if (/\s/.test(c)) {
      if (current !== undefined) args.push(current);
      current = undefined;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (quote) return undefined;
  if (current !== undefined) args.push(current);
  return args;
}

import { basename } from 'node:path';

/**
 * The interpreter options on a running Python's command line (/proc/PID/cmdline), as
 * CPython reads them: single letters that may be grouped (`-IB`), `-X` and `-W` with a
 * value attached or next, and the first of `-c`, `-m`, `-` or a script ending them.
 * Only a command line whose program is a python is read: an application that embeds
 * Python has options of its own.
 */
export interface InterpreterOptions {
  /** -E or -I: PYTHON* environment variables are ignored. */
  readonly ignoresEnvironment: boolean;
  /** The -X options, as given (`disable_remote_debug`, `gil=0`…). */
  readonly xOptions: readonly string[];
}

const WITH_VALUE = new Set(['X', 'W']);

export function interpreterOptions(argv: readonly string[]): InterpreterOptions {
  const found = { ignoresEnvironment: false, xOptions: [] as string[] };
  if (!argv[0] || !basename(argv[0]).includes('python')) return found;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-' || arg === '--' || !arg.startsWith('-')) break;
    if (arg.startsWith('--')) {
      if (arg === '--check-hash-based-pycs') i++;
      continue;
    }
    for (let k = 1; k < arg.length; k++) {
      const letter = arg[k]!;
      if (letter === 'c' || letter === 'm') return found;
      if (letter === 'E' || letter === 'I') found.ignoresEnvironment = true;
      if (WITH_VALUE.has(letter)) {
        const value = k + 1 < arg.length ? arg.slice(k + 1) : argv[++i] ?? '';
        if (letter === 'X') found.xOptions.push(value);
        break;
      }
    }
  }
  return found;
}

/** Why remote debugging is off in a process started with this command line and environment, or undefined. */
export function remoteDebugDisabledBy(argv: readonly string[], environ: ReadonlyMap<string, string> | undefined): string | undefined {
  const options = interpreterOptions(argv);
  if (options.xOptions.some((x) => x === 'disable_remote_debug' || x.startsWith('disable_remote_debug='))) {
    return 'it was started with -X disable_remote_debug';
  }
  if (!options.ignoresEnvironment && environ?.get('PYTHON_DISABLE_REMOTE_DEBUG')) {
    return 'it was started with PYTHON_DISABLE_REMOTE_DEBUG set';
  }
  return undefined;
}

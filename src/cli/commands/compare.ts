import { existsSync } from 'node:fs';

import { compareRows, errorLines, suggestionLines } from '../../core/compare/compareText';
import type { CompareResult } from '../../core/compare/types';
import { readCompare, runCompare } from '../../core/compare/runCompare';
import type { WhatIfRequest } from '../../core/compare/whatifLaunch';
import { findRuntimeDir } from '../../core/launch/runtimeDir';
import { defineCommand } from '../command';
import type { Command } from '../command';
import type { CommandSpec, OptionValues, ParsedCommandLine } from '../options';
import { UsageError } from '../support/cliFailure';
import { table } from '../support/formatting';
import { isPython } from '../support/pythonCommand';
import { styleFor } from '../support/terminalStyle';

const spec = {
  name: 'compare',
  summary: 'Run the same work serially, in threads, processes, sub-interpreters: speedups predicted and measured.',
  forms: ['--function FILE.py:FUNC --inputs FILE.json [options]', '[options] -- [python] SCRIPT.py [ARGS...]', '--from DIR [--json]'],
  about: `Runs the same work several ways, each run recorded and measured, and sets
the speedup the profile predicts beside the speedup measured:

  --function FILE.py:FUNC --inputs FILE.json
        FUNC called once per item of the JSON list: serially, in a
        ThreadPoolExecutor of N, in a ProcessPoolExecutor of N (fork and
        spawn), in N sub-interpreters (Python 3.12+) and on a free-threaded
        Python when one is installed
  -- [python] SCRIPT.py ARGS
        the whole script, with its thread pools swapped for process pools
        and its process pools for thread pools (ThreadPoolExecutor,
        ProcessPoolExecutor, multiprocessing.Pool, multiprocessing.dummy),
        without editing it; work that cannot be pickled is named`,
  options: {
    function: { type: 'string', value: 'FILE.py:FUNC', description: 'the function to call once per input' },
    inputs: { type: 'string', value: 'FILE.json', description: 'its inputs: a JSON list, one call per item' },
    output: { type: 'string', short: 'o', value: 'DIR', defaultText: 'gilscope-compare-<time>', description: 'where the runs go' },
    workers: { type: 'string', value: 'LIST', defaultText: '1, 2, 4 ... up to the cores', description: 'worker counts, e.g. 1,2,4' },
    modes: { type: 'string', value: 'LIST', defaultText: 'all; serial always runs', description: 'e.g. threads,processes-fork' },
    python: { type: 'string', value: 'PYTHON', defaultText: "python3, or the script's python", description: 'the interpreter' },
    'free-threaded': { type: 'string', value: 'PYTHON', defaultText: "look for one; 'none' to skip", description: 'the free-threaded interpreter' },
    timeout: { type: 'string', value: 'SECONDS', defaultText: '600', description: 'the longest one run may take' },
    repeat: { type: 'string', value: 'N', defaultText: '1', description: 'make each run N times and keep the fastest' },
    from: { type: 'string', value: 'DIR', description: 'read a comparison made before instead of running one' },
    json: { type: 'boolean', description: 'print the result as JSON (docs/compare.md)' },
  },
  passThrough: { name: '[python] SCRIPT.py [ARGS...]', description: 'the script form: the script and its arguments', atFirstWord: false },
  epilogue: 'Exit status: 0 when the runs were made, 2 for bad input (one line on stderr).',
} as const satisfies CommandSpec;

type CompareValues = OptionValues<typeof spec.options>;

/** What to run, from the options and the script after `--`; a UsageError for a request that cannot be made. */
function compareRequest(v: CompareValues, command: readonly string[]): Omit<WhatIfRequest, 'runtimeDir'> {
  let python = v.python;
  let script: string[] | undefined;
  if (command.length > 0) {
    if (isPython(command[0]!)) {
      python ??= command[0]!;
      script = command.slice(1);
    } else {
      script = [...command];
    }
    if (script.length === 0) throw new UsageError('name the script after --, e.g. gilscope compare -- python script.py');
    if (v.function !== undefined) throw new UsageError('give either --function with --inputs, or a script after --, not both');
  } else if (v.function === undefined) {
    throw new UsageError('name the work: --function FILE.py:FUNC --inputs FILE.json, or -- python SCRIPT.py ARGS');
  }
  if (v.function !== undefined && v.inputs === undefined) throw new UsageError('--function needs --inputs FILE.json (a JSON list, one call per item)');
  if (v.inputs !== undefined && !existsSync(v.inputs)) throw new UsageError(`--inputs: no such file: ${v.inputs}`);
  const timeout = v.timeout === undefined ? undefined : Number(v.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError('--timeout takes a number of seconds');
  const repeat = v.repeat === undefined ? undefined : Number(v.repeat);
  if (repeat !== undefined && !(Number.isInteger(repeat) && repeat >= 1)) throw new UsageError('--repeat takes a whole number of at least 1');
  return {
    python: python ?? 'python3',
    output: v.output ?? defaultOutput(),
    ...(v.function !== undefined ? { function: v.function, inputs: v.inputs! } : {}),
    ...(script ? { script } : {}),
    ...(v.workers !== undefined ? { workers: v.workers } : {}),
    ...(v.modes !== undefined ? { modes: v.modes } : {}),
    ...(v['free-threaded'] !== undefined ? { freeThreaded: v['free-threaded'] } : {}),
    ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
    ...(repeat !== undefined ? { repeat } : {}),
  };
}

function defaultOutput(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `gilscope-compare-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function render(r: CompareResult): string {
  const st = styleFor(process.stdout);
  const what = r.form === 'function' ? `${r.target.function?.name ?? '?'} over ${r.target.calls ?? '?'} inputs` : (r.target.script?.path ?? '?');
  const out = [
    `${st.bold('gilscope compare')} ${what}, Python ${r.python.version}, ${r.cores} cores; speedups over the serial run (${r.baseline.wallSeconds === null ? 'failed' : `${r.baseline.wallSeconds.toFixed(3)} s`})`,
    '',
    table(compareRows(r).map((row, i) => (i === 0 ? row.map(st.dim) : row))),
  ];
  const errors = errorLines(r);
  if (errors.length > 0) out.push('', ...errors.map((e) => `  ${st.yellow(e)}`));
  if (r.suggestions.length > 0) out.push('', st.bold('Suggestions'), ...suggestionLines(r));
  for (const n of r.notes) out.push(st.yellow(`note: ${n}`));
  out.push('', st.dim(`runs and recordings in ${r.directory}; see one with gilscope report DIR`));
  return `${out.join('\n')}\n`;
}

function failure(message: string): number {
  process.stderr.write(`gilscope compare: ${message}\n`);
  return 2;
}

/** Ctrl+C or a kill while the runs are made stops them cleanly: the driver stops the run under way with its workers. */
async function withStopSignals<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function compare({ values, rest }: ParsedCommandLine<typeof spec.options>): Promise<number> {
  let result: CompareResult;
  if (values.from === undefined) {
    const request = compareRequest(values, rest);
    let runtimeDir: string;
    try {
      runtimeDir = findRuntimeDir();
    } catch (error) {
      return failure((error as Error).message);
    }
    const outcome = await withStopSignals((signal) => runCompare({ ...request, runtimeDir }, { signal }));
    if (outcome.kind === 'stopped') return 130;
    if (outcome.kind === 'failed') return outcome.message === null ? outcome.exitCode : failure(outcome.message);
    result = outcome.result;
  } else {
    try {
      result = readCompare(values.from);
    } catch (error) {
      return failure((error as Error).message);
    }
  }
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : render(result));
  return 0;
}

export const compareCommand: Command = defineCommand(spec, compare);

import { existsSync } from 'node:fs';
import { basename } from 'node:path';

import { compareRows, errorLines, suggestionLines } from '../../core/compare/compareText';
import type { CompareResult } from '../../core/compare/types';
import { readCompare, runCompare } from '../../core/compare/runCompare';
import type { WhatIfRequest } from '../../core/compare/whatifLaunch';
import { findRuntimeDir } from '../../core/launch/runtimeDir';
import type { Command } from '../command';
import { table } from '../support/formatting';
import { styleFor } from '../support/terminalStyle';

const USAGE = `usage: gilscope compare --function FILE.py:FUNC --inputs FILE.json [options]
       gilscope compare [options] -- [python] SCRIPT.py [ARGS...]
       gilscope compare --from DIR [--json]

Runs the same work several ways, each run recorded and measured, and sets
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
        without editing it; work that cannot be pickled is named

Options:
  -o, --output DIR       where the runs go (default gilscope-compare-<time>)
  --workers LIST         worker counts, e.g. 1,2,4 (default 1, 2, 4 ... up to the cores)
  --modes LIST           e.g. threads,processes-fork (default all; serial always runs)
  --python PYTHON        the interpreter (default python3, or the script's python)
  --free-threaded PYTHON the free-threaded interpreter (default: look for one; 'none' to skip)
  --timeout SECONDS      the longest one run may take (default 600)
  --repeat N             make each run N times and keep the fastest (default 1)
  --from DIR             read a comparison made before instead of running one
  --json                 print the result as JSON (docs/compare.md)

Exit status: 0 when the runs were made, 2 for bad input (one line on stderr).`;

interface CompareArgs {
  readonly json: boolean;
  readonly from?: string;
  readonly request?: Omit<WhatIfRequest, 'runtimeDir'>;
}

/** `python`, `python3`, `python3.12`, `python3.13t` or a path to one. */
function isPython(program: string): boolean {
  return /^python(\d+(\.\d+)?t?)?$/.test(basename(program));
}

const VALUED = new Set(['--function', '--inputs', '-o', '--output', '--workers', '--modes', '--python', '--free-threaded', '--timeout', '--repeat', '--from']);

function parse(argv: readonly string[]): CompareArgs | string {
  const v: Record<string, string> = {};
  let json = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--json') {
      json = true;
      continue;
    }
    const eq = a.indexOf('=');
    const [name, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    if (!VALUED.has(name)) return a.startsWith('-') ? `unknown option '${a}'` : `unexpected '${a}': put the script after --`;
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return `${name} needs a value`;
    v[name === '-o' ? '--output' : name] = value;
  }
  const command = argv.slice(i);
  if (v['--from'] !== undefined) return { json, from: v['--from'] };
  let python = v['--python'];
  let script: string[] | undefined;
  if (command.length > 0) {
    if (isPython(command[0]!)) {
      python ??= command[0]!;
      script = command.slice(1);
    } else {
      script = [...command];
    }
    if (script.length === 0) return 'name the script after --, e.g. gilscope compare -- python script.py';
    if (v['--function'] !== undefined) return 'give either --function with --inputs, or a script after --, not both';
  } else if (v['--function'] === undefined) {
    return 'name the work: --function FILE.py:FUNC --inputs FILE.json, or -- python SCRIPT.py ARGS';
  }
  if (v['--function'] !== undefined && v['--inputs'] === undefined) return '--function needs --inputs FILE.json (a JSON list, one call per item)';
  if (v['--inputs'] !== undefined && !existsSync(v['--inputs'])) return `--inputs: no such file: ${v['--inputs']}`;
  const timeout = v['--timeout'] === undefined ? undefined : Number(v['--timeout']);
  if (timeout !== undefined && !(timeout > 0)) return '--timeout takes a number of seconds';
  const repeat = v['--repeat'] === undefined ? undefined : Number(v['--repeat']);
  if (repeat !== undefined && !(Number.isInteger(repeat) && repeat >= 1)) return '--repeat takes a whole number of at least 1';
  return {
    json,
    request: {
      python: python ?? 'python3',
      output: v['--output'] ?? defaultOutput(),
      ...(v['--function'] !== undefined ? { function: v['--function'], inputs: v['--inputs']! } : {}),
      ...(script ? { script } : {}),
      ...(v['--workers'] !== undefined ? { workers: v['--workers'] } : {}),
      ...(v['--modes'] !== undefined ? { modes: v['--modes'] } : {}),
      ...(v['--free-threaded'] !== undefined ? { freeThreaded: v['--free-threaded'] } : {}),
      ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
      ...(repeat !== undefined ? { repeat } : {}),
    },
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

async function run(argv: readonly string[]): Promise<number> {
  const args = parse(argv);
  if (typeof args === 'string') return failure(`${args}; run 'gilscope compare --help'`);
  let result: CompareResult;
  if (args.request) {
    let runtimeDir: string;
    try {
      runtimeDir = findRuntimeDir();
    } catch (error) {
      return failure((error as Error).message);
    }
    const request = { ...args.request, runtimeDir };
    const outcome = await withStopSignals((signal) => runCompare(request, { signal }));
    if (outcome.kind === 'stopped') return 130;
    if (outcome.kind === 'failed') return outcome.message === null ? outcome.exitCode : failure(outcome.message);
    result = outcome.result;
  } else {
    try {
      result = readCompare(args.from!);
    } catch (error) {
      return failure((error as Error).message);
    }
  }
  process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : render(result));
  return 0;
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'Run the same work serially, in threads, processes, sub-interpreters: speedups predicted and measured.',
  usage: USAGE,
  run,
};

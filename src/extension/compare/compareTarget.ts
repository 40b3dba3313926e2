import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { WhatIfRequest } from '../../core/compare/whatifLaunch';

/** What "Compare Threads vs Processes" runs several ways. */
export type CompareTarget = ScriptTarget | FunctionTarget;

/** The whole script, its pools swapped threads ↔ processes by the driver (docs/compare.md, "Modes"). */
export interface ScriptTarget {
  readonly form: 'script';
  readonly file: string;
  readonly args: readonly string[];
  /** The folder the script runs in: its workspace folder, else its own. */
  readonly cwd: string;
}

/** A function called once per item of a JSON list. */
export interface FunctionTarget {
  readonly form: 'function';
  readonly file: string;
  /** As the driver reaches it from the module: `work`. */
  readonly name: string;
  /** A JSON file the user chose, or the JSON text of a list typed in, written to the comparison's private folder. */
  readonly inputs: { readonly file: string } | { readonly list: string };
  readonly cwd: string;
}

/** What the command may be given instead of asking (the lens, tests). */
export interface CompareChoices {
  /** Worker counts, e.g. `1,2` (default: 1, 2, 4 … up to the cores). */
  readonly workers?: string;
  /** Modes, e.g. `threads,processes-fork` (default all; serial always runs). */
  readonly modes?: string;
}

/** `kernel.py: work(…)` or `pools.py`: the progress title and the comparison's name in lists. */
export function targetLabel(target: CompareTarget): string {
  return target.form === 'script' ? basename(target.file) : `${basename(target.file)}: ${target.name}(…)`;
}

/**
 * The driver's request for `target`, its runs written to `dir`; a typed list
 * of inputs is written there first (0600), since the driver reads inputs
 * from a file.
 */
export function whatIfRequest(target: CompareTarget, python: string, runtimeDir: string, dir: string, choices: CompareChoices): WhatIfRequest {
  const common = {
    python,
    runtimeDir,
    output: dir,
    cwd: target.cwd,
    ...(choices.workers !== undefined ? { workers: choices.workers } : {}),
    ...(choices.modes !== undefined ? { modes: choices.modes } : {}),
  };
  if (target.form === 'script') return { ...common, script: [target.file, ...target.args] };
  let inputs: string;
  if ('file' in target.inputs) {
    inputs = target.inputs.file;
  } else {
    inputs = join(dir, 'inputs.json');
    writeFileSync(inputs, target.inputs.list, { mode: 0o600 });
  }
  return { ...common, function: `${target.file}:${target.name}`, inputs };
}

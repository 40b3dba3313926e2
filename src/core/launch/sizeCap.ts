import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { osErrorWords } from '../files/osErrorWords';
import { createExclusive, UnsafePathError } from './safeFiles';

/**
 * The recording's size cap (runtime/FORMAT.md, "The size cap"): the value of
 * `--max-size` and of the setting gilscope.maxRecordingSize, the `budget` file
 * the launcher creates for the recorded processes to share
 * (runtime/csrc/budget.c maps it), and the one line said after the run when
 * the cap stopped recording. The Python launcher's twin is
 * runtime/python/gilscope/size_cap.py.
 */

/** The cap when none is given: a recording that runs away stops at 1 GiB, not at a full disk. */
export const DEFAULT_CAP_TEXT = '1G';
export const DEFAULT_CAP = 2 ** 30;
/** Below this the first process could not take its header and first 64 KiB segment. */
export const MIN_CAP = 128 * 2 ** 10;
export const BUDGET = 'budget';
const BUDGET_SIZE = 4096;
const CAP_AT = 8;
const REACHED_AT = 16;
const REACHED_MONO_AT = 24;
const UNITS: Readonly<Record<string, number>> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

export const SIZE_CAP_HELP = 'stop recording once the recording takes SIZE bytes (suffixes K, M, G: KiB, MiB, GiB; 0 or none: no cap); the program runs on unrecorded';

/** Why a size cannot be read, in one phrase, or the bytes; 0 means no cap. */
export function parseSize(text: string): { bytes: number } | { problem: string } {
  const cleaned = text.trim();
  if (cleaned === '0' || cleaned.toLowerCase() === 'none') return { bytes: 0 };
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(cleaned);
  if (!match) return { problem: `--max-size takes a size such as 500M, 2G or 200K (0 or none: no cap), not '${text}'` };
  const bytes = Math.floor(Number(match[1]) * UNITS[match[2]!.toUpperCase()]!);
  if (bytes < MIN_CAP) return { problem: `--max-size must be at least ${describeSize(MIN_CAP)} (or 0 for no cap)` };
  return { bytes };
}

/** `1.0 GiB`, `500.0 MiB`, `200.0 KiB`. */
export function describeSize(bytes: number): string {
  for (const [unit, name] of [[2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']] as const) {
    if (bytes >= unit) return `${(bytes / unit).toFixed(1)} ${name}`;
  }
  return `${bytes} bytes`;
}

/**
 * Creates dir/budget (4096 bytes, 0600, never through a planted file:
 * createExclusive) with the cap at offset 8. Throws UnsafePathError with one sentence.
 */
export function createBudget(recordingDir: string, cap: number): void {
  const path = join(recordingDir, BUDGET);
  const page = Buffer.alloc(BUDGET_SIZE);
  page.writeBigUInt64LE(BigInt(cap), CAP_AT);
  let fd: number;
  try {
    fd = createExclusive(path);
  } catch (error) {
    throw new UnsafePathError(`cannot create ${path}: ${osErrorWords(error)}; choose another -o`);
  }
  try {
    for (let at = 0; at < page.length;) at += writeSync(fd, page, at, page.length - at);
  } finally {
    closeSync(fd);
  }
}

/** CLOCK_MONOTONIC ns when the recording reached its cap, or undefined (no cap, not reached, nothing of ours to read). */
export function capReachedAt(recordingDir: string): bigint | undefined {
  let fd: number;
  try {
    fd = openSync(join(recordingDir, BUDGET), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const page = Buffer.alloc(64);
    if (readSync(fd, page, 0, page.length, 0) < REACHED_MONO_AT + 8) return undefined;
    // 1 once the moment is written (budget.c sets 2 while it writes it)
    const mono = page.readBigUInt64LE(REACHED_MONO_AT);
    return page.readUInt32LE(REACHED_AT) === 1 && mono > 0n ? mono : undefined;
  } finally {
    closeSync(fd);
  }
}

/** The launcher's one line after a run whose recording the cap stopped; `startedMonoNs` is when the workload was started (process.hrtime: CLOCK_MONOTONIC). */
export function cappedLine(cap: number, reachedMonoNs: bigint, startedMonoNs: bigint): string {
  const seconds = Math.max(0, Number(reachedMonoNs - startedMonoNs)) / 1e9;
  return `gilscope: recording stopped at the size cap (${describeSize(cap)}) ${seconds.toFixed(1)} s in; the program ran on unrecorded`;
}

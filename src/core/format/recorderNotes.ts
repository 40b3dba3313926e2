import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { readSmallTextFile } from '../files/smallTextFile';

/**
 * What recorded processes could not say themselves: the runtime
 * (runtime/python/gilscope/_boot.py) writes a line into errors-<pid>.txt
 * instead of printing into the workload's stderr (FORMAT.md):
 * "EXECUTABLE: not recorded: WHY" or "EXECUTABLE: recorded, but WHAT".
 * The Python launcher's twin is runtime/python/gilscope/recorder_notes.py.
 */
export interface RecorderNote {
  readonly pid: number;
  /** errors-<pid>.txt, with the recording's folder. */
  readonly file: string;
  /** False when the process was not recorded at all. */
  readonly recorded: boolean;
  readonly text: string;
}

const NOTE_FILE = /^errors-(\d+)\.txt$/;
const NOT_RECORDED = ': not recorded: ';
const RECORDED_BUT = ': recorded, but ';

/** One line: a line of an older runtime, with neither marker, meant the process was not recorded. */
export function parseNoteLine(line: string): { recorded: boolean; text: string } {
  const not = line.indexOf(NOT_RECORDED);
  if (not >= 0) return { recorded: false, text: line.slice(not + NOT_RECORDED.length).trim() };
  const but = line.indexOf(RECORDED_BUT);
  if (but >= 0) return { recorded: true, text: `recorded, but ${line.slice(but + RECORDED_BUT.length).trim()}` };
  const colon = line.indexOf(': ');
  return { recorded: false, text: (colon >= 0 ? line.slice(colon + 2) : line).trim() };
}

/** Every note of a recording folder, by file name order. */
export function readRecorderNotes(dir: string): RecorderNote[] {
  const notes: RecorderNote[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return notes;
  }
  for (const name of names) {
    const m = NOTE_FILE.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    let text: string | undefined;
    try {
      text = readSmallTextFile(file, 1 << 16);
    } catch {
      continue;
    }
    for (const line of (text ?? '').split('\n')) {
      if (line.trim()) notes.push({ pid: Number(m[1]), file, ...parseNoteLine(line) });
    }
  }
  return notes;
}

/**
 * "gilscope: 1 process was not recorded (WHY); see DIR/errors-123.txt",
 * or undefined when every process that tried was recorded.
 */
export function notRecordedLine(notes: readonly RecorderNote[]): string | undefined {
  const failed = notes.filter((n) => !n.recorded);
  if (failed.length === 0) return undefined;
  const files = [...new Map(failed.map((n) => [n.pid, n.file])).values()];
  const reasons = [...new Set(failed.map((n) => n.text))];
  const where = files.length === 1 ? files[0] : `${files[0]} and ${files.length - 1} more`;
  return `gilscope: ${files.length} process${files.length === 1 ? ' was' : 'es were'} not recorded (${reasons.join('; ')}); see ${where}`;
}

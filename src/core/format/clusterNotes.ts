import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSmallTextFile } from '../files/smallTextFile';

/**
 * What a cluster engine's process said of itself: `cluster-<pid>.json` in
 * its recording folder, written by runtime/python/gilscope/_cluster.py
 * (runtime/FORMAT.md, "A recording"). Unknown fields are ignored; a file
 * that is not a JSON object is skipped (it only names a worker).
 */
export interface ClusterNote {
  /** `ray` or `dask`. */
  readonly engine: string;
  /** Ray: the actor classes and the remote functions the worker ran. */
  readonly actors: readonly string[];
  readonly tasks: readonly string[];
  /** Dask: the worker's name, address and task threads. */
  readonly name: string | null;
  readonly address: string | null;
  readonly threads: number | null;
}

const NOTE_FILE = /^cluster-(\d+)\.json$/;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The notes of one recording folder, by pid. */
export function readClusterNotes(dir: string): Map<number, ClusterNote> {
  const notes = new Map<number, ClusterNote>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return notes;
  }
  for (const name of names) {
    const m = NOTE_FILE.exec(name);
    if (!m) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(readSmallTextFile(join(dir, name), 1 << 16) ?? '');
    } catch {
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) continue;
    const o = raw as Record<string, unknown>;
    if (typeof o['engine'] !== 'string') continue;
    notes.set(Number(m[1]), {
      engine: o['engine'],
      actors: strings(o['actors']),
      tasks: strings(o['tasks']),
      name: typeof o['name'] === 'string' ? o['name'] : null,
      address: typeof o['address'] === 'string' ? o['address'] : null,
      threads: typeof o['threads'] === 'number' ? o['threads'] : null,
    });
  }
  return notes;
}

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listRecording } from './recordingDir';
import type { RecordingFiles } from './recordingDir';

const GSR = /\.gsr$/;

/**
 * A recording, or a cluster's recording: a folder of per-host folders, each a
 * recording of that machine's processes (docs/clusters.md: what
 * `gilscope.ray.runtime_env`, `gilscope.dask.record` and a per-host
 * GILSCOPE_DIR write). `folders` has the one folder of a plain recording, or
 * each host's folder, by name; `hostFolders` says which.
 */
export interface RecordingTree {
  readonly folders: readonly RecordingFiles[];
  readonly hostFolders: boolean;
}

/** The sub-folders of `dir` that hold .gsr files, by name. */
function hostFolders(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.filter((n) => {
    const sub = join(dir, n);
    try {
      return statSync(sub).isDirectory() && readdirSync(sub).some((f) => GSR.test(f));
    } catch {
      return false;
    }
  }).map((n) => join(dir, n));
}

/** Lists a recording (listRecording), or, when the folder has no .gsr file of its own, its per-host folders. */
export function listRecordingTree(path: string): RecordingTree {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // listRecording says it
  }
  if (isDir && !readdirSync(path).some((f) => GSR.test(f))) {
    const hosts = hostFolders(path);
    if (hosts.length > 0) return { folders: hosts.map((h) => listRecording(h)), hostFolders: true };
  }
  return { folders: [listRecording(path)], hostFolders: false };
}

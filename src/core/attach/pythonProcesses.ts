import { readdirSync } from 'node:fs';
import { basename } from 'node:path';

import { checkAttachTarget } from './attachTarget';
import { readCmdline, readMappedFiles, readUids } from './procFiles';
import { findPythonImage } from './pythonImage';

/** A Python process of this user, as a chooser lists it (VS Code's "Attach to Process…"). */
export interface PythonProcess {
  readonly pid: number;
  readonly cmdline: readonly string[];
  /** `3.14.0`, `3.14.0 free-threaded`, or `3.11` when only its file name tells. */
  readonly version: string;
  /** Undefined when gilscope can attach to it; else the one sentence that says why not. */
  readonly refusal: string | undefined;
}

/**
 * This user's running CPython processes, newest first (the highest pids), this one
 * left out; each checked as `gilscope attach` would check it, from /proc, without
 * touching it.
 */
export function listPythonProcesses(): PythonProcess[] {
  const uid = process.geteuid?.();
  const found: PythonProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      if (uid !== undefined && readUids(pid)[1] !== uid) continue;
      if (!readMappedFiles(pid).some((f) => basename(f.path).includes('python'))) continue;
      const python = findPythonImage(pid);
      if (!python) continue;
      const checked = checkAttachTarget(pid);
      found.push({
        pid,
        cmdline: readCmdline(pid),
        version: `${python.versionText}${python.freeThreaded ? ' free-threaded' : ''}`,
        refusal: checked.ok ? undefined : checked.message,
      });
    } catch {
      // gone meanwhile, or not ours to look into
    }
  }
  return found.sort((a, b) => b.pid - a.pid);
}

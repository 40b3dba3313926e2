import { isAbsolute, resolve } from 'node:path';
import type { LoadedRecording } from '../recordings/loadedRecording';

/** A function's time in a recording, summed over its processes. */
export interface FunctionFigures {
  readonly function: string;
  /** 1-based, as Python numbers lines. */
  readonly firstLine: number;
  readonly gilHeldSeconds: number;
  readonly gilWaitSeconds: number;
  readonly releasedSeconds: number;
  /** Part of releasedSeconds: blocked on a contended lock. */
  readonly lockWaitSeconds: number;
}

/** A line's waits in a recording, summed over its processes. */
export interface LineFigures {
  /** 1-based. */
  readonly line: number;
  readonly gilWaitSeconds: number;
  readonly lockWaitSeconds: number;
}

interface FileFigures {
  readonly functions: Map<string, FunctionFigures>;
  readonly lines: Map<number, LineFigures>;
}

/** The absolute path a report's file name stands for, or undefined for `<frozen …>`, `<string>` and site 0. */
export function sourcePath(file: string, cwd: string | undefined): string | undefined {
  if (!file || file.startsWith('<')) return undefined;
  return isAbsolute(file) ? resolve(file) : cwd ? resolve(cwd, file) : undefined;
}

/**
 * The report's per-function and per-line figures indexed by source file,
 * for the lenses and the heat: one pass over the report, then lookups by
 * an editor's path.
 */
export class SourceFigures {
  private readonly files = new Map<string, FileFigures>();
  /** The largest per-line GIL wait and lock wait of the whole recording: the top of the heat scale. */
  readonly maxGilWaitSeconds: number;
  readonly maxLockWaitSeconds: number;

  constructor(recording: LoadedRecording) {
    let maxGil = 0;
    let maxLock = 0;
    for (const process of recording.report.processes) {
      for (const f of process.functions) {
        const path = sourcePath(f.file, recording.cwd);
        if (!path) continue;
        const functions = this.file(path).functions;
        const key = `${f.function}:${f.firstLine}`;
        const before = functions.get(key);
        functions.set(key, {
          function: f.function,
          firstLine: f.firstLine,
          gilHeldSeconds: (before?.gilHeldSeconds ?? 0) + f.gilHeldSeconds,
          gilWaitSeconds: (before?.gilWaitSeconds ?? 0) + f.gilWaitSeconds,
          releasedSeconds: (before?.releasedSeconds ?? 0) + f.releasedSeconds,
          lockWaitSeconds: (before?.lockWaitSeconds ?? 0) + f.lockWaitSeconds,
        });
      }
      for (const l of process.lines) {
        const path = sourcePath(l.file, recording.cwd);
        if (!path) continue;
        const lines = this.file(path).lines;
        const before = lines.get(l.line);
        const figures = {
          line: l.line,
          gilWaitSeconds: (before?.gilWaitSeconds ?? 0) + l.gilWaitSeconds,
          lockWaitSeconds: (before?.lockWaitSeconds ?? 0) + l.lockWaitSeconds,
        };
        lines.set(l.line, figures);
        maxGil = Math.max(maxGil, figures.gilWaitSeconds);
        maxLock = Math.max(maxLock, figures.lockWaitSeconds);
      }
    }
    this.maxGilWaitSeconds = maxGil;
    this.maxLockWaitSeconds = maxLock;
  }

  functionsIn(path: string): readonly FunctionFigures[] {
    return [...(this.files.get(resolve(path))?.functions.values() ?? [])].sort((a, b) => a.firstLine - b.firstLine);
  }

  linesIn(path: string): readonly LineFigures[] {
    return [...(this.files.get(resolve(path))?.lines.values() ?? [])].sort((a, b) => a.line - b.line);
  }

  private file(path: string): FileFigures {
    let f = this.files.get(path);
    if (!f) {
      f = { functions: new Map(), lines: new Map() };
      this.files.set(path, f);
    }
    return f;
  }
}

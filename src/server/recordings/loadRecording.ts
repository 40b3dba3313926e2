import { statSync } from 'node:fs';
import { analyzeRecording } from '../../core/analysis/recordingSession';
import { machineTags, processKey } from '../../core/analysis/processKeys';
import { listRecordingTree } from '../../core/format/recordingTree';
import { buildReport } from '../../core/report/buildReport';
import type { Report } from '../../core/report/schema';
import { figuresByFile } from './fileFigures';
import type { FileFigures } from './fileFigures';
import { threadSites } from './threadSites';
import type { ThreadSites } from './threadSites';

/** A recording directory read once: the JSON report (docs/report-schema.md) split by source file. */
export interface LoadedRecording {
  readonly dir: string;
  readonly report: Report;
  /**
   * When the recorded program started (ms since the epoch): a source file
   * last written before this is the text that ran; one written after may not be.
   */
  readonly startedAtMs: number;
  /** By resolved source path. */
  readonly files: ReadonlyMap<string, FileFigures>;
}

/** The `.gsr` files of a recording, or of a folder of per-host folders (docs/clusters.md), as the analysis reads them. */
function gsrFiles(dir: string): string[] {
  return listRecordingTree(dir).folders.flatMap((f) => f.gsrFiles);
}

/** Reads and analyses a recording directory (or a folder of per-host folders); throws a RecordingError (or an I/O error) when it cannot. */
export function loadRecording(dir: string): LoadedRecording {
  const analysis = analyzeRecording(dir);
  const report = buildReport(analysis);
  const files = gsrFiles(dir);
  const read = files.map((gsr) => threadSites(gsr));
  // Keyed as the analysis keys processes: two machines may hold the same pid.
  const tagOf = machineTags(read.map((r) => r.machine));
  const sites = new Map<string, ThreadSites>(read.map((r) => [processKey(tagOf(r.machine), r.pid), r.sites]));
  const cwd = analysis.session?.cwd;
  return { dir, report, startedAtMs: startedAt(files, analysis.session?.raw, report.wallSeconds), files: figuresByFile(report, cwd, sites) };
}

/** session.json's `startedAt` (seconds), else the first file's last write less the run's length. */
function startedAt(gsrFiles: readonly string[], session: Readonly<Record<string, unknown>> | undefined, wallSeconds: number): number {
  const s = session?.['startedAt'];
  if (typeof s === 'number' && Number.isFinite(s)) return s * 1000;
  const written = Math.min(...gsrFiles.map((f) => statSync(f).mtimeMs));
  return written - wallSeconds * 1000;
}

/** What changes when a recording is rewritten (a new run into the same directory, or one still running). */
export function recordingSignature(dir: string): string {
  try {
    return gsrFiles(dir).map((f) => `${f}:${statSync(f).mtimeMs}:${statSync(f).size}`).join('|');
  } catch (e) {
    return `error:${(e as Error).message}`;
  }
}

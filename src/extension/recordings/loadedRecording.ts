import { version } from '../../../package.json';
import { analyzeRecording } from '../../core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../core/analysis/recordingSession';
import { buildReport } from '../../core/report/buildReport';
import { CellSites } from '../../core/report/cellSites';
import { recordingSummary } from '../../core/report/recordingSummary';
import type { Report } from '../../core/report/schema';
import type { RecordingSummary } from '../../protocol/webviewProtocol';
import { harnessCall, harnessLabel } from '../harness';

export const GENERATOR = `gilscope ${version}`;

/**
 * A recording's analysis and report, with what the editor needs beside them.
 * Its id is its directory (the protocol's `recordingId`).
 */
export class LoadedRecording {
  readonly report: Report;
  private sites: CellSites | undefined | null = null;

  /**
   * @param live true while the workload still runs: newer snapshots follow
   * @param readShare below 1 for the analysis of part of a finished recording (the share of its bytes read: recordingOpener.ts)
   */
  constructor(readonly analysis: RecordingAnalysis, readonly live: boolean, readonly readShare = 1) {
    this.report = buildReport(analysis, GENERATOR);
  }

  get dir(): string {
    return this.analysis.dir;
  }

  /** The workload's working directory, against which the report's relative file names resolve. */
  get cwd(): string | undefined {
    return this.analysis.session?.cwd;
  }

  /** session.json `startedAt`, seconds since the epoch. */
  get startedAtSeconds(): number | null {
    const at = this.analysis.session?.raw['startedAt'];
    return typeof at === 'number' ? at : null;
  }

  /** What the profiling panel lists for it (protocol RecordingSummary; its id is the directory); a harness run is named by its call. */
  summary(): RecordingSummary {
    const summary = recordingSummary(this.report, { id: this.dir, startedAtSeconds: this.startedAtSeconds, state: this.live ? 'recording' : 'finished' });
    const call = harnessCall(this.report.command);
    return call ? { ...summary, label: harnessLabel(call) } : summary;
  }

  /** The Python line behind each heatmap cell: built once, for a whole finished recording only (a live one has no span timeline yet). */
  cellSites(): CellSites | undefined {
    if (this.live || this.readShare < 1) return undefined;
    if (this.sites === null) this.sites = CellSites.forRecording(this.dir, this.analysis);
    return this.sites;
  }
}

/** Reads and analyses a finished recording; throws RecordingError for a directory that holds none. */
export function loadRecording(dir: string): LoadedRecording {
  return new LoadedRecording(analyzeRecording(dir), false);
}

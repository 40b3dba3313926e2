import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../../src/core/analysis/recordingSession';
import { buildReport } from '../../../src/core/report/buildReport';
import { CellSites } from '../../../src/core/report/cellSites';
import { heatmapData, overviewHeatmaps } from '../../../src/core/report/heatmapMessage';
import type { Report } from '../../../src/core/report/schema';
import type { HostToPageMessage, PageToHostMessage, ReportShowMessage } from '../../../src/protocol/webviewProtocol';
import { recordOnce } from '../../support/recordWorkload';
import type { Recorded } from '../../support/recordWorkload';

/** A real recording of a workload, with everything the host would send the report page. */
export interface RecordedReport {
  readonly recorded: Recorded;
  readonly analysis: RecordingAnalysis;
  readonly report: Report;
  readonly sites: CellSites | undefined;
  readonly show: ReportShowMessage;
  /** The host's side: `heatmap/data` for a `heatmap/request`, from the analysis. */
  answer(message: PageToHostMessage): HostToPageMessage | undefined;
}

/** Records `test/workloads/<name>.py` (once per test process) and builds the report and heatmaps with src/core. */
export async function recordedReport(name: string, args: readonly string[] = []): Promise<RecordedReport> {
  const recorded = await recordOnce(name, args);
  const analysis = analyzeRecording(recorded.dir);
  const report = buildReport(analysis);
  const sites = CellSites.forRecording(recorded.dir, analysis);
  const show: ReportShowMessage = {
    type: 'report/show',
    recordingId: recorded.dir,
    report,
    heatmaps: overviewHeatmaps(analysis, sites),
    live: false,
    heatmapRequests: true,
  };
  return {
    recorded,
    analysis,
    report,
    sites,
    show,
    answer: (m) =>
      m.type === 'heatmap/request'
        ? { type: 'heatmap/data', requestId: m.requestId, data: heatmapData(analysis, m.kind, { startSeconds: m.startSeconds, endSeconds: m.endSeconds, columns: m.columns }, sites) }
        : undefined,
  };
}

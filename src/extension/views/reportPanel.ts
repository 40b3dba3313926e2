import * as vscode from 'vscode';
import { heatmapData, overviewHeatmaps } from '../../core/report/heatmapMessage';
import { MAX_HEATMAP_COLUMNS, unhandledMessage } from '../../protocol/webviewProtocol';
import type { HeatmapRequestMessage, HostToReportPageMessage } from '../../protocol/webviewProtocol';
import { Disposable } from '../dispose';
import type { LoadedRecording } from '../recordings/loadedRecording';
import { openSource } from './openSource';
import type { PageConnection } from './pageConnection';
import { openPagePanel } from './pagePanel';

export const REPORT_VIEW_TYPE = 'gilscope.report';

/**
 * The report: one editor-area webview panel showing one recording at a time
 * (webview/report.ts), opened beside the code. A live recording's newer
 * snapshots reach it as `report/update`; the page asks for zoomed heatmap
 * windows and the host answers from the analysis it keeps.
 */
export class ReportPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private connection: PageConnection<HostToReportPageMessage> | undefined;
  private shown: LoadedRecording | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
  }

  /** The recording on the page, if the panel is open. */
  get recording(): LoadedRecording | undefined {
    return this.panel ? this.shown : undefined;
  }

  /** Shows `recording`, opening the panel beside the editor (without taking focus) or bringing it forward. */
  show(recording: LoadedRecording): void {
    const same = this.shown?.dir === recording.dir;
    this.shown = recording;
    if (!this.panel) {
      this.open();
    } else {
      this.panel.title = this.title();
      this.panel.reveal(undefined, true);
      if (same) this.connection?.post(() => this.updateMessage(recording));
      else this.connection?.sendFullState();
    }
  }

  /** A newer snapshot of the shown recording (live); ignored unless the panel shows that recording. */
  update(recording: LoadedRecording): void {
    if (!this.panel || this.shown?.dir !== recording.dir) return;
    this.shown = recording;
    this.connection?.post(() => this.updateMessage(recording));
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }

  private open(): void {
    const { panel, connection } = openPagePanel<HostToReportPageMessage>(this.extensionUri, {
      viewType: REPORT_VIEW_TYPE,
      title: this.title(),
      page: 'report',
      fullState: () => this.fullState(),
      handle: (message) => {
        switch (message.type) {
          case 'source/open':
            void openSource(message.file, message.line, this.shown?.cwd);
            break;
          case 'heatmap/request':
            this.answer(message);
            break;
          case 'recordings/select':
          case 'recordings/record':
          case 'compare/openRecording':
            break; // the other pages' messages: not sent by this page
          default:
            unhandledMessage(message);
        }
      },
      closed: () => {
        this.panel = undefined;
        this.connection = undefined;
      },
    });
    this.panel = panel;
    this.connection = connection;
  }

  private title(): string {
    return this.shown ? `gilscope: ${this.shown.summary().label}` : 'gilscope report';
  }

  private fullState(): HostToReportPageMessage[] {
    const r = this.shown;
    if (!r) return [];
    return [{
      type: 'report/show',
      recordingId: r.dir,
      report: r.report,
      heatmaps: overviewHeatmaps(r.analysis, r.cellSites()),
      live: r.live,
      ...readShare(r),
      heatmapRequests: true,
    }];
  }

  private updateMessage(r: LoadedRecording): HostToReportPageMessage {
    return { type: 'report/update', recordingId: r.dir, report: r.report, heatmaps: overviewHeatmaps(r.analysis, r.cellSites()), live: r.live, ...readShare(r) };
  }

  private answer(request: HeatmapRequestMessage): void {
    const r = this.shown;
    if (!r || !this.connection) return;
    const columns = Math.max(1, Math.min(MAX_HEATMAP_COLUMNS, Math.floor(request.columns)));
    const window = { startSeconds: request.startSeconds, endSeconds: request.endSeconds, columns };
    this.connection.post(() => ({ type: 'heatmap/data', requestId: request.requestId, data: heatmapData(r.analysis, request.kind, window, r.cellSites()) }));
  }
}

/** The protocol's `readShare`: only for a report of part of a recording. */
function readShare(r: LoadedRecording): { readShare?: number } {
  return r.readShare < 1 ? { readShare: r.readShare } : {};
}

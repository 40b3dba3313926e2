import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { CompareResult } from '../../core/compare/types';
import { unhandledMessage } from '../../protocol/webviewProtocol';
import type { CompareOpenRecordingMessage, HostToComparePageMessage } from '../../protocol/webviewProtocol';
import { Disposable } from '../dispose';
import { openSource } from './openSource';
import type { PageConnection } from './pageConnection';
import { openPagePanel } from './pagePanel';

export const COMPARE_VIEW_TYPE = 'gilscope.compare';

/** A comparison as the panel shows it. */
export interface ShownComparison {
  /** Its directory: the protocol's `comparisonId`. */
  readonly id: string;
  /** What was compared, for the tab's title. */
  readonly label: string;
  readonly result: CompareResult;
}

/**
 * The comparison view: one editor-area webview panel (webview/compare.ts)
 * showing one comparison at a time: the speedup chart, the runs, and the
 * suggestions' predictions beside the measurements. A run's recording opens
 * in the report through `openRecording`.
 */
export class ComparePanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private connection: PageConnection<HostToComparePageMessage> | undefined;
  private shown: ShownComparison | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly openRecording: (dir: string) => void,
  ) {
    super();
  }

  /** The comparison on the page, if the panel is open. */
  get comparison(): ShownComparison | undefined {
    return this.panel ? this.shown : undefined;
  }

  /** Shows `comparison`, opening the panel beside the editor or bringing it forward. */
  show(comparison: ShownComparison): void {
    this.shown = comparison;
    if (!this.panel) {
      this.open();
      return;
    }
    this.panel.title = this.title();
    this.panel.reveal(undefined, true);
    this.connection?.sendFullState();
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }

  private open(): void {
    const { panel, connection } = openPagePanel<HostToComparePageMessage>(this.extensionUri, {
      viewType: COMPARE_VIEW_TYPE,
      title: this.title(),
      page: 'compare',
      fullState: () => this.fullState(),
      handle: (message) => {
        switch (message.type) {
          case 'source/open':
            void openSource(message.file, message.line, this.sourceFolder());
            break;
          case 'compare/openRecording':
            this.openRun(message);
            break;
          case 'heatmap/request':
          case 'recordings/select':
          case 'recordings/record':
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
    return this.shown ? `gilscope: compare ${this.shown.label}` : 'gilscope comparison';
  }

  private fullState(): HostToComparePageMessage[] {
    const c = this.shown;
    return c ? [{ type: 'compare/show', comparisonId: c.id, result: c.result }] : [];
  }

  /** Suggestions name the function's file as the driver was given it: absolute, or relative to the target's folder. */
  private sourceFolder(): string | undefined {
    const target = this.shown?.result.target;
    const path = target?.function?.path ?? target?.script?.path;
    return path ? dirname(path) : undefined;
  }

  /** Only a recording of the shown comparison's runs is opened: the page cannot name any other folder. */
  private openRun(message: CompareOpenRecordingMessage): void {
    const c = this.shown;
    if (!c || message.comparisonId !== c.id) return;
    if (c.result.runs.some((r) => r.recording !== null && r.recording === message.recording)) this.openRecording(message.recording);
  }
}

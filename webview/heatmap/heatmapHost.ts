import type { HeatmapKind, ReportSite } from '../../src/protocol/webviewProtocol';
import type { CellInfo } from './cellInfo';
import type { Composed } from './compose';

/** What a heatmap asks of the page that owns the shared time window (report/timeline.ts). */
export interface HeatmapHost {
  /** Zoom by `factor` (< 1 zooms in) keeping the moment at `anchor` (0..1 across the window) in place. */
  zoom(factor: number, anchor: number): void;
  /** Move the window by `fraction` of its width (positive: later). */
  pan(fraction: number): void;
  reset(): void;
  open(site: ReportSite): void;
  describe(kind: HeatmapKind, composed: Composed, row: number, column: number): CellInfo;
}

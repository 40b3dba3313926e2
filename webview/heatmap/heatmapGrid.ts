import { CELL_SCALE } from '../../src/protocol/webviewProtocol';
import type { HeatmapData, HeatmapRowInfo, ReportSite } from '../../src/protocol/webviewProtocol';
import { decodeUint16 } from '../common/base64';

/**
 * One decoded `heatmap/data` matrix: per row and state, the cell-lengths (seconds in
 * the state ÷ the cell's seconds) as running sums, so that the mean over any time
 * range costs O(1): the page resamples windows from it without asking the host.
 */
export class HeatGrid {
  readonly kind: HeatmapData['kind'];
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly columns: number;
  readonly cellSeconds: number;
  readonly rows: readonly HeatmapRowInfo[];
  readonly states: number;
  /** [row][state][0..columns]: sums of cell-lengths up to each column boundary (read by compose.ts). */
  readonly sums: Float64Array;
  private readonly sites: Uint16Array | null;
  private readonly siteTable: readonly ReportSite[];

  constructor(data: HeatmapData) {
    this.kind = data.kind;
    this.startSeconds = data.startSeconds;
    this.endSeconds = data.endSeconds;
    this.columns = Math.max(1, data.columns);
    this.cellSeconds = (data.endSeconds - data.startSeconds) / this.columns;
    this.rows = data.rows;
    this.states = data.scales.length;
    const cells = decodeUint16(data.cells);
    const stride = this.columns + 1;
    this.sums = new Float64Array(this.rows.length * this.states * stride);
    for (let rs = 0; rs < this.rows.length * this.states; rs++) {
      const k = (data.scales[rs % this.states] ?? 1) / CELL_SCALE;
      let acc = 0;
      const from = rs * this.columns;
      const to = rs * stride;
      for (let c = 0; c < this.columns; c++) {
        this.sums[to + c] = acc;
        acc += (cells[from + c] ?? 0) * k;
      }
      this.sums[to + this.columns] = acc;
    }
    this.sites = data.kind === 'threads' && data.sites ? decodeUint16(data.sites) : null;
    this.siteTable = data.kind === 'threads' ? data.siteTable : [];
  }

  /** Column position (fractional) of time `t`, clamped to the grid. */
  position(t: number): number {
    const x = (t - this.startSeconds) / this.cellSeconds;
    return x < 0 ? 0 : x > this.columns ? this.columns : x;
  }

  /** Running sum at fractional column `x` (linear inside a cell). */
  sumAt(row: number, state: number, x: number): number {
    const base = (row * this.states + state) * (this.columns + 1);
    const i = Math.floor(x);
    if (i >= this.columns) return this.sums[base + this.columns]!;
    const a = this.sums[base + i]!;
    return a + (this.sums[base + i + 1]! - a) * (x - i);
  }

  /** Whether [t0, t1] lies inside the grid's window. */
  covers(t0: number, t1: number): boolean {
    const slack = this.cellSeconds * 1e-6;
    return t0 >= this.startSeconds - slack && t1 <= this.endSeconds + slack;
  }

  /** The line of the cell holding time `t`, when known. */
  siteAt(row: number, t: number): ReportSite | undefined {
    if (!this.sites) return undefined;
    const c = Math.min(this.columns - 1, Math.max(0, Math.floor((t - this.startSeconds) / this.cellSeconds)));
    const k = this.sites[row * this.columns + c] ?? 0;
    return k > 0 ? this.siteTable[k - 1] : undefined;
  }

  get hasSites(): boolean {
    return this.sites !== null;
  }
}

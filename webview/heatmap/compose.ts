import type { HeatmapRowInfo, ReportSite } from '../../src/protocol/webviewProtocol';
import type { HeatGrid } from './heatmapGrid';

/** What is drawn: per row, state and column of the visible window, the mean cell-length. */
export interface Composed {
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly columns: number;
  readonly states: number;
  readonly rows: readonly HeatmapRowInfo[];
  /** [row][state][column] */
  readonly values: Float32Array;
  /** The line of a cell, when the grid it came from knows it. */
  siteAt(row: number, column: number): ReportSite | undefined;
  /** Whether any column came from a zoomed-in answer of the host (not the overview). */
  readonly detailed: boolean;
}

/** A grid that answers some columns of the window, with its row index per composed row (−1: not in it). */
interface Span {
  readonly grid: HeatGrid;
  readonly rowMap: Int32Array;
}

function rowMapOf(rows: readonly HeatmapRowInfo[], grid: HeatGrid): Int32Array {
  const index = new Map(grid.rows.map((r, i) => [r.key, i]));
  return Int32Array.from(rows, (r) => index.get(r.key) ?? -1);
}

/**
 * Resamples the visible window, for `rows` (the overview's, or a subset by key), from the overview (the whole recording) and, where it
 * covers the window at a finer cell, the host's latest detail answer. Area-weighted:
 * each output column is the mean over its time span, from the grids' running sums, so
 * the cost is O(rows × states × columns) whatever the zoom.
 */
export function compose(rows: readonly HeatmapRowInfo[], overview: HeatGrid, detail: HeatGrid | undefined, startSeconds: number, endSeconds: number, columns: number, reuse?: Float32Array): Composed {
  const states = overview.states;
  const size = rows.length * states * columns;
  const values = reuse && reuse.length === size ? reuse : new Float32Array(size);
  const w = (endSeconds - startSeconds) / columns;
  const useDetail = detail !== undefined && detail.states === states && detail.cellSeconds < overview.cellSeconds * 0.999;
  const spans: Span[] = [{ grid: overview, rowMap: rows === overview.rows ? Int32Array.from(rows, (_, i) => i) : rowMapOf(rows, overview) }];
  if (useDetail) spans.push({ grid: detail, rowMap: rowMapOf(rows, detail) });
  // Per column: which grid, and where its span starts and ends in that grid's columns.
  const which = new Uint8Array(columns);
  const i0 = new Int32Array(columns);
  const f0 = new Float64Array(columns);
  const i1 = new Int32Array(columns);
  const f1 = new Float64Array(columns);
  const norm = new Float64Array(columns);
  let detailed = false;
  for (let c = 0; c < columns; c++) {
    const t0 = startSeconds + c * w;
    const t1 = t0 + w;
    const k = useDetail && detail.covers(t0, t1) ? 1 : 0;
    if (k === 1) detailed = true;
    const g = spans[k]!.grid;
    const x0 = g.position(t0);
    const x1 = g.position(t1);
    which[c] = k;
    i0[c] = Math.min(Math.floor(x0), g.columns - 1);
    f0[c] = x0 - i0[c]!;
    i1[c] = Math.min(Math.floor(x1), g.columns - 1);
    f1[c] = x1 - i1[c]!;
    norm[c] = w > 0 ? g.cellSeconds / w : 0;
  }
  for (let r = 0; r < rows.length; r++) {
    for (let s = 0; s < states; s++) {
      const out = (r * states + s) * columns;
      for (let c = 0; c < columns; c++) {
        const span = spans[which[c]!]!;
        const gr = span.rowMap[r]!;
        if (gr < 0) {
          values[out + c] = 0;
          continue;
        }
        const g = span.grid;
        const sums = g.sums;
        const base = (gr * g.states + s) * (g.columns + 1);
        const a0 = sums[base + i0[c]!]!;
        const a1 = sums[base + i1[c]!]!;
        const s0 = a0 + (sums[base + i0[c]! + 1]! - a0) * f0[c]!;
        const s1 = a1 + (sums[base + i1[c]! + 1]! - a1) * f1[c]!;
        values[out + c] = (s1 - s0) * norm[c]!;
      }
    }
  }
  return {
    startSeconds,
    endSeconds,
    columns,
    states,
    rows,
    values,
    detailed,
    siteAt(row, column) {
      const span = spans[which[column] ?? 0]!;
      const gr = span.rowMap[row] ?? -1;
      return gr < 0 ? undefined : span.grid.siteAt(gr, startSeconds + (column + 0.5) * w);
    },
  };
}

/** A cell's value from a composition. */
export function cellValue(c: Composed, row: number, state: number, column: number): number {
  return c.values[(row * c.states + state) * c.columns + column] ?? 0;
}

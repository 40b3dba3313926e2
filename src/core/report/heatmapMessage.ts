import type { HeatmapAnswer, HeatmapRow } from '../analysis/heatmap';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import { CELL_SCALE, LOCK_STATES, OVERVIEW_COLUMNS, THREAD_STATES } from '../../protocol/webviewProtocol';
import type { HeatmapKind, HeatmapPair, HeatmapRowInfo, LockHeatmapData, ThreadHeatmapData } from '../../protocol/webviewProtocol';
import type { CellSites } from './cellSites';

/**
 * Turns the analysis's heatmap answers into the protocol's `heatmap/data` payloads
 * (src/protocol/webviewProtocol.ts, HeatmapData): shares of each cell, quantised to
 * Uint16 per state against that state's maximum, base64. The extension host and the
 * CLI's --html writer both use it, so the page sees one format.
 */

export interface HeatmapWindow {
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly columns: number;
}

function base64(values: Uint16Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** Rows × states × columns of cell-lengths, quantised; `scales[s]` is what CELL_SCALE stands for. */
function encodeCells<S extends string>(rows: readonly HeatmapRow<S>[], states: readonly S[], columns: number, cellSeconds: number): { cells: string; scales: number[] } {
  const inv = cellSeconds > 0 ? 1 / cellSeconds : 0;
  const scales = states.map((s) => {
    let max = 1;
    for (const r of rows) for (const v of r.cells[s]) if (v * inv > max) max = v * inv;
    return max;
  });
  const out = new Uint16Array(rows.length * states.length * columns);
  rows.forEach((r, i) => {
    states.forEach((s, j) => {
      const src = r.cells[s];
      const k = CELL_SCALE / scales[j]!;
      const base = (i * states.length + j) * columns;
      // Negative released time at a thread's first or last bin (heatmap.ts) is drawn as 0.
      for (let c = 0; c < columns; c++) out[base + c] = Math.min(CELL_SCALE, Math.max(0, Math.round(src[c]! * inv * k)));
    });
  });
  return { cells: base64(out), scales };
}

/** Row metadata: the Linux thread id or lock id joined from the analysis by key. */
function rowInfos(rows: readonly HeatmapRow<string>[], ids: ReadonlyMap<string, number>): HeatmapRowInfo[] {
  return rows.map((r) => ({ key: r.key, label: r.label, pid: r.pid, id: ids.get(r.key) ?? -1 }));
}

/** Row key → thread tid / lock id, as the analysis builds its keys (snapshotHeatmap.ts). */
export function rowIds(analysis: RecordingAnalysis): Map<string, number> {
  const ids = new Map<string, number>();
  for (const p of analysis.processes) {
    for (const t of p.threads) ids.set(`${p.key}/${t.slot}`, t.tid);
    for (const l of p.locks) ids.set(`${p.key}/lock/${l.id}`, l.id);
  }
  return ids;
}

export function threadHeatmapData(answer: HeatmapAnswer, ids: ReadonlyMap<string, number>, sites?: CellSites): ThreadHeatmapData {
  const columns = answer.threads[0]?.cells.held.length ?? Math.max(1, Math.round((answer.endSeconds - answer.startSeconds) / (answer.cellSeconds || 1)));
  const { cells, scales } = encodeCells(answer.threads, THREAD_STATES, columns, answer.cellSeconds);
  const lines = sites?.query(answer.threads, answer.startSeconds, answer.endSeconds, columns);
  return {
    kind: 'threads',
    startSeconds: answer.startSeconds,
    endSeconds: answer.endSeconds,
    columns,
    rows: rowInfos(answer.threads, ids),
    cells,
    scales,
    sites: lines ? base64(lines.cells) : null,
    siteTable: lines ? lines.table : [],
  };
}

export function lockHeatmapData(answer: HeatmapAnswer, ids: ReadonlyMap<string, number>): LockHeatmapData {
  const columns = answer.locks[0]?.cells.hold.length ?? Math.max(1, Math.round((answer.endSeconds - answer.startSeconds) / (answer.cellSeconds || 1)));
  const { cells, scales } = encodeCells(answer.locks, LOCK_STATES, columns, answer.cellSeconds);
  return { kind: 'locks', startSeconds: answer.startSeconds, endSeconds: answer.endSeconds, columns, rows: rowInfos(answer.locks, ids), cells, scales };
}

/** The answer to a page's `heatmap/request` (one kind) for `analysis`. */
export function heatmapData(analysis: RecordingAnalysis, kind: HeatmapKind, window: HeatmapWindow, sites?: CellSites): ThreadHeatmapData | LockHeatmapData {
  const answer = analysis.heatmap.query({ startSeconds: window.startSeconds, endSeconds: window.endSeconds, width: window.columns });
  return kind === 'threads' ? threadHeatmapData(answer, rowIds(analysis), sites) : lockHeatmapData(answer, rowIds(analysis));
}

/** Both heatmaps over the whole recording: the `heatmaps` of `report/show` and `report/update`. */
export function overviewHeatmaps(analysis: RecordingAnalysis, sites?: CellSites, columns = OVERVIEW_COLUMNS): HeatmapPair {
  const end = analysis.wallSeconds > 0 ? analysis.wallSeconds : 1e-3;
  const answer = analysis.heatmap.query({ startSeconds: 0, endSeconds: end, width: columns });
  const ids = rowIds(analysis);
  return { threads: threadHeatmapData(answer, ids, sites), locks: lockHeatmapData(answer, ids) };
}

import { GAP } from './rowGeometry';

/** A cell to point out: a frame round its row and a line at its column, in `colour`. */
export interface CellMark {
  readonly row: number;
  readonly column: number;
  readonly colour: string;
}

/**
 * Redraws the overlay canvas above a heatmap: clears it, then draws each mark in order
 * (the hover's after the keyboard cursor's, so it is on top). `dpr` is device pixels per
 * CSS pixel of the heatmap canvas, `rowCss` its row height.
 */
export function drawCursorMarks(overlay: HTMLCanvasElement, dpr: number, rowCss: number, marks: readonly CellMark[]): void {
  const ctx = overlay.getContext('2d')!;
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  const rowPx = rowCss * dpr;
  for (const { row, column, colour } of marks) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = Math.max(1, Math.round(dpr));
    const y = Math.round(row * rowPx) + 0.5;
    ctx.strokeRect(0.5, y, overlay.width - 1, Math.round(rowPx - GAP * dpr));
    ctx.fillStyle = colour;
    ctx.fillRect(Math.max(0, column - Math.round(dpr)), 0, Math.max(2, Math.round(2 * dpr)), overlay.height);
  }
}

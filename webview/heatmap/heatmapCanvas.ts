import type { HeatmapKind, HeatmapRowInfo } from '../../src/protocol/webviewProtocol';
import { cssColor } from '../common/color';
import type { Theme } from '../common/theme';
import { drawAxis } from './axis';
import { blitRows } from './blitRows';
import { sizeCanvas } from './canvasSize';
import { cellText } from './cellInfo';
import type { CellInfo } from './cellInfo';
import { compose } from './compose';
import type { Composed } from './compose';
import { drawCursorMarks } from './cursorMarks';
import type { CellMark } from './cursorMarks';
import { heatmapElements } from './heatmapElements';
import type { HeatmapElements } from './heatmapElements';
import type { HeatGrid } from './heatmapGrid';
import type { HeatmapHost } from './heatmapHost';
import { keyAction, PAN_STEP } from './heatmapKeys';
import { overviewQueue } from './lockScale';
import { paintLocks, paintThreads } from './paint';
import { listenPointer } from './pointerInput';
import { AXIS_HEIGHT, GAP, ROW } from './rowGeometry';
import { markCurrentRow, syncRowLabels } from './rowLabels';
import { Tooltip } from './tooltip';

/** ms spent in the steps of one render. */
export interface RenderTimes {
  compose: number;
  paint: number;
  draw: number;
}

export interface HeatmapCanvasOptions {
  readonly kind: HeatmapKind;
  /** Accessible name, e.g. "Threads by time". */
  readonly label: string;
  readonly host: HeatmapHost;
}

/**
 * One heatmap: row labels, time axis, the canvas (rows × time) and an overlay for the
 * hover and keyboard cursor. Wheel or +/- zooms, drag or ←/→ pans, ↑/↓ and Shift+←/→
 * move the keyboard cursor, Enter or a click opens the cell's line (bindings:
 * heatmapKeys.ts, pointerInput.ts). The page's Timeline owns the time window; this draws it.
 */
export class HeatmapCanvas {
  readonly element: HTMLElement;
  private readonly dom: HeatmapElements;
  private readonly tooltip = new Tooltip();
  /** The painted image, one pixel per cell and stripe, before it is stretched to the rows. */
  private readonly offscreen = document.createElement('canvas');
  private image: ImageData | undefined;
  private composed: Composed | undefined;
  private buffer: Float32Array | undefined;
  private theme: Theme | undefined;
  private hover: { row: number; column: number } | undefined;
  private cursor = { row: 0, column: -1 };
  /** The keyboard cursor is shown: the canvas has keyboard focus. */
  private keyboard = false;
  private widthCss = 0;

  constructor(private readonly options: HeatmapCanvasOptions) {
    this.dom = heatmapElements(options.kind, options.label, this.tooltip.element);
    this.element = this.dom.element;
    this.listen();
  }

  /** Device pixels across the plot: the columns to draw and to ask the host for. */
  get columns(): number {
    return Math.max(1, this.dom.canvas.width);
  }

  /** Re-measures the plot; true when its width changed. */
  measure(): boolean {
    const width = Math.max(50, Math.floor(this.dom.plot.clientWidth));
    if (width === this.widthCss) return false;
    this.widthCss = width;
    return true;
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
  }

  /** Composes the window from the grids (for `shown` of the overview's rows, default all), colours it and draws it. */
  render(overview: HeatGrid, detail: HeatGrid | undefined, start: number, end: number, shown: readonly HeatmapRowInfo[] = overview.rows): RenderTimes {
    const theme = this.theme;
    if (!theme) return { compose: 0, paint: 0, draw: 0 };
    const { canvas, overlay, axis } = this.dom;
    const t0 = performance.now();
    if (this.widthCss === 0) this.measure();
    const dpr = window.devicePixelRatio || 1;
    const rows = shown.length;
    const rowCss = ROW[this.options.kind];
    const heightCss = Math.max(rowCss, rows * rowCss);
    const columns = Math.min(4096, Math.max(1, Math.round(this.widthCss * dpr)));
    sizeCanvas(canvas, columns, Math.round(heightCss * dpr), this.widthCss, heightCss);
    sizeCanvas(overlay, columns, Math.round(heightCss * dpr), this.widthCss, heightCss);
    sizeCanvas(axis, columns, Math.round(AXIS_HEIGHT * dpr), this.widthCss, AXIS_HEIGHT);
    const composed = compose(shown, overview, detail, start, end, columns, this.buffer);
    this.buffer = composed.values;
    this.composed = composed;
    const t1 = performance.now();
    const stripes = this.options.kind === 'locks' ? 2 : 1;
    const imageRows = Math.max(1, stripes * rows);
    if (!this.image || this.image.width !== columns || this.image.height !== imageRows) {
      this.image = new ImageData(columns, imageRows);
      this.offscreen.width = columns;
      this.offscreen.height = imageRows;
    }
    if (this.options.kind === 'threads') paintThreads(composed, theme, this.image);
    else paintLocks(composed, theme, this.image, overviewQueue(overview));
    const t2 = performance.now();
    this.offscreen.getContext('2d')!.putImageData(this.image, 0, 0);
    blitRows(canvas, this.offscreen, rows, stripes, rowCss * dpr, GAP * dpr, cssColor(theme.background));
    syncRowLabels(this.dom.labels, shown, this.keyboard ? this.cursor.row : -1);
    drawAxis(axis, start, end, this.widthCss, theme);
    this.drawOverlay();
    return { compose: t1 - t0, paint: t2 - t1, draw: performance.now() - t2 };
  }

  /** After a redraw while the keyboard cursor is shown, refresh what it says. */
  refreshCursor(): void {
    if (this.keyboard) this.announce();
  }

  /** Hover: a frame round the cell's row and a line at its column; keyboard cursor the same, in the focus colour. */
  private drawOverlay(): void {
    const theme = this.theme;
    const c = this.composed;
    const marks: CellMark[] = [];
    if (theme && c) {
      if (this.keyboard && this.cursor.row < c.rows.length && this.cursor.column >= 0) marks.push({ ...this.cursor, colour: cssColor(theme.focus) });
      if (this.hover && this.hover.row < c.rows.length) marks.push({ ...this.hover, colour: cssColor(theme.foreground, 0.55) });
    }
    drawCursorMarks(this.dom.overlay, this.dom.canvas.width / Math.max(1, this.widthCss), ROW[this.options.kind], marks);
  }

  /** The cell under the pointer, with the pointer's place in the plot. */
  private cellAt(event: MouseEvent): { row: number; column: number; x: number; y: number } | undefined {
    const c = this.composed;
    if (!c) return undefined;
    const box = this.dom.canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    const row = Math.floor(y / ROW[this.options.kind]);
    const column = Math.floor((x / Math.max(1, box.width)) * c.columns);
    if (row < 0 || row >= c.rows.length || column < 0 || column >= c.columns) return undefined;
    return { row, column, x, y: y + AXIS_HEIGHT };
  }

  private showTip(row: number, column: number, x: number, y: number, byKeyboard: boolean): CellInfo | undefined {
    const c = this.composed;
    if (!c) return undefined;
    const info = this.options.host.describe(this.options.kind, c, row, column);
    this.tooltip.show(info, x, y, this.dom.plot.getBoundingClientRect(), byKeyboard ? 'Enter opens the line' : 'Click to open the line');
    return info;
  }

  /** Opens the line of a cell, when it has one. */
  private open(row: number, column: number): void {
    const c = this.composed;
    if (!c) return;
    const info = this.options.host.describe(this.options.kind, c, row, column);
    if (info.site) this.options.host.open(info.site);
  }

  private listen(): void {
    const host = this.options.host;
    const canvas = this.dom.canvas;
    listenPointer(canvas, {
      zoom: (factor, anchor) => host.zoom(factor, anchor),
      pan: (fraction) => host.pan(fraction),
      dragging: () => this.tooltip.hide(),
      hover: (e) => {
        const cell = this.cellAt(e);
        this.hover = cell && { row: cell.row, column: cell.column };
        if (cell) this.showTip(cell.row, cell.column, cell.x, cell.y, false);
        else this.tooltip.hide();
        this.drawOverlay();
      },
      click: (e) => {
        const cell = this.cellAt(e);
        if (cell) this.open(cell.row, cell.column);
      },
      leave: () => {
        this.hover = undefined;
        if (!this.keyboard) this.tooltip.hide();
        this.drawOverlay();
      },
    });
    canvas.addEventListener('focus', () => {
      // A click focuses the canvas too; the cursor is for keyboard users.
      if (!canvas.matches(':focus-visible')) return;
      this.keyboard = true;
      const c = this.composed;
      if (c && (this.cursor.column < 0 || this.cursor.column >= c.columns)) this.cursor.column = Math.floor(c.columns / 2);
      this.announce();
    });
    canvas.addEventListener('blur', () => {
      this.keyboard = false;
      this.tooltip.hide();
      this.drawOverlay();
      this.dom.labels.querySelector('.current')?.classList.remove('current');
    });
    canvas.addEventListener('keydown', (e) => this.key(e));
  }

  private key(e: KeyboardEvent): void {
    const host = this.options.host;
    this.keyboard = true;
    const action = keyAction(e.key, e.shiftKey);
    if (!action) return;
    const c = this.composed;
    switch (action.kind) {
      case 'zoom':
        host.zoom(action.factor, c && this.cursor.column >= 0 ? (this.cursor.column + 0.5) / c.columns : 0.5);
        break;
      case 'reset':
        host.reset();
        break;
      case 'pan':
        host.pan(action.direction * PAN_STEP);
        break;
      case 'moveColumn': {
        const step = c ? Math.max(1, Math.round(c.columns / 50)) : 1;
        if (c) this.cursor.column = Math.min(c.columns - 1, Math.max(0, this.cursor.column + action.direction * step));
        else host.pan(action.direction * PAN_STEP);
        break;
      }
      case 'moveRow':
        if (c) this.cursor.row = Math.min(c.rows.length - 1, Math.max(0, this.cursor.row + action.direction));
        break;
      case 'open':
        this.open(this.cursor.row, this.cursor.column);
        break;
      case 'hideTip':
        this.tooltip.hide();
        break;
    }
    e.preventDefault();
    if (action.kind !== 'hideTip') this.announce();
  }

  /** Shows the keyboard cursor's cell in the tooltip and says it to screen readers. */
  private announce(): void {
    const c = this.composed;
    if (!c || c.rows.length === 0) return;
    this.cursor.row = Math.min(this.cursor.row, c.rows.length - 1);
    const x = ((this.cursor.column + 0.5) / c.columns) * this.widthCss;
    const y = AXIS_HEIGHT + (this.cursor.row + 1) * ROW[this.options.kind];
    const info = this.showTip(this.cursor.row, this.cursor.column, x, y, true);
    if (info) this.dom.live.textContent = cellText(info);
    this.drawOverlay();
    markCurrentRow(this.dom.labels, this.cursor.row);
  }
}

import type { HeatmapKind, HeatmapRowInfo, ReportSite } from '../../src/protocol/webviewProtocol';
import { cssColor } from '../common/color';
import { el } from '../common/dom';
import type { Theme } from '../common/theme';
import { drawAxis } from './axis';
import { cellText } from './cellInfo';
import type { CellInfo } from './cellInfo';
import { compose } from './compose';
import type { Composed } from './compose';
import type { HeatGrid } from './heatmapGrid';
import { paintLocks, paintThreads } from './paint';
import { Tooltip } from './tooltip';

/** What a heatmap asks of the page that owns the shared time window. */
export interface HeatmapHost {
  /** Zoom by `factor` (< 1 zooms in) keeping the moment at `anchor` (0..1 across the window) in place. */
  zoom(factor: number, anchor: number): void;
  /** Move the window by `fraction` of its width (positive: later). */
  pan(fraction: number): void;
  reset(): void;
  open(site: ReportSite): void;
  describe(kind: HeatmapKind, composed: Composed, row: number, column: number): CellInfo;
}

/** ms spent in the steps of one render. */
export interface RenderTimes {
  compose: number;
  paint: number;
  draw: number;
}

const AXIS_HEIGHT = 22;
/** CSS pixels per row, and the gap under it. */
const ROW = { threads: 16, locks: 20 } as const;
const GAP = 2;
/** Pixels a press may move and still count as a click. */
const CLICK_SLOP = 4;

export interface HeatmapCanvasOptions {
  readonly kind: HeatmapKind;
  /** Accessible name, e.g. "Threads by time". */
  readonly label: string;
  readonly host: HeatmapHost;
}

/**
 * One heatmap: row labels, time axis, the canvas (rows × time) and an overlay for the
 * hover and keyboard cursor. Wheel or +/- zooms, drag or ←/→ pans, ↑/↓ and Shift+←/→
 * move the keyboard cursor, Enter or a click opens the cell's line.
 */
export class HeatmapCanvas {
  readonly element: HTMLElement;
  private readonly labels: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly axis: HTMLCanvasElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly overlay: HTMLCanvasElement;
  private readonly live: HTMLElement;
  private readonly tooltip = new Tooltip();
  private readonly offscreen = document.createElement('canvas');
  private image: ImageData | undefined;
  private composed: Composed | undefined;
  private buffer: Float32Array | undefined;
  private theme: Theme | undefined;
  private hover: { row: number; column: number } | undefined;
  private cursor = { row: 0, column: -1 };
  private keyboard = false;
  private drag: { x: number; last: number; moved: boolean } | undefined;
  private widthCss = 0;

  constructor(private readonly options: HeatmapCanvasOptions) {
    const id = `heatmap-${options.kind}`;
    this.labels = el('div', { class: 'heatmap-labels', 'aria-hidden': 'true' });
    this.axis = el('canvas', { class: 'heatmap-axis', 'aria-hidden': 'true' });
    this.canvas = el('canvas', {
      class: 'heatmap-canvas',
      tabindex: 0,
      role: 'application',
      'aria-roledescription': 'heatmap',
      'aria-label': options.label,
      'aria-describedby': `${id}-help ${id}-live`,
    });
    this.overlay = el('canvas', { class: 'heatmap-overlay', 'aria-hidden': 'true' });
    this.live = el('div', { class: 'visually-hidden', id: `${id}-live`, 'aria-live': 'polite' });
    const help = el(
      'div',
      { class: 'visually-hidden', id: `${id}-help` },
      'Plus and minus zoom, left and right arrows pan, up and down arrows choose a row, Shift with left and right arrows moves along the row, Home shows the whole recording, Enter opens the line of the cell.',
    );
    this.plot = el('div', { class: 'heatmap-plot' }, this.axis, el('div', { class: 'heatmap-stack' }, this.canvas, this.overlay), this.tooltip.element);
    this.element = el('div', { class: `heatmap heatmap-${options.kind}` }, el('div', { class: 'heatmap-corner' }), this.labels, this.plot, help, this.live);
    this.listen();
  }

  /** Device pixels across the plot: the columns to draw and to ask the host for. */
  get columns(): number {
    return Math.max(1, this.canvas.width);
  }

  /** Re-measures the plot; true when its width changed. */
  measure(): boolean {
    const width = Math.max(50, Math.floor(this.plot.clientWidth));
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
    const t0 = performance.now();
    if (this.widthCss === 0) this.measure();
    const dpr = window.devicePixelRatio || 1;
    const rows = shown.length;
    const rowCss = ROW[this.options.kind];
    const heightCss = Math.max(rowCss, rows * rowCss);
    const columns = Math.min(4096, Math.max(1, Math.round(this.widthCss * dpr)));
    this.size(this.canvas, columns, Math.round(heightCss * dpr), heightCss);
    this.size(this.overlay, columns, Math.round(heightCss * dpr), heightCss);
    this.size(this.axis, columns, Math.round(AXIS_HEIGHT * dpr), AXIS_HEIGHT);
    const composed = compose(shown, overview, detail, start, end, columns, this.buffer);
    this.buffer = composed.values;
    this.composed = composed;
    const t1 = performance.now();
    const imageRows = this.options.kind === 'locks' ? 2 * rows : rows;
    if (!this.image || this.image.width !== columns || this.image.height !== Math.max(1, imageRows)) {
      this.image = new ImageData(columns, Math.max(1, imageRows));
      this.offscreen.width = columns;
      this.offscreen.height = Math.max(1, imageRows);
    }
    if (this.options.kind === 'threads') paintThreads(composed, theme, this.image);
    else paintLocks(composed, theme, this.image, overviewQueue(overview));
    const t2 = performance.now();
    this.offscreen.getContext('2d')!.putImageData(this.image, 0, 0);
    this.blit(rows, rowCss * dpr, GAP * dpr);
    this.syncLabels(shown);
    drawAxis(this.axis, start, end, this.widthCss, theme);
    this.drawOverlay();
    return { compose: t1 - t0, paint: t2 - t1, draw: performance.now() - t2 };
  }

  private size(canvas: HTMLCanvasElement, width: number, height: number, heightCss: number): void {
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const w = `${this.widthCss}px`;
    const h = `${heightCss}px`;
    if (canvas.style.width !== w) canvas.style.width = w;
    if (canvas.style.height !== h) canvas.style.height = h;
  }

  private blit(rows: number, rowPx: number, gapPx: number): void {
    const ctx = this.canvas.getContext('2d', { alpha: false })!;
    const theme = this.theme!;
    ctx.imageSmoothingEnabled = false;
    ctx.fillStyle = cssColor(theme.background);
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    const w = this.canvas.width;
    const stripes = this.options.kind === 'locks' ? 2 : 1;
    const h = Math.max(1, Math.round((rowPx - gapPx) / stripes));
    for (let r = 0; r < rows; r++) {
      for (let s = 0; s < stripes; s++) {
        ctx.drawImage(this.offscreen, 0, r * stripes + s, w, 1, 0, Math.round(r * rowPx) + s * h, w, h);
      }
    }
  }

  private syncLabels(rows: readonly HeatmapRowInfo[]): void {
    const pids = new Set(rows.map((r) => r.pid));
    const labels = rows.map((r) => (pids.size > 1 ? `${r.label} · ${r.pid}` : r.label));
    const kids = this.labels.children;
    for (let i = 0; i < labels.length; i++) {
      let node = kids[i] as HTMLElement | undefined;
      if (!node) {
        node = el('div', { class: 'heatmap-label' });
        this.labels.append(node);
      }
      if (node.textContent !== labels[i]) {
        node.textContent = labels[i]!;
        node.title = labels[i]!;
      }
      node.classList.toggle('current', this.keyboard && i === this.cursor.row);
    }
    while (kids.length > labels.length) kids[kids.length - 1]!.remove();
  }

  /** Hover: a frame round the cell's row and a line at its column; keyboard cursor the same, in the focus colour. */
  private drawOverlay(): void {
    const ctx = this.overlay.getContext('2d')!;
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    const theme = this.theme;
    const c = this.composed;
    if (!theme || !c) return;
    const dpr = this.canvas.width / Math.max(1, this.widthCss);
    const rowPx = ROW[this.options.kind] * dpr;
    const mark = (row: number, column: number, colour: string): void => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = Math.max(1, Math.round(dpr));
      const y = Math.round(row * rowPx) + 0.5;
      ctx.strokeRect(0.5, y, this.overlay.width - 1, Math.round(rowPx - GAP * dpr));
      ctx.fillStyle = colour;
      ctx.fillRect(Math.max(0, column - Math.round(dpr)), 0, Math.max(2, Math.round(2 * dpr)), this.overlay.height);
    };
    if (this.keyboard && this.cursor.row < c.rows.length && this.cursor.column >= 0) mark(this.cursor.row, this.cursor.column, cssColor(theme.focus));
    if (this.hover && this.hover.row < c.rows.length) mark(this.hover.row, this.hover.column, cssColor(theme.foreground, 0.55));
  }

  private cellAt(event: MouseEvent): { row: number; column: number; x: number; y: number } | undefined {
    const c = this.composed;
    if (!c) return undefined;
    const box = this.canvas.getBoundingClientRect();
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
    this.tooltip.show(info, x, y, this.plot.getBoundingClientRect(), byKeyboard ? 'Enter opens the line' : 'Click to open the line');
    return info;
  }

  private listen(): void {
    const host = this.options.host;
    const canvas = this.canvas;
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const box = canvas.getBoundingClientRect();
        const anchor = (e.clientX - box.left) / Math.max(1, box.width);
        const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
        if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) host.pan((e.shiftKey ? delta : e.deltaX) / Math.max(1, box.width));
        else host.zoom(Math.exp(delta * 0.0025), anchor);
      },
      { passive: false },
    );
    canvas.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      this.drag = { x: e.clientX, last: e.clientX, moved: false };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      const d = this.drag;
      if (d) {
        if (Math.abs(e.clientX - d.x) > CLICK_SLOP) d.moved = true;
        if (d.moved) {
          host.pan(-(e.clientX - d.last) / Math.max(1, canvas.getBoundingClientRect().width));
          d.last = e.clientX;
          canvas.classList.add('dragging');
          this.tooltip.hide();
          return;
        }
      }
      const cell = this.cellAt(e);
      this.hover = cell && { row: cell.row, column: cell.column };
      if (cell) this.showTip(cell.row, cell.column, cell.x, cell.y, false);
      else this.tooltip.hide();
      this.drawOverlay();
    });
    canvas.addEventListener('pointerup', (e) => {
      const d = this.drag;
      this.drag = undefined;
      canvas.classList.remove('dragging');
      if (!d || d.moved) return;
      const cell = this.cellAt(e);
      if (!cell || !this.composed) return;
      const info = host.describe(this.options.kind, this.composed, cell.row, cell.column);
      if (info.site) host.open(info.site);
    });
    canvas.addEventListener('pointerleave', () => {
      this.hover = undefined;
      if (!this.keyboard) this.tooltip.hide();
      this.drawOverlay();
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
      this.labels.querySelector('.current')?.classList.remove('current');
    });
    canvas.addEventListener('keydown', (e) => this.key(e));
  }

  private key(e: KeyboardEvent): void {
    const host = this.options.host;
    this.keyboard = true;
    const c = this.composed;
    const anchor = c && this.cursor.column >= 0 ? (this.cursor.column + 0.5) / c.columns : 0.5;
    const step = c ? Math.max(1, Math.round(c.columns / 50)) : 1;
    let handled = true;
    switch (e.key) {
      case '+':
      case '=':
        host.zoom(1 / 1.5, anchor);
        break;
      case '-':
      case '_':
        host.zoom(1.5, anchor);
        break;
      case 'Home':
      case '0':
        host.reset();
        break;
      case 'ArrowLeft':
      case 'ArrowRight': {
        const sign = e.key === 'ArrowLeft' ? -1 : 1;
        if (e.shiftKey && c) this.cursor.column = Math.min(c.columns - 1, Math.max(0, this.cursor.column + sign * step));
        else host.pan(sign * 0.1);
        break;
      }
      case 'ArrowUp':
      case 'ArrowDown':
        if (c) this.cursor.row = Math.min(c.rows.length - 1, Math.max(0, this.cursor.row + (e.key === 'ArrowUp' ? -1 : 1)));
        break;
      case 'Enter':
      case ' ': {
        if (!c) break;
        const info = host.describe(this.options.kind, c, this.cursor.row, this.cursor.column);
        if (info.site) host.open(info.site);
        break;
      }
      case 'Escape':
        this.tooltip.hide();
        break;
      default:
        handled = false;
    }
    if (!handled) return;
    e.preventDefault();
    if (e.key !== 'Escape') this.announce();
  }

  /** Shows the keyboard cursor's cell in the tooltip and says it to screen readers. */
  private announce(): void {
    const c = this.composed;
    if (!c || c.rows.length === 0) return;
    this.cursor.row = Math.min(this.cursor.row, c.rows.length - 1);
    const x = ((this.cursor.column + 0.5) / c.columns) * this.widthCss;
    const y = AXIS_HEIGHT + (this.cursor.row + 1) * ROW[this.options.kind];
    const info = this.showTip(this.cursor.row, this.cursor.column, x, y, true);
    if (info) this.live.textContent = cellText(info);
    this.drawOverlay();
    const kids = this.labels.children;
    for (let i = 0; i < kids.length; i++) kids[i]!.classList.toggle('current', i === this.cursor.row);
  }

  /** After a redraw while the keyboard cursor is shown, refresh what it says. */
  refreshCursor(): void {
    if (this.keyboard) this.announce();
  }
}

const queues = new WeakMap<HeatGrid, number>();

/** The largest mean queue of any lock in the overview (at least 1): the lock rows' full colour. */
function overviewQueue(grid: HeatGrid): number {
  const known = queues.get(grid);
  if (known !== undefined) return known;
  let max = 1;
  for (let r = 0; r < grid.rows.length; r++) {
    const base = (r * grid.states + 1) * (grid.columns + 1);
    for (let c = 0; c < grid.columns; c++) {
      const v = grid.sums[base + c + 1]! - grid.sums[base + c]!;
      if (v > max) max = v;
    }
  }
  queues.set(grid, max);
  return max;
}

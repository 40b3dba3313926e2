import { MAX_HEATMAP_COLUMNS } from '../../src/protocol/webviewProtocol';
import type { HeatmapDataMessage, HeatmapKind, HeatmapPair, HeatmapRequestMessage, ReportSite } from '../../src/protocol/webviewProtocol';
import type { Theme } from '../common/theme';
import type { CellInfo } from '../heatmap/cellInfo';
import type { Composed } from '../heatmap/compose';
import { HeatmapCanvas } from '../heatmap/heatmapCanvas';
import type { HeatmapHost } from '../heatmap/heatmapHost';
import { HeatGrid } from '../heatmap/heatmapGrid';
import { metrics } from './metrics';
import type { TimeWindow } from './timeWindow';

export interface TimelineOptions {
  readonly post: (message: HeatmapRequestMessage) => void;
  readonly open: (site: ReportSite) => void;
  readonly describe: (kind: HeatmapKind, composed: Composed, row: number, column: number) => CellInfo;
  /** The window changed (zoom, pan, live end): for the toolbar and the saved state. */
  readonly windowChanged: (window: TimeWindow, whole: boolean) => void;
}

/** Waits this long after the last zoom or pan before asking the host for the window's cells. */
const REQUEST_DELAY_MS = 60;

/**
 * The shared time window of the two heatmaps (threads × time, locks × time): zoom and
 * pan redraw at once from the data at hand (the overview and the host's last answer),
 * then the host is asked for the new window at the canvas's width. Redraws are
 * coalesced to one per frame and timed (metrics.lastRedrawMs).
 */
export class Timeline implements HeatmapHost {
  readonly threads: HeatmapCanvas;
  readonly locks: HeatmapCanvas;
  private overview: { threads: HeatGrid; locks: HeatGrid } | undefined;
  private detail: { threads?: HeatGrid; locks?: HeatGrid } = {};
  private window: TimeWindow = { start: 0, end: 1 };
  private total = 1;
  private requests = false;
  private follow = true;
  private nextRequestId = 1;
  private readonly latest: Record<HeatmapKind, number> = { threads: 0, locks: 0 };
  private requestTimer: ReturnType<typeof setTimeout> | undefined;
  private frame = 0;
  private theme: Theme | undefined;
  /** Lock rows to draw (by key); all when undefined. */
  private lockKeys: ReadonlySet<string> | undefined;

  constructor(private readonly options: TimelineOptions) {
    this.threads = new HeatmapCanvas({ kind: 'threads', label: 'Threads by time: what each thread did with the GIL', host: this });
    this.locks = new HeatmapCanvas({ kind: 'locks', label: 'Locks by time: how long each lock was held and waited for', host: this });
    new ResizeObserver(() => {
      const a = this.threads.measure();
      const b = this.locks.measure();
      if (a || b) {
        this.redrawNow();
        this.requestSoon();
      }
    }).observe(this.threads.element);
  }

  get currentWindow(): TimeWindow {
    return this.window;
  }

  get whole(): boolean {
    return this.window.start <= 0 && this.window.end >= this.total;
  }

  get following(): boolean {
    return this.follow;
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.threads.setTheme(theme);
    this.locks.setTheme(theme);
    if (this.overview) this.redrawNow();
  }

  /**
   * New data for the whole recording. `keep`: the window to show (a restored state, or
   * the current one on a live update), else the whole recording.
   */
  setData(heatmaps: HeatmapPair, total: number, requests: boolean, keep: TimeWindow | undefined): void {
    const first = this.overview === undefined;
    const wasWhole = !first && this.whole;
    const before = this.total;
    this.overview = { threads: new HeatGrid(heatmaps.threads), locks: new HeatGrid(heatmaps.locks) };
    this.total = Math.max(total, 1e-6);
    this.requests = requests;
    if (!keep || wasWhole) this.window = { start: 0, end: this.total };
    else if (first) this.window = this.clamp(keep.start, keep.end);
    else if (this.follow && keep.end >= before - 1e-9 && this.total > before) {
      // Following a live recording's end: slide the window along with it.
      const span = keep.end - keep.start;
      this.window = { start: Math.max(0, this.total - span), end: this.total };
    } else this.window = this.clamp(keep.start, keep.end);
    this.changed();
    this.redrawNow();
    // The overview may be coarser than the canvas, and a live update makes the last answer stale.
    if (!this.whole || this.threads.columns > this.overview.threads.columns) this.requestSoon();
  }

  /** Another recording: forget the host's answers for the last one, and any still on their way. */
  forgetDetail(): void {
    this.detail = {};
    this.latest.threads = -1;
    this.latest.locks = -1;
  }

  /** Draw only these lock rows (keys), or all of them. */
  showLocks(keys: ReadonlySet<string> | undefined): void {
    this.lockKeys = keys;
    if (this.overview) this.redrawNow();
  }

  setFollow(follow: boolean): void {
    this.follow = follow;
  }

  /** A `heatmap/data` answer: kept if it answers the latest request of its kind. */
  accept(message: HeatmapDataMessage): void {
    const kind = message.data.kind;
    if (message.requestId !== this.latest[kind]) return;
    this.detail[kind] = new HeatGrid(message.data);
    metrics.detailAnswers++;
    this.schedule();
  }

  zoom(factor: number, anchor: number): void {
    const { start, end } = this.window;
    const span = end - start;
    const minSpan = Math.max(1e-5, this.total * 1e-6);
    const next = Math.min(this.total, Math.max(minSpan, span * factor));
    const at = start + span * Math.min(1, Math.max(0, anchor));
    const ratio = next / span;
    this.window = this.clamp(at - (at - start) * ratio, at + (end - at) * ratio);
    this.moved();
  }

  pan(fraction: number): void {
    const span = this.window.end - this.window.start;
    const start = Math.min(this.total - span, Math.max(0, this.window.start + fraction * span));
    this.window = { start, end: start + span };
    this.moved();
  }

  reset(): void {
    this.window = { start: 0, end: this.total };
    this.moved();
  }

  open(site: ReportSite): void {
    this.options.open(site);
  }

  describe(kind: HeatmapKind, composed: Composed, row: number, column: number): CellInfo {
    return this.options.describe(kind, composed, row, column);
  }

  private clamp(start: number, end: number): TimeWindow {
    const span = Math.min(this.total, Math.max(end - start, 1e-9));
    const s = Math.min(this.total - span, Math.max(0, start));
    return { start: s, end: s + span };
  }

  private moved(): void {
    this.changed();
    this.schedule();
    this.requestSoon();
  }

  private changed(): void {
    this.options.windowChanged(this.window, this.whole);
  }

  /** One redraw at the next frame, however many moves come before it. */
  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.redrawNow();
    });
  }

  redrawNow(): void {
    const o = this.overview;
    if (!o || !this.theme) return;
    const t0 = performance.now();
    const { start, end } = this.window;
    const a = this.threads.render(o.threads, this.detail.threads, start, end);
    const keys = this.lockKeys;
    const b = this.locks.render(o.locks, this.detail.locks, start, end, keys ? o.locks.rows.filter((r) => keys.has(r.key)) : o.locks.rows);
    const ms = performance.now() - t0;
    metrics.lastSteps = { compose: a.compose + b.compose, paint: a.paint + b.paint, draw: a.draw + b.draw };
    metrics.lastRedrawMs = ms;
    metrics.maxRedrawMs = Math.max(metrics.maxRedrawMs, ms);
    metrics.redraws++;
    metrics.window = { start, end };
    this.threads.refreshCursor();
    this.locks.refreshCursor();
  }

  /** Asks the host for the window's cells once the user stops moving it. */
  requestSoon(): void {
    if (!this.requests) return;
    clearTimeout(this.requestTimer);
    this.requestTimer = setTimeout(() => {
      const { start, end } = this.window;
      for (const [kind, canvas] of [['threads', this.threads], ['locks', this.locks]] as const) {
        const requestId = this.nextRequestId++;
        this.latest[kind] = requestId;
        this.options.post({ type: 'heatmap/request', requestId, kind, startSeconds: start, endSeconds: end, columns: Math.min(MAX_HEATMAP_COLUMNS, canvas.columns) });
      }
    }, REQUEST_DELAY_MS);
  }
}

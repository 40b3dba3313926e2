import type { TimeWindow } from './timeWindow';

/**
 * Timings of the report page, for the browser tests and the benchmark
 * (bench/webviewPaint.mjs): read from `window.gilscopeMetrics`. Also recorded as
 * Performance API measures (`gilscope:first-paint`).
 */
export interface PageMetrics {
  /** ms of the last heatmap redraw (compose, colour and draw both heatmaps). */
  lastRedrawMs: number;
  maxRedrawMs: number;
  /** The last redraw's ms by step: resampling the window, colouring it, drawing to the canvases. */
  lastSteps: { compose: number; paint: number; draw: number };
  redraws: number;
  /** ms from receiving `report/show` to the first frame with everything drawn; −1 before. */
  firstPaintMs: number;
  /** `performance.now()` when that frame came; −1 before. */
  firstPaintAt: number;
  /** `heatmap/data` answers used. */
  detailAnswers: number;
  /** `report/update`s drawn (those that came between two frames are drawn once). */
  updatesDrawn: number;
  /** Messages handled, by type. */
  messages: Record<string, number>;
  /** The window drawn last, seconds. */
  window: TimeWindow;
}

export const metrics: PageMetrics = {
  lastRedrawMs: -1,
  maxRedrawMs: 0,
  lastSteps: { compose: 0, paint: 0, draw: 0 },
  redraws: 0,
  firstPaintMs: -1,
  firstPaintAt: -1,
  detailAnswers: 0,
  updatesDrawn: 0,
  messages: {},
  window: { start: 0, end: 0 },
};

declare global {
  interface Window {
    gilscopeMetrics?: PageMetrics;
  }
}

window.gilscopeMetrics = metrics;

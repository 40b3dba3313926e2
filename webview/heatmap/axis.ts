import { cssColor } from '../common/color';
import { formatTime } from '../common/format';
import type { Theme } from '../common/theme';

/** A round step (1, 2 or 5 × 10^k seconds) giving about one tick per `pixelsPerTick`. */
export function tickStep(spanSeconds: number, widthCss: number, pixelsPerTick = 110): number {
  const raw = spanSeconds / Math.max(1, widthCss / pixelsPerTick);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Draws the time axis of the window [start, end] across `canvas` (CSS width `widthCss`). */
export function drawAxis(canvas: HTMLCanvasElement, start: number, end: number, widthCss: number, theme: Theme): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const dpr = canvas.width / Math.max(1, widthCss);
  const height = canvas.height / dpr;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, widthCss, height);
  const span = end - start;
  if (!(span > 0)) return;
  const step = tickStep(span, widthCss);
  ctx.font = `${Math.round(theme.fontSize * 0.85)}px ${theme.fontFamily}`;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = cssColor(theme.muted);
  ctx.strokeStyle = cssColor(theme.grid);
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, height - 0.5);
  ctx.lineTo(widthCss, height - 0.5);
  const first = Math.ceil(start / step - 1e-9) * step;
  for (let t = first; t <= end + step * 1e-9; t += step) {
    const x = Math.round(((t - start) / span) * widthCss) + 0.5;
    ctx.moveTo(x, height - 5);
    ctx.lineTo(x, height);
    const label = formatTime(Math.abs(t) < step * 1e-6 ? 0 : t, step);
    const w = ctx.measureText(label).width;
    const lx = Math.min(Math.max(x - w / 2, 0), widthCss - w);
    ctx.fillText(label, lx, (height - 5) / 2);
  }
  ctx.stroke();
}

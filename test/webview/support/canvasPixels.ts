import type { Page } from 'playwright-core';
import type { PageGlobals } from './pageGlobals';

export type Rgb = readonly [number, number, number];

/** Per row of a heatmap: its label and the pixels across the middle line of the row. */
export interface HeatmapPixels {
  readonly labels: string[];
  readonly width: number;
  readonly rows: Rgb[][];
}

/** Reads the heatmap canvas of `kind` back: the pixels across the middle of each row. */
export async function heatmapPixels(page: Page, kind: 'threads' | 'locks'): Promise<HeatmapPixels> {
  const raw = await page.evaluate((k) => {
    const d = (globalThis as unknown as PageGlobals).document;
    const canvas = d.querySelector(`.heatmap-${k} canvas.heatmap-canvas`);
    const labels: string[] = [...d.querySelectorAll(`.heatmap-${k} .heatmap-label`)].map((e: { textContent: string }) => e.textContent);
    const rowCss = k === 'threads' ? 16 : 20;
    const dpr = canvas.width / parseFloat(canvas.style.width);
    const data: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const rows = labels.map((_, r) => {
      // Threads: the row's middle; locks: the upper (hold) stripe's middle.
      const y = Math.floor((r * rowCss + (k === 'threads' ? 7 : 4)) * dpr);
      return Array.from(data.subarray(y * canvas.width * 4, (y + 1) * canvas.width * 4));
    });
    return { labels, width: canvas.width as number, rows };
  }, kind);
  return {
    labels: raw.labels,
    width: raw.width,
    rows: raw.rows.map((flat) => Array.from({ length: raw.width }, (_, x): Rgb => [flat[4 * x]!, flat[4 * x + 1]!, flat[4 * x + 2]!])),
  };
}

/** The theme's colours as the page reads them (--vscode-* on the body). */
export async function themeColours(page: Page, names: readonly string[]): Promise<Record<string, Rgb>> {
  const values = await page.evaluate((ns) => {
    const g = globalThis as unknown as PageGlobals;
    const style = g.getComputedStyle(g.document.body);
    return ns.map((n) => style.getPropertyValue(`--vscode-${n}`).trim());
  }, names);
  const out: Record<string, Rgb> = {};
  names.forEach((n, i) => {
    const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(values[i]!);
    if (!m) throw new Error(`--vscode-${n} is ${values[i]}, not #rrggbb`);
    out[n] = [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
  });
  return out;
}

export function distance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** The name of the palette colour nearest to `c`. */
export function nearest(c: Rgb, palette: Readonly<Record<string, Rgb>>): string {
  let best = '';
  let d = Infinity;
  for (const [name, p] of Object.entries(palette)) {
    const x = distance(c, p);
    if (x < d) {
      d = x;
      best = name;
    }
  }
  return best;
}

export function mean(pixels: readonly Rgb[]): Rgb {
  const s = [0, 0, 0];
  for (const p of pixels) for (let i = 0; i < 3; i++) s[i] = s[i]! + p[i]!;
  const n = Math.max(1, pixels.length);
  return [s[0]! / n, s[1]! / n, s[2]! / n];
}

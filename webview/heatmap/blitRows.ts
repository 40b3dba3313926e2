/**
 * Stretches the painted image (one pixel per cell and stripe: heatmap/paint.ts) onto the
 * visible canvas: each image row becomes one stripe of its heatmap row, `stripes` to a row
 * (locks: hold above, queue below), leaving `gapPx` empty under each row.
 */
export function blitRows(canvas: HTMLCanvasElement, image: CanvasImageSource, rows: number, stripes: number, rowPx: number, gapPx: number, background: string): void {
  const ctx = canvas.getContext('2d', { alpha: false })!;
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const w = canvas.width;
  const h = Math.max(1, Math.round((rowPx - gapPx) / stripes));
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < stripes; s++) {
      ctx.drawImage(image, 0, r * stripes + s, w, 1, 0, Math.round(r * rowPx) + s * h, w, h);
    }
  }
}

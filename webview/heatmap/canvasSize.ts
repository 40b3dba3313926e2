/**
 * Sizes a canvas's pixels and its CSS box, writing only what changed: each write clears the
 * canvas or lays out the page again, and a heatmap is redrawn at every frame of a zoom.
 */
export function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number, widthCss: number, heightCss: number): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const w = `${widthCss}px`;
  const h = `${heightCss}px`;
  if (canvas.style.width !== w) canvas.style.width = w;
  if (canvas.style.height !== h) canvas.style.height = h;
}

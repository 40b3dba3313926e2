/** What the pointer asks of a heatmap (heatmapCanvas.ts). */
export interface PointerHandlers {
  /** Zoom by `factor` around `anchor` (0..1 across the canvas). */
  zoom(factor: number, anchor: number): void;
  /** Move the window by `fraction` of its width. */
  pan(fraction: number): void;
  /** A drag started moving the window. */
  dragging(): void;
  /** The pointer moved over the canvas without dragging. */
  hover(event: PointerEvent): void;
  /** A press and release in place: a click. */
  click(event: PointerEvent): void;
  leave(): void;
}

/** Pixels a press may move and still count as a click. */
const CLICK_SLOP = 4;

/**
 * Wires a heatmap canvas to the pointer: the wheel zooms (Shift+wheel, or a sideways
 * scroll, pans), a drag pans, a move hovers, a press and release in place clicks.
 */
export function listenPointer(canvas: HTMLCanvasElement, to: PointerHandlers): void {
  let drag: { x: number; last: number; moved: boolean } | undefined;
  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const box = canvas.getBoundingClientRect();
      const anchor = (e.clientX - box.left) / Math.max(1, box.width);
      // deltaMode 1 counts lines (Firefox with a mouse wheel): about 16 pixels each.
      const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) to.pan((e.shiftKey ? delta : e.deltaX) / Math.max(1, box.width));
      else to.zoom(Math.exp(delta * 0.0025), anchor);
    },
    { passive: false },
  );
  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    drag = { x: e.clientX, last: e.clientX, moved: false };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    const d = drag;
    if (d) {
      if (Math.abs(e.clientX - d.x) > CLICK_SLOP) d.moved = true;
      if (d.moved) {
        to.pan(-(e.clientX - d.last) / Math.max(1, canvas.getBoundingClientRect().width));
        d.last = e.clientX;
        canvas.classList.add('dragging');
        to.dragging();
        return;
      }
    }
    to.hover(e);
  });
  canvas.addEventListener('pointerup', (e) => {
    const d = drag;
    drag = undefined;
    canvas.classList.remove('dragging');
    if (d && !d.moved) to.click(e);
  });
  canvas.addEventListener('pointerleave', () => to.leave());
}

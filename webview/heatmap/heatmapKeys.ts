/**
 * What a key does on a focused heatmap. The canvas applies it (heatmapCanvas.ts), so that
 * the bindings read as one table here:
 *
 *   + =        zoom in (around the keyboard cursor)      - _       zoom out
 *   Home 0     the whole recording                       ← →       pan a tenth of the window
 *   Shift+← →  move the cursor along the row             ↑ ↓       move the cursor to another row
 *   Enter Space  open the line of the cursor's cell      Escape    hide the tooltip
 */
export type KeyAction =
  | { readonly kind: 'zoom'; readonly factor: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'pan'; readonly direction: -1 | 1 }
  | { readonly kind: 'moveColumn'; readonly direction: -1 | 1 }
  | { readonly kind: 'moveRow'; readonly direction: -1 | 1 }
  | { readonly kind: 'open' }
  | { readonly kind: 'hideTip' };

/** How much one key press zooms. */
const ZOOM_STEP = 1.5;
/** How much of the window one arrow key pans. */
export const PAN_STEP = 0.1;

/** The action of a key, or undefined for keys the heatmap leaves to the page. */
export function keyAction(key: string, shift: boolean): KeyAction | undefined {
  switch (key) {
    case '+':
    case '=':
      return { kind: 'zoom', factor: 1 / ZOOM_STEP };
    case '-':
    case '_':
      return { kind: 'zoom', factor: ZOOM_STEP };
    case 'Home':
    case '0':
      return { kind: 'reset' };
    case 'ArrowLeft':
    case 'ArrowRight': {
      const direction = key === 'ArrowLeft' ? -1 : 1;
      return shift ? { kind: 'moveColumn', direction } : { kind: 'pan', direction };
    }
    case 'ArrowUp':
    case 'ArrowDown':
      return { kind: 'moveRow', direction: key === 'ArrowUp' ? -1 : 1 };
    case 'Enter':
    case ' ':
      return { kind: 'open' };
    case 'Escape':
      return { kind: 'hideTip' };
    default:
      return undefined;
  }
}

import type { Rgb } from '../common/color';
import type { Theme } from '../common/theme';
import type { Composed } from './compose';

/**
 * Colours a composition into an image of one pixel per cell (columns × image rows),
 * which the canvas then stretches to its rows. Threads: a cell mixes the state
 * colours by the seconds in each (a free-threaded build's running, stopped and
 * blocked besides the GIL's; a sampled thread's unknown time); the part of the cell where the thread did not exist
 * is the background. Locks: two image rows per lock, hold above and queue below.
 */

function put(data: Uint8ClampedArray, i: number, r: number, g: number, b: number): void {
  data[i] = r;
  data[i + 1] = g;
  data[i + 2] = b;
  data[i + 3] = 255;
}

export function paintThreads(c: Composed, theme: Theme, image: ImageData): void {
  const { columns, states, values } = c;
  // One 32-bit write per pixel (RGBA in memory order: every browser here is little-endian).
  const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height);
  // In the order of THREAD_STATES (src/protocol/webviewProtocol.ts).
  const colours: readonly Rgb[] = [theme.held, theme.wait, theme.lockWait, theme.released, theme.running, theme.stopped, theme.blocked, theme.unknown];
  const cr = Float64Array.from(colours, (x) => x.r);
  const cg = Float64Array.from(colours, (x) => x.g);
  const cb = Float64Array.from(colours, (x) => x.b);
  const bg = theme.background;
  const n = Math.min(states, colours.length);
  for (let row = 0; row < c.rows.length; row++) {
    const base = row * states * columns;
    const out = row * image.width;
    for (let col = 0; col < columns; col++) {
      let sum = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let s = 0; s < n; s++) {
        const v = values[base + s * columns + col]!;
        if (v > 0) {
          sum += v;
          r += cr[s]! * v;
          g += cg[s]! * v;
          b += cb[s]! * v;
        }
      }
      // Mean colour of the states the thread was in, over the part of the cell it existed; background for the rest.
      const alive = sum > 1 ? 1 : sum;
      const k = sum > 0 ? alive / sum : 0;
      const rest = 1 - alive;
      const R = (r * k + bg.r * rest + 0.5) | 0;
      const G = (g * k + bg.g * rest + 0.5) | 0;
      const B = (b * k + bg.b * rest + 0.5) | 0;
      pixels[out + col] = 0xff000000 | (B << 16) | (G << 8) | R;
    }
  }
}

function blend(data: Uint8ClampedArray, i: number, bg: Rgb, fg: Rgb, t: number): void {
  const k = t > 1 ? 1 : t < 0 ? 0 : t;
  put(data, i, bg.r + (fg.r - bg.r) * k, bg.g + (fg.g - bg.g) * k, bg.b + (fg.b - bg.b) * k);
}

/** `queueScale`: the mean number of waiting threads drawn at full colour. */
export function paintLocks(c: Composed, theme: Theme, image: ImageData, queueScale: number): void {
  const { columns, states, values } = c;
  const data = image.data;
  const bg = theme.released;
  for (let row = 0; row < c.rows.length; row++) {
    for (let col = 0; col < columns; col++) {
      const hold = values[(row * states + 0) * columns + col]!;
      const wait = values[(row * states + 1) * columns + col]!;
      blend(data, (2 * row * image.width + col) * 4, bg, theme.lockHold, hold);
      // A square root so that one waiter among many still shows.
      blend(data, ((2 * row + 1) * image.width + col) * 4, bg, theme.lockQueue, wait > 0 ? Math.sqrt(wait / queueScale) : 0);
    }
  }
}

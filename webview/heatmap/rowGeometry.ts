import type { HeatmapKind } from '../../src/protocol/webviewProtocol';

/**
 * Where a heatmap's parts lie, in CSS pixels: drawing (heatmapCanvas.ts, cursorMarks.ts)
 * and hit-testing the pointer and the keyboard cursor must agree on them.
 */

/** The time axis above the rows. */
export const AXIS_HEIGHT = 22;
/** Each row's height, its gap included. */
export const ROW = { threads: 16, locks: 20 } as const satisfies Record<HeatmapKind, number>;
/** The empty strip at the bottom of each row. */
export const GAP = 2;

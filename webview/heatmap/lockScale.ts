import type { HeatGrid } from './heatmapGrid';

const queues = new WeakMap<HeatGrid, number>();

/**
 * The largest mean queue of any lock in the overview (at least 1): the lock rows' full
 * colour, so that zooming does not change what a colour means. Worked out once per grid.
 */
export function overviewQueue(grid: HeatGrid): number {
  const known = queues.get(grid);
  if (known !== undefined) return known;
  let max = 1;
  for (let r = 0; r < grid.rows.length; r++) {
    const base = (r * grid.states + 1) * (grid.columns + 1);
    for (let c = 0; c < grid.columns; c++) {
      const v = grid.sums[base + c + 1]! - grid.sums[base + c]!;
      if (v > max) max = v;
    }
  }
  queues.set(grid, max);
  return max;
}

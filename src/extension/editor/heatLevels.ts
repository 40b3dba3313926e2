/** The heat's intensity steps; 0 is no heat. */
export const HEAT_LEVELS = 4;

/** Waits shorter than this get no heat, however small the recording's largest wait. */
export const HEAT_FLOOR_SECONDS = 0.0005;

/** Waits below this share of the largest get no heat: noise beside the hot lines. */
export const HEAT_FLOOR_SHARE = 0.02;

/**
 * The heat level (0…HEAT_LEVELS) of a line's wait on the recording's scale,
 * whose top is the largest per-line wait of its kind: the hottest line is at
 * the top level, a line with up to a quarter of it at level 1.
 */
export function heatLevel(seconds: number, maxSeconds: number): number {
  if (!(seconds >= HEAT_FLOOR_SECONDS) || !(maxSeconds > 0)) return 0;
  const share = seconds / maxSeconds;
  if (share < HEAT_FLOOR_SHARE) return 0;
  return Math.min(HEAT_LEVELS, Math.ceil(share * HEAT_LEVELS));
}

export type HeatKind = 'gil' | 'lock';

/**
 * What one line shows: its levels per kind, and which kind has the gutter
 * (one icon fits a line): the hotter, and lock wait on a tie, since a line
 * that waits on a lock also waits for the GIL around the acquire.
 */
export interface LineHeat {
  readonly line: number;
  readonly gil: number;
  readonly lock: number;
  readonly gutter: HeatKind;
}

/** The heat of every line that has some, on the recording's scales. */
export function lineHeat(
  lines: readonly { readonly line: number; readonly gilWaitSeconds: number; readonly lockWaitSeconds: number }[],
  maxGilWaitSeconds: number,
  maxLockWaitSeconds: number,
): LineHeat[] {
  const heat: LineHeat[] = [];
  for (const l of lines) {
    const gil = heatLevel(l.gilWaitSeconds, maxGilWaitSeconds);
    const lock = heatLevel(l.lockWaitSeconds, maxLockWaitSeconds);
    if (gil > 0 || lock > 0) heat.push({ line: l.line, gil, lock, gutter: lock > 0 && lock >= gil ? 'lock' : 'gil' });
  }
  return heat;
}

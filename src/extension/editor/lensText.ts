import type { FunctionFigures } from './sourceFigures';

function percent(part: number, whole: number): string {
  if (whole <= 0 || part <= 0) return '0%';
  const p = (part / whole) * 100;
  return p < 1 ? '<1%' : `${Math.round(p)}%`;
}

/**
 * `GIL held 82% · waited 14% · lock wait 3%`: shares of the time the
 * function's threads spent at it (held + waiting + released, which the lock
 * wait is part of).
 */
export function lensText(f: FunctionFigures): string {
  const total = f.gilHeldSeconds + f.gilWaitSeconds + f.releasedSeconds;
  return `GIL held ${percent(f.gilHeldSeconds, total)} · waited ${percent(f.gilWaitSeconds, total)} · lock wait ${percent(f.lockWaitSeconds, total)}`;
}

/** The lens's hover: the seconds behind the shares. */
export function lensTooltip(f: FunctionFigures): string {
  const s = (x: number) => `${x.toFixed(3)} s`;
  return `${f.function}: GIL held ${s(f.gilHeldSeconds)}, waiting for the GIL ${s(f.gilWaitSeconds)}, `
    + `released ${s(f.releasedSeconds)} (of which blocked on a contended lock ${s(f.lockWaitSeconds)})`;
}

import type { GilSeconds } from './model';

/**
 * A thread's life by its GIL states: held, waiting, released and (sampled, an interpreter whose
 * GIL the sampler cannot read) unknown add up to it.
 */
export function gilLifeSeconds(g: GilSeconds): number {
  return g.heldSeconds + g.waitSeconds + g.releasedSeconds + (g.unknownSeconds ?? 0);
}

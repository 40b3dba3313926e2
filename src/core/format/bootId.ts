import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * This machine's boot id (`/proc/sys/kernel/random/boot_id`, as the runtime
 * writes it in the header), '' where there is none: CLOCK_MONOTONIC times of
 * a file compare with ours only when the boot ids agree.
 */
export function thisBootId(): string {
  if (cached === undefined) {
    try {
      cached = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cached = '';
    }
  }
  return cached;
}

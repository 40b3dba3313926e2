/**
 * How often work that holds the editor's extension host (a live view's
 * reading, a large recording's partial report) may come. A piece of it is
 * followed by a wait of at least this many times its length, so it takes at
 * most a fifth of the host's time however long it grows (a snapshot's cost
 * grows with what was recorded: 110 ms for 4 minutes of 64 busy threads),
 * and the rest stays for the editor.
 */
const WAIT_PER_TICK = 4;

/** Milliseconds from the end of a tick that took `tickMs` to the start of the next, for one tick every `periodMs` at best. */
export function nextTickDelayMs(periodMs: number, tickMs: number): number {
  return Math.max(periodMs - tickMs, WAIT_PER_TICK * tickMs);
}

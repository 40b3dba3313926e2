import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** The machine's busy CPU seconds so far (all CPUs, steal counted as busy), from /proc/stat; null elsewhere. */
function busySeconds(): number | null {
  try {
    const v = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    if (v.length < 8 || v.some((x) => !Number.isFinite(x))) return null;
    // user nice system idle iowait irq softirq steal; at 100 ticks a second (USER_HZ on Linux)
    return (v.reduce((s, x) => s + x, 0) - v[3]! - v[4]!) / 100;
  } catch {
    return null;
  }
}

/** How many CPUs were busy over the last `ms` milliseconds; null without /proc/stat. */
export async function busyCpus(ms = 1000): Promise<number | null> {
  const a = busySeconds();
  const t0 = performance.now();
  await sleep(ms);
  const b = busySeconds();
  if (a === null || b === null) return null;
  return (b - a) / ((performance.now() - t0) / 1e3);
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `work` at a quieter moment: after the tests' other waits of this kind (one at a time,
 * so two retries never crowd each other) and once a second goes by with a core left idle, or
 * after `maxMs` at most. Returns what it returned and the busy CPUs seen just before it ran,
 * for the test to report. A test whose figures the machine's load moved retries through here,
 * and says so; a defect fails the retry as it failed the first run.
 */
export function atQuietMoment<T>(work: () => Promise<T>, maxMs = 20_000): Promise<{ value: T; busyBefore: number | null }> {
  const run = queue.then(async () => {
    const cores = availableParallelism();
    const started = performance.now();
    let busy = await busyCpus();
    while (busy !== null && busy > cores - 1 && performance.now() - started < maxMs) busy = await busyCpus();
    return { value: await work(), busyBefore: busy };
  });
  queue = run.catch(() => undefined);
  return run;
}

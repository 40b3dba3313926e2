import type { FileHeader } from '../format/header';

/**
 * Moves the monotonic clocks of several machines onto one (a cluster's
 * recording, docs/clusters.md). CLOCK_MONOTONIC times compare only within
 * one boot (runtime/FORMAT.md, `boot_id`); every file's header carries a
 * realtime pair taken with its start (`start_realtime_ns` beside
 * `start_mono_ns`), so a boot's realtime − monotonic offset is known from
 * each of its files: the median of them is taken (one file's pair may be
 * read across a clock step). The reference is the boot of the earliest
 * file; another boot's shift is its offset less the reference's, so that
 * `mono + shift` is that moment on the reference's clock. Machines agree
 * as well as their realtime clocks do (NTP: a millisecond or so).
 */
export function bootOffsets(headers: readonly FileHeader[]): Map<string, bigint> {
  const byBoot = new Map<string, bigint[]>();
  for (const h of headers) {
    const list = byBoot.get(h.bootId) ?? [];
    list.push(h.startRealtimeNs - h.startMonoNs);
    byBoot.set(h.bootId, list);
  }
  const shifts = new Map<string, bigint>();
  if (byBoot.size <= 1) return shifts; // one machine: its own clock, nothing moved
  const median = (xs: bigint[]): bigint => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[Math.floor(xs.length / 2)]!;
  const earliest = headers.reduce((m, h) => (h.startRealtimeNs < m.startRealtimeNs ? h : m));
  const reference = median(byBoot.get(earliest.bootId)!);
  for (const [boot, offsets] of byBoot) shifts.set(boot, median(offsets) - reference);
  return shifts;
}

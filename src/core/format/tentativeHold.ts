import { thisBootId } from './bootId';
import type { ClockFit } from './clockFit';
import type { FileHeader } from './header';
import { EndKind, RecordingFlag } from './layout';

/**
 * How much later than fold_window_ns after a record's time its writer may
 * still retract it: the writer decides by the time it read when the thread
 * took the GIL back, then retracts, and a thread the OS takes off its CPU in
 * between (a busy machine) retracts late. On a 2-core machine running twice
 * as many busy programs as cores, a 50 ms margin was overrun once in six
 * followed runs; a followed view is half a second behind for such records
 * instead (a live view redraws at 4 Hz: about one frame).
 */
export const RETRACT_MARGIN_NS = 500e6;

/**
 * From which time (relative ticks) a trailing run of tentative records in a
 * thread's last chunk is held back while its file is followed (FORMAT.md,
 * "Tentative records"): the writer may retract such a record within
 * fold_window_ns of its time, so a run is taken once its newest record is
 * older than that, and RETRACT_MARGIN_NS, by the process's clock now. Infinity (take everything)
 * when nothing can be retracted any more or ever: the process ended or
 * stopped recording at the size cap, the file is not summarised, its full
 * log was kept, or it comes from another boot, whose clock ours cannot
 * compare with (a copied recording: its writer is gone).
 *
 * @param nowMonoNs CLOCK_MONOTONIC now; Node's hrtime is CLOCK_MONOTONIC on Linux
 */
export function holdTentativeFrom(h: FileHeader, clock: ClockFit, nowMonoNs: bigint = process.hrtime.bigint()): number {
  if (h.live.endKind !== EndKind.unknown || (h.live.recordingFlags & RecordingFlag.capped) !== 0 || !mayRetract(h)) return Infinity;
  const ours = thisBootId();
  if (h.bootId !== '' && ours !== '' && h.bootId !== ours) return Infinity;
  const { slope, intercept } = clock.line();
  const nowTicks = (Number(nowMonoNs - h.startMonoNs) - intercept) / slope;
  return nowTicks - (h.foldWindowNs + RETRACT_MARGIN_NS) / slope;
}

/** The writer of this file retracts tentative records: it summarises, without keeping the full log. */
export function mayRetract(h: FileHeader): boolean {
  const flags = h.live.recordingFlags;
  return (flags & RecordingFlag.summarised) !== 0 && (flags & RecordingFlag.fullLogKept) === 0 && h.foldWindowNs > 0;
}

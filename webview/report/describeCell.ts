import type { HeatmapKind, Report, ReportLock } from '../../src/protocol/webviewProtocol';
import { formatSeconds, formatShare, formatTime } from '../common/format';
import type { Theme } from '../common/theme';
import type { CellInfo } from '../heatmap/cellInfo';
import type { Composed } from '../heatmap/compose';
import { cellValue } from '../heatmap/compose';
import { rowProcess } from '../heatmap/rowLabels';

const THREAD_PARTS = [
  { label: 'GIL held', color: (t: Theme) => t.held, note: 'the line the thread ran while holding the GIL' },
  { label: 'GIL wait', color: (t: Theme) => t.wait, note: 'the line that waited for the GIL' },
  { label: 'Lock wait', color: (t: Theme) => t.lockWait, note: 'the line that waited for a lock' },
  { label: 'Released', color: (t: Theme) => t.released, note: 'the line the thread was at without the GIL' },
  { label: 'Running (no GIL)', color: (t: Theme) => t.running, note: 'the line the thread ran' },
  { label: 'Stopped by the world', color: (t: Theme) => t.stopped, note: 'the line where a stop-the-world pause stopped the thread' },
  { label: 'Blocked', color: (t: Theme) => t.blocked, note: 'the line that waited for an event' },
  { label: 'Unknown (sampled)', color: (t: Theme) => t.unknown, note: 'no line: the sampler could not tell what the thread ran' },
] as const;

/** The report's lock behind a lock row (keyed `PROCESS-KEY/lock/id`), for its kind and the line threads waited at. */
function lockOf(report: Report, rowKey: string, id: number): ReportLock | undefined {
  const processKey = rowProcess(rowKey);
  return report.processes.find((p) => p.key === processKey)?.locks.find((l) => l.id === id);
}

/** Builds tooltips and announcements for the heatmaps' cells from the composed values and the report. */
export function cellDescriber(report: () => Report, theme: () => Theme): (kind: HeatmapKind, c: Composed, row: number, column: number) => CellInfo {
  return (kind, c, row, column) => {
    const r = c.rows[row]!;
    const cell = (c.endSeconds - c.startSeconds) / c.columns;
    const t0 = c.startSeconds + column * cell;
    const time = `${formatTime(t0, cell / 10)} – ${formatTime(t0 + cell, cell / 10)} (${formatSeconds(cell)})`;
    const multi = report().processes.length > 1;
    const th = theme();
    if (kind === 'threads') {
      const values = THREAD_PARTS.map((_, s) => Math.max(0, cellValue(c, row, s, column)));
      const dominant = values.indexOf(Math.max(...values));
      const site = c.siteAt(row, column);
      const alive = values.reduce((a, b) => a + b, 0);
      return {
        title: `${r.label}${multi ? ` (pid ${rowProcess(r.key)})` : ''}`,
        time,
        // The free-threaded states and unknown time only where a thread had them (a GIL build's rows have none).
        parts: alive > 0 ? THREAD_PARTS.flatMap((p, s) => (s < 4 || values[s]! > 0 ? [{ label: p.label, value: formatShare(values[s]!), color: p.color(th) }] : [])) : [{ label: 'Not running', value: '', color: th.background }],
        site,
        siteNote: site && dominant >= 0 ? THREAD_PARTS[dominant]!.note : undefined,
      };
    }
    const lock = lockOf(report(), r.key, r.id);
    const hold = Math.max(0, cellValue(c, row, 0, column));
    const wait = Math.max(0, cellValue(c, row, 1, column));
    const waiter = lock?.waiters[0];
    const site = waiter ?? lock?.createdAt ?? undefined;
    return {
      title: `${r.label}${lock && lock.kind !== r.label.split(' ')[0] ? ` · ${lock.kind}` : ''}${multi ? ` (pid ${rowProcess(r.key)})` : ''}`,
      time,
      parts: [
        { label: 'Held', value: formatShare(Math.min(1, hold)), color: th.lockHold },
        { label: 'Threads waiting', value: wait.toFixed(wait < 10 ? 2 : 1), color: th.lockQueue },
      ],
      site,
      siteNote: site ? (waiter ? 'where threads waited for it most' : 'where it was created') : undefined,
    };
  };
}

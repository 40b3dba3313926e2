import { basename } from 'node:path';
import type { RecordingSummary } from '../../protocol/webviewProtocol';
import type { Report } from './schema';

/** What the panel's list needs besides the report: the host's id, the session's start and whether it still runs. */
export interface SummaryContext {
  readonly id: string;
  /** session.json `startedAt` (seconds since the epoch), when present. */
  readonly startedAtSeconds?: number | null;
  readonly state?: RecordingSummary['state'];
}

/** The script a command ran (`python -m x` gives `x`), else the first word; for the item's title. */
function commandLabel(command: readonly string[] | null, fallback: string): string {
  if (!command || command.length === 0) return fallback;
  const args = command.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-m' && args[i + 1]) return args[i + 1]!;
    if (a === '-c') return `${basename(command[0]!)} -c`;
    if (!a.startsWith('-')) return basename(a);
  }
  return basename(command[0]!);
}

/** The panel's summary of one recording (protocol `RecordingSummary`), from its JSON report. */
export function recordingSummary(report: Report, context: SummaryContext): RecordingSummary {
  const threads = report.processes.flatMap((p) => p.threads);
  const locks = report.processes.flatMap((p) => p.locks);
  const waitOf = (t: (typeof threads)[number]): number => t.gil.waitSeconds + t.lockWaitSeconds;
  const topThread = threads.reduce<(typeof threads)[number] | undefined>((best, t) => (!best || waitOf(t) > waitOf(best) ? t : best), undefined);
  const topLock = locks.reduce<(typeof locks)[number] | undefined>((best, l) => (l.waitSeconds > 0 && (!best || l.waitSeconds > best.waitSeconds) ? l : best), undefined);
  const first = report.processes[0];
  const command = report.command ?? (first ? [...first.argv] : null);
  return {
    id: context.id,
    label: commandLabel(command, basename(context.id)),
    command,
    startedAtMs: typeof context.startedAtSeconds === 'number' ? Math.round(context.startedAtSeconds * 1000) : null,
    wallSeconds: report.wallSeconds,
    state: context.state ?? (report.processes.some((p) => p.running) ? 'recording' : 'finished'),
    python: { implementation: report.python.implementation, version: report.python.version, executable: first?.executable ?? null },
    topThread: topThread
      ? { name: topThread.name, gilWaitSeconds: topThread.gil.waitSeconds, lockWaitSeconds: topThread.lockWaitSeconds, lifetimeSeconds: topThread.endSeconds - topThread.startSeconds }
      : null,
    topLock: topLock ? { name: topLock.name ?? `${topLock.kind} #${topLock.id}`, waitSeconds: topLock.waitSeconds, contended: topLock.contended, acquisitions: topLock.acquisitions } : null,
    processes: report.processes.length,
    threads: threads.length,
    warnings: [...report.warnings],
  };
}

import type { ReportProcess } from '../../core/report/schema';
import { formatSeconds, formatShare, siteLabel, table } from './formatting';
import type { Style } from './terminalStyle';
import { plural } from '../../core/report/plural';

/**
 * The terminal's tables of a free-threaded build's process (docs/report-schema.md, Thread `states`, Process
 * `stopTheWorld` and `gilEnabledAt`): what its threads did without a GIL, where they were stopped by the
 * world, and when the GIL was turned on.
 */

const TOP = 8;

/** A process whose threads carry free-threaded states. */
export function isFreeThreaded(p: ReportProcess): boolean {
  return p.threads.some((t) => t.states !== null);
}

type Thread = ReportProcess['threads'][number];

function waited(t: Thread): number {
  const s = t.states;
  return s ? s.lockWaitSeconds + s.stopTheWorldSeconds + t.gil.waitSeconds : 0;
}

export function freeThreadedThreadSection(p: ReportProcess, st: Style): string {
  const threads = [...p.threads].sort((a, b) => waited(b) - waited(a)).slice(0, TOP);
  const gil = p.gilEnabledAt !== null;
  const sampled = p.threads.some((t) => t.cpuWaitSeconds !== null);
  const head = ['thread', 'tid', 'running', 'lock/object wait', 'stopped', 'blocked', 'detached', ...(gil ? ['GIL held', 'GIL wait'] : []), ...(sampled ? ['CPU wait'] : [])];
  const rows = [head.map(st.dim)];
  for (const t of threads) {
    const life = t.endSeconds - t.startSeconds;
    const s = t.states!;
    const of = (x: number): string => formatShare(life > 0 ? x / life : 0);
    rows.push([
      t.name, String(t.tid), of(s.runningSeconds), of(s.lockWaitSeconds), of(s.stopTheWorldSeconds), of(s.blockedSeconds), of(s.detachedSeconds),
      ...(gil ? [of(t.gil.heldSeconds), of(t.gil.waitSeconds)] : []), ...(sampled ? [t.cpuWaitSeconds === null ? '-' : of(t.cpuWaitSeconds)] : []),
    ]);
  }
  const more = p.threads.length > TOP ? `\n  ${st.dim(`… and ${plural(p.threads.length - TOP, 'more thread')}`)}` : '';
  const note = gil ? 'shares of each thread’s lifetime; without a GIL until it was turned on' : 'shares of each thread’s lifetime; no GIL';
  return `${st.bold('Threads')} ${st.dim(`(most waiting first; ${note})`)}\n${table(rows)}${more}`;
}

/** The lines where threads waited on locks and objects, and were stopped by the world. */
export function freeThreadedLinesSection(p: ReportProcess, st: Style): string {
  const lines = p.lines.filter((l) => l.lockWaitSeconds + l.stopTheWorldSeconds > 0)
    .sort((a, b) => b.lockWaitSeconds + b.stopTheWorldSeconds - (a.lockWaitSeconds + a.stopTheWorldSeconds)).slice(0, TOP);
  if (lines.length === 0) return `${st.bold('Top lines by lock, object and stop-the-world wait')}: none`;
  const rows = [['line', 'lock/object wait', 'stopped', 'running', 'detached'].map(st.dim)];
  for (const l of lines) {
    rows.push([siteLabel(l.file, l.line, l.function), formatSeconds(l.lockWaitSeconds), formatSeconds(l.stopTheWorldSeconds), formatSeconds(l.runningSeconds), formatSeconds(l.detachedSeconds)]);
  }
  return `${st.bold('Top lines by lock, object and stop-the-world wait')}\n${table(rows)}`;
}

export function stopTheWorldSection(p: ReportProcess, st: Style): string {
  const w = p.stopTheWorld;
  const on = p.gilEnabledAt ? `\n  ${st.yellow(`the GIL was turned on at ${formatSeconds(p.gilEnabledAt.seconds)}${p.gilEnabledAt.module ? ` by importing ${p.gilEnabledAt.module}` : ' (from the start)'}`)}` : '';
  if (!w || w.count === 0) return `${st.bold('Stop-the-world pauses')}: none${on}`;
  const rows = [['cause', 'pauses', 'time'].map(st.dim)];
  for (const c of w.causes) rows.push([c.cause, String(c.count), formatSeconds(c.seconds)]);
  return `${st.bold('Stop-the-world pauses')} ${st.dim(`(${w.count}, ${formatSeconds(w.pauseSeconds)} in all: every running thread stopped)`)}\n${table(rows)}${on}`;
}

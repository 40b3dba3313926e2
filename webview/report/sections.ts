import type { Report, ReportLine, ReportLock, ReportSite, ReportThread } from '../../src/protocol/webviewProtocol';
import { mix } from '../common/color';
import { formatCount, formatSeconds, formatShare, siteLabel } from '../common/format';
import type { Theme } from '../common/theme';
import { Breakdown } from './breakdown';

/** Bars shown at most; the tables list every row. */
const TOP_THREADS = 16;
const TOP_LOCKS = 10;
const TOP_LINES = 12;

/** A thread with its process: `processKey` names it among several machines' (the report's Process `key`). */
type PidThread = ReportThread & { readonly pid: number; readonly processKey: string };
/** A lock with its process: `processKey` as the heatmap's lock rows are keyed (`KEY/lock/id`). */
type PidLock = ReportLock & { readonly pid: number; readonly processKey: string };
type PidLine = ReportLine & { readonly pid: number };

const seconds = (x: number): string => formatSeconds(x);
const withShare = (x: number, whole: number): string => `${formatSeconds(x)} (${formatShare(whole > 0 ? x / whole : 0)})`;
const life = (t: ReportThread): number => t.endSeconds - t.startSeconds;
/**
 * Released time that is not a lock wait (I/O, sleep, events, native code); on a free-threaded build, detached
 * time (its running, stopped and blocked time are series of their own).
 */
const otherReleased = (t: ReportThread): number => (t.states ? t.states.detachedSeconds : Math.max(0, t.gil.releasedSeconds - t.lockWaitSeconds));
/** An object's own lock (free-threaded) has its type as kind and no name: "dict object #12". */
const lockName = (l: ReportLock): string => l.name ?? (l.createdAt === null && /^[a-z_][\w.]*$/.test(l.kind) && l.kind !== 'internal' && l.kind !== 'unknown' ? `${l.kind} object #${l.id}` : `${l.kind} #${l.id}`);
const ftShare = (t: ReportThread, x: number | undefined): string => (t.states && x !== undefined ? withShare(x, life(t)) : '–');
/** Released colour as a bar: stronger than the heatmap's quiet tint. */
const releasedBar = (t: Theme): ReturnType<typeof mix> => mix(t.background, t.foreground, 0.35);
const UNKNOWN_TITLE = 'Sampled, and the sampler could not read this interpreter’s GIL: running Python (holding the GIL) and native code (without it) look the same from outside';

/** Run-queue delay (format version 2): time the thread could run but had no CPU; '–' when the recording did not sample it. */
const cpuWaitText = (t: ReportThread): string => (t.cpuWaitSeconds === null ? '–' : withShare(t.cpuWaitSeconds, life(t)));
const cpuWaitTitle = (t: ReportThread): string =>
  t.cpuWaitSeconds === null
    ? 'Not sampled: the recording has no CPU samples'
    : `Runnable but not on a CPU (another program or thread had it); ${formatSeconds(t.cpuWaitInGilWaitSeconds ?? 0)} of it while waiting for the GIL, where a busy machine shows as GIL wait`;

export function threadsSection(open: (site: ReportSite) => void, multiProcess: () => boolean): Breakdown<PidThread> {
  return new Breakdown<PidThread>({
    id: 'threads',
    heading: 'Threads',
    description: 'Each thread’s life split by what it did with the GIL: held it, waited for it, waited for a lock, or ran without it. On a free-threaded build, without a GIL: running, waiting for a lock or object, stopped by the world, blocked, or detached (released).',
    stacked: true,
    barLabel: (t) => (multiProcess() ? `${t.name} · ${t.processKey}` : t.name),
    series: [
      { label: 'GIL held', color: (t) => t.held, value: (t) => t.gil.heldSeconds },
      { label: 'GIL wait', color: (t) => t.wait, value: (t) => t.gil.waitSeconds },
      { label: 'Lock wait', color: (t) => t.lockWait, value: (t) => t.lockWaitSeconds },
      { label: 'Released', color: releasedBar, value: otherReleased },
      { label: 'Unknown', color: (t) => t.unknown, value: (t) => t.gil.unknownSeconds ?? 0 },
      { label: 'Running, no GIL', color: (t) => t.running, value: (t) => t.states?.runningSeconds ?? 0 },
      { label: 'Stopped by the world', color: (t) => t.stopped, value: (t) => t.states?.stopTheWorldSeconds ?? 0 },
      { label: 'Blocked', color: (t) => t.blocked, value: (t) => (t.states ? t.states.blockedSeconds : 0) },
    ],
    columns: [
      { header: 'Thread', text: (t) => (multiProcess() ? `${t.name} · ${t.processKey}` : t.name), title: (t) => `tid ${t.tid}${multiProcess() ? `, pid ${t.processKey}` : ''}` },
      { header: 'Running', numeric: true, text: (t) => ftShare(t, t.states?.runningSeconds), title: () => 'A free-threaded build: attached, without a GIL, not waiting' },
      { header: 'Stopped', numeric: true, text: (t) => ftShare(t, t.states?.stopTheWorldSeconds), title: () => 'A free-threaded build: stopped by stop-the-world pauses (garbage collection…)' },
      { header: 'GIL held', numeric: true, text: (t) => withShare(t.gil.heldSeconds, life(t)) },
      { header: 'GIL wait', numeric: true, text: (t) => withShare(t.gil.waitSeconds, life(t)) },
      { header: 'CPU wait', numeric: true, text: cpuWaitText, title: cpuWaitTitle },
      { header: 'Lock wait', numeric: true, text: (t) => withShare(t.lockWaitSeconds, life(t)) },
      { header: 'Released', numeric: true, text: (t) => withShare(otherReleased(t), life(t)), title: () => 'Without the GIL and not waiting for a lock: I/O, sleep, events, native code' },
      { header: 'Unknown', numeric: true, text: (t) => (t.gil.unknownSeconds ? withShare(t.gil.unknownSeconds, life(t)) : '–'), title: () => UNKNOWN_TITLE },
      { header: 'Switches', numeric: true, text: (t) => formatCount(t.acquisitions), title: () => 'GIL acquisitions' },
      { header: 'Convoys', numeric: true, text: (t) => formatCount(t.convoy.count), title: (t) => `${formatSeconds(t.convoy.waitSeconds)} in GIL waits after giving the GIL up for I/O` },
    ],
    open,
    empty: 'No threads were recorded.',
  });
}

export function locksSection(open: (site: ReportSite) => void, multiProcess: () => boolean): Breakdown<PidLock> {
  return new Breakdown<PidLock>({
    id: 'locks',
    heading: 'Locks',
    description: 'Time threads waited to acquire each lock (contention), and time it was held.',
    stacked: false,
    barLabel: (l) => (multiProcess() ? `${lockName(l)} · ${l.processKey}` : lockName(l)),
    barSite: (l) => l.waiters[0] ?? l.createdAt,
    series: [
      { label: 'Wait', color: (t) => t.lockWait, value: (l) => l.waitSeconds },
      { label: 'Hold', color: (t) => t.lockHold, value: (l) => l.holdSeconds },
    ],
    columns: [
      { header: 'Lock', text: (l) => (multiProcess() ? `${lockName(l)} · ${l.processKey}` : lockName(l)), title: (l) => `${l.kind} #${l.id}${multiProcess() ? `, pid ${l.processKey}` : ''}` },
      { header: 'Created at', text: (l) => (l.createdAt ? siteLabel(l.createdAt) : '–'), site: (l) => l.createdAt, title: (l) => (l.createdAt ? `${l.createdAt.file}:${l.createdAt.line} in ${l.createdAt.function}` : '') },
      { header: 'Contended', numeric: true, text: (l) => `${formatCount(l.contended)} / ${formatCount(l.acquisitions)}`, title: () => 'Acquisitions that had to wait / all acquisitions' },
      { header: 'Wait', numeric: true, text: (l) => seconds(l.waitSeconds) },
      { header: 'p99 wait', numeric: true, text: (l) => seconds(l.wait.p99) },
      { header: 'Max wait', numeric: true, text: (l) => seconds(l.maxWaitSeconds) },
      { header: 'Hold', numeric: true, text: (l) => seconds(l.holdSeconds) },
      { header: 'Top waiter', text: (l) => (l.waiters[0] ? siteLabel(l.waiters[0]) : '–'), site: (l) => l.waiters[0], title: (l) => (l.waiters[0] ? `${l.waiters[0].function}: ${formatSeconds(l.waiters[0].waitSeconds)}` : '') },
    ],
    open,
    empty: 'No locks were recorded.',
  });
}

export function linesSection(open: (site: ReportSite) => void): Breakdown<PidLine> {
  return new Breakdown<PidLine>({
    id: 'lines',
    heading: 'Lines that wait',
    description: 'The Python lines where threads waited longest, for the GIL, for locks and objects, and stopped by the world. Click a bar or a line to open it.',
    stacked: true,
    barLabel: (l) => siteLabel(l),
    barTitle: (l) => `${siteLabel(l)} ${l.function}`,
    barSite: (l) => l,
    series: [
      { label: 'GIL wait', color: (t) => t.wait, value: (l) => l.gilWaitSeconds },
      { label: 'Lock wait', color: (t) => t.lockWait, value: (l) => l.lockWaitSeconds },
      { label: 'Stopped by the world', color: (t) => t.stopped, value: (l) => l.stopTheWorldSeconds },
    ],
    columns: [
      { header: 'Line', text: (l) => siteLabel(l), site: (l) => l, title: (l) => `${l.file}:${l.line}` },
      { header: 'Function', text: (l) => l.function },
      { header: 'GIL wait', numeric: true, text: (l) => seconds(l.gilWaitSeconds) },
      { header: 'Lock wait', numeric: true, text: (l) => seconds(l.lockWaitSeconds) },
      { header: 'Stopped', numeric: true, text: (l) => seconds(l.stopTheWorldSeconds), title: () => 'Stopped by stop-the-world pauses at this line (free-threaded builds)' },
      { header: 'GIL held', numeric: true, text: (l) => seconds(l.gilHeldSeconds) },
      { header: 'Convoy waits', numeric: true, text: (l) => (l.convoyCount > 0 ? `${formatCount(l.convoyCount)} · ${seconds(l.convoyWaitSeconds)}` : '0') },
    ],
    open,
    empty: 'No line waited for the GIL or a lock.',
  });
}

/** The rows of the three sections from a report. */
export function sectionRows(report: Report): { threads: PidThread[]; locks: PidLock[]; lines: PidLine[] } {
  const threads = report.processes.flatMap((p) => p.threads.map((t) => ({ ...t, pid: p.pid, processKey: p.key })));
  // Across processes as within one: the most waited for first, then the longest held.
  const locks = report.processes
    .flatMap((p) => p.locks.map((l) => ({ ...l, pid: p.pid, processKey: p.key })))
    .sort((a, b) => b.waitSeconds - a.waitSeconds || b.holdSeconds - a.holdSeconds);
  const lines = report.processes
    .flatMap((p) => p.lines.map((l) => ({ ...l, pid: p.pid })))
    .filter((l) => l.gilWaitSeconds + l.lockWaitSeconds + l.stopTheWorldSeconds > 0)
    .sort((a, b) => b.gilWaitSeconds + b.lockWaitSeconds + b.stopTheWorldSeconds - (a.gilWaitSeconds + a.lockWaitSeconds + a.stopTheWorldSeconds));
  return { threads, locks, lines };
}

export function topThreads(threads: readonly PidThread[]): PidThread[] {
  const waited = (t: ReportThread): number => t.gil.waitSeconds + t.lockWaitSeconds + (t.states?.stopTheWorldSeconds ?? 0);
  return [...threads].sort((a, b) => waited(b) - waited(a) || b.gil.heldSeconds - a.gil.heldSeconds).slice(0, TOP_THREADS);
}

/** A thread's own lock that join() waits on (held for the thread's life, released by Python at its end): not a lock of the program's. */
const joinSentinel = (l: PidLock): boolean => l.kind === 'Thread' || l.waitKinds.some((k) => k.kind === 'threadJoin');

/** Contended locks first; quiet ones (not threads' join sentinels) only to fill the chart. */
export function topLocks(locks: readonly PidLock[]): PidLock[] {
  const busy = locks.filter((l) => l.waitSeconds > 0);
  const rest = locks.filter((l) => l.waitSeconds === 0 && l.holdSeconds > 0 && !joinSentinel(l)).sort((a, b) => b.holdSeconds - a.holdSeconds);
  return [...busy, ...rest.slice(0, Math.max(0, 3 - busy.length))].slice(0, TOP_LOCKS);
}

export function topLines(lines: readonly PidLine[]): PidLine[] {
  return lines.slice(0, TOP_LINES);
}

export function countNote(shown: number, all: number, what: string): string {
  return shown < all ? `The chart shows ${shown} of ${all} ${what}; the table lists them all.` : '';
}


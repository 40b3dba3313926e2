import { clusterLines } from './clusterText';
import type { Report, ReportProcess } from '../../core/report/schema';
import { isLibrary } from '../../core/suggest/libraryCode';
import { formatSeconds, formatShare, siteLabel, table } from './formatting';
import { freeThreadedLinesSection, freeThreadedThreadSection, isFreeThreaded, stopTheWorldSection } from './freeThreadedText';
import { suggestionsSection } from './suggestionText';
import type { Style } from './terminalStyle';
import { processCountText, workersText } from './workersText';
import { plural } from '../../core/report/plural';

const TOP = 8;

/**
 * How the process ended. A process that returned from its main ended
 * through libc's exit, where the runtime cannot see the status (end_code
 * -1, FORMAT.md): only the launched process's status is known, from
 * session.json. Such an end is still a normal exit, not an unknown one:
 * "end unknown" is kept for a process that left no end at all (SIGKILL).
 */
function endText(p: ReportProcess): string {
  if (p.running) return 'still running';
  if (p.endKind === 'signal') return `killed by signal ${p.signal ?? '?'}`;
  if (p.endKind === 'unknown') return 'end unknown';
  if (p.endKind === 'detached') return 'recording stopped, the process went on';
  const how = p.endKind === 'os._exit' ? 'os._exit' : 'exit';
  return p.exitCode === null ? `${how}, status not seen` : `${how} ${p.exitCode}`;
}

/** A helper or a cluster's own process: one line, its tables are in --json. */
function isBeside(p: ReportProcess): boolean {
  return p.role === 'helper' || p.role === 'infrastructure';
}

function processTitle(p: ReportProcess, st: Style): string {
  const how = endText(p);
  const cmd = p.argv.join(' ') || p.executable;
  const attached = p.attachedAtSeconds !== null ? `, attached at ${formatSeconds(p.attachedAtSeconds)}` : '';
  const capped = p.cappedAtSeconds !== null ? `, recording stopped at the size cap at ${formatSeconds(p.cappedAtSeconds)}` : '';
  const role = isBeside(p) ? `${p.role}: ${p.roleName}, not a worker` : p.roleName;
  return `${st.bold(`Process ${p.pid}`)} ${st.bold(`[${role}]`)} ${cmd}  ${st.dim(`(${formatSeconds(p.endSeconds - p.startSeconds)}, ${how}${attached}${capped})`)}`;
}

/** The share of a thread's life it waited for a CPU (run-queue delay, format version 2), '-' without samples. */
function cpuWaitShare(t: ReportProcess['threads'][number]): string {
  const life = t.endSeconds - t.startSeconds;
  return t.cpuWaitSeconds === null ? '-' : formatShare(life > 0 ? t.cpuWaitSeconds / life : 0);
}

function threadSection(p: ReportProcess, st: Style): string {
  const threads = [...p.threads].sort((a, b) => b.gilShares.wait - a.gilShares.wait || b.lockWaitSeconds - a.lockWaitSeconds).slice(0, TOP);
  // Beside GIL wait, the time a thread waited for a CPU (part of which may show as GIL wait on a busy machine):
  // only when the recording sampled it.
  const sampled = p.threads.some((t) => t.cpuWaitSeconds !== null);
  // A sampled thread that ran while its GIL could not be read: a column of its own, never counted as released.
  const unknown = p.threads.some((t) => (t.gilShares.unknown ?? 0) > 0);
  // As the report page splits a life: lock wait (released time, waiting for a lock) apart from the rest of released.
  const rows = [['thread', 'tid', 'held', 'wait', ...(sampled ? ['CPU wait'] : []), 'lock wait', 'released', ...(unknown ? ['unknown'] : []), 'switches', 'convoys'].map(st.dim)];
  for (const t of threads) {
    const wait = formatShare(t.gilShares.wait);
    const life = t.endSeconds - t.startSeconds;
    const lockWait = life > 0 ? Math.min(t.gilShares.released, t.lockWaitSeconds / life) : 0;
    rows.push([
      t.name, String(t.tid), formatShare(t.gilShares.held), t.gilShares.wait >= 0.5 ? st.red(wait) : wait, ...(sampled ? [cpuWaitShare(t)] : []),
      formatShare(lockWait), formatShare(t.gilShares.released - lockWait), ...(unknown ? [formatShare(t.gilShares.unknown ?? 0)] : []),
      String(t.acquisitions), String(t.convoy.count),
    ]);
  }
  const more = p.threads.length > TOP ? `\n  ${st.dim(`… and ${plural(p.threads.length - TOP, 'more thread')}`)}` : '';
  return `${st.bold('Threads')} ${st.dim('(most contended first; shares of each thread’s lifetime)')}\n${table(rows)}${more}`;
}

function linesSection(p: ReportProcess, st: Style, key: 'gilWaitSeconds' | 'lockWaitSeconds', title: string): string {
  const lines = p.lines.filter((l) => l[key] > 0).sort((a, b) => b[key] - a[key]).slice(0, TOP);
  if (lines.length === 0) return `${st.bold(title)}: none`;
  const rows = [['line', 'GIL wait', 'lock wait', 'GIL held', 'released'].map(st.dim)];
  for (const l of lines) {
    rows.push([siteLabel(l.file, l.line, l.function), formatSeconds(l.gilWaitSeconds), formatSeconds(l.lockWaitSeconds), formatSeconds(l.gilHeldSeconds), formatSeconds(l.releasedSeconds)]);
  }
  return `${st.bold(title)}\n${table(rows)}`;
}

const LOCK_KINDS = new Set(['Lock', 'RLock', 'Condition', 'Semaphore', 'BoundedSemaphore', 'Event', 'Queue', 'Future', 'Thread', 'multiprocessing.Lock', 'internal', 'unknown']);

/** An object's own lock, on a free-threaded build: its kind is the object's type. */
function isObjectLock(l: ReportProcess['locks'][number]): boolean {
  return l.name === null && l.createdAt === null && !LOCK_KINDS.has(l.kind) && !l.kind.startsWith('kind ');
}

/** A lock nobody waited for, made by Python's own modules (importlib's module locks…) or before recording began. */
function quietInternalLock(l: ReportProcess['locks'][number]): boolean {
  return l.contended === 0 && l.waitSeconds === 0 && (!l.createdAt || isLibrary(l.createdAt.file));
}

function locksSection(p: ReportProcess, st: Style): string {
  const used = p.locks.filter((l) => l.acquisitions > 0 || l.waitSeconds > 0);
  const locks = used.filter((l) => !quietInternalLock(l)).slice(0, TOP);
  const hidden = used.length - used.filter((l) => !quietInternalLock(l)).length;
  const more = hidden > 0 ? `\n  ${st.dim(`… and ${plural(hidden, 'uncontended lock')} of Python's own modules not shown (gilscope report --json lists them)`)}` : '';
  if (locks.length === 0) return `${st.bold('Locks')}: ${hidden > 0 ? `no contention; ${plural(hidden, 'uncontended lock')} of Python's own modules not shown` : 'none recorded'}`;
  // An object's own lock (free-threaded: kind is its type) has no name or creation line: "dict object".
  // GIL after: the GIL wait after obtaining the lock, on a build that has a GIL (a free-threaded one that kept it off has none).
  const gil = !isFreeThreaded(p) || p.gilEnabledAt !== null;
  const rows = [['lock', 'contended', 'wait', ...(gil ? ['GIL after'] : []), 'p99 wait', 'max wait', 'held', 'top waiter', 'top holder line'].map(st.dim)];
  for (const l of locks) {
    const where = l.createdAt ? ` ${siteLabel(l.createdAt.file, l.createdAt.line, '').trim()}` : '';
    const w = l.waiters[0];
    const h = l.holders[0];
    rows.push([
      `${l.name ?? l.kind}${where}${isObjectLock(l) ? ' object' : ''}`, `${l.contended}/${l.acquisitions}`, formatSeconds(l.waitSeconds), ...(gil ? [formatSeconds(l.gilWaitSeconds)] : []), formatSeconds(l.wait.p99),
      formatSeconds(l.maxWaitSeconds), formatSeconds(l.holdSeconds), w ? siteLabel(w.file, w.line, w.function) : '-',
      h && h.blockingSeconds > 0 ? siteLabel(h.file, h.line, h.function) : '-',
    ]);
  }
  return `${st.bold('Locks')} ${st.dim(gil ? '(by contention wait; GIL after: the GIL wait after obtaining the lock)' : '(by contention wait)')}\n${table(rows)}${more}`;
}

const WAIT_KIND_LABELS: Readonly<Record<string, string>> = {
  conditionWait: 'Condition wait',
  eventWait: 'Event wait',
  queueGet: 'queue get',
  queuePut: 'queue put',
  future: 'future',
  threadJoin: 'join',
};

function eventWaitsSection(p: ReportProcess, st: Style): string {
  const waits = p.locks
    .flatMap((l) => l.waitKinds.map((k) => ({ l, k })))
    .sort((a, b) => b.k.seconds - a.k.seconds)
    .slice(0, TOP);
  if (waits.length === 0) return `${st.bold('Waits for events')}: none`;
  const rows = [['wait', 'on', 'calls', 'time', 'top line'].map(st.dim)];
  for (const { l, k } of waits) {
    const top = k.sites[0];
    rows.push([WAIT_KIND_LABELS[k.kind] ?? k.kind, l.name ?? `${l.kind} #${l.id}`, String(k.count), formatSeconds(k.seconds), top ? siteLabel(top.file, top.line, top.function) : '-']);
  }
  return `${st.bold('Waits for events')} ${st.dim('(Condition, Event, queue, future, join: not lock contention)')}\n${table(rows)}`;
}

/**
 * The terminal summary of `gilscope report`: what a person reads first.
 * It leads with who did the work and the ranked suggestions (the answer),
 * then the tables of the processes that did or ran the work; helpers get
 * one line each.
 */
export function renderTerminalReport(r: Report, st: Style): string {
  const out: string[] = [];
  const py = r.python;
  out.push(`${st.bold('gilscope')} ${py.implementation} ${py.version}${py.gilEnabled ? '' : ' (no GIL)'}${py.sampled ? ' (sampled)' : ''}, ${formatSeconds(r.wallSeconds)} recorded, ${processCountText(r)}`);
  for (const w of r.warnings) out.push(st.yellow(`warning: ${w}`));
  out.push(`${st.bold('Workers')}: ${workersText(r)}`);
  out.push(...clusterLines(r, st));
  out.push('', suggestionsSection(r, st));
  for (const p of r.processes) {
    if (isBeside(p)) {
      out.push('', processTitle(p, st));
      continue;
    }
    if (isFreeThreaded(p)) {
      out.push('', processTitle(p, st), '', freeThreadedThreadSection(p, st), '', freeThreadedLinesSection(p, st), '', stopTheWorldSection(p, st));
      if (p.gilEnabledAt) out.push('', linesSection(p, st, 'gilWaitSeconds', 'Top lines by GIL wait'));
    } else {
      out.push('', processTitle(p, st), '', threadSection(p, st), '', linesSection(p, st, 'gilWaitSeconds', 'Top lines by GIL wait'));
      out.push('', linesSection(p, st, 'lockWaitSeconds', 'Top lines by lock wait'));
    }
    out.push('', locksSection(p, st), '', eventWaitsSection(p, st));
  }
  return `${out.join('\n')}\n`;
}

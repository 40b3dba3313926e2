import { MarkupKind } from 'vscode-languageserver';
import type { Hover } from 'vscode-languageserver';
import { basename } from 'node:path';
import type { ReportLock } from '../../core/report/schema';
import type { LineFigures } from '../recordings/fileFigures';
import { percent, plural, seconds } from './format';
import { ftLineText } from './freeThreaded';
import { isObjectLock } from './freeThreaded';
import { lockLabel, locksAt } from './profile';
import type { DocumentProfile } from './profile';

const MAX_THREADS = 6;
const MAX_HOLDERS = 5;

/**
 * The hover on a profiled line: its GIL time (held, waiting, released), lock
 * wait and the threads that ran it; on a line that created, waited for or
 * held a lock, that lock, with the lines that held it while others waited.
 */
export function lineHover(profile: DocumentProfile, line: number): Hover | undefined {
  if (profile.stale) {
    return markdown(`**gilscope**: the recording (${basename(profile.recording.dir)}) is older than this file (${profile.stale}); line figures are not shown.`);
  }
  const figures = profile.lineAt(line);
  const locks = locksAt(profile, line);
  if (!figures && locks.length === 0) return undefined;
  const reportLine = profile.reportLine(line)!;
  const sections = [`**gilscope** · line ${reportLine} as recorded in \`${basename(profile.recording.dir)}\` (${seconds(profile.figures.wallSeconds)} run)`];
  if (figures) sections.push(...lineSection(figures));
  const path = profile.figures.path;
  for (const at of locks) sections.push(...lockSection(at.lock, path, at.created));
  return markdown(sections.join('\n\n'));
}

function lineSection(l: LineFigures): string[] {
  const total = l.gilHeldSeconds + l.gilWaitSeconds + l.releasedSeconds;
  const ft = ftLineText(l);
  const out = ft && l.gilHeldSeconds + l.gilWaitSeconds === 0 ? [ft] : [
    ...(ft ? [ft] : []),
    `GIL held **${seconds(l.gilHeldSeconds)}** (${percent(l.gilHeldSeconds, total)}) · waiting **${seconds(l.gilWaitSeconds)}** (${percent(l.gilWaitSeconds, total)}) · released **${seconds(l.releasedSeconds)}** (${percent(l.releasedSeconds, total)}) · ${plural(l.acquisitions, 'GIL acquisition')}`,
  ];
  const extra: string[] = [];
  if (l.lockWaitSeconds > 0 && !ft) extra.push(`lock wait **${seconds(l.lockWaitSeconds)}** (part of released)`);
  if (l.blockedSeconds > 0 && !ft) extra.push(`blocked on events ${seconds(l.blockedSeconds)}`);
  if (l.convoyCount > 0) extra.push(`convoy: ${plural(l.convoyCount, 'wait')} of ${seconds(l.convoyWaitSeconds)} after I/O`);
  if (extra.length > 0) out.push(extra.join(' · '));
  if (l.threads.length > 0) {
    const shown = l.threads.slice(0, MAX_THREADS).map((t) => {
      const waits = t.lockWaits > 0 ? `, ${plural(t.lockWaits, 'lock wait')} ${seconds(t.lockWaitSeconds)}` : '';
      return `${t.name} ${seconds(t.seconds)} (${plural(t.acquisitions, 'acquisition')}${waits})`;
    });
    const more = l.threads.length > MAX_THREADS ? `, and ${l.threads.length - MAX_THREADS} more` : '';
    out.push(`Threads (${l.threads.length}): ${shown.join(' · ')}${more}`);
  }
  return out;
}

function lockSection(lock: ReportLock, path: string, created: boolean): string[] {
  const object = isObjectLock(lock) || lock.kind === 'internal';
  const out = [
    object
      ? `**${lockLabel(lock)}**: its own lock (a critical section's, no GIL) made threads wait ${seconds(lock.waitSeconds)} over ${plural(lock.contended, 'contended take')} (p50 ${seconds(lock.wait.p50)}, max ${seconds(lock.wait.max)})`
      : `**${lockLabel(lock)}** (${lock.kind}${created ? ', created on this line' : ''}): ${plural(lock.acquisitions, 'acquisition')}, ${lock.contended} contended · waited ${seconds(lock.waitSeconds)} (p50 ${seconds(lock.wait.p50)}, max ${seconds(lock.wait.max)}) · held ${seconds(lock.holdSeconds)}`,
  ];
  const blocking = lock.holders.filter((h) => h.blockingSeconds > 0).slice(0, MAX_HOLDERS);
  if (blocking.length > 0) {
    const rows = blocking.map((h) => {
      const where = h.file === path ? `line ${h.line}` : `${basename(h.file) || h.function} line ${h.line}`;
      return `- ${where} (\`${h.function}\`): others waited ${seconds(h.blockingSeconds)} while it was held here${h.holdSeconds > 0 ? `; holds taken here ${seconds(h.holdSeconds)}` : ''}`;
    });
    out.push(`${object ? 'Let go by a thread at' : 'Held while others waited'}:\n${rows.join('\n')}`);
  }
  const waiters = lock.waiters.slice(0, MAX_HOLDERS).map((w) => `${w.file === path ? `line ${w.line}` : `${basename(w.file)} line ${w.line}`} ${seconds(w.waitSeconds)}`);
  if (waiters.length > 0) out.push(`Waited at: ${waiters.join(' · ')}`);
  return out;
}

function markdown(value: string): Hover {
  return { contents: { kind: MarkupKind.Markdown, value } };
}

import type { RecordingSummary } from '../../src/protocol/webviewProtocol';
import { el, icon, ICONS } from '../common/dom';
import { formatAgo, formatSeconds, formatShare } from '../common/format';

/** "convoy-3 waited 73% of its life, mostly for a lock". */
function threadLine(s: RecordingSummary): string {
  const t = s.topThread;
  if (!t) return 'No threads recorded';
  const waited = t.gilWaitSeconds + t.lockWaitSeconds;
  if (waited <= 0) return 'No thread waited';
  const what = t.lockWaitSeconds > t.gilWaitSeconds ? 'mostly for a lock' : 'mostly for the GIL';
  return `${t.name} waited ${formatShare(t.lifetimeSeconds > 0 ? waited / t.lifetimeSeconds : 0)} of its life, ${what}`;
}

function lockLine(s: RecordingSummary): string {
  const l = s.topLock;
  return l ? `${l.name}: ${formatSeconds(l.waitSeconds)} waited, ${l.contended.toLocaleString('en')}/${l.acquisitions.toLocaleString('en')} contended` : 'No lock contention';
}

/** The accessible name of an item: everything it shows, in one sentence. */
export function itemLabel(s: RecordingSummary, now: number): string {
  const when = s.startedAtMs !== null ? `, ${formatAgo(s.startedAtMs, now)}` : '';
  return `${s.label}${s.state === 'recording' ? ', recording' : ''}${when}, ${formatSeconds(s.wallSeconds)}. ${threadLine(s)}. ${lockLine(s)}. ${s.python.implementation} ${s.python.version}.${s.warnings.length ? ` ${s.warnings.length} warning(s).` : ''}`;
}

/** One recording in the list: an option of the listbox. */
export function recordingItem(s: RecordingSummary, now: number, selected: boolean): HTMLElement {
  const status =
    s.state === 'recording' ? el('span', { class: 'badge live' }, 'Recording') : s.state === 'failed' ? el('span', { class: 'badge failed' }, 'Unreadable') : null;
  const warn = s.warnings.length > 0 ? el('span', { class: 'item-warning', title: s.warnings.join('\n') }, icon(ICONS.warning)) : null;
  const item = el(
    'li',
    { class: 'recording', role: 'option', id: `recording-${encodeURIComponent(s.id)}`, 'aria-selected': String(selected), tabindex: -1, 'data-id': s.id, 'aria-label': itemLabel(s, now) },
    el(
      'div',
      { class: 'item-head' },
      el('span', { class: 'item-label' }, s.label),
      status,
      warn,
      el('span', { class: 'item-when' }, s.startedAtMs !== null ? formatAgo(s.startedAtMs, now) : ''),
    ),
    el('div', { class: 'item-line' }, el('span', { class: `dot ${s.topThread && s.topThread.lockWaitSeconds > s.topThread.gilWaitSeconds ? 'lock' : 'wait'}` }), threadLine(s)),
    el('div', { class: 'item-line' }, el('span', { class: 'dot lock' }), lockLine(s)),
    el(
      'div',
      { class: 'item-meta' },
      `${s.python.implementation} ${s.python.version} · ${formatSeconds(s.wallSeconds)} · ${s.threads} thread${s.threads === 1 ? '' : 's'}${s.processes > 1 ? ` · ${s.processes} processes` : ''}`,
    ),
  );
  item.title = [s.command?.join(' ') ?? s.id, s.python.executable ?? ''].filter(Boolean).join('\n');
  return item;
}

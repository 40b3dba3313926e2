import type { Report } from '../../src/protocol/webviewProtocol';
import { el, icon, ICONS, setText } from '../common/dom';
import { formatSeconds, formatShare, shortPath } from '../common/format';
import { processesLabel, workersLabel } from './workersLabel';

/** The script a command ran, for the page title (`python x.py` → x.py). */
export function reportTitle(report: Report): string {
  const command = report.command ?? report.processes[0]?.argv ?? [];
  const args = command.slice(1);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-m' && args[i + 1]) return args[i + 1]!;
    if (!args[i]!.startsWith('-')) return shortPath(args[i]!, 1);
  }
  return command[0] ? shortPath(command[0], 1) : 'Recording';
}

interface Kpi {
  readonly label: string;
  readonly value: string;
  readonly detail: string;
}

function kpis(report: Report): Kpi[] {
  const threads = report.processes.flatMap((p) => p.threads);
  const locks = report.processes.flatMap((p) => p.locks);
  const life = threads.reduce((s, t) => s + (t.endSeconds - t.startSeconds), 0);
  const held = report.processes.reduce((s, p) => s + p.gils.reduce((g, x) => g + x.heldSeconds, 0), 0);
  const gilTime = report.processes.reduce((s, p) => s + Math.max(1, p.gils.length) * (p.endSeconds - p.startSeconds), 0);
  const gils = report.processes.reduce((s, p) => s + Math.max(1, p.gils.length), 0);
  const gilWait = threads.reduce((s, t) => s + t.gil.waitSeconds, 0);
  const lockWait = threads.reduce((s, t) => s + t.lockWaitSeconds, 0);
  const contended = locks.reduce((s, l) => s + l.contended, 0);
  const topLock = [...locks].sort((a, b) => b.waitSeconds - a.waitSeconds)[0];
  const waitOf = (t: (typeof threads)[number]): number => t.gil.waitSeconds + t.lockWaitSeconds + (t.states?.stopTheWorldSeconds ?? 0);
  const topThread = [...threads].sort((a, b) => waitOf(b) - waitOf(a))[0];
  const ft = report.processes.filter((p) => p.stopTheWorld !== null);
  if (ft.length > 0) {
    const stw = ft.reduce((s, p) => s + (p.stopTheWorld?.pauseSeconds ?? 0), 0);
    const pauses = ft.reduce((s, p) => s + (p.stopTheWorld?.count ?? 0), 0);
    const cause = ft.flatMap((p) => p.stopTheWorld?.causes ?? []).sort((a, b) => b.seconds - a.seconds)[0];
    const on = ft.find((p) => p.gilEnabledAt !== null)?.gilEnabledAt;
    return [
      on
        ? { label: 'GIL', value: `on at ${formatSeconds(on.seconds)}`, detail: on.module ? `turned on by importing ${on.module}` : 'on from the start' }
        : { label: 'GIL', value: 'Off', detail: 'a free-threaded build: threads run side by side' },
      { label: 'Lock and object wait', value: formatSeconds(lockWait), detail: `${contended.toLocaleString('en')} contended acquisitions` },
      { label: 'Stop-the-world', value: formatSeconds(stw), detail: `${pauses.toLocaleString('en')} pauses${cause ? `, most from ${cause.cause}` : ''}` },
      topLock && topLock.waitSeconds > 0
        ? { label: 'Most waited for', value: topLock.name ?? `${topLock.kind}${topLock.createdAt ? '' : ' object'}`, detail: `${formatSeconds(topLock.waitSeconds)} waited, ${topLock.contended} contended` }
        : { label: 'Most waited for', value: 'None', detail: 'no lock or object made a thread wait' },
      topThread
        ? { label: 'Waited most', value: topThread.name, detail: `${formatShare(waitOf(topThread) / Math.max(1e-12, topThread.endSeconds - topThread.startSeconds))} of its life waiting` }
        : { label: 'Waited most', value: '–', detail: 'no threads' },
    ];
  }
  return [
    {
      label: 'GIL busy',
      value: formatShare(gilTime > 0 ? held / gilTime : 0),
      // Several processes (or sub-interpreters) have a GIL each: held of all their lives, not of the wall.
      detail: gils > 1 ? `held ${formatSeconds(held)} of ${formatSeconds(gilTime)}, ${gils} GILs' lives` : `held ${formatSeconds(held)} of ${formatSeconds(report.wallSeconds)}`,
    },
    { label: 'GIL wait', value: formatSeconds(gilWait), detail: `${formatShare(life > 0 ? gilWait / life : 0)} of thread time` },
    { label: 'Lock wait', value: formatSeconds(lockWait), detail: `${contended.toLocaleString('en')} contended acquisitions` },
    topLock && topLock.waitSeconds > 0
      ? { label: 'Most contended lock', value: topLock.name ?? `${topLock.kind} #${topLock.id}`, detail: `${formatSeconds(topLock.waitSeconds)} waited, ${topLock.contended}/${topLock.acquisitions} contended` }
      : { label: 'Most contended lock', value: 'None', detail: 'no lock made a thread wait' },
    topThread
      ? { label: 'Waited most', value: topThread.name, detail: `${formatShare(waitOf(topThread) / Math.max(1e-12, topThread.endSeconds - topThread.startSeconds))} of its life waiting` }
      : { label: 'Waited most', value: '–', detail: 'no threads' },
  ];
}

/** The page's header: what ran, on what, for how long; the warnings; the key figures. */
export class Summary {
  readonly element: HTMLElement;
  private readonly title = el('h1', { class: 'report-title' });
  private readonly live = el('span', { class: 'badge live', hidden: true }, 'Live');
  /** A report of part of a recording, while it is opened a slice at a time: how much is read. */
  private readonly reading = el('span', { class: 'badge reading', hidden: true });
  private readonly meta = el('p', { class: 'report-meta' });
  private readonly command = el('code', { class: 'report-command' });
  private readonly warnings = el('div', { class: 'warnings', role: 'status' });
  private readonly cards = el('dl', { class: 'kpis' });

  constructor() {
    this.element = el(
      'header',
      { class: 'report-header' },
      el('div', { class: 'title-row' }, this.title, this.live, this.reading),
      this.meta,
      this.command,
      this.warnings,
      this.cards,
    );
  }

  update(report: Report, live: boolean, readShare?: number): void {
    setText(this.title, reportTitle(report));
    this.live.hidden = !live;
    this.reading.hidden = readShare === undefined;
    setText(this.reading, readShare === undefined ? '' : `${Math.floor(readShare * 100)}% read`);
    const threads = report.processes.reduce((s, p) => s + p.threads.length, 0);
    const py = `${report.python.implementation} ${report.python.version}${report.python.gilEnabled ? '' : ' (no GIL)'}${report.python.sampled ? ', sampled' : ''}`;
    const attachedAt = report.processes.map((p) => p.attachedAtSeconds).filter((x): x is number => x !== null);
    const attached = attachedAt.length > 0 ? [`attached at ${formatSeconds(Math.min(...attachedAt))}`] : [];
    const workers = workersLabel(report);
    setText(this.meta, [py, `${formatSeconds(report.wallSeconds)} recorded`, ...attached, processesLabel(report), `${threads} thread${threads === 1 ? '' : 's'}`, ...(workers ? [workers] : [])].join(' · '));
    setText(this.command, (report.command ?? report.processes[0]?.argv ?? []).join(' '));
    this.command.hidden = this.command.textContent === '';
    const warnings = report.warnings.join('\n');
    if (this.warnings.dataset['text'] !== warnings) {
      this.warnings.dataset['text'] = warnings;
      this.warnings.replaceChildren(...report.warnings.map((w) => el('p', { class: 'warning' }, icon(ICONS.warning), el('span', {}, w))));
    }
    const items = kpis(report);
    if (this.cards.children.length !== items.length) {
      this.cards.replaceChildren(...items.map(() => el('div', { class: 'kpi' }, el('dt', {}), el('dd', { class: 'kpi-value' }), el('dd', { class: 'kpi-detail' }))));
    }
    items.forEach((k, i) => {
      const card = this.cards.children[i]!;
      setText(card.children[0]!, k.label);
      setText(card.children[1]!, k.value);
      (card.children[1] as HTMLElement).title = k.value;
      setText(card.children[2]!, k.detail);
    });
  }
}

import { cssColor } from '../common/color';
import type { Rgb } from '../common/color';
import { el, icon, ICONS, setText } from '../common/dom';
import { formatSeconds, formatTime } from '../common/format';
import type { Theme } from '../common/theme';
import { tickStep } from '../heatmap/axis';
import type { Timeline } from './timeline';
import type { TimeWindow } from './timeWindow';

function button(label: string, shortcut: string, path: string, action: () => void): HTMLButtonElement {
  const b = el('button', { class: 'icon-button', type: 'button', 'aria-label': label, title: `${label} (${shortcut})` }, icon(path));
  b.addEventListener('click', action);
  return b;
}

/** A legend key; `only`: shown only where the recording has that kind of state. */
interface LegendItem {
  readonly label: string;
  readonly color: (t: Theme) => Rgb;
  readonly only?: 'freeThreaded' | 'unknown';
}

function legend(items: readonly LegendItem[]): { element: HTMLElement; paint: (t: Theme) => void; entries: HTMLElement[] } {
  const swatches = items.map(() => el('span', { class: 'swatch' }));
  const entries = items.map((it, i) => el('li', {}, swatches[i]!, it.label));
  const element = el('ul', { class: 'legend' }, ...entries);
  return {
    element,
    paint: (t) => items.forEach((it, i) => (swatches[i]!.style.background = cssColor(it.color(t)))),
    entries,
  };
}

/** The timeline section: toolbar (zoom, reset, follow), legends and the two heatmaps. */
export class TimelineSection {
  readonly element: HTMLElement;
  private readonly range = el('span', { class: 'range', 'aria-live': 'off' });
  private readonly followButton: HTMLButtonElement;
  private readonly legends: ((t: Theme) => void)[] = [];
  /** The threads legend's keys that only some recordings need, with the kind of state each stands for. */
  private readonly optionalKeys: { readonly only: NonNullable<LegendItem['only']>; readonly entry: HTMLElement }[] = [];
  private readonly locksToggle = el('button', { class: 'link-button', type: 'button', hidden: true });
  private allLocks = false;

  constructor(
    private readonly timeline: Timeline,
    followChanged: (follow: boolean) => void,
    allLocksChanged: (all: boolean) => void,
  ) {
    this.locksToggle.addEventListener('click', () => {
      this.allLocks = !this.allLocks;
      allLocksChanged(this.allLocks);
    });
    const center = 0.5;
    this.followButton = button('Follow the live end', 'F', ICONS.follow, () => {
      const on = this.followButton.getAttribute('aria-pressed') !== 'true';
      this.followButton.setAttribute('aria-pressed', String(on));
      followChanged(on);
    });
    this.followButton.hidden = true;
    this.followButton.setAttribute('aria-pressed', 'true');
    const toolbar = el(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Timeline zoom' },
      button('Zoom out', '-', ICONS.zoomOut, () => timeline.zoom(1.5, center)),
      button('Zoom in', '+', ICONS.zoomIn, () => timeline.zoom(1 / 1.5, center)),
      button('Show the whole recording', 'Home', ICONS.reset, () => timeline.reset()),
      this.followButton,
      this.range,
    );
    const threadKeys: LegendItem[] = [
      { label: 'GIL held', color: (t) => t.held },
      { label: 'GIL wait', color: (t) => t.wait },
      { label: 'Lock wait', color: (t) => t.lockWait },
      { label: 'Released', color: (t) => t.released },
      { label: 'Running, no GIL', color: (t) => t.running, only: 'freeThreaded' },
      { label: 'Stopped by the world', color: (t) => t.stopped, only: 'freeThreaded' },
      { label: 'Blocked', color: (t) => t.blocked, only: 'freeThreaded' },
      { label: 'Unknown (sampled)', color: (t) => t.unknown, only: 'unknown' },
    ];
    const threads = legend(threadKeys);
    threadKeys.forEach((k, i) => {
      if (k.only) this.optionalKeys.push({ only: k.only, entry: threads.entries[i]! });
    });
    const locks = legend([
      { label: 'Held (upper half)', color: (t) => t.lockHold },
      { label: 'Threads waiting (lower half)', color: (t) => t.lockQueue },
    ]);
    this.legends.push(threads.paint, locks.paint);
    this.element = el(
      'section',
      { class: 'timeline', 'aria-labelledby': 'timeline-heading' },
      el('div', { class: 'section-head' }, el('h2', { id: 'timeline-heading' }, 'Timeline'), toolbar),
      el('p', { class: 'section-description' }, 'Scroll to zoom, drag to pan, hover for details, click a cell to open its line. With the keyboard: + and − zoom, arrows pan and move, Enter opens.'),
      el('div', { class: 'heatmap-head' }, el('h3', {}, 'Threads'), threads.element),
      timeline.threads.element,
      el('div', { class: 'heatmap-head' }, el('h3', {}, 'Locks'), locks.element, this.locksToggle),
      timeline.locks.element,
    );
  }

  setTheme(theme: Theme): void {
    for (const paint of this.legends) paint(theme);
  }

  /** Keys only for the states the recording has: a free-threaded build's, a sampler's unknown time. */
  setStates(freeThreaded: boolean, unknown: boolean): void {
    for (const k of this.optionalKeys) k.entry.hidden = !(k.only === 'freeThreaded' ? freeThreaded : unknown);
  }

  /** The lock rows drawn: `shown` of `total`; the toggle offers the others. */
  setLockRows(shown: number, total: number, all: boolean): void {
    this.allLocks = all;
    this.locksToggle.hidden = shown === total && !all;
    setText(this.locksToggle, all ? 'Show the contended locks only' : `Show all ${total} locks`);
  }

  setLive(live: boolean): void {
    this.followButton.hidden = !live;
  }

  showWindow(w: TimeWindow, whole: boolean): void {
    const step = tickStep(w.end - w.start, 600, 60) / 10;
    setText(this.range, whole ? `Whole recording, ${formatSeconds(w.end - w.start)}` : `${formatTime(w.start, step)} – ${formatTime(w.end, step)} (${formatSeconds(w.end - w.start)})`);
  }
}

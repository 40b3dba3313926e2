import type { PanelToHostMessage, RecordingsListMessage, RecordingSummary } from '../../src/protocol/webviewProtocol';
import { el, icon, ICONS } from '../common/dom';
import type { HostConnection } from '../common/vscodeApi';
import { recordingItem } from './recordingItem';

/** What the panel keeps through `vscode.setState`: the item the keyboard was on. */
export interface PanelState {
  readonly focusedId: string | null;
}

/**
 * The workspace's recordings as a listbox: ↑/↓, Home/End move, Enter, Space or a
 * click opens the recording's report (`recordings/select`).
 */
export class RecordingList {
  readonly element: HTMLElement;
  private readonly list = el('ul', { class: 'recordings', role: 'listbox', 'aria-label': 'Recordings of this workspace' });
  private readonly empty: HTMLElement;
  private recordings: readonly RecordingSummary[] = [];
  private selectedId: string | null = null;
  private focusedId: string | null;

  constructor(private readonly host: HostConnection<PanelToHostMessage, PanelState>) {
    this.focusedId = host.getState()?.focusedId ?? null;
    const record = el('button', { class: 'text-button', type: 'button' }, icon(ICONS.record), 'Record a Python program…');
    record.addEventListener('click', () => host.postMessage({ type: 'recordings/record' }));
    this.empty = el('div', { class: 'empty', hidden: true }, el('p', { class: 'empty-note' }, 'No recordings in this workspace yet.'), record);
    this.element = el('div', { class: 'panel' }, this.empty, this.list);
    this.list.addEventListener('click', (e) => {
      const item = (e.target as Element).closest<HTMLElement>('.recording');
      if (item) this.choose(item.dataset['id']!);
    });
    this.list.addEventListener('keydown', (e) => this.key(e));
    this.list.addEventListener('focusin', (e) => {
      const item = (e.target as Element).closest<HTMLElement>('.recording');
      if (item) this.remember(item.dataset['id']!);
    });
    // "3 min ago" grows old.
    setInterval(() => this.render(), 60_000);
  }

  show(message: RecordingsListMessage): void {
    this.recordings = message.recordings;
    this.selectedId = message.selectedId;
    this.render();
  }

  private render(): void {
    const hadFocus = this.list.contains(document.activeElement);
    const now = Date.now();
    this.empty.hidden = this.recordings.length > 0;
    this.list.hidden = this.recordings.length === 0;
    this.list.replaceChildren(...this.recordings.map((r) => recordingItem(r, now, r.id === this.selectedId)));
    const focus = this.items().find((i) => i.dataset['id'] === this.focusedId) ?? this.items().find((i) => i.getAttribute('aria-selected') === 'true') ?? this.items()[0];
    if (focus) {
      focus.tabIndex = 0;
      if (hadFocus) focus.focus();
    }
  }

  private items(): HTMLElement[] {
    return [...this.list.querySelectorAll<HTMLElement>('.recording')];
  }

  private choose(id: string): void {
    this.selectedId = id;
    for (const i of this.items()) i.setAttribute('aria-selected', String(i.dataset['id'] === id));
    this.host.postMessage({ type: 'recordings/select', id });
  }

  private remember(id: string): void {
    this.focusedId = id;
    for (const i of this.items()) i.tabIndex = i.dataset['id'] === id ? 0 : -1;
    this.host.setState({ focusedId: id });
  }

  private key(e: KeyboardEvent): void {
    const items = this.items();
    const at = items.findIndex((i) => i === document.activeElement);
    let next = at;
    switch (e.key) {
      case 'ArrowDown':
        next = Math.min(items.length - 1, at + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, at - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = items.length - 1;
        break;
      case 'Enter':
      case ' ':
        if (items[at]) this.choose(items[at]!.dataset['id']!);
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    items[next]?.focus();
  }
}

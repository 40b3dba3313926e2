import type { HeatmapRowInfo } from '../../src/protocol/webviewProtocol';
import { el } from '../common/dom';

/**
 * The row labels beside a heatmap, kept in step with the rows drawn: nodes are reused and
 * only changed text is written (this runs at every redraw). A row's process is named when
 * the rows come from several, by its key (its pid, or `host:pid` when the recording is of
 * several machines). `current` marks the keyboard cursor's row (-1: none).
 */
export function syncRowLabels(container: HTMLElement, rows: readonly HeatmapRowInfo[], current: number): void {
  const processes = new Set(rows.map((r) => rowProcess(r.key)));
  const labels = rows.map((r) => (processes.size > 1 ? `${r.label} · ${rowProcess(r.key)}` : r.label));
  const kids = container.children;
  for (let i = 0; i < labels.length; i++) {
    let node = kids[i] as HTMLElement | undefined;
    if (!node) {
      node = el('div', { class: 'heatmap-label' });
      container.append(node);
    }
    if (node.textContent !== labels[i]) {
      node.textContent = labels[i]!;
      node.title = labels[i]!;
    }
    node.classList.toggle('current', i === current);
  }
  while (kids.length > labels.length) kids[kids.length - 1]!.remove();
}

/** The process part of a row key: `KEY/slot` for a thread, `KEY/lock/id` for a lock (HeatmapRowInfo.key). */
export function rowProcess(key: string): string {
  const lock = key.lastIndexOf('/lock/');
  return key.slice(0, lock >= 0 ? lock : key.lastIndexOf('/'));
}

/** Moves the `current` mark to row `current` (-1: none) without touching the labels. */
export function markCurrentRow(container: HTMLElement, current: number): void {
  const kids = container.children;
  for (let i = 0; i < kids.length; i++) kids[i]!.classList.toggle('current', i === current);
}

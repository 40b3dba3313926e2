import type { HeatmapRowInfo } from '../../src/protocol/webviewProtocol';
import { el } from '../common/dom';

/**
 * The row labels beside a heatmap, kept in step with the rows drawn: nodes are reused and
 * only changed text is written (this runs at every redraw). A row's process is named when
 * the rows come from several. `current` marks the keyboard cursor's row (-1: none).
 */
export function syncRowLabels(container: HTMLElement, rows: readonly HeatmapRowInfo[], current: number): void {
  const pids = new Set(rows.map((r) => r.pid));
  const labels = rows.map((r) => (pids.size > 1 ? `${r.label} · ${r.pid}` : r.label));
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

/** Moves the `current` mark to row `current` (-1: none) without touching the labels. */
export function markCurrentRow(container: HTMLElement, current: number): void {
  const kids = container.children;
  for (let i = 0; i < kids.length; i++) kids[i]!.classList.toggle('current', i === current);
}

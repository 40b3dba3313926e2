import { cssColor } from '../common/color';
import { el } from '../common/dom';
import { shortPath } from '../common/format';
import type { CellInfo } from './cellInfo';

/** The floating tooltip of a heatmap: one element, filled again for each cell. */
export class Tooltip {
  readonly element = el('div', { class: 'tooltip', role: 'tooltip', hidden: true });

  show(info: CellInfo, x: number, y: number, bounds: DOMRect, hint: string): void {
    const t = this.element;
    t.replaceChildren(
      el('div', { class: 'tooltip-title' }, info.title),
      el('div', { class: 'tooltip-time' }, info.time),
      el(
        'div',
        { class: 'tooltip-parts' },
        ...info.parts.map((p) => {
          const swatch = el('span', { class: 'swatch' });
          swatch.style.background = cssColor(p.color);
          return el('div', { class: 'tooltip-part' }, swatch, el('span', { class: 'tooltip-label' }, p.label), el('span', { class: 'tooltip-value' }, p.value));
        }),
      ),
      info.site
        ? el(
            'div',
            { class: 'tooltip-site' },
            el('span', { class: 'tooltip-site-line' }, `${shortPath(info.site.file)}:${info.site.line}`),
            el('span', { class: 'tooltip-site-fn' }, ` ${info.site.function}`),
            info.siteNote ? el('div', { class: 'tooltip-note' }, info.siteNote) : null,
          )
        : el('div', { class: 'tooltip-note' }, 'No Python line known for this cell'),
      el('div', { class: 'tooltip-hint', hidden: !info.site }, hint),
    );
    t.hidden = false;
    // Keep inside the heatmap: right of the pointer, or left of it near the edge.
    const w = t.offsetWidth;
    const h = t.offsetHeight;
    const left = x + 14 + w > bounds.width ? Math.max(0, x - 14 - w) : x + 14;
    const top = Math.max(0, Math.min(y + 14, bounds.height - h));
    t.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}

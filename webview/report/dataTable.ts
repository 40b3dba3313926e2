import type { ReportSite } from '../../src/protocol/webviewProtocol';
import { el, setText } from '../common/dom';
import { shortPath } from '../common/format';

export interface TableColumn<T> {
  readonly header: string;
  /** The cell's text. */
  readonly text: (row: T) => string;
  readonly numeric?: boolean;
  /** A cell naming a Python line: a button that opens it. */
  readonly site?: (row: T) => ReportSite | null | undefined;
  /** What the site button says to screen readers, when it opens something other than a line (default: the file and line). */
  readonly siteLabel?: (row: T) => string;
  /** Hover text, e.g. the full path or the exact value. */
  readonly title?: (row: T) => string;
}

/**
 * A table of the numbers a chart draws, for screen readers and for reading exact
 * values. Updated in place (cells keep their nodes), so a live update neither
 * flickers nor moves the keyboard focus.
 */
export class DataTable<T> {
  readonly element: HTMLElement;
  private readonly body = el('tbody');
  private rows: readonly T[] = [];

  constructor(
    caption: string,
    private readonly columns: readonly TableColumn<T>[],
    private readonly open: (site: ReportSite) => void,
  ) {
    const head = el('tr', {}, ...columns.map((c) => el('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.header)));
    const table = el('table', { class: 'data-table' }, el('caption', { class: 'visually-hidden' }, caption), el('thead', {}, head), this.body);
    this.element = el('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': caption }, table);
    this.body.addEventListener('click', (e) => {
      const button = (e.target as Element).closest('button.site-link');
      const tr = button?.closest('tr');
      if (!button || !tr) return;
      const site = this.columns[Number(button.getAttribute('data-column'))]?.site?.(this.rows[tr.sectionRowIndex]!);
      if (site) this.open(site);
    });
  }

  update(rows: readonly T[], empty = 'None'): void {
    this.rows = rows;
    const trs = this.body.rows;
    if (rows.length === 0) {
      this.body.replaceChildren(el('tr', { class: 'empty' }, el('td', { colspan: this.columns.length }, empty)));
      return;
    }
    if (trs[0]?.classList.contains('empty')) this.body.replaceChildren();
    rows.forEach((row, i) => {
      let tr = trs[i];
      if (!tr) {
        tr = el('tr', {}, ...this.columns.map((c, j) => this.cell(c, j)));
        this.body.append(tr);
      }
      this.columns.forEach((c, j) => this.fill(tr.cells[j]!, c, row));
    });
    while (trs.length > rows.length) trs[trs.length - 1]!.remove();
  }

  private cell(c: TableColumn<T>, index: number): HTMLTableCellElement {
    const td = el('td', { class: c.numeric ? 'num' : undefined });
    if (c.site) td.append(el('button', { class: 'site-link', type: 'button', 'data-column': index }));
    return td;
  }

  private fill(td: HTMLTableCellElement, c: TableColumn<T>, row: T): void {
    const text = c.text(row);
    const title = c.title?.(row) ?? '';
    const button = c.site ? (td.firstElementChild as HTMLButtonElement | null) : null;
    if (button) {
      const site = c.site!(row);
      setText(button, text);
      button.disabled = !site?.file;
      const label = site?.file ? (c.siteLabel?.(row) ?? `Open ${shortPath(site.file)} line ${site.line}`) : '';
      if (button.getAttribute('aria-label') !== label) {
        if (label) button.setAttribute('aria-label', `${text}: ${label}`);
        else button.removeAttribute('aria-label');
      }
      if (button.title !== title) button.title = title;
    } else {
      setText(td, text);
      if (td.title !== title) td.title = title;
    }
  }
}

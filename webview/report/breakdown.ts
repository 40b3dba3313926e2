import type { ReportSite } from '../../src/protocol/webviewProtocol';
import { el, setText } from '../common/dom';
import type { Theme } from '../common/theme';
import { BarChart } from './barChart';
import type { BarSeries } from './barChart';
import { DataTable } from './dataTable';
import type { TableColumn } from './dataTable';

export interface BreakdownOptions<T> {
  readonly id: string;
  readonly heading: string;
  /** One sentence under the heading: what the bars mean. */
  readonly description: string;
  readonly stacked: boolean;
  /** The bar's name on the chart's axis. */
  readonly barLabel: (row: T) => string;
  /** The bar's tooltip title, when longer than its label. */
  readonly barTitle?: (row: T) => string;
  readonly series: readonly { readonly label: string; readonly color: BarSeries['color']; readonly value: (row: T) => number }[];
  readonly columns: readonly TableColumn<T>[];
  readonly open: (site: ReportSite) => void;
  /** The line a bar stands for, opened by a click on it. */
  readonly barSite?: (row: T) => ReportSite | null | undefined;
  /** Said when there is nothing to show. */
  readonly empty: string;
}

/** A section with a bar chart and, beside it, the table of the same numbers. */
export class Breakdown<T> {
  readonly element: HTMLElement;
  private readonly chart: BarChart;
  private readonly table: DataTable<T>;
  private readonly note = el('p', { class: 'section-note' });
  private readonly emptyNote = el('p', { class: 'empty-note', hidden: true });
  private readonly pair: HTMLElement;
  private chartRows: readonly T[] = [];

  constructor(private readonly options: BreakdownOptions<T>) {
    this.chart = new BarChart({
      ariaLabel: `${options.heading}: bar chart. The table beside it has the same numbers.`,
      stacked: options.stacked,
      titleOf: options.barTitle ? (i) => (this.chartRows[i] ? options.barTitle!(this.chartRows[i]!) : '') : undefined,
      onClick: options.barSite
        ? (i) => {
            const row = this.chartRows[i];
            const site = row && options.barSite!(row);
            if (site?.file) options.open(site);
          }
        : undefined,
    });
    this.table = new DataTable(options.heading, options.columns, options.open);
    this.pair = el('div', { class: 'chart-pair' }, this.chart.element, this.table.element);
    const headingId = `${options.id}-heading`;
    this.element = el(
      'section',
      { class: 'breakdown', id: options.id, 'aria-labelledby': headingId },
      el('h2', { id: headingId }, options.heading),
      el('p', { class: 'section-description' }, options.description),
      this.emptyNote,
      this.pair,
      this.note,
    );
  }

  /** `chartRows`: the bars (the top few); `tableRows`: every row. */
  update(chartRows: readonly T[], tableRows: readonly T[], theme: Theme, note = ''): void {
    this.chartRows = chartRows;
    const empty = tableRows.length === 0;
    this.emptyNote.hidden = !empty;
    setText(this.emptyNote, this.options.empty);
    this.pair.hidden = empty;
    setText(this.note, note);
    this.note.hidden = note === '';
    if (empty) return;
    this.chart.update(
      chartRows.map((r) => this.options.barLabel(r)),
      this.options.series.map((s) => ({ label: s.label, color: s.color, values: chartRows.map((r) => s.value(r)) })),
      theme,
    );
    this.table.update(tableRows);
  }

  setTheme(theme: Theme): void {
    this.chart.setTheme(theme);
  }
}

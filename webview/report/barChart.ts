import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import type { Rgb } from '../common/color';
import { chartFont, tooltipTheme } from '../common/chartTheme';
import { cssColor } from '../common/color';
import { el } from '../common/dom';
import { formatSeconds } from '../common/format';
import type { Theme } from '../common/theme';

// Only what the bar charts use, so the bundle leaves the rest of chart.js out.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface BarSeries {
  readonly label: string;
  readonly color: (theme: Theme) => Rgb;
  readonly values: readonly number[];
}

export interface BarChartOptions {
  /** Said by screen readers instead of the picture: the table beside it has the data. */
  readonly ariaLabel: string;
  readonly stacked: boolean;
  /** A click on bar `index` (e.g. open a line). */
  readonly onClick?: (index: number) => void;
  /** The tooltip's title for bar `index`, when the axis label is short. */
  readonly titleOf?: (index: number) => string;
}

const BAR_HEIGHT = 22;

/** A horizontal bar chart (chart.js), themed from --vscode-* and updated in place. */
export class BarChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private chart: Chart<'bar'> | undefined;
  private series: readonly BarSeries[] = [];
  private theme: Theme | undefined;

  constructor(private readonly options: BarChartOptions) {
    this.canvas = el('canvas', { role: 'img', 'aria-label': options.ariaLabel });
    this.element = el('div', { class: 'chart' }, this.canvas);
  }

  update(labels: readonly string[], series: readonly BarSeries[], theme: Theme): void {
    this.series = series;
    this.theme = theme;
    this.element.style.height = `${Math.max(90, labels.length * BAR_HEIGHT + 56)}px`;
    const datasets = series.map((s) => ({
      label: s.label,
      data: [...s.values],
      backgroundColor: cssColor(s.color(theme)),
      borderWidth: 0,
      barPercentage: 0.8,
      categoryPercentage: 0.85,
    }));
    if (!this.chart) {
      this.chart = new Chart(this.canvas, this.config([...labels], datasets));
      return;
    }
    const data = this.chart.data;
    data.labels = [...labels];
    // Replace values in the existing datasets so chart.js keeps its elements: no flicker.
    datasets.forEach((d, i) => {
      const old = data.datasets[i];
      if (old) {
        old.data = d.data;
        old.label = d.label;
        old.backgroundColor = d.backgroundColor;
      } else data.datasets.push(d);
    });
    data.datasets.length = datasets.length;
    this.applyTheme(this.chart.options as ChartConfiguration<'bar'>['options'] & object, theme);
    this.chart.update('none');
  }

  /** The theme changed: recolour without new data. */
  setTheme(theme: Theme): void {
    if (!this.chart || !this.theme) return;
    this.update(this.chart.data.labels as string[], this.series, theme);
  }

  private config(labels: string[], datasets: NonNullable<ChartConfiguration<'bar'>['data']>['datasets']): ChartConfiguration<'bar'> {
    const options: NonNullable<ChartConfiguration<'bar'>['options']> = {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      events: ['mousemove', 'mouseout', 'click'],
      onClick: (_event, elements) => {
        const hit = elements[0];
        if (hit && this.options.onClick) this.options.onClick(hit.index);
      },
      onHover: (event, elements) => {
        const target = event.native?.target as HTMLElement | undefined;
        if (target) target.style.cursor = elements.length > 0 && this.options.onClick ? 'pointer' : 'default';
      },
      scales: {
        x: { stacked: this.options.stacked, beginAtZero: true, ticks: { callback: (v) => formatSeconds(Number(v)) } },
        y: { stacked: this.options.stacked, ticks: { autoSkip: false } },
      },
      plugins: {
        legend: { position: 'top', align: 'start', labels: { boxWidth: 10, boxHeight: 10 } },
        tooltip: {
          callbacks: {
            title: (items) => (items[0] && this.options.titleOf ? this.options.titleOf(items[0].dataIndex) : (items[0]?.label ?? '')),
            label: (item) => ` ${item.dataset.label}: ${formatSeconds(Number(item.raw))}`,
          },
        },
      },
    };
    this.applyTheme(options, this.theme!);
    return { type: 'bar', data: { labels, datasets }, options };
  }

  private applyTheme(options: NonNullable<ChartConfiguration<'bar'>['options']>, theme: Theme): void {
    const fg = cssColor(theme.foreground);
    const muted = cssColor(theme.muted);
    const grid = cssColor(theme.grid);
    const font = chartFont(theme);
    for (const axis of ['x', 'y'] as const) {
      const scale = options.scales?.[axis];
      if (!scale) continue;
      scale.ticks = { ...scale.ticks, color: axis === 'y' ? fg : muted, font };
      scale.grid = { color: axis === 'x' ? grid : 'transparent' };
      scale.border = { color: grid };
    }
    const plugins = options.plugins!;
    // A series with nothing in it (a free-threaded build's states on a GIL build, unknown time in an exact recording) has no key.
    const present = (item: { datasetIndex?: number }, data: { datasets: { data: unknown[] }[] }): boolean =>
      data.datasets[item.datasetIndex ?? 0]?.data.some((v) => Number(v) > 0) ?? true;
    plugins.legend!.labels = { ...plugins.legend!.labels, color: fg, font, filter: present };
    plugins.tooltip = { ...plugins.tooltip, ...tooltipTheme(theme) };
  }
}

import { CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { chartFont, tooltipTheme } from '../common/chartTheme';
import { cssColor, mix } from '../common/color';
import { el } from '../common/dom';
import { formatSpeedup } from '../common/format';
import type { Theme } from '../common/theme';
import type { ChartLine } from './chartLines';
import { chartMetrics } from './chartMetrics';
import { modeColour } from './modeColours';

// Only what the line chart uses, so the bundle leaves the rest of chart.js out.
Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale, Filler, Legend, Tooltip);

type LineOptions = NonNullable<ChartConfiguration<'line'>['options']>;

const isBand = (line: ChartLine | undefined): boolean => line?.role === 'bandLow' || line?.role === 'bandHigh';

/** How each kind of line is drawn: measured solid with points, predicted dashed, its interval a tinted area, the ideals grey. */
function dataset(line: ChartLine, theme: Theme): ChartDataset<'line', (number | null)[]> {
  const colour = line.mode ? modeColour(line.mode, theme) : mix(theme.background, theme.foreground, 0.55);
  const base = { label: line.label, data: [...line.values], borderColor: cssColor(colour), backgroundColor: cssColor(colour), spanGaps: false };
  switch (line.role) {
    case 'measured':
      return { ...base, borderWidth: 2, pointRadius: 4, pointHoverRadius: 6 };
    case 'predicted':
      return { ...base, borderWidth: 1.5, borderDash: [6, 4], pointRadius: 2, pointStyle: 'rectRot' };
    case 'bandLow':
      return { ...base, borderWidth: 0, pointRadius: 0, pointHitRadius: 0, fill: false };
    case 'bandHigh':
      // The area down to the line before it (its bandLow): the predicted interval.
      return { ...base, borderWidth: 0, pointRadius: 0, pointHitRadius: 0, fill: '-1', backgroundColor: cssColor(colour, 0.14) };
    case 'ideal':
      return { ...base, borderWidth: 1, borderDash: [2, 3], pointRadius: 0 };
    case 'idealOnCores':
      return { ...base, borderWidth: 1.5, pointRadius: 0 };
  }
}

/**
 * The comparison's chart (chart.js): speedup over the serial run against
 * the number of workers, one line per mode, each mode's predicted line and
 * interval, and the ideal lines. Themed from --vscode-*.
 */
export class SpeedupChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private chart: Chart<'line', (number | null)[], string> | undefined;
  private lines: readonly ChartLine[] = [];
  private labels: readonly string[] = [];

  constructor() {
    this.canvas = el('canvas', { role: 'img', 'aria-label': 'Speedup over the serial run against the number of workers, per mode; the runs table has the numbers' });
    this.element = el('div', { class: 'chart speedup-chart' }, this.canvas);
  }

  update(workerCounts: readonly number[], lines: readonly ChartLine[], theme: Theme): void {
    this.lines = lines;
    this.labels = workerCounts.map(String);
    // A new chart each time: a comparison is shown whole, and its lines differ from the last one's.
    this.chart?.destroy();
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: { labels: [...this.labels], datasets: lines.map((l) => dataset(l, theme)) },
      options: this.options(theme),
    });
    chartMetrics.draws++;
    chartMetrics.labels = [...this.labels];
    chartMetrics.datasets = this.chart.data.datasets.map((d, i) => ({ label: d.label ?? '', role: lines[i]!.role, mode: lines[i]!.mode, data: [...d.data] }));
  }

  /** The theme changed: recolour. */
  setTheme(theme: Theme): void {
    if (this.chart) this.update(this.labels.map(Number), this.lines, theme);
  }

  private options(theme: Theme): LineOptions {
    const fg = cssColor(theme.foreground);
    const muted = cssColor(theme.muted);
    const grid = cssColor(theme.grid);
    const font = chartFont(theme);
    const axis = (title: string) => ({
      title: { display: true, text: title, color: muted, font },
      ticks: { color: muted, font },
      grid: { color: grid },
      border: { color: grid },
    });
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: axis('workers (N)'),
        y: { ...axis('speedup over serial'), beginAtZero: true, ticks: { color: muted, font, callback: (v) => formatSpeedup(Number(v)) } },
      },
      plugins: {
        legend: {
          position: 'top',
          align: 'start',
          labels: { color: fg, font, boxWidth: 14, boxHeight: 2, filter: (item) => !isBand(this.lines[item.datasetIndex ?? -1]) },
        },
        tooltip: {
          filter: (item) => !isBand(this.lines[item.datasetIndex]) && item.raw !== null,
          callbacks: {
            title: (items) => `${items[0]?.label ?? ''} workers`,
            label: (item) => {
              const line = this.lines[item.datasetIndex];
              const point = Number(item.raw);
              if (line?.role !== 'predicted') return ` ${item.dataset.label}: ${formatSpeedup(point)}`;
              const [low, high] = [1, 2].map((k) => {
                const band = this.lines[item.datasetIndex + k];
                return band && isBand(band) && band.mode === line.mode ? band.values[item.dataIndex] : null;
              });
              const range = low != null && high != null ? ` (${formatSpeedup(low)}–${formatSpeedup(high)})` : '';
              return ` ${item.dataset.label}: ${formatSpeedup(point)}${range}`;
            },
          },
          ...tooltipTheme(theme),
        },
      },
    };
  }
}

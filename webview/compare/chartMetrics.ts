import type { LineRole } from './chartLines';

/**
 * What the speedup chart last drew, read back from chart.js's own datasets:
 * for the browser tests, from `window.gilscopeCompare`.
 */
export interface CompareChartMetrics {
  draws: number;
  datasets: { label: string; role: LineRole; mode: string | null; data: (number | null)[] }[];
  labels: string[];
}

export const chartMetrics: CompareChartMetrics = { draws: 0, datasets: [], labels: [] };

declare global {
  interface Window {
    gilscopeCompare?: CompareChartMetrics;
  }
}

window.gilscopeCompare = chartMetrics;

import { plural } from '../../src/core/report/plural';
import type { Report } from '../../src/protocol/webviewProtocol';

/**
 * Who did the work, for the page's header: the same count as the report's
 * `workers`, the suggestions' and the terminal's (docs/report-schema.md,
 * "Workers"). Reports made before roles existed have neither: then nothing is said.
 */

/** "5 processes (2 workers, 2 helpers)", "1 process". */
export function processesLabel(report: Report): string {
  const n = report.processes.length;
  const count = (role: string) => report.processes.filter((p) => p.role === role).length;
  const parts = [
    count('worker') > 0 ? plural(count('worker'), 'worker') : '',
    count('helper') > 0 ? plural(count('helper'), 'helper') : '',
    count('infrastructure') > 0 ? `${count('infrastructure')} infrastructure` : '',
  ].filter(Boolean);
  return `${plural(n, 'process', 'processes')}${n > 1 && parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** "2 worker processes did the work", "2 worker threads did the work", "1 thread did the work"; null when unknown. */
export function workersLabel(report: Report): string | null {
  const w = report.workers;
  if (!w) return null;
  if (w.in === 'processes') return `${w.count} ${w.processes.length > 0 && report.processes.some((p) => p.role === 'main' && w.processes.includes(p.pid)) ? 'processes' : 'worker processes'} did the work`;
  return w.count === 1 ? 'one thread did the work' : `${plural(w.count, 'worker thread')} did the work`;
}

import { plural } from '../../core/report/plural';
import type { Report, ReportProcess } from '../../core/report/schema';

/**
 * Who did the work, in the terminal's words: the same count as the JSON's
 * `workers` and the suggestions' (docs/report-schema.md, "Workers").
 */

/** "5 processes: the main one, 2 workers, 2 helpers", "1 process". */
export function processCountText(r: Report): string {
  const n = r.processes.length;
  if (n <= 1) return plural(n, 'process', 'processes');
  const count = (role: ReportProcess['role']) => r.processes.filter((p) => p.role === role).length;
  const parts = [
    count('main') === 1 ? 'the main one' : count('main') > 1 ? plural(count('main'), 'main one') : '',
    count('worker') > 0 ? plural(count('worker'), 'worker') : '',
    count('helper') > 0 ? plural(count('helper'), 'helper') : '',
    count('infrastructure') > 0 ? `${count('infrastructure')} of a cluster's infrastructure` : '',
  ].filter(Boolean);
  return `${plural(n, 'process', 'processes')}: ${parts.join(', ')}`;
}

/** "2 worker processes did the work (pids 25482, 25483)"; "2 worker threads of process 12 did the work: …". */
export function workersText(r: Report): string {
  const w = r.workers;
  if (!w) return 'no process did work to speak of';
  if (w.in === 'processes') {
    const main = r.processes.find((p) => p.role === 'main' && w.processes.includes(p.pid));
    const who = main
      ? `${w.count} processes did the work, the main one and ${plural(w.count - 1, 'worker process', 'worker processes')}`
      : `${plural(w.count, 'worker process', 'worker processes')} did the work`;
    return `${who} (pids ${w.processes.join(', ')}), each with its own GIL`;
  }
  const pid = w.processes[0];
  const names = w.threads.map((t) => t.name).join(', ');
  if (w.count === 1) return `one thread did the work (${names || 'the main thread'} of process ${pid})`;
  return `${plural(w.count, 'worker thread')} of process ${pid} did the work (${names})`;
}

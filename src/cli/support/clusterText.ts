import type { Report } from '../../core/report/schema';
import { formatSeconds } from './formatting';
import type { Style } from './terminalStyle';
import { plural } from '../../core/report/plural';

/**
 * The terminal's cluster lines (docs/clusters.md): the processes by host
 * when there are several, each cluster worker's task threads' GIL wait beside
 * its event loop's, and the notes (processes an engine ended as it stopped).
 */
export function clusterLines(r: Report, st: Style): string[] {
  const out: string[] = [];
  const hosts = r.hosts ?? [];
  if (hosts.length > 1) {
    out.push(`${st.bold('Hosts')}: ${hosts.length}`);
    for (const h of hosts) {
      const names = h.pids.map((pid) => {
        const p = r.processes.find((q) => q.pid === pid);
        return `${pid} ${p?.cluster?.name ?? p?.roleName ?? ''}`.trim();
      });
      out.push(`  ${h.host ?? 'unknown host'}: ${names.join('; ')}`);
    }
  }
  const workers = r.clusterWorkers ?? [];
  if (workers.length > 0) {
    out.push(`${st.bold('Cluster workers')} ${st.dim('(GIL wait of the task threads, and of the event loop)')}`);
    for (const w of workers) {
      const loop = w.eventLoop ? `, event loop ${formatSeconds(w.eventLoop.waitSeconds)} (${Math.round(100 * w.eventLoop.waitShare)}%)` : '';
      out.push(`  ${w.host ? `${w.host} ` : ''}${w.pid} ${w.name}: ${plural(w.tasks.threads.length, 'task thread')} ` +
        `waited ${formatSeconds(w.tasks.waitSeconds)} (${Math.round(100 * w.tasks.waitShare)}%)${loop}`);
    }
  }
  for (const n of r.notes ?? []) out.push(st.dim(`note: ${n}`));
  return out;
}

/**
 * Which process a figure belongs to. A pid names a process on one machine
 * only: the recording of several machines (a cluster's per-host folders,
 * docs/clusters.md) may hold the same pid on two of them. A process's key
 * is its pid where the recording is of one machine, as always, and
 * `MACHINE:PID` where it is of several, MACHINE the host's name (with the
 * first 8 characters of its boot id when two machines share a host name,
 * as containers of one machine may, or when it has none). Machines are told
 * apart by (host name, boot id) from the files' headers (FORMAT.md):
 * containers of one kernel share a boot id but not a host name.
 *
 * The report's `key` of a process (docs/report-schema.md); the heatmap's rows
 * are `KEY/slot` and `KEY/lock/id`.
 */

export type ProcessKey = string;

/** What tells one machine from another: the header's host name and boot id (null in format 1). */
export interface MachineIdentity {
  readonly host: string | null;
  readonly bootId: string | null;
}

const identity = (m: MachineIdentity): string => `${m.host ?? ''}\0${m.bootId ?? ''}`;

/**
 * The tag of each machine among `machines`: '' for all when they are one
 * machine, else a name for each (see the file's comment).
 */
export function machineTags(machines: readonly MachineIdentity[]): (m: MachineIdentity) => string {
  const distinct = new Map<string, MachineIdentity>();
  for (const m of machines) distinct.set(identity(m), m);
  if (distinct.size <= 1) return () => '';
  const hostCount = new Map<string, number>();
  for (const m of distinct.values()) hostCount.set(m.host ?? '', (hostCount.get(m.host ?? '') ?? 0) + 1);
  const tags = new Map<string, string>();
  for (const [id, m] of distinct) {
    const host = m.host ?? '';
    const boot = (m.bootId ?? '').slice(0, 8);
    tags.set(id, !host ? `boot-${boot}` : hostCount.get(host)! > 1 ? `${host}~${boot}` : host);
  }
  return (m) => tags.get(identity(m)) ?? '';
}

/** The machine part of a process key (its tag), '' for a recording of one machine. */
export function machineTagOf(key: ProcessKey): string {
  const at = key.lastIndexOf(':');
  return at < 0 ? '' : key.slice(0, at);
}

export function processKey(machineTag: string, pid: number): ProcessKey {
  return machineTag ? `${machineTag}:${pid}` : String(pid);
}

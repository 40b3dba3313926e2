import type { MachineLoad, ProcessResult } from './model';
import { machineTagOf } from './processKeys';

function overlap(a: ProcessResult, b: ProcessResult): number {
  return Math.max(0, Math.min(a.endSeconds, b.endSeconds) - Math.max(a.startSeconds, b.startSeconds));
}

/**
 * A process's machine samples count as other programs' every CPU second on the machine
 * but its own (snapshotCpu.machineLoad), its siblings' in this recording too: a pool's
 * workers made their parent's machine look busy, and its predictions were for the cores
 * they left. Each other recorded process of the same machine is taken out for the part
 * of this one's run it overlapped, at its own average CPUs (its processCpus over its run).
 */
export function withoutSiblings(processes: readonly ProcessResult[]): ProcessResult[] {
  return processes.map((p) => {
    const m = p.machine;
    const span = p.endSeconds - p.startSeconds;
    if (!m || m.foreignCpus === null || !(span > 0)) return p;
    let siblings = 0;
    for (const q of processes) {
      if (q === p || machineTagOf(q.key) !== machineTagOf(p.key) || q.machine?.processCpus == null) continue;
      siblings += (q.machine.processCpus * overlap(p, q)) / span;
    }
    if (!(siblings > 0)) return p;
    const foreignCpus = Math.max(0, m.foreignCpus - siblings);
    const machine: MachineLoad = { ...m, foreignCpus, freeCpus: m.onlineCpus > 0 ? Math.max(0, m.onlineCpus - foreignCpus) : m.freeCpus };
    return { ...p, machine };
  });
}

import type { ProcessResult } from './model';

/**
 * A run-queue delay at least this share of the time the threads wanted a CPU
 * (their CPU time plus that delay) is a machine too busy for the run.
 */
export const BUSY_WAIT_SHARE = 0.1;
/** Other programs' CPUs plus this process's demand must pass the CPUs online by this much to count. */
const OVER_CPUS = 0.1;
/**
 * A run-queue delay below this share of the threads' lives is not worth a warning, whatever its share of
 * their CPU time; with other programs quiet (the run's own threads made each other wait: four threads
 * handing a lock round on two cores), below the second.
 */
const MIN_LIFE_SHARE = 0.01;
const OWN_MIN_LIFE_SHARE = 0.05;
/** Other programs using this many CPUs or more made the machine busy; below it the wait came from the run itself. */
const BUSY_FOREIGN_CPUS = 0.2;

/** A machine that had more runnable threads than cores while a process ran. */
export interface BusyMachine {
  readonly onlineCpus: number;
  readonly foreignCpus: number;
  readonly freeCpus: number;
  /** The threads' run-queue delay over their lives, summed. */
  readonly cpuWaitSeconds: number;
  /** Of it, what overlapped their GIL waits. */
  readonly cpuWaitInGilWaitSeconds: number;
  /** cpuWaitSeconds over the threads' lives, summed. */
  readonly lifeShare: number;
}

/**
 * Whether the machine was oversubscribed while `p` ran: its threads waited
 * for a CPU a real share of the time they wanted one, or other programs'
 * CPUs plus what this process wanted (its CPU time and its threads'
 * run-queue delay, per second of its run) exceeded the CPUs online. Null
 * when it was not, or when the recording has no CPU and machine samples.
 */
export function busyMachine(p: ProcessResult): BusyMachine | null {
  const m = p.machine;
  if (!m || m.foreignCpus === null || m.freeCpus === null || m.processCpus === null || !(m.sampledSeconds > 0)) return null;
  const sampled = p.threads.filter((t) => t.cpuWaitSeconds !== null);
  if (sampled.length === 0) return null;
  const wait = sampled.reduce((s, t) => s + t.cpuWaitSeconds!, 0);
  const inGilWait = sampled.reduce((s, t) => s + (t.cpuWaitInGilWaitSeconds ?? 0), 0);
  const cpu = sampled.reduce((s, t) => s + (t.cpuSeconds ?? 0), 0);
  const life = sampled.reduce((s, t) => s + Math.max(0, t.endSeconds - t.startSeconds), 0);
  const wall = p.endSeconds - p.startSeconds;
  if (!(life > 0) || !(wall > 0)) return null;
  const waitShare = cpu + wait > 0 ? wait / (cpu + wait) : 0;
  const demand = m.processCpus + wait / wall;
  const waited = waitShare >= BUSY_WAIT_SHARE && wait / life >= (m.foreignCpus < BUSY_FOREIGN_CPUS ? OWN_MIN_LIFE_SHARE : MIN_LIFE_SHARE);
  if (!waited && m.foreignCpus + demand <= m.onlineCpus + OVER_CPUS) return null;
  return {
    onlineCpus: m.onlineCpus,
    foreignCpus: m.foreignCpus,
    freeCpus: m.freeCpus,
    cpuWaitSeconds: wait,
    cpuWaitInGilWaitSeconds: inGilWait,
    lifeShare: wait / life,
  };
}

/**
 * "the machine was busy: other programs used 1.4 of 2 CPUs; 0.6 were free for this run, and the threads waited 18% …";
 * when other programs used next to nothing the wait was the run's own (more threads or processes wanting a CPU
 * than there were), and that is all it says: "the threads waited 3% of their lives for a CPU (other programs used 0.0 of 2 CPUs) …".
 */
export function busyMachineText(b: BusyMachine): string {
  const gil = b.cpuWaitInGilWaitSeconds > 0 ? ', part of what shows as GIL wait' : '';
  const waited = `the threads waited ${Math.round(b.lifeShare * 100)}% of their lives for a CPU`;
  if (b.foreignCpus < BUSY_FOREIGN_CPUS) return `${waited} (other programs used ${b.foreignCpus.toFixed(1)} of ${b.onlineCpus} CPUs)${gil}`;
  return `the machine was busy: other programs used ${b.foreignCpus.toFixed(1)} of ${b.onlineCpus} CPUs; ${b.freeCpus.toFixed(1)} were free for this run, ` +
    `and ${waited}${gil}`;
}

import type { ProcessResult } from '../analysis/model';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import type { WorkProfile } from './profile';
import { convoyPressure, heldWork, hotSpot, unknownOf, ipcPressure, lockPressures, ownWork, releasedSpot, releasedWork } from './profilePressures';
import { runCores } from './runCores';
import type { Workforce } from './workforce';

/**
 * The profile of a recording whose work ran in two or more processes
 * (workforce.ts): already parallel, each process with its own GIL. The
 * workers are those processes, never the helpers beside them (resource
 * trackers, a forkserver, a Manager's server) nor a parent that only hands
 * out tasks. The code named is the busiest working process's; the wall is
 * the main process's (the program's run). The cores are those the run had
 * when its machine was sampled (runCores.ts), else `cores`; with `fixed`, `cores`.
 */
export function processesProfile(a: RecordingAnalysis, cores: number, force: Workforce, fixed = false): WorkProfile {
  const working = force.working;
  const busiest = working[0]!;
  const main = a.processes.find((p) => force.roles.get(p.key)?.role === 'main') ?? busiest;
  const wall = Math.max(1e-9, main.endSeconds - main.startSeconds);
  const threads = working.flatMap((p) => [...p.threads]);
  const from = Math.min(...working.map((p) => p.startSeconds));
  const to = Math.max(...working.map((p) => p.endSeconds));
  const workerProcesses: ProcessResult[] = working.filter((p) => force.roles.get(p.key)?.role === 'worker');
  // The processes share one machine: the main one's samples say what it left them.
  const had = runCores(main) ?? runCores(busiest);
  return {
    baseline: 'recording',
    pid: main.pid,
    processKey: main.key,
    wallSeconds: wall,
    serialSeconds: Math.max(0, wall - Math.max(0, Math.min(main.endSeconds, to) - Math.max(main.startSeconds, from))),
    workers: working.length,
    cores: had && !fixed ? had.cores : cores,
    runCores: had,
    coresGiven: fixed,
    heldSeconds: threads.reduce((s, t) => s + heldWork(t), 0),
    ...unknownOf(threads),
    releasedSeconds: threads.reduce((s, t) => s + releasedWork(t), 0),
    gilWaitSeconds: threads.reduce((s, t) => s + t.gil.waitSeconds, 0),
    lockWaitSeconds: threads.reduce((s, t) => s + t.lockWaitSeconds, 0),
    chainSeconds: Math.max(...working.map((p) => Math.max(0, ...p.threads.map(ownWork)))),
    tasks: null,
    hot: hotSpot(busiest),
    released: releasedSpot(busiest),
    locks: lockPressures(busiest, wall),
    convoy: convoyPressure(busiest, busiest.threads.filter((t) => !t.isMain)),
    workerProcesses: working.length,
    mainProcessWorks: working.includes(main) && force.roles.get(main.key)?.role === 'main',
    ipc: ipcPressure(workerProcesses),
    python: { version: busiest.python.version, gilEnabled: busiest.python.gilEnabled },
    exchange: null,
    workerIds: { in: 'processes', processes: working.map((p) => p.pid), processKeys: working.map((p) => p.key), threads: [] },
  };
}

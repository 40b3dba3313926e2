import type { RecordingAnalysis } from '../analysis/recordingSession';
import type { WorkProfile } from '../suggest/profile';
import { hotSpot, releasedSpot } from '../suggest/profilePressures';
import { gilOver, recordingSeconds, taskRows } from './runGil';
import type { WhatIfPlan, WhatIfResult } from './whatifFile';

/**
 * The profile of a comparison's serial run: W its wall time, the tasks'
 * durations, and how long the tasks held the GIL (H) and ran without it (R),
 * from the recording, task by task. Without a recording the tasks are
 * taken to hold the GIL throughout (said in the notes).
 */
export function serialProfile(plan: WhatIfPlan, serial: WhatIfResult, analysis: RecordingAnalysis | null): WorkProfile {
  const durations = serial.tasks.map((t) => Math.max(0, (t.endNs - t.startNs) / 1e9));
  const work = durations.reduce((a, b) => a + b, 0);
  let held = work;
  let released = 0;
  let wait = 0;
  let lockWait = 0;
  if (analysis) {
    const rows = taskRows(analysis, serial.tasks);
    if (rows.length > 0) {
      held = released = 0;
      const rowOf = threadRowKeys(analysis);
      for (const t of serial.tasks) {
        // Only the task's own thread: the process's other threads are idle meanwhile.
        const own = gilOver(rows.filter((r) => r.key === rowOf.get(`${t.pid}/${t.tid}`)), recordingSeconds(analysis, t.startNs), recordingSeconds(analysis, t.endNs));
        held += own.heldSeconds;
        wait += own.waitSeconds;
        lockWait += own.lockWaitSeconds;
        released += Math.max(0, own.threadSeconds - own.heldSeconds - own.waitSeconds - own.lockWaitSeconds);
      }
    }
  }
  const process = analysis?.processes.find((p) => serial.tasks.some((t) => t.pid === p.pid)) ?? analysis?.processes[0];
  const fn = plan.target.function;
  const hot = fn
    ? { target: { file: fn.path, line: fn.line, function: fn.name }, heldSeconds: held }
    : process ? hotSpot(process) : null;
  return {
    baseline: 'serial',
    pid: null,
    wallSeconds: serial.wallSeconds,
    serialSeconds: Math.max(0, serial.wallSeconds - work),
    workers: 1,
    cores: serial.cores,
    heldSeconds: held,
    releasedSeconds: released,
    gilWaitSeconds: wait,
    lockWaitSeconds: lockWait,
    chainSeconds: Math.max(0, ...durations),
    tasks: durations,
    hot,
    released: process ? releasedSpot(process) : null,
    locks: [],
    convoy: null,
    workerProcesses: 0,
    ipc: null,
    python: { version: serial.python.version, gilEnabled: serial.python.gilEnabled },
  };
}

/** `pid/tid` (a what-if run: one machine) → the heatmap row key `KEY/slot`. */
function threadRowKeys(a: RecordingAnalysis): Map<string, string> {
  const keys = new Map<string, string>();
  for (const p of a.processes) for (const t of p.threads) keys.set(`${p.pid}/${t.tid}`, `${p.key}/${t.slot}`);
  return keys;
}

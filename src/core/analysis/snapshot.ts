import { processKey } from './processKeys';
import type { ClockFit } from '../format/clockFit';
import type { Definitions } from '../format/definitions';
import { cappedTicks } from '../format/header';
import type { FileHeader } from '../format/header';
import { EndKind, RecordingFlag } from '../format/layout';
import type { EndKindName, ProcessResult, ThreadResult } from './model';
import type { ProcessAnalyzer } from './processAnalyzer';
import { pythonInfo } from './pythonInfo';
import { machineLoad, threadCpuFigures } from './snapshotCpu';
import { buildHeatmap } from './snapshotHeatmap';
import { lockResults } from './snapshotLocks';
import { siteResults } from './snapshotSites';
import { stopTheWorld } from './stopTheWorld';
import { threadResult } from './snapshotThreads';
import type { SourceNames } from './sourceNames';
import type { ThreadState } from './threadState';
import { GilState } from './threadState';
import { TimeMap } from './timeMap';

/** What `snapshot` needs from the decoder of one file. */
export interface SnapshotSource {
  readonly display: string;
  readonly header: FileHeader;
  readonly defs: Definitions;
  readonly clock: ClockFit;
}

const END_NAMES: Record<number, EndKindName> = {
  [EndKind.exit]: 'exit',
  [EndKind.underscoreExit]: 'os._exit',
  [EndKind.signal]: 'signal',
  [EndKind.detached]: 'detached',
};

/**
 * The process's end in ticks: where it stopped recording at the size cap
 * (nothing after it is known, so every thread ends there), else the written
 * end once the file has been read through, or else the last record read (a
 * large file read a slice at a time ends, so far, where the reading is).
 */
export function processEndTicks(h: FileHeader, threads: Iterable<ThreadState>, readThrough = true): number {
  const capped = cappedTicks(h);
  if (capped !== null) return capped;
  let end = 0;
  for (const t of threads) if (t.lastTs > end) end = t.lastTs;
  if (readThrough && h.live.endKind !== EndKind.unknown && h.live.endTicks > h.startTicks) {
    end = Math.max(end, Number(h.live.endTicks - h.startTicks));
  }
  return end;
}

/** When a module turned the GIL on for good (GIL_ENABLED), and which; null when it stayed off. */
function gilEnabledAt(c: ProcessAnalyzer['ctx'], time: TimeMap, defs: Definitions): ProcessResult['gilEnabledAt'] {
  if (c.gilEnabledTs !== c.gilEnabledTs) return null;
  return { seconds: time.seconds(c.gilEnabledTs), module: defs.string(c.gilEnabledModule) ?? null };
}

/**
 * Turns a process's accumulated state into results, closing what is still
 * open at the process's end without changing the state (a live view calls
 * this again as records keep coming). `names` reads objects' names from the
 * lines that created them.
 */
/**
 * `machineTag`: the process's machine among the recording's (processKeys.ts; '' for a recording of one machine).
 * `final`: its file has ended and nothing more will be read into `a`, so the results may share its tables.
 */
export function snapshot(src: SnapshotSource, a: ProcessAnalyzer, recordingStartNs: bigint, running: boolean, names?: SourceNames, machineTag = '', final = false): ProcessResult {
  const h = src.header;
  const { slope, intercept } = src.clock.line();
  const time = new TimeMap(Number(h.startMonoNs - recordingStartNs), intercept, slope);
  const seen = [...a.threads.values()].filter((t) => t.start === t.start);
  const end = processEndTicks(h, seen, final);
  // gilscope's own sampling thread ran in the process but is not the program's: in no list, count or suggestion.
  const threads = seen.filter((t) => !t.isGilscope);
  const endOf = (t: ThreadState): number => (t.state === GilState.ended ? t.end : Math.max(end, t.lastTs));
  const pairs: [ThreadState, ThreadResult][] = threads
    .sort((x, y) => x.start - y.start || x.slot - y.slot)
    .map((t) => [t, threadResult(t, end, time, src.defs, !a.ctx.logBudget.overflowed, threadCpuFigures(t, a.ctx.cpu.threads.get(t.slot), endOf(t), a.ctx.grid.width), a.ctx.ft)]);
  const { lines, functions } = siteResults(a.ctx, threads, endOf, src.defs, time);
  const locks = lockResults(a.ctx, threads, end, src.defs, time, names);
  const live = h.live;
  const capped = cappedTicks(h);
  const gils = [...a.ctx.gilAcquisitions.keys()]
    .filter((g) => a.ctx.gilAcquisitions[g]! > 0 || a.ctx.gilInterpreter.has(g))
    .map((g) => ({
      index: g,
      interpreterId: a.ctx.gilInterpreter.get(g) ?? null,
      heldSeconds: time.duration(a.ctx.gilHeld[g]!),
      waitSeconds: time.duration(a.ctx.gilWait[g]!),
      acquisitions: a.ctx.gilAcquisitions[g]!,
    }));
  return {
    file: src.display,
    pid: h.pid,
    parentPid: h.ppid,
    key: processKey(machineTag, h.pid),
    parentKey: processKey(machineTag, h.ppid),
    argv: h.argv,
    executable: h.executable,
    python: pythonInfo(h),
    startSeconds: time.seconds(0),
    endSeconds: time.seconds(end),
    endKind: END_NAMES[live.endKind] ?? 'unknown',
    exitCode: (live.endKind === EndKind.exit || live.endKind === EndKind.underscoreExit) && live.endCode >= 0 ? live.endCode : null,
    signal: live.endKind === EndKind.signal ? live.endCode : null,
    running,
    host: h.formatVersion >= 2 ? h.host : null,
    bootId: h.formatVersion >= 2 ? h.bootId : null,
    attachedAtSeconds: (live.recordingFlags & RecordingFlag.attached) !== 0 ? Number(h.attachMonoNs - recordingStartNs) / 1e9 : null,
    cappedAtSeconds: capped === null ? null : time.seconds(capped),
    capBytes: h.capBytes > 0 ? h.capBytes : null,
    machine: machineLoad(a.ctx.cpu, h.onlineCpus, time),
    lostRecords: live.lostRecords,
    records: a.records,
    threads: pairs.map((p) => p[1]),
    lines,
    functions,
    locks,
    gils,
    stopTheWorld: a.ctx.ft ? stopTheWorld(a.ctx, end, time, src.defs) : null,
    gilEnabledAt: gilEnabledAt(a.ctx, time, src.defs),
    heatmap: buildHeatmap(processKey(machineTag, h.pid), h.pid, a.ctx, pairs, locks, end, time, final),
  };
}

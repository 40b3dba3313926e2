import { bootOffsets } from '../analysis/hostClocks';
import { machineTags, processKey } from '../analysis/processKeys';
import type { MachineIdentity } from '../analysis/processKeys';
import { SourceNames } from '../analysis/sourceNames';
import { TimeMap } from '../analysis/timeMap';
import type { Definitions, Site } from '../format/definitions';
import { GsrReader } from '../format/gsrReader';
import { cappedTicks } from '../format/header';
import { BuildFlag, EndKind, GilMode, LOCK_KIND_NAMES, LockKind, WAIT_KIND_NAMES, WaitKind } from '../format/layout';
import { listRecordingTree } from '../format/recordingTree';
import { SpanKind } from './spanList';
import type { SpanList } from './spanList';
import { TimelineSink } from './timelineSink';
import type { TimelineThread } from './timelineSink';

/** One thread's spans, ready to write. */
export interface ExportThread {
  readonly pid: number;
  /** Its process's key (src/core/analysis/processKeys.ts): the pid, or `MACHINE:PID` in a recording of several machines. */
  readonly processKey: string;
  /** Its process's number in a trace that needs one per process: the pid, unless two processes share it (two machines). */
  readonly traceId: number;
  readonly tid: number;
  readonly name: string;
  readonly isMain: boolean;
  /** A free-threaded build's thread: running and stopped spans, and event waits are its own state. */
  readonly freeThreaded: boolean;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly spans: SpanList;
  /** Ticks of this thread's file → seconds of the recording. */
  readonly time: TimeMap;
  /** What a span is called and where it points. */
  describe(i: number): SpanInfo;
}

export interface SpanInfo {
  /** `GIL held`, `GIL wait`, `lock wait: shared_lock`, `queue put: q`… */
  readonly name: string;
  /** `gil`, `lock`, or (a free-threaded build) `thread`: running or stopped by the world without a GIL. */
  readonly category: 'gil' | 'lock' | 'thread';
  readonly site: Site;
  /** Held: the line the hold started at. Lock wait: the lock's kind, id and name. */
  readonly extra: Readonly<Record<string, string | number>>;
}

export interface ExportProcess {
  readonly pid: number;
  readonly key: string;
  readonly traceId: number;
  readonly label: string;
  readonly threads: readonly ExportThread[];
}

export interface Timeline {
  readonly processes: readonly ExportProcess[];
  /** From the recording's start (the earliest process start) to the latest end. */
  readonly endSeconds: number;
}

const WAIT_LABELS: Readonly<Record<number, string>> = {
  [WaitKind.acquire]: 'lock wait',
  [WaitKind.conditionWait]: 'condition wait',
  [WaitKind.eventWait]: 'event wait',
  [WaitKind.queueGet]: 'queue get',
  [WaitKind.queuePut]: 'queue put',
  [WaitKind.future]: 'future wait',
  [WaitKind.threadJoin]: 'join',
};

interface Loaded {
  readonly reader: GsrReader;
  readonly sink: TimelineSink;
}

function endTicks(l: Loaded): number {
  const capped = cappedTicks(l.reader.header);
  if (capped !== null) return capped; // nothing after the size cap is recorded
  const live = l.reader.header.live;
  let end = 0;
  for (const t of l.sink.threads.values()) if (t.lastTs > end) end = t.lastTs;
  if (live.endKind !== EndKind.unknown && live.endTicks > l.reader.header.startTicks) {
    end = Math.max(end, Number(live.endTicks - l.reader.header.startTicks));
  }
  return end;
}

function describer(t: TimelineThread, sink: TimelineSink, defs: Definitions, names: SourceNames): (i: number) => SpanInfo {
  const lockName = new Map<number, { label: string; kind: string }>();
  const lockOf = (id: number): { label: string; kind: string } => {
    let l = lockName.get(id);
    if (!l) {
      const info = sink.locks.get(id);
      if (info?.kind === LockKind.object) {
        // an object's own lock (free-threaded): named by its type
        const type = defs.string(info.nameId) ?? 'object';
        l = { label: `${type} object #${id}`, kind: type };
        lockName.set(id, l);
        return l;
      }
      const kind = (info && LOCK_KIND_NAMES[info.kind]) ?? 'lock';
      const created = info && info.createSite !== 0 ? defs.site(info.createSite) : undefined;
      const name = (info && defs.string(info.nameId)) ?? (created ? names.nameAt(created.file, created.line) : null);
      l = { label: name ?? `${kind} #${id}`, kind };
      lockName.set(id, l);
    }
    return l;
  };
  const spans = t.spans;
  return (i): SpanInfo => {
    const site = defs.site(spans.site(i));
    const kind = spans.kind(i);
    if (kind === SpanKind.held) {
      const from = defs.site(spans.aux(i));
      return { name: 'GIL held', category: 'gil', site, extra: { startedAt: from.file ? `${from.file}:${from.line}` : from.function } };
    }
    if (kind === SpanKind.gilWait) return { name: 'GIL wait', category: 'gil', site, extra: {} };
    if (kind === SpanKind.running) return { name: 'running (no GIL)', category: 'thread', site, extra: {} };
    if (kind === SpanKind.stopped) return { name: spans.aux(i) === 1 ? 'stop-the-world: waiting for the others to stop' : 'stopped by the world', category: 'thread', site, extra: {} };
    const waitKind = spans.aux(i);
    const lock = lockOf(spans.lock(i));
    return {
      name: `${WAIT_LABELS[waitKind] ?? 'wait'}: ${lock.label}`,
      category: 'lock',
      site,
      extra: { waitKind: WAIT_KIND_NAMES[waitKind] ?? String(waitKind), object: lock.kind, objectId: spans.lock(i) },
    };
  };
}

/**
 * Decodes a recording into per-thread spans for the exports: a recording
 * folder, one `.gsr` file, or a folder of per-host folders (docs/clusters.md),
 * whose machines' clocks are moved onto one as the analysis moves them
 * (hostClocks.ts) and whose processes are keyed by machine (processKeys.ts).
 * Throws RecordingError on bad input.
 */
export function buildTimeline(path: string): Timeline {
  const tree = listRecordingTree(path);
  const loaded: Loaded[] = [];
  try {
    for (const files of tree.folders) {
      for (const file of files.gsrFiles) {
        let sink: TimelineSink | undefined;
        // A free-threaded build recorded exactly has running and stopped spans (timelineSink.ts).
        const reader = new GsrReader(file, (h) => (sink = new TimelineSink((h.buildFlags & BuildFlag.freeThreaded) !== 0 && h.gilMode !== GilMode.sampled)));
        loaded.push({ reader, sink: sink! });
        reader.poll();
      }
    }
  } finally {
    for (const l of loaded) l.reader.close();
  }
  const names = new SourceNames(tree.folders.find((f) => f.session)?.session?.cwd);
  const shift = bootOffsets(loaded.map((l) => l.reader.header));
  const startOf = (l: Loaded): bigint => l.reader.header.startMonoNs + (shift.get(l.reader.header.bootId) ?? 0n);
  const startNs = loaded.reduce((m, l) => (startOf(l) < m ? startOf(l) : m), startOf(loaded[0]!));
  const machine = (l: Loaded): MachineIdentity => {
    const h = l.reader.header;
    return h.formatVersion >= 2 ? { host: h.host, bootId: h.bootId } : { host: null, bootId: null };
  };
  const tagOf = machineTags(loaded.map(machine));
  const pids = loaded.map((l) => l.reader.header.pid);
  const pidsShared = new Set(pids).size < pids.length;
  let endSeconds = 0;
  const processes = loaded.map((l, index): ExportProcess => {
    const h = l.reader.header;
    const tag = tagOf(machine(l));
    const key = processKey(tag, h.pid);
    const traceId = pidsShared ? index + 1 : h.pid;
    const { slope, intercept } = l.reader.clock.line();
    const time = new TimeMap(Number(startOf(l) - startNs), intercept, slope);
    const end = endTicks(l);
    l.sink.finish(end);
    endSeconds = Math.max(endSeconds, time.seconds(end));
    const threads = [...l.sink.threads.values()]
      .filter((t) => t.start === t.start && !t.isGilscope)
      .sort((a, b) => a.start - b.start || a.slot - b.slot)
      .map((t): ExportThread => ({
        pid: h.pid,
        processKey: key,
        traceId,
        tid: t.tid || h.pid * 1000 + t.slot,
        name: l.reader.defs.string(t.nameId) ?? (t.isMain ? 'MainThread' : `thread ${t.slot}`),
        isMain: t.isMain,
        freeThreaded: l.sink.freeThreaded,
        startSeconds: time.seconds(t.start),
        endSeconds: time.seconds(t.end === t.end ? t.end : end),
        spans: t.spans,
        time,
        describe: describer(t, l.sink, l.reader.defs, names),
      }));
    return { pid: h.pid, key, traceId, label: `${tag ? `${tag}: ` : ''}${h.argv.join(' ') || h.executable} (pid ${h.pid})`, threads };
  });
  return { processes: processes.sort((a, b) => (a.threads[0]?.startSeconds ?? 0) - (b.threads[0]?.startSeconds ?? 0)), endSeconds };
}

import { statSync } from 'node:fs';
import { GsrReader } from '../format/gsrReader';
import type { FileHeader } from '../format/header';
import { BuildFlag, GilMode, RecordingFlag } from '../format/layout';
import { readRecorderNotes } from '../format/recorderNotes';
import type { RecorderNote } from '../format/recorderNotes';
import { readClusterNotes } from '../format/clusterNotes';
import type { ClusterNote } from '../format/clusterNotes';
import { listRecordingTree } from '../format/recordingTree';
import type { SessionInfo } from '../format/session';
import { Heatmap } from './heatmap';
import type { ProcessResult } from './model';
import { processAlive } from './processAlive';
import { ProcessAnalyzer } from './processAnalyzer';
import type { AnalysisOptions } from './processAnalyzer';
import { bootOffsets } from './hostClocks';
import { machineTags } from './processKeys';
import type { MachineIdentity } from './processKeys';
import { folderWarnings, recordingWarnings } from './recordingWarnings';
import { withoutSiblings } from './siblingLoad';
import { snapshot } from './snapshot';
import { SourceNames } from './sourceNames';

/** A free-threaded build recorded exactly: its threads have the states of ftMachine.ts. */
function freeThreaded(h: FileHeader): { detachSeen: boolean } | undefined {
  if ((h.buildFlags & BuildFlag.freeThreaded) === 0 || h.gilMode === GilMode.sampled) return undefined;
  return { detachSeen: (h.live.recordingFlags & RecordingFlag.detachSeen) !== 0 };
}

/** The analysis of a whole recording directory at one moment. */
export interface RecordingAnalysis {
  readonly dir: string;
  readonly session: SessionInfo | undefined;
  /** The earliest start_mono_ns across processes: time 0 of every result. */
  readonly startNs: bigint;
  readonly wallSeconds: number;
  readonly processes: readonly ProcessResult[];
  readonly heatmap: Heatmap;
  readonly warnings: readonly string[];
  /** Records decoded, all processes together. */
  readonly records: number;
  /**
   * A cluster's recording read as one (docs/clusters.md): true when the
   * folder held per-host folders. Their clocks are aligned through each
   * file's realtime pair (hostClocks.ts).
   */
  readonly hostFolders?: boolean;
  /** What cluster engines' processes said of themselves (cluster-<pid>.json), by process. */
  readonly clusterNotes?: ReadonlyMap<ProcessResult, ClusterNote>;
}

interface Entry {
  readonly folder: string;
  readonly reader: GsrReader;
  readonly analyzer: ProcessAnalyzer;
  ended: boolean;
}

/**
 * A recording being read: states `open` (after construction) → `closed`.
 * `poll` reads what is new in every file (and picks up files of processes
 * started since); `result` snapshots without disturbing the next poll. One
 * call of each gives the analysis of a finished recording; a live view
 * repeats them.
 */
export class RecordingSession {
  private readonly entries = new Map<string, Entry>();
  private session: SessionInfo | undefined;
  /** The folder session.json was read from: the launcher's pid is a process of that folder's machine. */
  private sessionFolder: string | undefined;
  private sessionDamaged: string | undefined;
  private notes: readonly RecorderNote[] = [];
  private hostFolders = false;
  private clusterNotes = new Map<string, Map<number, ClusterNote>>();
  private names: SourceNames | undefined;
  private closed = false;

  constructor(readonly path: string, private readonly options: AnalysisOptions = {}) {}

  /** Every file was read to its end by the last `poll` (one cut short by its `maxChunks` was not). */
  caughtUp = false;

  /**
   * Reads new records; returns the number of records decoded by this call.
   * @param maxChunks the most chunks (4 KiB each) to read in this call, over all files: a large
   *   recording is read in slices, each call going on where the last one stopped (see `caughtUp`)
   */
  poll(maxChunks = Infinity): number {
    if (this.closed) throw new Error('RecordingSession used after close');
    const tree = listRecordingTree(this.path);
    this.hostFolders = tree.hostFolders;
    const withSession = tree.folders.find((f) => f.session || f.sessionDamaged) ?? tree.folders[0]!;
    this.session = withSession.session;
    this.sessionFolder = withSession.dir;
    this.sessionDamaged = withSession.sessionDamaged;
    // a single .gsr file: its folder is not the recording
    this.notes = tree.folders.flatMap((files) => (files.dir === this.path || tree.hostFolders ? readRecorderNotes(files.dir) : []));
    for (const files of tree.folders) this.clusterNotes.set(files.dir, readClusterNotes(files.dir));
    let before = 0;
    let after = 0;
    let left = maxChunks;
    this.caughtUp = true;
    for (const files of tree.folders) {
      for (const file of files.gsrFiles) {
        if (left <= 0) {
          this.caughtUp = false;
          break;
        }
        let e = this.entries.get(file);
        if (!e) {
          let analyzer: ProcessAnalyzer | undefined;
          const reader = new GsrReader(file, (h) => {
            const ended = h.live.endKind !== 0 && h.live.endTicks > h.startTicks;
            analyzer = new ProcessAnalyzer(h.ticksPerNs, this.options, ended ? Number(h.live.endTicks - h.startTicks) : undefined, h.startTicks, freeThreaded(h));
            return analyzer;
          }, { summaries: this.options.summaries });
          e = { folder: files.dir, reader, analyzer: analyzer!, ended: false };
          this.entries.set(file, e);
        }
        if (e.ended) continue;
        before += e.analyzer.records;
        const polled = e.reader.poll(undefined, left);
        e.ended = polled.ended;
        left -= polled.newChunks;
        if (!polled.caughtUp) this.caughtUp = false;
        after += e.analyzer.records;
      }
    }
    return after - before;
  }

  /** Bytes of the recording's files read so far, and their sizes now. */
  progress(): { readBytes: number; totalBytes: number } {
    let readBytes = 0;
    let totalBytes = 0;
    for (const files of listRecordingTree(this.path).folders) {
      for (const file of files.gsrFiles) {
        const size = fileSize(file);
        const e = this.entries.get(file);
        totalBytes += size;
        readBytes += e ? Math.min(size, e.reader.bytesRead) : 0;
      }
    }
    return { readBytes, totalBytes };
  }

  result(): RecordingAnalysis {
    const entries = [...this.entries.values()];
    // Each machine's monotonic clock moved onto the reference machine's (hostClocks.ts); 0 for a one-machine recording.
    const shift = bootOffsets(entries.map((e) => e.reader.header));
    const shiftOf = (e: Entry) => shift.get(e.reader.header.bootId) ?? 0n;
    const startNs = entries.reduce((m, e) => (e.reader.header.startMonoNs + shiftOf(e) < m ? e.reader.header.startMonoNs + shiftOf(e) : m), entries[0] ? entries[0].reader.header.startMonoNs + shiftOf(entries[0]) : 0n);
    // Two machines may hold the same pid: a process is keyed by its machine too (processKeys.ts).
    const machine = (e: Entry): MachineIdentity => {
      const h = e.reader.header;
      return h.formatVersion >= 2 ? { host: h.host, bootId: h.bootId } : { host: null, bootId: null };
    };
    const tagOf = machineTags(entries.map(machine));
    const snapped = entries
      .map((e) => {
        const tag = tagOf(machine(e));
        // a pid names a live process on this machine only: one of another machine is never said to run
        const alive = !e.ended && tag === '' && processAlive(e.reader.header.pid);
        const p = snapshot(e.reader, e.analyzer, startNs - shiftOf(e), alive, this.sourceNames(), tag, e.ended);
        return { e, p: e.folder === this.sessionFolder ? withLauncherExitCode(p, this.session) : p };
      })
      .sort((a, b) => a.p.startSeconds - b.p.startSeconds || a.p.pid - b.p.pid || (a.p.key < b.p.key ? -1 : a.p.key > b.p.key ? 1 : 0));
    // Other programs on the machine are not the recording's own processes.
    const processes = withoutSiblings(snapped.map((x) => x.p));
    snapped.forEach((x, i) => (x.p = processes[i]!));
    const clusterNotes = new Map<ProcessResult, ClusterNote>();
    for (const { e, p } of snapped) {
      const note = this.clusterNotes.get(e.folder)?.get(p.pid);
      if (note) clusterNotes.set(p, note);
    }
    const wallSeconds = processes.reduce((m, p) => Math.max(m, p.endSeconds), 0);
    return {
      dir: this.path,
      session: this.session,
      startNs,
      wallSeconds,
      processes,
      heatmap: Heatmap.merge(processes.map((p) => p.heatmap)),
      warnings: [...folderWarnings(this.notes, this.sessionDamaged), ...recordingWarnings(processes)],
      records: entries.reduce((n, e) => n + e.analyzer.records, 0),
      hostFolders: this.hostFolders,
      clusterNotes,
    };
  }

  /** Read once per session: a live view snapshots again and again. */
  private sourceNames(): SourceNames {
    this.names ??= new SourceNames(this.session?.cwd);
    return this.names;
  }

  close(): void {
    this.closed = true;
    for (const e of this.entries.values()) e.reader.close();
  }
}

/** A file's size now; 0 if it is gone. */
function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * A process that returned from its main function ends through libc's exit,
 * where the runtime cannot see the status (end_code -1); the launcher saw it
 * for the process it started (session.json).
 */
function withLauncherExitCode(p: ProcessResult, session: SessionInfo | undefined): ProcessResult {
  const code = session?.exitCode;
  if (p.exitCode !== null || p.endKind !== 'exit' || p.pid !== session?.pid || typeof code !== 'number') return p;
  return { ...p, exitCode: code };
}

/** Decodes and analyses a finished (or still running) recording once. */
export function analyzeRecording(path: string, options: AnalysisOptions = {}): RecordingAnalysis {
  const s = new RecordingSession(path, options);
  try {
    s.poll();
    return s.result();
  } finally {
    s.close();
  }
}


/**
 * The JSON report, `schemaVersion: 1`, documented field by field in
 * docs/report-schema.md. Times are seconds from the recording's start.
 */
import type { Percentiles } from '../analysis/model';
import type { ProcessRole } from '../analysis/processRoles';
import type { Suggestion } from '../suggest/types';
import type { ClusterRole, ReportClusterWorker, ReportHost } from './clusterSchema';

/** One entry of `suggestions[]` (docs/report-schema.md, "Suggestion"). */
export type ReportSuggestion = Suggestion;

export const SCHEMA_VERSION = 1;

export interface ReportSite {
  file: string;
  line: number;
  function: string;
}

export interface ReportThread {
  tid: number;
  name: string;
  isMain: boolean;
  startSeconds: number;
  endSeconds: number;
  /** `unknownSeconds` (sampled, an interpreter whose GIL the sampler cannot read): running, held or not; absent when none. */
  gil: { heldSeconds: number; waitSeconds: number; releasedSeconds: number; unknownSeconds?: number };
  gilShares: { held: number; wait: number; released: number; unknown?: number };
  acquisitions: number;
  lockWaitSeconds: number;
  blockedSeconds: number;
  convoy: { count: number; waitSeconds: number };
  longestWaits: { seconds: number; atSeconds: number; site: ReportSite }[];
  /** Run-queue delay over the thread's life (CPU_SAMPLE, format version 2); null without samples. */
  cpuWaitSeconds: number | null;
  /** The part of `cpuWaitSeconds` that overlapped the thread's GIL waits; null without samples. */
  cpuWaitInGilWaitSeconds: number | null;
  /**
   * A free-threaded build's thread, the time it held no GIL by state (running, waiting for a lock or object,
   * stopped by the world, blocked on an event, detached): they add up to `gil.releasedSeconds`, so with the
   * GIL's held and wait times to its life. Null on a build with a GIL.
   */
  states: { runningSeconds: number; lockWaitSeconds: number; stopTheWorldSeconds: number; blockedSeconds: number; detachedSeconds: number } | null;
}

export interface ReportLock {
  id: number;
  kind: string;
  name: string | null;
  createdAt: ReportSite | null;
  acquisitions: number;
  contended: number;
  gaveUp: number;
  waitSeconds: number;
  gilWaitSeconds: number;
  holdSeconds: number;
  maxWaitSeconds: number;
  wait: Percentiles;
  hold: Percentiles;
  waiters: (ReportSite & { waitSeconds: number })[];
  holders: (ReportSite & { holdSeconds: number; blockingSeconds: number })[];
  waitKinds: { kind: string; count: number; seconds: number; sites: (ReportSite & { count: number; seconds: number })[] }[];
}

export interface ReportLine extends ReportSite {
  gilHeldSeconds: number;
  gilWaitSeconds: number;
  releasedSeconds: number;
  lockWaitSeconds: number;
  blockedSeconds: number;
  acquisitions: number;
  convoyCount: number;
  convoyWaitSeconds: number;
  /** Free-threaded builds (0 otherwise): running and detached time named by the line a thread attached again at; stop-the-world waits at the line it stood on. */
  runningSeconds: number;
  detachedSeconds: number;
  stopTheWorldSeconds: number;
}

export interface ReportFunction extends Omit<ReportLine, 'line'> {
  firstLine: number;
}

export interface ReportProcess {
  pid: number;
  parentPid: number;
  /** Which process it is in the report: its pid, or `MACHINE:PID` in a recording of several machines, where two may share a pid (src/core/analysis/processKeys.ts). */
  key: string;
  /** What the process is to the work (src/core/analysis/processRoles.ts): helpers and infrastructure are never workers. */
  role: ProcessRole;
  /** The role for a person: "main process", "worker process", "multiprocessing resource tracker"… */
  roleName: string;
  argv: string[];
  executable: string;
  exitCode: number | null;
  endKind: 'exit' | 'os._exit' | 'signal' | 'detached' | 'unknown';
  signal: number | null;
  running: boolean;
  /** Its place in a cluster engine (Ray, Dask, Parallel Python): {engine, role, name}; null when none (docs/clusters.md). */
  cluster?: ClusterRole | null;
  /** The host's name and boot id (format version 2), null in older recordings. */
  host: string | null;
  bootId: string | null;
  /** When recording began in the already running process (an attached recording), else null. */
  attachedAtSeconds: number | null;
  /** When the process stopped recording at the size cap, else null. */
  cappedAtSeconds: number | null;
  /** CPUs online, and other programs' average CPUs over the run (MACHINE_SAMPLE); null when unknown. */
  onlineCpus: number | null;
  foreignCpus: number | null;
  startSeconds: number;
  endSeconds: number;
  lostRecords: number;
  records: number;
  threads: ReportThread[];
  gils: { index: number; interpreterId: number | null; heldSeconds: number; waitSeconds: number; acquisitions: number }[];
  locks: ReportLock[];
  lines: ReportLine[];
  functions: ReportFunction[];
  /** A free-threaded build's stop-the-world pauses: how many, their durations summed, and by cause; null on a build with a GIL. */
  stopTheWorld: { count: number; pauseSeconds: number; causes: { cause: string; count: number; seconds: number }[] } | null;
  /** When a module turned the GIL on for good on a free-threaded build, and which (null: on from the start); null when it stayed off. */
  gilEnabledAt: { seconds: number; module: string | null } | null;
}

/** Who did the work: the one count of workers that the terminal, the suggestions and the views all say. */
export interface ReportWorkers {
  /** `processes`: two or more processes did the work, each with its own GIL; `threads`: the threads of one process did. */
  in: 'threads' | 'processes';
  count: number;
  /** The processes that did the work (`in: processes`), or the one whose threads did. */
  processes: number[];
  /** The same processes' keys (Process `key`). */
  processKeys: string[];
  /** The worker threads (`in: threads`), else empty. */
  threads: { pid: number; tid: number; name: string }[];
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  generator: string;
  python: { version: string; implementation: string; gilEnabled: boolean; sampled: boolean };
  wallSeconds: number;
  /** Some process was recorded from the middle of its run (`gilscope attach`): see its `attachedAtSeconds`. */
  attached: boolean;
  command: string[] | null;
  processes: ReportProcess[];
  /** Null when the recording has no work to speak of. */
  workers: ReportWorkers | null;
  /** Ranked remedies with predicted speedups (buildReport fills them). */
  suggestions: ReportSuggestion[];
  warnings: string[];
  /** What a reader should know that is not a fault: processes a cluster engine ended as it stopped. */
  notes?: string[];
  /** The processes grouped by machine (host name and boot id): one entry for a one-machine recording. */
  hosts?: ReportHost[];
  /** Every cluster worker's summary: its task threads' GIL wait beside its event loop's. */
  clusterWorkers?: ReportClusterWorker[];
}

import type { ProcessKey } from './processKeys';
import type { Heatmap } from './heatmap';

/**
 * Results of the analysis, in seconds relative to the recording's start
 * (the earliest start_mono_ns across its processes). The JSON report
 * (src/core/report/) is built from these.
 */

export interface SiteRef {
  readonly file: string;
  readonly line: number;
  readonly function: string;
}

export interface GilSeconds {
  readonly heldSeconds: number;
  readonly waitSeconds: number;
  readonly releasedSeconds: number;
  /**
   * A sampled thread's time in a state the sampler could not tell (running, with an interpreter whose
   * GIL it cannot read: Python holding the GIL or native code without it); absent when none. With the
   * three above it adds up to the thread's life.
   */
  readonly unknownSeconds?: number;
}

export interface WaitRef {
  readonly seconds: number;
  readonly atSeconds: number;
  readonly site: SiteRef;
}

/**
 * A free-threaded build's thread, the time it held no GIL (ftMachine.ts), by
 * state: with the GIL's held and wait times they add up to its life.
 */
export interface FreeThreadedStates {
  /** Attached (running Python or C code that keeps its thread state), not waiting. */
  readonly runningSeconds: number;
  /** Waiting to acquire a lock or an object's own lock (contention). */
  readonly lockWaitSeconds: number;
  /** Stopped by a stop-the-world pause, or waiting for the others to stop for one it asked for. */
  readonly stopTheWorldSeconds: number;
  /** Waiting for an event: Condition, Event, queue, future, join. */
  readonly blockedSeconds: number;
  /** Detached: I/O, sleep, native code that let its thread state go. */
  readonly detachedSeconds: number;
}

export interface ThreadResult {
  readonly slot: number;
  readonly tid: number;
  readonly name: string;
  readonly isMain: boolean;
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** False when no THREAD_END was seen: the thread ran to the process end or the last record. */
  readonly ended: boolean;
  readonly gil: GilSeconds;
  /** GIL acquisitions (switches to this thread). */
  readonly acquisitions: number;
  /** Waits to acquire a lock (contention). */
  readonly lockWaitSeconds: number;
  /** Waits for an event (Condition notify, Event, queue, future, join): not contention. */
  readonly blockedSeconds: number;
  readonly convoy: { readonly count: number; readonly waitSeconds: number };
  readonly longestWaits: readonly WaitRef[];
  /**
   * [start, end, start, end, …] in seconds: the spans the thread was released inside a wait (lock, queue,
   * Condition, event), so could not run. Which threads could have run side by side comes from these
   * (src/core/suggest/concurrency.ts). Null when the process's logs ran out of room.
   */
  readonly blockedSpans: Float64Array | null;
  /**
   * From CPU_SAMPLE (version 2), null without samples: the growth of the thread's run-queue delay over its
   * life (time it was runnable but not on a CPU), the part of it that overlapped its GIL waits (snapshotCpu.ts),
   * and its CPU time over the same samples.
   */
  readonly cpuWaitSeconds: number | null;
  readonly cpuWaitInGilWaitSeconds: number | null;
  readonly cpuSeconds: number | null;
  /** A free-threaded build's states when it held no GIL; null on a build with a GIL. */
  readonly states: FreeThreadedStates | null;
  /** Times it attached its thread state again (free-threaded builds; 0 otherwise). */
  readonly attaches: number;
}

export interface LineResult extends SiteRef {
  readonly gilHeldSeconds: number;
  readonly gilWaitSeconds: number;
  readonly releasedSeconds: number;
  readonly lockWaitSeconds: number;
  readonly blockedSeconds: number;
  readonly acquisitions: number;
  readonly convoyCount: number;
  readonly convoyWaitSeconds: number;
  /** Free-threaded builds (0 otherwise): running and detached time named by the line the thread attached again at, and stop-the-world waits at the line the thread stood on. */
  readonly runningSeconds: number;
  readonly detachedSeconds: number;
  readonly stopTheWorldSeconds: number;
}

export interface FunctionResult extends Omit<LineResult, 'line'> {
  readonly firstLine: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface LockSiteWait extends SiteRef {
  readonly waitSeconds: number;
}

export interface LockHolder extends SiteRef {
  /** Hold time of acquisitions made at this site. */
  readonly holdSeconds: number;
  /** Others' contention wait while a holder stood on this line (snapshotHolders.ts). */
  readonly blockingSeconds: number;
}

export interface WaitKindSite extends SiteRef {
  readonly count: number;
  readonly seconds: number;
}

export interface WaitKindResult {
  readonly kind: string;
  readonly count: number;
  readonly seconds: number;
  /** Where the threads waited, most first. */
  readonly sites: readonly WaitKindSite[];
}

export interface LockResult {
  readonly id: number;
  /** A lock's kind (`Lock`, `RLock`…), or for an object's own lock (free-threaded builds) the object's type (`dict`, `list`…). */
  readonly kind: string;
  readonly name: string | null;
  readonly createdAt: SiteRef | null;
  readonly acquisitions: number;
  readonly contended: number;
  readonly gaveUp: number;
  /** Contention: the time released in acquire calls that had to wait. */
  readonly waitSeconds: number;
  /** GIL waits inside those calls: the hand-over before the lock wait and getting the GIL back after it. */
  readonly gilWaitSeconds: number;
  readonly holdSeconds: number;
  readonly maxWaitSeconds: number;
  readonly wait: Percentiles;
  readonly hold: Percentiles;
  readonly waiters: readonly LockSiteWait[];
  readonly holders: readonly LockHolder[];
  /** Non-contention waits on this object (Condition wait-until-notified etc.). */
  readonly waitKinds: readonly WaitKindResult[];
}

export interface GilResult {
  readonly index: number;
  readonly interpreterId: number | null;
  readonly heldSeconds: number;
  readonly waitSeconds: number;
  readonly acquisitions: number;
}

export interface PythonInfo {
  readonly version: string;
  readonly implementation: string;
  readonly build: string;
  readonly gilEnabled: boolean;
  readonly sampled: boolean;
  /** Samples per second when `sampled` (FORMAT.md sample_hz), else 0. */
  readonly sampleHz: number;
}

/** `detached`: recording stopped while the process went on (`gilscope attach` ended, FORMAT.md end kind 4). */
export type EndKindName = 'exit' | 'os._exit' | 'signal' | 'detached' | 'unknown';

/** The machine a process ran on, from MACHINE_SAMPLE (version 2; snapshotCpu.ts). */
export interface MachineLoad {
  /** CPUs online (the latest sample's, else the header's). */
  readonly onlineCpus: number;
  /** Other programs' CPUs, averaged over the samples' span; null without two samples. */
  readonly foreignCpus: number | null;
  /** onlineCpus - foreignCpus, at least 0: the CPUs left for this run; null without two samples. */
  readonly freeCpus: number | null;
  /** This process's CPUs, averaged over the same span; null without two samples. */
  readonly processCpus: number | null;
  /** The span the machine samples cover. */
  readonly sampledSeconds: number;
  /**
   * Every sample, in time order: its seconds from the recording's start and the cumulative busy ns of
   * all CPUs and of this process (a window's load: machineBusyNsIn and processNsIn in snapshotCpu.ts).
   */
  readonly samples?: { readonly seconds: Float64Array; readonly busyNs: Float64Array; readonly processNs: Float64Array };
}

/** What caused stop-the-world pauses, and how long they stopped the threads. */
export interface StwCause {
  /** `garbage collection`, `fork`, `tracing or profiling`, `module import`, else `at FILE:LINE (FUNCTION)` where the requester stood. */
  readonly cause: string;
  readonly count: number;
  readonly seconds: number;
}

export interface StwPause {
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly cause: string;
  /** Threads it stopped (that were running when it began). */
  readonly stopped: number;
}

/** A free-threaded process's stop-the-world pauses (stopTheWorld.ts). */
export interface StopTheWorld {
  readonly count: number;
  /** The pauses' durations, summed: from the first thread stopped (or the requester's first wait for them) to the world starting again. */
  readonly pauseSeconds: number;
  readonly causes: readonly StwCause[];
  readonly pauses: readonly StwPause[];
}

export interface ProcessResult {
  readonly file: string;
  readonly pid: number;
  readonly parentPid: number;
  /** Which process it is in the recording: its pid, or `MACHINE:PID` in a recording of several machines (processKeys.ts). */
  readonly key: ProcessKey;
  /** Its parent's key (the parent may not be in the recording). */
  readonly parentKey: ProcessKey;
  readonly argv: readonly string[];
  readonly executable: string;
  readonly python: PythonInfo;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly endKind: EndKindName;
  readonly exitCode: number | null;
  readonly signal: number | null;
  /** No end was written and the process still exists. */
  readonly running: boolean;
  /** The host's name and boot id from the header (version 2), null before. */
  readonly host: string | null;
  readonly bootId: string | null;
  /** When recording began in a process that was already running (`gilscope attach`), else null. */
  readonly attachedAtSeconds: number | null;
  /** When the process stopped recording at the size cap (every thread ends there), else null. */
  readonly cappedAtSeconds: number | null;
  /** The recording's size cap in bytes, null when it had none. */
  readonly capBytes: number | null;
  /** The machine's load from MACHINE_SAMPLE, null without it. */
  readonly machine: MachineLoad | null;
  readonly lostRecords: number;
  readonly records: number;
  readonly threads: readonly ThreadResult[];
  readonly lines: readonly LineResult[];
  readonly functions: readonly FunctionResult[];
  readonly locks: readonly LockResult[];
  readonly gils: readonly GilResult[];
  /** Free-threaded builds: the stop-the-world pauses; null on a build with a GIL. */
  readonly stopTheWorld: StopTheWorld | null;
  /** When a module turned the GIL on for good (GIL_ENABLED), and which (null: on from the start); null when it stayed off or on a GIL build. */
  readonly gilEnabledAt: { readonly seconds: number; readonly module: string | null } | null;
  readonly heatmap: Heatmap;
}

import type { SuggestionTarget } from './types';

/**
 * What the suggestions are computed from: the measured figures of one run,
 * reduced to the terms of the model (docs/suggestions.md). Built from a
 * recording (recordingProfile.ts) or from a comparison's serial run
 * (src/core/compare/serialProfile.ts).
 */
export interface WorkProfile {
  /**
   * `recording`: the work already runs in `workers` threads, as recorded.
   * `serial`: the work ran in one thread and is taken to be divisible into
   * the tasks listed (or, without tasks, into any number of parts).
   */
  readonly baseline: 'recording' | 'serial';
  readonly pid: number | null;
  /** The same process's key (ProcessResult.key: a pid is one machine's); absent with `pid` null, or where the pid alone names it. */
  readonly processKey?: string;
  /** W: the baseline's wall time. */
  readonly wallSeconds: number;
  /** S: the part of W outside the workers' work (start-up, setup, joins): not sped up. */
  readonly serialSeconds: number;
  /** Threads doing the work now. */
  readonly workers: number;
  /** Usable cores of the machine the prediction is for: those the recorded run had when its machine was sampled (runCores.ts). */
  readonly cores: number;
  /** The cores the recorded run had, when its machine was sampled: the predictions say so. */
  readonly runCores?: RunCores | null;
  /** `cores` were given (`--cores`): the predictions are for them, not for the run's; `runCores` still says what the run had. */
  readonly coresGiven?: boolean;
  /** H: seconds the workers held the GIL (summed over them): what the GIL serialises. */
  readonly heldSeconds: number;
  /** Of H: seconds a sampler could not tell held from native code (profilePressures.heldWork), taken as held; absent when none. */
  readonly unknownSeconds?: number;
  /** R: seconds the workers ran without the GIL doing work (I/O, sleep, native code), summed. */
  readonly releasedSeconds: number;
  /** Of R: seconds the workers held sub-interpreters' own GILs (they run side by side with the main GIL); 0 or absent without them. */
  readonly ownGilSeconds?: number;
  /** Seconds the workers waited for the GIL, summed. */
  readonly gilWaitSeconds: number;
  /** Seconds the workers waited for contended locks, summed. */
  readonly lockWaitSeconds: number;
  /** C: the longest single worker's own work (held + released work): no remedy makes the work shorter than this. */
  readonly chainSeconds: number;
  /** Durations of the independent tasks when known (a comparison), else null. */
  readonly tasks: readonly number[] | null;
  /** The function holding the GIL most (user code first) and its hottest line. */
  readonly hot: { readonly target: SuggestionTarget; readonly heldSeconds: number } | null;
  /** The line where the workers ran without the GIL most. */
  readonly released: { readonly target: SuggestionTarget; readonly seconds: number } | null;
  readonly locks: readonly LockPressure[];
  readonly convoy: ConvoyPressure | null;
  /**
   * Processes that did the work when two or more did (workforce.ts: worker processes, and the main
   * one when it worked beside them; helpers never): the work already runs in parallel in processes,
   * and `workers` counts these processes. 0 when the work ran in one process's threads.
   */
  readonly workerProcesses: number;
  /** Whether the main process is one of `workerProcesses` (it worked beside its worker processes). */
  readonly mainProcessWorks?: boolean;
  /** Who did the work (a recording): the worker threads of `pid`, or the working processes; absent for a comparison. */
  readonly workerIds?: WorkerIds;
  /** Time worker processes spent waiting in multiprocessing / pickle for their next task, and their busy time. */
  /**
   * Worker processes' time released on multiprocessing's lines (waiting for a task or sending a
   * result), their busy time, the waits there (GIL re-takes on those lines) and the workers.
   */
  readonly ipc: {
    readonly waitSeconds: number;
    readonly busySeconds: number;
    readonly waits: number;
    readonly workers: number;
    readonly target: SuggestionTarget | null;
  } | null;
  readonly python: { readonly version: string; readonly gilEnabled: boolean };
  /** How the workers' runs interleave (a recording with two or more workers whose waits are known); else absent. */
  readonly exchange?: ExchangePressure | null;
  /** A free-threaded build's figures (freeThreadedProfile.ts); absent or null on a build with a GIL. */
  readonly freeThreaded?: FreeThreadedPressure | null;
}

/** What a free-threaded build's workers waited for without a GIL, and how many of them ran at once. */
export interface FreeThreadedPressure {
  /** Objects whose own locks the workers waited for (a dict, a list… they all write), most wait first. */
  readonly objects: readonly {
    readonly type: string;
    readonly id: number;
    readonly waitSeconds: number;
    readonly contended: number;
    /** The line that waited most. */
    readonly waiter: SuggestionTarget | null;
    /** The line where the thread that woke a waiter let it go (most often). */
    readonly releasedAt: SuggestionTarget | null;
  }[];
  /** Stop-the-world pauses: all of them, and those of garbage collection. */
  readonly pauses: number;
  readonly pauseSeconds: number;
  readonly gcPauses: number;
  readonly gcPauseSeconds: number;
  /** The workers' time stopped by the world, summed, and the line they were stopped at most. */
  readonly stoppedSeconds: number;
  readonly stoppedAt: SuggestionTarget | null;
  /** When a module turned the GIL on (null: it stayed off), and the workers' GIL wait since. */
  readonly gilEnabledAt: { readonly seconds: number; readonly module: string | null } | null;
  readonly gilWaitAfterSeconds: number;
  /** The workers' running time (attached, not waiting), summed; their run-queue delay (CPU wait, null unsampled); their span. */
  readonly runningSeconds: number;
  readonly cpuWaitSeconds: number | null;
  readonly spanSeconds: number;
  /** The workers' time detached (I/O, sleep, native code) or blocked on an event, summed: time they did not ask to run Python. */
  readonly idleSeconds: number;
}

/** Who the profile's `workers` are, so that a report can name them. */
export interface WorkerIds {
  /** `threads`: threads of one process did the work (one thread, when `baseline` is serial); `processes`: two or more processes did. */
  readonly in: 'threads' | 'processes';
  readonly processes: readonly number[];
  /** The same processes' keys (ProcessResult.key). */
  readonly processKeys: readonly string[];
  /** The worker threads, when `in` is `threads`. */
  readonly threads: readonly { readonly pid: number; readonly tid: number; readonly name: string }[];
}

/**
 * The workers' runs side by side (concurrency.ts): which of them could run
 * at the same moment, and the waits by which they hand work to each other.
 */
export interface ExchangePressure {
  /** runnableSeconds[k]: time in the workers' span with exactly k of them able to run (not blocked in a wait). */
  readonly runnableSeconds: readonly number[];
  /** The workers' waits that ended in the span: each a hand-over from another thread (or an outside event). */
  readonly handOvers: number;
  /**
   * What the hand-overs cost: the time inside those waits when the thread was not blocked (being woken,
   * waiting for the GIL the other thread holds, returning), plus the time no worker could run.
   */
  readonly handOverSeconds: number;
  /** The line the workers waited at most (the exchange's get or wait). */
  readonly target: SuggestionTarget | null;
}

export interface LockPressure {
  readonly name: string;
  readonly createdAt: SuggestionTarget | null;
  /** The holder whose critical section made others wait most, else the line waited at. */
  readonly target: SuggestionTarget | null;
  readonly holdSeconds: number;
  readonly waitSeconds: number;
  readonly acquisitions: number;
  readonly contended: number;
}

export interface ConvoyPressure {
  /** Threads with convoy waits. */
  readonly threads: number;
  readonly count: number;
  readonly waitSeconds: number;
  /** Those threads' lifetimes, summed. */
  readonly lifeSeconds: number;
  readonly target: SuggestionTarget | null;
}

/** The cores a recorded run had, from its machine samples (runCores.ts). */
export interface RunCores {
  /** CPUs online less other programs' average use, at least 1, to a tenth. */
  readonly cores: number;
  readonly onlineCpus: number;
  readonly foreignCpus: number;
}

/** What the evidence says of H: the GIL held as recorded, and apart, the time a sampler could not tell that H takes as held. */
export function heldEvidence(p: WorkProfile): { gilHeldSeconds: number; unknownTakenAsHeldSeconds?: number } {
  const unknown = p.unknownSeconds ?? 0;
  return unknown > 0 ? { gilHeldSeconds: p.heldSeconds - unknown, unknownTakenAsHeldSeconds: unknown } : { gilHeldSeconds: p.heldSeconds };
}

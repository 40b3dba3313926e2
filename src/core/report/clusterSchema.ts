/**
 * The cluster fields of the JSON report (docs/report-schema.md, "Clusters";
 * docs/clusters.md): plain types with no imports, so that the pages, which
 * read the report's types, need nothing else.
 */

export type ClusterEngine = 'ray' | 'dask' | 'pp';
export type ClusterRoleName = 'driver' | 'worker' | 'infrastructure';

/** A process's place in a cluster engine. */
export interface ClusterRole {
  readonly engine: ClusterEngine;
  readonly role: ClusterRoleName;
  /** "Ray actor Cruncher", "Dask worker 0 (tcp://127.0.0.1:40123)", "Ray log monitor"… */
  readonly name: string;
}

export interface ReportHost {
  /** The host's name (null in format-1 recordings). */
  host: string | null;
  bootId: string | null;
  /** Its processes, by start. */
  pids: number[];
}

export interface ThreadGroupFigures {
  /** The threads' names. */
  threads: string[];
  heldSeconds: number;
  waitSeconds: number;
  /** GIL wait as a share of the threads' lives. */
  waitShare: number;
}

export interface ReportClusterWorker {
  pid: number;
  host: string | null;
  engine: ClusterEngine;
  name: string;
  /** The threads that run the engine's tasks (Dask's task threads, a Ray actor's concurrency threads, else the main thread). */
  tasks: ThreadGroupFigures;
  /** The engine's event loop in the worker (Dask: the main thread), null when it has none. */
  eventLoop: ThreadGroupFigures | null;
}

/**
 * The cluster fields of the JSON report (docs/report-schema.md, "Clusters";
 * docs/clusters.md): plain types that import only the analysis's import-free
 * cluster types, so that the pages, which read the report's types, need
 * nothing else.
 */

import type { ClusterEngine } from '../analysis/clusterTypes';

export type { ClusterEngine, ClusterRole, ClusterRoleName } from '../analysis/clusterTypes';

export interface ReportHost {
  /** The host's name (null in format-1 recordings). */
  host: string | null;
  bootId: string | null;
  /** Its processes, by start. */
  pids: number[];
  /** The same processes' keys (Process `key`): the pids with the machine's name in a recording of several machines. */
  keys: string[];
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
  /** Its process's key (Process `key`). */
  key: string;
  host: string | null;
  engine: ClusterEngine;
  name: string;
  /** The threads that run the engine's tasks (Dask's task threads, a Ray actor's concurrency threads, else the main thread). */
  tasks: ThreadGroupFigures;
  /** The engine's event loop in the worker (Dask: the main thread), null when it has none. */
  eventLoop: ThreadGroupFigures | null;
}

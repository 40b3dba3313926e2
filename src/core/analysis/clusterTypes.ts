/**
 * What a process is to a cluster engine (docs/clusters.md): the analysis
 * names it (clusterRoles.ts) and the report carries it (report/clusterSchema.ts).
 * Plain types with no imports, so that the pages, which read the report's
 * types, need nothing else.
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

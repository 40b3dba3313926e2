import { availableParallelism } from 'node:os';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import type { ProcessResult, ThreadResult } from '../analysis/model';
import type { ProcessRoleOf } from '../analysis/processRoles';
import type { ProcessKey } from '../analysis/processKeys';
import type { WorkProfile } from '../suggest/profile';
import { recordingProfile } from '../suggest/recordingProfile';
import { clusterDrafts, hasEngine } from '../suggest/clusterRemedies';
import { suggest } from '../suggest/suggest';
import { workforce } from '../suggest/workforce';
import type { ClusterRole } from '../analysis/clusterRoles';
import { clusterWorkers, endedByEngine, hosts, isKillWarning, shutdownNote } from './clusterReport';
import { SCHEMA_VERSION } from './schema';
import type { Report, ReportProcess, ReportThread, ReportWorkers } from './schema';
import { gilLifeSeconds } from '../analysis/gilLife';

function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

function thread(t: ThreadResult): ReportThread {
  const unknown = t.gil.unknownSeconds ?? 0;
  const life = gilLifeSeconds(t.gil);
  return {
    tid: t.tid,
    name: t.name,
    isMain: t.isMain,
    startSeconds: t.startSeconds,
    endSeconds: t.endSeconds,
    gil: { ...t.gil },
    gilShares: {
      held: share(t.gil.heldSeconds, life),
      wait: share(t.gil.waitSeconds, life),
      released: share(t.gil.releasedSeconds, life),
      ...(unknown > 0 ? { unknown: share(unknown, life) } : {}),
    },
    acquisitions: t.acquisitions,
    lockWaitSeconds: t.lockWaitSeconds,
    blockedSeconds: t.blockedSeconds,
    convoy: { ...t.convoy },
    longestWaits: t.longestWaits.map((w) => ({ seconds: w.seconds, atSeconds: w.atSeconds, site: { ...w.site } })),
    cpuWaitSeconds: t.cpuWaitSeconds,
    cpuWaitInGilWaitSeconds: t.cpuWaitInGilWaitSeconds,
    states: t.states ? { ...t.states } : null,
  };
}

function process(p: ProcessResult, role: ProcessRoleOf | undefined, cluster: ClusterRole | null): ReportProcess {
  return {
    pid: p.pid,
    parentPid: p.parentPid,
    key: p.key,
    role: role?.role ?? 'main',
    roleName: role?.name ?? 'main process',
    cluster: cluster ? { ...cluster } : null,
    argv: [...p.argv],
    executable: p.executable,
    exitCode: p.exitCode,
    endKind: p.endKind,
    signal: p.signal,
    running: p.running,
    host: p.host,
    bootId: p.bootId,
    attachedAtSeconds: p.attachedAtSeconds,
    cappedAtSeconds: p.cappedAtSeconds,
    onlineCpus: p.machine?.onlineCpus ?? null,
    foreignCpus: p.machine?.foreignCpus ?? null,
    startSeconds: p.startSeconds,
    endSeconds: p.endSeconds,
    lostRecords: p.lostRecords,
    records: p.records,
    threads: p.threads.map(thread),
    gils: p.gils.map((g) => ({ ...g })),
    locks: p.locks.map((l) => ({
      ...l,
      createdAt: l.createdAt ? { ...l.createdAt } : null,
      wait: { ...l.wait },
      hold: { ...l.hold },
      waiters: l.waiters.map((w) => ({ ...w })),
      holders: l.holders.map((h) => ({ ...h })),
      waitKinds: l.waitKinds.map((k) => ({ ...k, sites: k.sites.map((w) => ({ ...w })) })),
    })),
    lines: [...p.lines].sort((a, b) => b.gilWaitSeconds + b.lockWaitSeconds - (a.gilWaitSeconds + a.lockWaitSeconds) || b.gilHeldSeconds - a.gilHeldSeconds),
    functions: [...p.functions].sort((a, b) => b.gilWaitSeconds + b.lockWaitSeconds - (a.gilWaitSeconds + a.lockWaitSeconds)),
    stopTheWorld: p.stopTheWorld
      ? { count: p.stopTheWorld.count, pauseSeconds: p.stopTheWorld.pauseSeconds, causes: p.stopTheWorld.causes.map((c) => ({ ...c })) }
      : null,
    gilEnabledAt: p.gilEnabledAt ? { ...p.gilEnabledAt } : null,
  };
}

function workers(p: WorkProfile | null): ReportWorkers | null {
  const ids = p?.workerIds;
  if (!p || !ids) return null;
  return { in: ids.in, count: p.workers, processes: [...ids.processes], processKeys: [...ids.processKeys], threads: ids.threads.map((t) => ({ ...t })) };
}

/**
 * The JSON report (docs/report-schema.md) of an analysed recording. The
 * suggestions are predicted for the cores the run had when its machine was
 * sampled (format version 2), else for this machine's; for `cores` when the
 * caller names them (`--cores`: the machine the program will run on).
 */
export function buildReport(a: RecordingAnalysis, generator = 'gilscope', cores?: number): Report {
  const first = a.processes[0];
  // One census of who did the work, for the processes' roles, the worker count and the suggestions alike.
  const force = workforce(a);
  const profile = recordingProfile(a, cores ?? availableParallelism(), force, cores !== undefined);
  const ended = endedByEngine(a, force.cluster);
  return {
    schemaVersion: SCHEMA_VERSION,
    generator,
    python: first
      ? { version: first.python.version, implementation: first.python.implementation, gilEnabled: first.python.gilEnabled, sampled: first.python.sampled }
      : { version: '', implementation: 'unknown', gilEnabled: true, sampled: false },
    wallSeconds: a.wallSeconds,
    attached: a.processes.some((p) => p.attachedAtSeconds !== null),
    command: a.session?.command ? [...a.session.command] : null,
    processes: a.processes.map((p) => process(p, force.roles.get(p.key), force.cluster.get(p.key) ?? null)),
    workers: workers(profile),
    suggestions: profile ? suggest(profile, {}, { drafts: clusterDrafts(a, force.cluster, profile), engine: hasEngine(force.cluster) }) : [],
    warnings: a.warnings.filter((w) => ![...ended.keys()].some((key) => isKillWarning(w, key))),
    notes: [...ended].map(([key, engine]) => shutdownNote(key, engine, force.cluster.get(key)!.name)),
    hosts: hosts(a.processes),
    clusterWorkers: clusterWorkers(a, force.cluster),
  };
}

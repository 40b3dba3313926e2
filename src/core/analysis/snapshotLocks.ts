import type { Definitions } from '../format/definitions';
import { LOCK_KIND_NAMES, LockKind, WAIT_KIND_NAMES } from '../format/layout';
import { DurationSamples } from './durationSamples';
import { cloneSamples } from './durationSamples';
import type { LockResult, Percentiles, SiteRef } from './model';
import type { LockStats } from './lockStats';
import { holdsUnseen, openContention } from './lockMachine';
import type { ProcessContext } from './processContext';
import { blockingBySite } from './snapshotHolders';
import type { Hold } from './snapshotHolders';
import type { SourceNames } from './sourceNames';
import type { ThreadState } from './threadState';
import type { TimeMap } from './timeMap';

function siteRef(defs: Definitions, id: number): SiteRef {
  const s = defs.site(id);
  return { file: s.file, line: s.line, function: s.function };
}

function percentiles(s: DurationSamples, time: TimeMap): Percentiles {
  return {
    p50: time.duration(s.percentile(0.5)),
    p90: time.duration(s.percentile(0.9)),
    p99: time.duration(s.percentile(0.99)),
    max: time.duration(s.max),
  };
}

/**
 * Holds still open at `end`, and those set aside when their thread took the
 * lock again: a release by another thread closes the earliest one before it,
 * the process's end the rest.
 */
function closeOpenHolds(lock: LockStats, threads: Iterable<ThreadState>, end: number): { holds: DurationSamples; bySite: Map<number, number>; closed: Hold[] } {
  const bySite = new Map([...lock.holdBySite].map(([k, v]) => [k, v[0]!]));
  const open: [number, number, number][] = [];
  for (const t of threads) {
    for (let i = 0; i < t.holdLock.length; i++) if (t.holdLock[i] === lock.id) open.push([t.holdStart[i]!, t.holdSite[i]!, t.slot]);
  }
  const d = lock.detachedHolds;
  for (let i = 0; i < d.length; i += 3) open.push([d[i]!, d[i + 1]!, d[i + 2]!]);
  if (open.length === 0) return { holds: lock.holds, bySite, closed: [] };
  const holds = cloneSamples(lock.holds);
  open.sort((a, b) => a[0] - b[0]);
  const releases = [...lock.orphanReleases].sort((a, b) => a - b);
  const closed: Hold[] = [];
  let r = 0;
  for (const [start, site, slot] of open) {
    while (r < releases.length && releases[r]! < start) r++;
    const stop = Math.max(start, r < releases.length ? releases[r++]! : end);
    holds.add(stop - start);
    bySite.set(site, (bySite.get(site) ?? 0) + (stop - start));
    closed.push([start, stop, slot, site]);
  }
  return { holds, bySite, closed };
}

/** Others' contention wait by the holder's line (snapshotHolders.ts), or by the runtime's holder site when the logs overflowed. */
function blocking(c: ProcessContext, lock: LockStats, closed: readonly Hold[], threads: readonly ThreadState[], bySlot: ReadonlyMap<number, ThreadState>, end: number): Map<number, number> {
  if (c.logBudget.overflowed) return new Map([...lock.blockers].map(([k, v]) => [k, v[0]!]));
  const openWaits: [number, number][] = [];
  for (const t of threads) {
    if (t.waitLock !== lock.id) continue;
    const spans = openContention(t, end).spans;
    if (spans.length > 0) openWaits.push([t.waitFirstRel === t.waitFirstRel ? t.waitFirstRel : spans[0]![0], end]);
  }
  return blockingBySite(lock, closed, openWaits, bySlot);
}

const NO_HOLDS: { holds: DurationSamples; bySite: Map<number, number>; closed: Hold[] } = { holds: new DurationSamples(), bySite: new Map(), closed: [] };

/**
 * Rows keyed by site id, summed per (file, line, function): the runtime may
 * name one line by several sites.
 */
function bySiteRef<V extends readonly number[], R>(defs: Definitions, rows: readonly (readonly [number, ...V])[], make: (ref: SiteRef, values: V) => R): R[] {
  const merged = new Map<string, { ref: SiteRef; values: number[] }>();
  for (const [site, ...values] of rows) {
    const ref = siteRef(defs, site);
    const key = `${ref.file}\0${ref.line}\0${ref.function}`;
    const row = merged.get(key);
    if (row) values.forEach((v, i) => (row.values[i]! += v));
    else merged.set(key, { ref, values: [...values] });
  }
  return [...merged.values()].map((r) => make(r.ref, r.values as unknown as V));
}

export function lockResults(
  c: ProcessContext,
  threads: ThreadState[],
  end: number,
  defs: Definitions,
  time: TimeMap,
  names: SourceNames | undefined,
): LockResult[] {
  const out: LockResult[] = [];
  const bySlot = new Map(threads.map((t) => [t.slot, t]));
  const waitedOn = new Set(threads.map((t) => t.waitLock));
  for (const lock of c.locks.values()) {
    // An object's own lock (free-threaded): no hold is recorded; who held it is the line where the thread that woke each waiter let it go.
    const object = holdsUnseen(lock.kind);
    const { holds, bySite, closed } = object ? NO_HOLDS : closeOpenHolds(lock, threads, end);
    const contended = lock.waits.count > 0 || waitedOn.has(lock.id);
    const blockers = object ? new Map([...lock.wakers].map(([k, v]) => [k, v[0]!])) : contended ? blocking(c, lock, closed, threads, bySlot, end) : new Map<number, number>();
    const holders = new Set([...bySite.keys(), ...blockers.keys()]);
    const createdAt = lock.createSite === 0 ? null : siteRef(defs, lock.createSite);
    out.push({
      id: lock.id,
      kind: lock.kind === LockKind.object ? (defs.string(lock.nameId) ?? 'object') : (LOCK_KIND_NAMES[lock.kind] ?? (lock.kind === 0 ? 'unknown' : `kind ${lock.kind}`)),
      name: lock.kind === LockKind.object ? null : (defs.string(lock.nameId) ?? (createdAt ? (names?.nameAt(createdAt.file, createdAt.line) ?? null) : null)),
      createdAt,
      acquisitions: lock.acquisitions,
      contended: lock.contended,
      gaveUp: lock.gaveUp,
      waitSeconds: time.duration(lock.waits.total),
      gilWaitSeconds: time.duration(lock.gilWait),
      holdSeconds: time.duration(holds.total),
      maxWaitSeconds: time.duration(lock.waits.max),
      wait: percentiles(lock.waits, time),
      hold: percentiles(holds, time),
      waiters: bySiteRef(defs, [...lock.waiters].map(([site, w]) => [site, w[0]!] as const), (ref, [w]) => ({ ...ref, waitSeconds: time.duration(w) }))
        .sort((a, b) => b.waitSeconds - a.waitSeconds),
      holders: bySiteRef(defs, [...holders].map((site) => [site, bySite.get(site) ?? 0, blockers.get(site) ?? 0] as const), (ref, [hold, block]) => ({
        ...ref,
        holdSeconds: time.duration(hold),
        blockingSeconds: time.duration(block),
      })).sort((a, b) => b.blockingSeconds - a.blockingSeconds || b.holdSeconds - a.holdSeconds),
      waitKinds: WAIT_KIND_NAMES.flatMap((kind, k) => {
        if (k === 0 || lock.otherWaitCountByKind[k] === 0) return [];
        const rows = [...lock.otherWaitBySite].filter(([key]) => key % 8 === k).map(([key, v]) => [Math.floor(key / 8), v[0]!, v[1]!] as const);
        const sites = bySiteRef(defs, rows, (ref, [count, ticks]) => ({ ...ref, count, seconds: time.duration(ticks) }));
        return [{ kind, count: lock.otherWaitCountByKind[k]!, seconds: time.duration(lock.otherWaitByKind[k]!), sites: sites.sort((a, b) => b.seconds - a.seconds) }];
      }),
    });
  }
  return out.sort((a, b) => b.waitSeconds - a.waitSeconds || b.holdSeconds - a.holdSeconds || a.id - b.id);
}

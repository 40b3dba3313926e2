import type { Definitions } from '../format/definitions';
import { LOCK_KIND_NAMES, WAIT_KIND_NAMES } from '../format/layout';
import { cloneSamples } from './durationSamples';
import type { DurationSamples } from './durationSamples';
import type { LockResult, Percentiles, SiteRef } from './model';
import type { LockStats } from './lockStats';
import { valueOf } from './lockStats';
import type { ProcessContext } from './processContext';
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

/** Holds still open at `end`: a release by another thread closes the earliest one before it. */
function closeOpenHolds(lock: LockStats, threads: Iterable<ThreadState>, end: number): { holds: DurationSamples; bySite: Map<number, number> } {
  const bySite = new Map([...lock.holdBySite].map(([k, v]) => [k, v[0]!]));
  const open: [number, number][] = [];
  for (const t of threads) {
    for (let i = 0; i < t.holdLock.length; i++) if (t.holdLock[i] === lock.id) open.push([t.holdStart[i]!, t.holdSite[i]!]);
  }
  if (open.length === 0) return { holds: lock.holds, bySite };
  const holds = cloneSamples(lock.holds);
  open.sort((a, b) => a[0] - b[0]);
  const releases = [...lock.orphanReleases].sort((a, b) => a - b);
  let r = 0;
  for (const [start, site] of open) {
    while (r < releases.length && releases[r]! < start) r++;
    const stop = r < releases.length ? releases[r++]! : end;
    holds.add(stop - start);
    bySite.set(site, (bySite.get(site) ?? 0) + (stop - start));
  }
  return { holds, bySite };
}

export function lockResults(c: ProcessContext, threads: ThreadState[], end: number, defs: Definitions, time: TimeMap): LockResult[] {
  const out: LockResult[] = [];
  for (const lock of c.locks.values()) {
    const { holds, bySite } = closeOpenHolds(lock, threads, end);
    const holders = new Set([...bySite.keys(), ...lock.blockers.keys()]);
    out.push({
      id: lock.id,
      kind: LOCK_KIND_NAMES[lock.kind] ?? (lock.kind === 0 ? 'unknown' : `kind ${lock.kind}`),
      name: defs.string(lock.nameId) ?? null,
      createdAt: lock.createSite === 0 ? null : siteRef(defs, lock.createSite),
      acquisitions: lock.acquisitions,
      contended: lock.contended,
      gaveUp: lock.gaveUp,
      waitSeconds: time.duration(lock.waits.total),
      holdSeconds: time.duration(holds.total),
      maxWaitSeconds: time.duration(lock.waits.max),
      wait: percentiles(lock.waits, time),
      hold: percentiles(holds, time),
      waiters: [...lock.waiters]
        .map(([site, w]) => ({ ...siteRef(defs, site), waitSeconds: time.duration(w[0]!) }))
        .sort((a, b) => b.waitSeconds - a.waitSeconds),
      holders: [...holders]
        .map((site) => ({
          ...siteRef(defs, site),
          holdSeconds: time.duration(bySite.get(site) ?? 0),
          blockingSeconds: time.duration(valueOf(lock.blockers, site)),
        }))
        .sort((a, b) => b.blockingSeconds - a.blockingSeconds || b.holdSeconds - a.holdSeconds),
      waitKinds: WAIT_KIND_NAMES.flatMap((kind, k) =>
        k === 0 || lock.otherWaitCountByKind[k] === 0
          ? []
          : [{ kind, count: lock.otherWaitCountByKind[k]!, seconds: time.duration(lock.otherWaitByKind[k]!) }],
      ),
    });
  }
  return out.sort((a, b) => b.waitSeconds - a.waitSeconds || b.holdSeconds - a.holdSeconds || a.id - b.id);
}

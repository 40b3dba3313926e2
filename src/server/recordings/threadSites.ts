import type { MachineIdentity } from '../../core/analysis/processKeys';
import { GsrReader } from '../../core/format/gsrReader';
import { RecordType } from '../../core/format/layout';
import type { RecordSink } from '../../core/format/recordSink';

/**
 * Which threads ran each line, for hovers: the report sums a line over all
 * threads. A second light pass over one `.gsr` file (runtime/FORMAT.md),
 * beside the analysis, with the report's attribution rule: the site of a
 * GIL_ACQUIRE names the time since the thread's previous acquire (the hold
 * before, the released time and the wait), and a contended lock wait belongs
 * to its LOCK_WAIT's site.
 */
export interface ThreadAtSite {
  readonly tid: number;
  /** Time since the previous GIL acquire, summed over the acquires at this site. */
  readonly seconds: number;
  readonly acquisitions: number;
  readonly lockWaits: number;
  readonly lockWaitSeconds: number;
}

/** Per site, by `file\0line`: the threads seen there. */
export type ThreadSites = ReadonlyMap<string, readonly ThreadAtSite[]>;

export function siteKey(file: string, line: number): string {
  return `${file}\0${line}`;
}

interface Acc {
  seconds: number;
  acquisitions: number;
  lockWaits: number;
  lockWaitSeconds: number;
}

interface ThreadRun {
  tid: number;
  lastAcquire: number;
  waitSite: number;
  waitStart: number;
}

const LOCK_WAIT_ACQUIRE = 0; // wait kind 0: contention on acquire

class ThreadSiteSink implements RecordSink {
  /** site id → thread slot → figures (ticks). */
  readonly sites = new Map<number, Map<number, Acc>>();
  readonly threads = new Map<number, ThreadRun>();
  private slot = 0;
  private cur: ThreadRun = this.thread(0);

  private thread(slot: number): ThreadRun {
    let t = this.threads.get(slot);
    if (!t) {
      t = { tid: 0, lastAcquire: NaN, waitSite: -1, waitStart: 0 };
      this.threads.set(slot, t);
    }
    return t;
  }

  private acc(site: number): Acc {
    let bySlot = this.sites.get(site);
    if (!bySlot) this.sites.set(site, (bySlot = new Map()));
    let a = bySlot.get(this.slot);
    if (!a) bySlot.set(this.slot, (a = { seconds: 0, acquisitions: 0, lockWaits: 0, lockWaitSeconds: 0 }));
    return a;
  }

  beginChunk(threadSlot: number): void {
    this.slot = threadSlot;
    this.cur = this.thread(threadSlot);
  }

  record(type: number, _flags: number, arg: number, ts: number, p0: number): void {
    const t = this.cur;
    switch (type) {
      case RecordType.threadStart:
        t.tid = arg;
        if (t.lastAcquire !== t.lastAcquire) t.lastAcquire = ts;
        break;
      case RecordType.gilAcquire:
      case RecordType.gilHoldSite:
      case RecordType.gilQuiet: {
        // A hold site names the piece of a long hold before it, as an acquire names what preceded it; it is no switch.
        // A GIL_QUIET (format version 2) stands for `p0` acquires at its line, the last at its time.
        const a = this.acc(arg);
        if (type === RecordType.gilAcquire) a.acquisitions++;
        else if (type === RecordType.gilQuiet) a.acquisitions += p0;
        if (t.lastAcquire === t.lastAcquire && ts > t.lastAcquire) a.seconds += ts - t.lastAcquire;
        t.lastAcquire = ts;
        break;
      }
      case RecordType.lockWait:
        if (_flags === LOCK_WAIT_ACQUIRE) {
          t.waitSite = p0;
          t.waitStart = ts;
        } else {
          t.waitSite = -1;
        }
        break;
      case RecordType.lockAcquire:
      case RecordType.lockWaitEnd:
        if (t.waitSite >= 0) {
          const a = this.acc(t.waitSite);
          a.lockWaits++;
          a.lockWaitSeconds += Math.max(0, ts - t.waitStart);
          t.waitSite = -1;
        }
        break;
      default:
        break;
    }
  }
}

/** Reads one `.gsr` file; sites are named `file\0line` as the report names them. `machine`: its header's host and boot id (null in format 1), to key its process as the analysis does (processKeys.ts). */
export function threadSites(gsrPath: string): { readonly pid: number; readonly machine: MachineIdentity; readonly sites: ThreadSites } {
  let sink: ThreadSiteSink | undefined;
  let ticksPerSecond = 1e9;
  const reader = new GsrReader(gsrPath, (h) => {
    ticksPerSecond = h.ticksPerNs * 1e9;
    sink = new ThreadSiteSink();
    return sink;
  });
  try {
    reader.poll();
    const out = new Map<string, ThreadAtSite[]>();
    for (const [site, bySlot] of sink!.sites) {
      const s = reader.defs.site(site);
      const key = siteKey(s.file, s.line);
      const list = out.get(key) ?? [];
      for (const [slot, a] of bySlot) {
        const tid = sink!.threads.get(slot)?.tid ?? 0;
        const seconds = a.seconds / ticksPerSecond;
        const lockWaitSeconds = a.lockWaitSeconds / ticksPerSecond;
        const same = list.find((x) => x.tid === tid);
        const merged: ThreadAtSite = same
          ? { tid, seconds: same.seconds + seconds, acquisitions: same.acquisitions + a.acquisitions, lockWaits: same.lockWaits + a.lockWaits, lockWaitSeconds: same.lockWaitSeconds + lockWaitSeconds }
          : { tid, seconds, acquisitions: a.acquisitions, lockWaits: a.lockWaits, lockWaitSeconds };
        if (same) list.splice(list.indexOf(same), 1, merged);
        else list.push(merged);
      }
      out.set(key, list.sort((x, y) => y.seconds + y.lockWaitSeconds - (x.seconds + x.lockWaitSeconds)));
    }
    const h = reader.header;
    return { pid: h.pid, machine: h.formatVersion >= 2 ? { host: h.host, bootId: h.bootId } : { host: null, bootId: null }, sites: out };
  } finally {
    reader.close();
  }
}

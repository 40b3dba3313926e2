import { attributePending, closeState } from './gilMachine';
import { FtState, ftClose, ftStateOf } from './ftStates';
import type { ProcessContext } from './processContext';
import { SiteCol } from './siteColumns';
import { GilState } from './threadState';
import type { ThreadState } from './threadState';

/**
 * A free-threaded build's threads (FORMAT.md, "Free-threaded builds"): when
 * a thread holds no GIL it is, by priority, waiting on a lock or an object
 * (a contention wait: LOCK_WAIT kind 0 to its LOCK_ACQUIRE), blocked on an
 * event (a Condition, Event, queue, future or join), stopped by the world
 * (STW_WAIT to STW_END), running (its thread state attached), or detached
 * (I/O, sleep, native code). Attaching and detaching come as GIL records of
 * index 255 (runtime/csrc/attachment.c). With the GIL on (turned on by a
 * module, or for a moment while one is created) the GIL's own records come
 * instead and the GIL machine (gilMachine.ts) counts held and waiting as on a
 * GIL build; these states then cover the time it holds no GIL. So a thread's
 * GIL held, GIL wait and these five add up to its life.
 *
 * What says whether a thread is attached is its last index-255 record. At
 * its start, and after it let a real GIL go, nothing has said yet: it is
 * taken as detached, and its next index-255 record settles it (a detach says
 * it ran all along, and the spans taken as detached become running).
 * Without recording flag bit 4 no such records are written, and running and
 * detached are one: counted as running.
 *
 * Every function here closes the thread's state at `ts` before it changes
 * what the state depends on; the GIL machine's closeState does so too (it
 * calls ftClose), so the GIL's transitions split these states where they
 * happen.
 */

/** A new thread: attached unknown until its first index-255 record (running, when none are written). */
export function ftBegin(t: ThreadState, c: ProcessContext, ts: number): void {
  t.ftSince = ts;
  t.attached = !c.detachSeen;
  t.attachGuessed = c.detachSeen;
}

/** The guess "detached" was wrong: the thread was attached all along. */
function guessedRunning(t: ThreadState): void {
  const g = t.guessSpans;
  for (let i = 0; i < g.length; i += 2) {
    const d = g[i + 1]! - g[i]!;
    t.ftDetached -= d;
    t.ftRunning += d;
    t.runningBins?.add(g[i]!, g[i + 1]!);
    const moved = Math.min(d, t.pendDetached);
    t.pendDetached -= moved;
    t.pendRunning += moved;
  }
  g.length = 0;
  t.attachGuessed = false;
}

function settled(t: ThreadState): void {
  t.guessSpans.length = 0;
  t.attachGuessed = false;
}

/** Running and detached time since the last line named, to `site` (with the GIL machine's pending time). */
function attributeFt(t: ThreadState, c: ProcessContext, site: number): void {
  if (t.pendRunning !== 0) c.sites.add(SiteCol.running, site, t.pendRunning);
  if (t.pendDetached !== 0) c.sites.add(SiteCol.detached, site, t.pendDetached);
  t.pendRunning = 0;
  t.pendDetached = 0;
  attributePending(t, c, site);
  t.lastSite = site;
}

/**
 * A wait begins at `site` (LOCK_WAIT, STW_WAIT): the thread stood on that line, so it names the time before,
 * as an attach's line does. A thread that runs Python without ever detaching (a CPU-bound loop) is named
 * by the lines where it was stopped or had to wait.
 */
export function ftWaitsAt(t: ThreadState, c: ProcessContext, ts: number, site: number): void {
  if (site === 0 || t.state !== GilState.released) return;
  closeState(t, c, ts);
  attributeFt(t, c, site);
}

/** GIL_ACQUIRE of index 255: the thread attached again, standing on `site` (which names the time before). */
export function ftAttach(t: ThreadState, c: ProcessContext, ts: number, site: number): void {
  if (t.state === GilState.ended) return;
  closeState(t, c, ts);
  settled(t);
  attributeFt(t, c, site);
  t.attached = true;
  t.attaches++;
}

/** GIL_RELEASE of index 255: the thread detached. Detaching says it was attached until now. */
export function ftDetach(t: ThreadState, c: ProcessContext, ts: number): void {
  if (t.state === GilState.ended) return;
  closeState(t, c, ts);
  if (t.attachGuessed) guessedRunning(t);
  t.attached = false;
}

/**
 * GIL_QUIET of index 255: over [spanStart, spanEnd] the thread detached
 * and attached again `count` times, detached `released` ticks in all, at
 * `site`. Attached time already counted after the span's end (a detach that
 * stayed, before the summary was written) is for the next line.
 */
export function ftQuiet(t: ThreadState, c: ProcessContext, spanStart: number, spanEnd: number, site: number, count: number, released: number): void {
  if (t.state === GilState.ended) return;
  if (t.attachGuessed) {
    // it detached in the span, so it was attached before it, and attached again at its end
    closeState(t, c, Math.max(spanEnd, t.ftSince));
    guessedRunning(t);
    t.attached = true;
  }
  let after = 0;
  if (ftStateOf(t) === FtState.running) closeState(t, c, Math.max(spanEnd, t.ftSince));
  else after = Math.min(t.pendRunning, Math.max(0, t.ftSince - spanEnd));
  const r = Math.max(0, Math.min(released, t.pendRunning - after));
  if (r > 0) {
    t.ftRunning -= r;
    t.pendRunning -= r;
    t.ftDetached += r;
    t.pendDetached += r;
    t.runningBins?.addSpread(spanStart, spanEnd, -r);
  }
  t.pendRunning -= after;
  attributeFt(t, c, site);
  t.pendRunning = after;
  t.attaches += count;
}

/** A real GIL (not index 255) let go on a free-threaded build: whether the thread runs on unattached is not known yet. */
export function ftGilReleased(t: ThreadState): void {
  t.attached = false;
  t.attachGuessed = true;
  t.guessSpans.length = 0;
}

/** STW_WAIT: the thread stopped for a stop-the-world pause at `site` (or, `requester`, waits for the others to stop). */
export function stwWait(t: ThreadState, c: ProcessContext, ts: number, requester: boolean, site: number): void {
  if (t.state === GilState.ended || t.stw) return;
  ftWaitsAt(t, c, ts, site);
  ftClose(t, ts);
  t.stw = true;
  t.stwStart = ts;
  t.stwSite = site;
  t.stwRequester = requester;
}

/**
 * STW_END: it may run again; `woken` is when the thread that started the world woke it (relative ticks, NaN
 * unknown), `wakerSite` where that thread stood.
 */
export function stwEnd(t: ThreadState, c: ProcessContext, ts: number, wakerSlot: number, wakerSite: number, woken: number): void {
  if (!t.stw) return;
  ftClose(t, ts);
  t.stw = false;
  const end = Math.max(ts, t.stwStart);
  c.sites.add(SiteCol.stw, t.stwSite, end - t.stwStart);
  c.stwWaits.push(t.slot, t.stwStart, end, woken, wakerSlot, t.stwRequester ? 1 : 0, t.stwRequester ? t.stwSite : wakerSite);
}

/** PHASE: what a thread runs (garbage collection, fork, tracing set, a module created) begins or ends. */
export function phase(t: ThreadState, c: ProcessContext, ts: number, kind: number, ends: boolean): void {
  const key = t.slot * 8 + (kind & 7);
  const began = c.openPhases.get(key);
  if (!ends) {
    c.openPhases.set(key, ts);
    return;
  }
  c.openPhases.delete(key);
  c.phases.push(t.slot, kind, began ?? ts, ts);
}

/** GIL_ENABLED: the GIL turned on for good (by a module, or from the start): the first one is kept. */
export function gilEnabled(c: ProcessContext, ts: number, module: number): void {
  if (c.gilEnabledTs === c.gilEnabledTs && c.gilEnabledTs <= ts) return;
  c.gilEnabledTs = ts;
  c.gilEnabledModule = module;
}

/**
 * THREAD_AT_ATTACH of index 255: the thread ran from `ts`, attached or not,
 * until its first transition (attachedThreads.ts calls this).
 */
export function ftStartedAt(t: ThreadState, ts: number, attached: boolean): void {
  const d = t.start - ts;
  const untouched = t.ftSince === t.start && t.ftRunning + t.ftDetached + t.ftLockWait + t.ftBlocked + t.ftStw === 0;
  const gilUntouched = t.since === t.start;
  t.start = ts;
  if (untouched && gilUntouched) {
    t.since = ts;
    t.ftSince = ts;
    t.attached = attached;
    t.attachGuessed = false;
    return;
  }
  t.released += d;
  t.pendReleased += d;
  if (attached) {
    t.ftRunning += d;
    t.pendRunning += d;
    t.runningBins?.add(ts, ts + d);
  } else {
    t.ftDetached += d;
    t.pendDetached += d;
  }
}

/** The thread's states with the one open at `end` closed, without changing it (snapshots). */
export function ftTotals(t: ThreadState, end: number): { running: number; lockWait: number; stw: number; blocked: number; detached: number } {
  const open = Math.max(0, end - t.ftSince);
  const s = t.state === GilState.ended ? FtState.none : ftStateOf(t);
  return {
    running: t.ftRunning + (s === FtState.running ? open : 0),
    lockWait: t.ftLockWait + (s === FtState.lockWait ? open : 0),
    stw: t.ftStw + (s === FtState.stw ? open : 0),
    blocked: t.ftBlocked + (s === FtState.blocked ? open : 0),
    detached: t.ftDetached + (s === FtState.detached ? open : 0),
  };
}

import { GilState } from './threadState';
import type { ThreadState } from './threadState';

/**
 * The states of a free-threaded build's thread when it holds no GIL, and
 * their accounting: ftMachine.ts says what changes them; the GIL machine
 * and the lock machine close them (ftClose) before they change what these
 * states depend on.
 */

export const FtState = { none: 0, running: 1, lockWait: 2, stw: 3, blocked: 4, detached: 5 } as const;

/** How many detached spans a guess keeps to make running again; beyond, the guess stays for the rest. */
const MAX_GUESS_SPANS = 256;

export function ftStateOf(t: ThreadState): number {
  if (t.state !== GilState.released) return FtState.none;
  if (t.waitLock >= 0) return t.waitKind === 0 ? FtState.lockWait : FtState.blocked;
  if (t.stw) return FtState.stw;
  return t.attached ? FtState.running : FtState.detached;
}

/** Adds the time in the current state up to `ts`. */
export function ftClose(t: ThreadState, ts: number): void {
  const a = t.ftSince;
  if (!(ts > a)) {
    if (a !== a) t.ftSince = ts;
    return;
  }
  const d = ts - a;
  switch (ftStateOf(t)) {
    case FtState.running:
      t.ftRunning += d;
      t.pendRunning += d;
      t.runningBins?.add(a, ts);
      break;
    case FtState.detached:
      t.ftDetached += d;
      t.pendDetached += d;
      if (t.attachGuessed && t.guessSpans.length < 2 * MAX_GUESS_SPANS) t.guessSpans.push(a, ts);
      break;
    case FtState.lockWait:
      t.ftLockWait += d; // its bins are the lock machine's (contention spans)
      t.blockedLog.push2(a, ts);
      break;
    case FtState.blocked:
      t.ftBlocked += d;
      t.blockedBins?.add(a, ts);
      t.blockedLog.push2(a, ts);
      break;
    case FtState.stw:
      t.ftStw += d;
      t.stwBins?.add(a, ts);
      t.blockedLog.push2(a, ts);
      break;
    default:
      break;
  }
  t.ftSince = ts;
}

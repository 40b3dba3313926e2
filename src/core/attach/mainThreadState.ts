import { readFileSync } from 'node:fs';

import { readProcStat } from './procFiles';

/**
 * What a process's main thread is doing, in words, for when it does not run a script
 * that sys.remote_exec handed it: the script runs only at an eval-breaker check, when
 * the thread runs Python; a thread blocked in a system call, or running C code that
 * never returns to Python, checks nothing. Read from /proc/PID/task/PID (Linux x86-64
 * system call numbers).
 */
const SYSTEM_CALLS: Readonly<Record<number, string>> = {
  0: 'read (waits for input)',
  7: 'poll (waits for input or output)',
  23: 'select (waits for input or output)',
  34: 'pause (waits for a signal)',
  35: 'nanosleep (sleeps: time.sleep)',
  43: 'accept (waits for a connection)',
  45: 'recvfrom (waits for data)',
  47: 'recvmsg (waits for data)',
  61: 'wait4 (waits for a child process)',
  128: 'rt_sigtimedwait (waits for a signal)',
  130: 'rt_sigsuspend (waits for a signal)',
  202: 'futex (waits on a lock: a join(), Lock, Event, Condition or queue without a timeout)',
  230: 'clock_nanosleep (sleeps: time.sleep)',
  232: 'epoll_wait (waits for input or output)',
  247: 'waitid (waits for a child process)',
  270: 'pselect6 (waits for input or output)',
  271: 'ppoll (waits for input or output)',
  281: 'epoll_pwait (waits for input or output)',
  288: 'accept4 (waits for a connection)',
  441: 'epoll_pwait2 (waits for input or output)',
};

/** One phrase: "is blocked in the system call futex (…)", "runs C code without returning to Python"… */
export function mainThreadState(pid: number): string {
  let state: string;
  try {
    state = readProcStat(pid, pid).state;
  } catch {
    return 'could not be seen';
  }
  if (state === 'R') return 'runs native code without returning to Python (a C extension\'s long call)';
  if (state === 'Z' || state === 'X') return 'has ended';
  if (state === 'T' || state === 't') return 'is stopped (SIGSTOP, or a debugger holds it)';
  let call: string | undefined;
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/syscall`, 'latin1').trim().split(/\s+/)[0];
    if (first && /^\d+$/.test(first)) call = SYSTEM_CALLS[Number(first)] ?? `number ${first}`;
  } catch {
    // not readable: said without the call
  }
  return call ? `is blocked in the system call ${call}` : 'is blocked in a system call';
}

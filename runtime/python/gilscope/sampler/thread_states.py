"""The state rule of the sampler: held, waiting or released, from outside.

Each sample, for every thread: /proc/PID/task/TID/stat gives the state
(R running or runnable, S/D blocked, ...); for a blocked thread
/proc/PID/task/TID/syscall gives the futex it waits on. From the process's
memory: the GIL's `locked` and `last_holder` (see layout.py and gil.py). The rule:

- a thread blocked in futex(2) on an address inside the GIL struct is
  **waiting** (take_gil's condition variable or mutex, or the hand-over
  wait in drop_gil on switch_cond);
- when `locked` is 1, the thread whose thread state is `last_holder`
  (matched by its tid) **holds** the GIL; if the tid cannot be read, the
  one thread in state R that is not waiting holds it, when there is exactly
  one such thread, or when exactly one of several held it at the last
  sample (otherwise no thread is marked holding for that sample, and the
  running ones are **unknown**: one of them holds it);
- a thread seen waiting that is runnable at the next sample (R, no longer
  blocked), while another thread holds the GIL, is still **waiting**: it
  was woken inside take_gil and is about to take the GIL or wait again.
  Where the GIL's `switch_number` can be read (it counts the times a
  different thread took the GIL), it stays waiting for as long as that
  count has not moved since it was seen waiting: it cannot have taken the
  GIL meanwhile, however long the OS keeps it off a CPU (a loaded machine).
  Otherwise for one sample (on cpu_threads this halves the waiting time the
  sampler would otherwise miss against the exact recorder);
- every other thread is **released**: a runnable thread that neither holds
  nor waits on the GIL's futex may be running without the GIL (native
  code) or be on its way to take it; the sampler cannot tell them apart.

Degraded sampling (no GIL layout for this interpreter): a futex inside
`_PyRuntime` counts as the GIL (the main GIL lives there from 3.8 to 3.13),
and while some thread waits, the running thread chosen as above is taken as
the holder. Any other running thread that does not wait is **unknown**: it
may run Python holding the GIL or native code without it, and from outside
the two look the same, so it is never shown released (a lone CPU-bound
thread is unknown, not released). So is a running thread while the GIL
cannot be read (before it is found, or without access to the process's
memory). On cpu_threads the holder is found 85 to 95% of the time."""
from .procfs import Gone, ProcFile
from .writer import ACQUIRE_NO_WAIT, GIL_ACQUIRE, GIL_RELEASE, GIL_WAIT, RELEASE_TO_UNKNOWN

RELEASED, WAITING, HELD, UNKNOWN = 0, 1, 2, 3

# FORMAT.md, "Free-threaded builds": attached (running) and detached as GIL index 255
NO_GIL_INDEX = 255


class SampledThread:
    """One thread of a sampled process: its /proc files, and its state at the last sample."""

    __slots__ = ("tid", "stat", "syscall", "comm", "state", "name", "seen", "woken", "switches_when_waiting")

    def __init__(self, pid, tid):
        base = "/proc/%d/task/%d/" % (pid, tid)
        self.tid = tid
        self.stat = ProcFile(base + "stat")
        self.syscall = ProcFile(base + "syscall")
        self.comm = ProcFile(base + "comm")
        self.state = RELEASED
        self.name = None
        self.seen = 0
        self.woken = False
        self.switches_when_waiting = None  # the GIL's switch_number when last seen blocked on it

    def close(self):
        self.stat.close()
        self.syscall.close()
        self.comm.close()


def find_holder_and_switches(lay, memory, threads, holder_cache, states, waiting):
    """(the tid holding the GIL at this sample or None, the GIL's switch_number or None, whether
    a holder there is was placed; see the rule above): `states` maps each thread seen to its
    kernel state, `waiting` is the set blocked on the GIL's futex, `holder_cache` maps thread
    states to the tids they turned out to be."""
    running = [tid for tid, s in states.items() if s == "R" and tid not in waiting]
    if len(running) > 1:
        # of several runnable threads, the one that held at the last sample holds on
        previous = [tid for tid in running if threads[tid].state == HELD]
        running = previous if len(previous) == 1 else running
    if lay.degraded:
        holder = running[0] if waiting and len(running) == 1 else None
        return holder, None, holder is not None
    locked, tstate, switches = lay.read_state_and_switches(memory)
    if locked != 1 or not tstate:
        return None, switches, True
    tid = holder_cache.get(tstate)
    if tid is None or tid not in states:
        try:
            tid = lay.tid_of(memory, tstate)
        except Gone:
            raise
        except OSError:
            tid = None
        if tid in states:
            holder_cache[tstate] = tid
        else:
            tid = None
    if tid is None and len(running) == 1:
        tid = running[0]
    return tid, switches, tid is not None


def write_transition(w, g, tid, old, new, ts):
    """The records of a thread's change from state `old` to `new` at `ts`, on GIL index `g`."""
    if new == UNKNOWN:
        # ends a hold, a wait or released time alike (FORMAT.md GIL_RELEASE bit 9)
        w.put(tid, GIL_RELEASE, g | RELEASE_TO_UNKNOWN, 0, ts)
        return
    if old == UNKNOWN and new == RELEASED:
        w.put(tid, GIL_RELEASE, g, 0, ts)
        return
    if old == HELD:
        w.put(tid, GIL_RELEASE, g, 0, ts)
        old = RELEASED
    if old == UNKNOWN:
        old = RELEASED  # a wait or a hold begins as from released time
    if new == WAITING:
        if old == RELEASED:
            w.put(tid, GIL_WAIT, g, 0, ts)
    elif new == HELD:
        w.put(tid, GIL_ACQUIRE, g | (0 if old == WAITING else ACQUIRE_NO_WAIT), 0, ts)
    elif new == RELEASED and old == WAITING:
        # sampled only: the thread stopped waiting and was not seen holding
        w.put(tid, GIL_RELEASE, g, 0, ts)

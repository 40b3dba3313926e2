"""os.fork() in a recorded program warns only when it would warn bare.

From 3.12, os.fork() in the parent issues "DeprecationWarning: This process
(pid=N) is multi-threaded, use of fork() may lead to deadlocks in the child"
when /proc/self/stat counts more than one thread. The probe's own threads
(runtime/csrc/holdsplit.c, cpusample.c) count there too, so a program with
one thread of its own would warn recorded and not bare: a line on its stderr
that is not its own, or an exception under -W error.

Before each fork, the threads that are not the probe's (named "gilscope-…",
runtime/csrc/ownthreads.h) are counted. When the program alone would have
one, a filter that ignores that one message is put first in the warnings
filters; it is taken out again before the next fork. Only os.fork() issues
that message, and where it does so differs (3.12 before the after-fork hooks
run in the parent, 3.14 after them), so the filter stays in between. A
program with threads of its own warns as bare.
"""
import os
import sys

OUR_THREADS = b"gilscope-"
MESSAGE = r"This process \(pid=\d+\) is multi-threaded, use of fork\(\) may lead to deadlocks in the child\."


def program_threads():
    """The threads of this process that are not the probe's (None: cannot tell)."""
    try:
        with open("/proc/self/stat", "rb") as f:
            stat = f.read()
        total = int(stat[stat.rindex(b")") + 2:].split()[17])  # field 20, num_threads
    except (OSError, ValueError, IndexError):
        return None
    if total <= 1:
        return total
    ours = 0
    try:
        for tid in os.listdir("/proc/self/task"):
            try:
                with open("/proc/self/task/%s/comm" % tid, "rb") as f:
                    if f.read().startswith(OUR_THREADS):
                        ours += 1
            except OSError:  # ended meanwhile
                pass
    except OSError:
        return None
    return total - ours


def _ours(entry):
    action, message, category = entry[0], entry[1], entry[2]
    return action == "ignore" and category is DeprecationWarning and getattr(message, "pattern", None) == MESSAGE


def _take_out(warnings):
    """Takes our filter out of the warnings filters (the module's and, 3.14+, the context's)."""
    lists = [warnings.filters]
    current = getattr(warnings, "_get_filters", None)
    if current is not None:
        lists.append(current())
    removed = False
    for filters in lists:
        for entry in [e for e in filters if _ours(e)]:
            filters.remove(entry)
            removed = True
    if removed:
        warnings._filters_mutated()


def _before_fork():
    warnings = sys.modules.get("warnings")
    if warnings is not None:
        _take_out(warnings)
    count = program_threads()
    if count is None or count > 1:
        return  # bare would warn as well (or we cannot tell): the warning is the program's
    import warnings
    warnings.filterwarnings("ignore", message=MESSAGE, category=DeprecationWarning)


_installed = []


def install():
    """Registers the hook, once a process (3.12+; earlier versions do not
    warn). os.register_at_fork has no undo: after `gilscope attach` detaches,
    the probe has no threads left, and the hook counts the program's alone."""
    if sys.version_info < (3, 12) or _installed:
        return
    _installed.append(True)
    os.register_at_fork(before=_before_fork)

"""Names the recorded threads by their `threading` names (THREAD_NAME).

- name_new_threads: every thread started from now on names itself as it
  begins (a wrapper of threading.Thread._bootstrap_inner); returns the undo.
- name_running_threads: the threads that run already (gilscope attach:
  they started before the recorder), named by their native ids.

Used by _boot in every launched process and by attached.py in a process
that is attached to. Imports nothing: `threading` is passed in once the
program has imported it."""


def name_new_threads(threading, probe):
    """Wraps Thread._bootstrap_inner so that each new thread records its name.
    Returns undo(): puts the original back (when the wrapper is still the one
    installed; else it stays, inert: the probe names nothing once stopped)."""
    original = threading.Thread._bootstrap_inner
    if getattr(original, "_gilscope", False):
        return lambda: None

    def _bootstrap_inner(self):
        try:
            probe.name_thread(self.name)
        except Exception:
            pass
        return original(self)

    _bootstrap_inner._gilscope = True
    threading.Thread._bootstrap_inner = _bootstrap_inner

    def undo():
        if threading.Thread.__dict__.get("_bootstrap_inner") is _bootstrap_inner:
            threading.Thread._bootstrap_inner = original

    return undo


def name_running_threads(threading, probe):
    """Names every thread `threading` knows: the calling one directly, the
    others by native id (probe.name_thread_of). Returns how many were named."""
    current = threading.current_thread()
    named = 0
    for thread in threading.enumerate():
        try:
            if thread is current:
                probe.name_thread(thread.name)
            elif getattr(thread, "native_id", None):
                probe.name_thread_of(thread.native_id, thread.name)
            else:
                continue
            named += 1
        except Exception:
            pass
    return named

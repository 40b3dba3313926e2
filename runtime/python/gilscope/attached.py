"""Recording in a process that runs already (`gilscope attach`), from inside it.

The launcher has `sys.remote_exec` (PEP 768) run a small script in the
target's main thread (remote_request.py writes it); the script imports this
module and calls start(), and later a second script calls stop(). Both run
holding the GIL, at an eval-breaker check of the main thread.

start() loads the probe the launcher built (checked here again, as every
recorded process does: probe_cache.open_trusted), begins recording with
probe.start(..., attached=True) (THREAD_AT_ATTACH for the threads that run
already), names those threads, and sets up what _boot sets up in a launched
process, each as an undoable install: new threads name themselves, the
import watchers (threading, _multiprocessing), the free-threaded watchers,
the splitting of long GIL holds. stop() undoes all of it, then probe.stop()
puts back every hook and ends the probe's threads (end kind 4): the process
goes on as before. What cannot be unloaded (the probe's code, the modules
imported here) stays, inert; os.register_at_fork has no undo, so its hooks
test a switch.

A child forked while recording stops recording in itself at once: nobody
would stop it later.

Each call says how it went in a marker file of the launcher's private
control folder (replace_file: written under a fresh name, renamed):
`started` ("ok" and the recording's path, or "failed" and why) and
`stopped`. A start that comes after the launcher gave up (the file
`cancelled`, or the launcher gone) does nothing at all.

Imports only what is needed: no threading, no sysconfig (it imports
threading), no subprocess. Never prints: the program's stderr is its own."""
import os
import sys

from . import safefiles

STARTED, STOPPED, CANCELLED = "started", "stopped", "cancelled"

_session = None  # the recording under way in this process, if any


class _Session:
    def __init__(self, probe, control, path):
        self.probe, self.control, self.path = probe, control, path
        self.undos = []  # run last-first; installs made later (threading imported meanwhile) add theirs

    def undo(self):
        """Each step is dropped once it ran: a Ctrl-C inside one (raised on) leaves
        it to be run again, and every step may run twice."""
        while self.undos:
            try:
                self.undos[-1]()
            except Exception:
                pass
            self.undos.pop()


def start(control, recording_dir, probe_path, build, launcher, hold_split_ms):
    """Begins recording in this process. `launcher`: (pid, start time in clock
    ticks) of the launcher waiting for it; nothing is done once it is gone or
    has written `cancelled`."""
    global _session
    if not _launcher_waits(control, launcher):
        return
    interrupted = None
    try:
        if _session is not None:  # a launcher whose stop never ran here (it was replaced): end its recording
            _end(_session, "stopped: another gilscope attach took over")
        if "gilscope._boot" in sys.modules:
            raise RuntimeError("it is recorded already (it was started by gilscope record)")
        probe = _load_probe(probe_path, control)
        session = _begin(probe, control, recording_dir, build, hold_split_ms, launcher)
    except KeyboardInterrupt:
        interrupted = "interrupted: the process got Ctrl-C (SIGINT) while recording began"
    except BaseException as error:
        _mark(control, STARTED, "failed", _one_line(error))
        return
    if interrupted:
        _mark(control, STARTED, "failed", interrupted)
        _interrupt_again()
        return
    _session = session
    _mark(control, STARTED, "ok", session.path)


def stop(control):
    """Ends the recording this launcher started; says so in `stopped`."""
    session = _session
    if session is None or session.control != control:
        _mark(control, STOPPED, "ok", "")  # ended already: the process forked, or another attach took over
        return
    _end(session, None)


def _launcher_waits(control, launcher):
    if os.path.lexists(os.path.join(control, CANCELLED)):
        return False
    pid, started = launcher
    return process_start_time(pid) == started


def process_start_time(pid):
    """Field 22 of /proc/PID/stat (clock ticks after boot), or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            text = f.read()
        return int(text[text.rindex(b")") + 2:].split()[19])
    except (OSError, ValueError, IndexError):
        return None


_probes = {}  # path -> the probe loaded from it by an earlier attach to this process


def _load_probe(path, control):
    """The probe at `path`, checked as every recorded process checks it
    (probe_cache.open_trusted), loaded from a private copy of the very bytes
    checked: CONTROL/probe-RANDOM.so, removed once loaded (the file checked is
    the file loaded). A later attach to the same process with the same probe
    uses the one loaded: its stop() put everything back, and its start()
    begins a new recording file with every thread starting anew in it."""
    if path in _probes:
        return _probes[path]
    probe = _load_private_copy(path, control)
    _probes[path] = probe
    return probe


def _load_private_copy(path, control):
    import importlib.machinery
    import importlib.util
    from . import probe_cache
    fault = safefiles.folder_fault(os.lstat(control))
    if fault:
        raise RuntimeError("the control folder %s %s" % (control, fault))
    fd, fault = probe_cache.open_trusted(path)
    if fd is None:
        raise RuntimeError("the probe %s %s" % (path, fault))
    copy = os.path.join(control, "probe-%s%s" % (os.urandom(8).hex(), _suffix(path)))
    try:
        out = safefiles.create_exclusive(copy)
        try:
            while True:
                block = os.read(fd, 1 << 20)
                if not block:
                    break
                while block:
                    block = block[os.write(out, block):]
        finally:
            os.close(out)
        loader = importlib.machinery.ExtensionFileLoader("_gilscope_probe", copy)
        spec = importlib.util.spec_from_file_location("_gilscope_probe", copy, loader=loader)
        probe = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(probe)
    finally:
        os.close(fd)
        try:
            os.unlink(copy)
        except OSError:
            pass
    probe.__file__ = path
    return probe


def _suffix(path):
    name = os.path.basename(path)
    return name[name.index("."):] if "." in name else ".so"


def _begin(probe, control, recording_dir, build, hold_split_ms, launcher):
    # With the control folder and the launcher, the probe's watch stops the
    # recording itself when the launcher asks (CONTROL/stop-now) or is gone,
    # even while this main thread runs no Python (runtime/csrc/watch.c).
    path = probe.start(recording_dir, build, sys.executable or "", True, control, launcher[0], launcher[1])
    session = _Session(probe, control, path)
    try:
        _install(session, hold_split_ms)
    except BaseException:
        session.undo()
        probe.stop()
        raise
    return session


def _install(session, hold_split_ms):
    from . import _freethreaded, fork_warning, import_watch, thread_naming
    probe, undos = session.probe, session.undos
    undos.append(probe.stop)  # last of all
    threading = sys.modules.get("threading")
    if threading is not None:
        thread_naming.name_running_threads(threading, probe)
    else:
        probe.name_thread("MainThread")

    def name_new_threads(module):
        undos.append(thread_naming.name_new_threads(module, probe))

    undos.append(import_watch.when_imported("threading", name_new_threads))
    undos.append(import_watch.when_imported("_multiprocessing", probe.install_locks))
    undos.append(_freethreaded.start(probe, free_threaded="t" in getattr(sys, "abiflags", "")))
    if hold_split_ms > 0:
        try:
            probe.split_long_holds(hold_split_ms)
        except OSError:
            pass  # recorded all the same; only long holds' lines are coarser
        else:
            import atexit
            atexit.register(probe.stop_splitting)  # before the interpreter finalises, should it exit now
            undos.append(lambda: atexit.unregister(probe.stop_splitting))
    recording = [True]
    os.register_at_fork(after_in_child=lambda: recording[0] and _forked_child(session))
    fork_warning.install()
    undos.append(lambda: recording.__setitem__(0, False))


def _forked_child(session):
    """A forked child: nobody will stop its recording, so it stops at once."""
    global _session
    _session = None
    session.undo()


def _end(session, note):
    """Undoes everything, the probe last, even through a Ctrl-C that arrives meanwhile."""
    global _session
    interrupted = False
    while True:
        try:
            session.undo()
            break
        except KeyboardInterrupt:
            interrupted = True
    _session = None
    lost = 0
    try:
        lost = session.probe.lost_records()
    except Exception:
        pass
    _mark(session.control, STOPPED, "ok", session.path, "lost %d" % lost, *([note] if note else []))
    if interrupted:
        _interrupt_again()


def _interrupt_again():
    """A Ctrl-C that arrived while our script ran was meant for the program: deliver it again."""
    try:
        import _thread
        _thread.interrupt_main()
    except Exception:
        pass


def _mark(control, name, *lines):
    try:
        safefiles.replace_file(control, name, ("\n".join(lines) + "\n").encode("utf-8", "replace"))
    except OSError:
        pass  # the launcher's folder is gone: it stopped waiting


def _one_line(error):
    text = " ".join(str(error).split()) or type(error).__name__
    return text

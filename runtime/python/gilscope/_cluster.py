"""What a cluster engine's worker process is, said by the process itself:
`cluster-<pid>.json` in its recording folder (runtime/FORMAT.md), read by
the report to name it (src/core/analysis/clusterRoles.ts).

- Ray: the actor classes and remote functions the worker ran, seen where Ray
  looks up what to execute (FunctionActorManager.get_execution_info, called
  in the thread that runs the task); the threads Ray's core worker made to
  run an actor's methods (max_concurrency) are named after the actor.
- Dask distributed: the worker's name, address and threads, once it started.

Nothing is imported for it: each engine's module is patched when the
program imports it (import_watch). A failure here only leaves the worker
unnamed; it never reaches the program."""
import _thread
import os

from . import safefiles
from .import_watch import when_imported

ENV_WHATIF = "GILSCOPE_WHATIF"
"""Set by `gilscope whatif` (src/core/compare/clusterWhatIf.ts): the change a
what-if run makes to the program, without editing it."""
WHATIF_DASK_ONE_THREAD = "dask-one-thread-per-worker"
"""LocalCluster(n_workers=k, threads_per_worker=t) made as k*t workers of one thread."""

_state = {"pid": None, "directory": None, "probe": None, "note": {}}
# _thread, not threading: a recorded process imports nothing at start that a bare one does not
_lock = _thread.allocate_lock()


def watch(probe, directory):
    _state.update(pid=os.getpid(), directory=directory, probe=probe, note={})
    when_imported("ray._private.function_manager", _patch_ray)
    when_imported("distributed.worker", _patch_dask_worker)
    if os.environ.get(ENV_WHATIF) == WHATIF_DASK_ONE_THREAD:
        when_imported("distributed.deploy.local", _one_thread_per_worker)


def _note():
    if _state["pid"] != os.getpid():  # a forked child: its own note
        _state.update(pid=os.getpid(), note={})
    return _state["note"]


def _write():
    directory = _state["directory"]
    if not directory:
        return
    import json
    data = json.dumps(_note(), sort_keys=True).encode()
    try:
        safefiles.replace_file(directory, "cluster-%d.json" % os.getpid(), data)
    except OSError:
        pass


def _ray_saw(descriptor):
    try:
        cls, function = descriptor.class_name or "", descriptor.function_name or ""
    except AttributeError:
        return
    key = "actors" if cls else "tasks"
    value = cls.rsplit(".", 1)[-1] if cls else function
    if not value:
        return
    with _lock:
        note = _note()
        note.setdefault("engine", "ray")
        seen = note.setdefault(key, [])
        changed = value not in seen
        if changed:
            seen.append(value)
    if changed:
        _write()


_named = set()


def _name_actor_thread(actor):
    """A thread that Ray's core worker started (not a `threading` thread) and
    that runs the actor's methods: named after the actor, once."""
    import threading
    ident = threading.get_ident()
    if ident in _named:
        return
    _named.add(ident)
    own = threading._active.get(ident)
    if threading.main_thread().ident == ident or (own is not None and not isinstance(own, threading._DummyThread)):
        return  # a thread of the program's own, named already
    probe = _state["probe"]
    try:
        probe.name_thread("%s actor thread" % actor)
    except Exception:
        pass


def _patch_ray(module):
    manager = getattr(module, "FunctionActorManager", None)
    original = getattr(manager, "get_execution_info", None)
    if original is None or getattr(original, "_gilscope", False):
        return

    def get_execution_info(self, job_id, function_descriptor):
        info = original(self, job_id, function_descriptor)
        try:
            _ray_saw(function_descriptor)
        except Exception:
            pass
        return info

    get_execution_info._gilscope = True
    manager.get_execution_info = get_execution_info
    make = getattr(manager, "_make_actor_method_executor", None)
    if make is None:
        return

    def _make_actor_method_executor(self, method_name, method):
        """Ray caches what get_execution_info returns per function: the thread
        that runs each call is named here, where every call passes."""
        executor = make(self, method_name, method)
        if method_name.startswith("__ray"):
            return executor
        actor = getattr(method, "__qualname__", "").rsplit(".", 1)[0].rsplit(".", 1)[-1]

        def actor_method_executor(*args, **kwargs):
            if actor:
                _name_actor_thread(actor)
            return executor(*args, **kwargs)

        actor_method_executor.name = getattr(executor, "name", method_name)
        actor_method_executor.method = getattr(executor, "method", method)
        return actor_method_executor

    _make_actor_method_executor._gilscope = True
    manager._make_actor_method_executor = _make_actor_method_executor


def _patch_dask_worker(module):
    worker = getattr(module, "Worker", None)
    original = getattr(worker, "start_unsafe", None)
    if original is None or getattr(original, "_gilscope", False):
        return

    async def start_unsafe(self):
        result = await original(self)
        try:
            with _lock:
                note = _note()
                note.update(engine="dask", name=str(self.name), address=str(self.address),
                            threads=int(getattr(self.state, "nthreads", 0) or 0))
            _write()
        except Exception:
            pass
        return result

    start_unsafe._gilscope = True
    worker.start_unsafe = start_unsafe


def _one_thread_per_worker(module):
    """The what-if of the Dask suggestion (clusterRemedies.ts): every
    LocalCluster the program makes gets n_workers * threads_per_worker
    workers of one thread each."""
    cls = getattr(module, "LocalCluster", None)
    original = getattr(cls, "__init__", None)
    if original is None or getattr(original, "_gilscope", False):
        return

    def __init__(self, *args, **kwargs):
        n, t = kwargs.get("n_workers"), kwargs.get("threads_per_worker")
        if isinstance(n, int) and isinstance(t, int) and t > 1:
            kwargs["n_workers"], kwargs["threads_per_worker"] = n * t, 1
        original(self, *args, **kwargs)

    __init__._gilscope = True
    cls.__init__ = __init__

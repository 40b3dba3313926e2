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
import json
import os
import threading

from . import safefiles
from .import_watch import when_imported

_state = {"pid": None, "directory": None, "probe": None, "note": {}}
_lock = threading.Lock()


def watch(probe, directory):
    _state.update(pid=os.getpid(), directory=directory, probe=probe, note={})
    when_imported("ray._private.function_manager", _patch_ray)
    when_imported("distributed.worker", _patch_dask_worker)


def _note():
    if _state["pid"] != os.getpid():  # a forked child: its own note
        _state.update(pid=os.getpid(), note={})
    return _state["note"]


def _write():
    directory = _state["directory"]
    if not directory:
        return
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
    if cls:
        _name_actor_thread(value)


_named = set()


def _name_actor_thread(actor):
    """A thread that Ray's core worker started (not a `threading` thread) and
    that runs the actor's methods: named after the actor, once."""
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

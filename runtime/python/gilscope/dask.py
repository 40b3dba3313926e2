"""Recording the workers of a Dask distributed cluster (docs/clusters.md).

    dask worker SCHEDULER --preload-nanny gilscope.dask
        every worker that nanny starts records into $GILSCOPE_CLUSTER_DIR/<host>/
        (default /tmp/gilscope-dask/<host>/)

    with gilscope.dask.record(client, "run.gilscope"):
        ...   # the workers restart recorded; on leaving they restart as they were
              # and their files are collected into run.gilscope/<host>/

The nanny puts the recorder into the environment its worker process is
started with (`pre_spawn_env`, which it copies into its own environment
before it spawns the worker): the worker's Python records itself from its
start, as under `gilscope record`. The nanny itself is not recorded.

gilscope must be importable where the nannies run (runtime/python on their
PYTHONPATH): the plugin is sent to them by reference to this module.
"""
import contextlib
import os
import shutil

from . import ENV_DIRECTORY, ENV_PER_HOST, safefiles

RUNTIME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV_CLUSTER_DIR = "GILSCOPE_CLUSTER_DIR"
"""On a worker machine: the folder its workers record into (its parent must exist)."""
DEFAULT_DIR = "/tmp/gilscope-dask"
PLUGIN_NAME = "gilscope"
_KEYS = (ENV_DIRECTORY, ENV_PER_HOST, "PYTHONPATH")
_SAVED = "_gilscope_saved_env"
"""On a nanny: its environment's values before RecordWorkers changed them."""


def environment(out_dir, per_host=True):
    """The variables a worker process records itself with, into out_dir
    (out_dir/<host>/ with per_host)."""
    path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.abspath(p) != RUNTIME]
    # "0", not absent: the nanny's own environment may hold a "1" from an earlier spawn.
    return {ENV_DIRECTORY: os.path.abspath(out_dir), ENV_PER_HOST: "1" if per_host else "0",
            "PYTHONPATH": os.pathsep.join([RUNTIME] + path)}


def _targets(nanny):
    """The nanny's environments for its worker: pre_spawn_env (set before the
    spawn, so the new interpreter's sitecustomize sees it) and env (set in the
    worker once it runs)."""
    pre = getattr(nanny, "pre_spawn_env", None)
    return [t for t in (pre, getattr(nanny, "env", None)) if isinstance(t, dict)]


def _put(nanny, env):
    for target in _targets(nanny):
        target.update(env)


def _own_folder(path):
    """`path` made 0700 when missing (its parent must exist), else checked to be
    the user's own, private and real. Raises safefiles.UnsafePath."""
    path = os.path.abspath(path)
    if not os.path.isdir(os.path.dirname(path)):
        raise safefiles.UnsafePath("cannot create %s: its folder does not exist" % path)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    return safefiles.check_own_folder(path)


def cluster_folder():
    """This machine's folder for the workers' recordings: $GILSCOPE_CLUSTER_DIR,
    else /tmp/gilscope-dask, made (0700) when missing."""
    return _own_folder(os.environ.get(ENV_CLUSTER_DIR) or DEFAULT_DIR)


def dask_setup(nanny):
    """`--preload-nanny gilscope.dask`: record the workers this nanny starts.
    A folder that is not the user's own stops the nanny, saying why."""
    _put(nanny, environment(cluster_folder()))


try:
    from distributed.diagnostics.plugin import NannyPlugin
except ImportError:  # gilscope.dask without distributed: dask_setup is all there is
    NannyPlugin = object


def _safe_name(text):
    return "".join(c if (c.isalnum() or c in "-_.") else "_" for c in str(text)).lstrip(".") or "nanny"


def _nanny_folder(nanny, run, create=False):
    """Where one nanny's workers record for `record()`'s run: CLUSTER/<run>/<nanny>/
    (CLUSTER: cluster_folder()), a folder of its own (nannies of one machine,
    even of one process, never share one). One level below the per-host
    folders that --preload-nanny writes, so that a report of CLUSTER never
    reads it."""
    run_folder = os.path.join(cluster_folder(), run)
    folder = os.path.join(run_folder, _safe_name(nanny.id))
    if create:
        _own_folder(run_folder)
        _own_folder(folder)
    return folder


class RecordWorkers(NannyPlugin):
    """A nanny plugin (gilscope.dask.record): its workers restart recorded into
    a folder of this nanny's own; removing the plugin puts the nanny's
    environment back as it was and restarts them (their files end whole)."""
    name = PLUGIN_NAME
    restart = True
    idempotent = False

    def __init__(self, run):
        self.run = run

    def setup(self, nanny):
        folder = _nanny_folder(nanny, self.run, create=True)
        # The nanny's process environment as it was, once per process: nannies of
        # one process (a LocalCluster's) share it, and each spawn changes it.
        _environ_before.setdefault(self.run, {key: os.environ.get(key) for key in _KEYS})
        setattr(nanny, _SAVED, [{key: target.get(key) for key in _KEYS} for target in _targets(nanny)])
        # The folder is this nanny's alone: no per-host level in it (_collect says the host).
        _put(nanny, environment(folder, per_host=False))

    async def teardown(self, nanny):
        _restore(nanny, self.run)
        await nanny.restart(reason="gilscope-recording-ended")


_environ_before = {}
"""run → the nanny process's own values of _KEYS before the run's first setup in it."""


def _set(target, values):
    for key, value in values.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


def _restore(nanny, run):
    for target, values in zip(_targets(nanny), getattr(nanny, _SAVED, None) or []):
        _set(target, values)
    # The nanny copied pre_spawn_env into its own environment to spawn the worker.
    _set(os.environ, _environ_before.get(run, {}))
    if hasattr(nanny, _SAVED):
        delattr(nanny, _SAVED)


def _collect(run, dask_worker=None):
    """On a nanny (Client.run(..., nanny=True)): its workers' files for `run`,
    read and removed with their folder. Returns (host, {name: bytes})."""
    from .hostfolder import host_name
    files = {}
    try:
        folder = _nanny_folder(dask_worker, run)
        names = os.listdir(folder)
    except (OSError, safefiles.UnsafePath):
        return host_name(), files
    for name in names:
        if safefiles.is_recording_file(name) or (name.startswith("cluster-") and name.endswith(".json")):
            with open(os.path.join(folder, name), "rb") as f:
                files[name] = f.read()
    shutil.rmtree(folder, ignore_errors=True)
    try:
        os.rmdir(os.path.dirname(folder))  # the run's folder, once its last nanny collected
    except OSError:
        pass
    return host_name(), files


def _write_files(out, collected):
    """Each nanny's files into out/<host>/ (made 0700)."""
    from .hostfolder import _own_folder as own_host_folder
    for host, files in collected:
        if not files:
            continue
        folder = own_host_folder(os.path.join(out, _safe_name(host)))
        for name, data in files.items():
            fd = safefiles.create_exclusive(os.path.join(folder, name))
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)


@contextlib.contextmanager
def record(client, out_dir):
    """Records the cluster's workers while the block runs: every nanny's worker
    restarts recorded (into a folder of the nanny's own under its machine's
    cluster folder, see cluster_folder); on leaving, the workers restart as
    they were and their files are collected into out_dir/<host>/ (out_dir
    made 0700 here, and must not hold a recording). Both restarts lose what
    the workers held, as Client.restart does. Yields out_dir's absolute path."""
    out = safefiles.make_recording_folder(out_dir)
    run = "run-%s" % os.urandom(6).hex()
    try:
        client.register_plugin(RecordWorkers(run))
        yield out
    finally:
        client.unregister_worker_plugin(PLUGIN_NAME, nanny=True)
        _write_files(out, dict(client.run(_collect, run, nanny=True)).values())

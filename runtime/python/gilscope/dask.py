"""Recording the workers of a Dask distributed cluster (docs/clusters.md).

    dask worker SCHEDULER --preload-nanny gilscope.dask
        every worker that nanny starts records into $GILSCOPE_CLUSTER_DIR/<host>/
        (default /tmp/gilscope-dask/<host>/)

    with gilscope.dask.record(client, "run.gilscope"):
        ...   # the workers restart recorded; on leaving they restart unrecorded
              # and their files are collected into run.gilscope/<host>/

The nanny puts the recorder into the environment its worker process is
started with (`pre_spawn_env`): the worker's Python records itself from its
start, as under `gilscope record`.
"""
import contextlib
import os
import socket

from . import ENV_DIRECTORY, ENV_PER_HOST, safefiles

RUNTIME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV_CLUSTER_DIR = "GILSCOPE_CLUSTER_DIR"
DEFAULT_DIR = "/tmp/gilscope-dask"
PLUGIN_NAME = "gilscope"


def environment(out_dir):
    """The variables a worker process records itself with."""
    path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.abspath(p) != RUNTIME]
    return {ENV_DIRECTORY: os.path.abspath(out_dir), ENV_PER_HOST: "1", "PYTHONPATH": os.pathsep.join([RUNTIME] + path)}


def _put(nanny, env):
    target = getattr(nanny, "pre_spawn_env", None)
    if target is None:  # older distributed: only the worker's own env
        target = nanny.env
    target.update(env)


def dask_setup(nanny):
    """`--preload-nanny gilscope.dask`: record the workers this nanny starts."""
    _put(nanny, environment(os.environ.get(ENV_CLUSTER_DIR, DEFAULT_DIR)))


try:
    from distributed.diagnostics.plugin import NannyPlugin
except ImportError:  # gilscope.dask without distributed: dask_setup is all there is
    NannyPlugin = object


class RecordWorkers(NannyPlugin):
    """A nanny plugin: the workers restart recorded into out_dir/<host>/ on their machines."""
    name = PLUGIN_NAME
    restart = True
    idempotent = False

    def __init__(self, out_dir):
        self.out_dir = out_dir

    def setup(self, nanny):
        _put(nanny, environment(self.out_dir))

    def teardown(self, nanny):
        for target in (getattr(nanny, "pre_spawn_env", None), nanny.env):
            for key in (ENV_DIRECTORY, ENV_PER_HOST):
                if target is not None:
                    target.pop(key, None)
        os.environ.pop(ENV_DIRECTORY, None)  # pre_spawn_env went into the nanny's own environment
        os.environ.pop(ENV_PER_HOST, None)


def _collect(local_dir):
    """On a worker: this machine's recording files (run by Client.run)."""
    from .hostfolder import host_name
    folder = os.path.join(local_dir, host_name())
    files = {}
    try:
        names = os.listdir(folder)
    except OSError:
        names = []
    for name in names:
        if safefiles.is_recording_file(name) or (name.startswith("cluster-") and name.endswith(".json")):
            with open(os.path.join(folder, name), "rb") as f:
                files[name] = f.read()
    return host_name(), files


@contextlib.contextmanager
def record(client, out_dir):
    """Records the cluster's workers while the block runs, then collects
    their files into out_dir/<host>/ (out_dir made 0700 here)."""
    out = safefiles.make_recording_folder(out_dir)
    local = os.path.join(DEFAULT_DIR, "%s-%s" % (socket.gethostname(), os.urandom(4).hex()))
    client.register_plugin(RecordWorkers(local))
    try:
        yield out
    finally:
        client.unregister_worker_plugin(PLUGIN_NAME, nanny=True)
        client.restart()  # the recorded workers end; new ones start unrecorded
        for host, files in dict(client.run(_collect, local)).values():
            folder = os.path.join(out, host)
            if not os.path.isdir(folder):
                os.mkdir(folder, 0o700)
            for name, data in files.items():
                path = os.path.join(folder, name)
                if os.path.exists(path):
                    continue  # two workers of one machine send the same files
                fd = safefiles.create_exclusive(path)
                try:
                    os.write(fd, data)
                finally:
                    os.close(fd)

"""Recording the workers of a Ray cluster (docs/clusters.md).

    import ray, gilscope.ray
    ray.init(runtime_env=gilscope.ray.runtime_env("/tmp/run.gilscope"))
    # or one actor only:
    Actor.options(runtime_env=gilscope.ray.runtime_env("/tmp/run.gilscope")).remote()

Every worker process Ray starts with that runtime environment records
itself into /tmp/run.gilscope/<host>/ on its own machine (made 0700 when
missing); `gilscope report /tmp/run.gilscope` reads the per-host folders as
one recording once they are gathered on one machine. The driver is not
recorded by this (record it with `gilscope record -- python driver.py`).
Ray's daemons are not started with it either: only the workers record.
"""
import os

from . import ENV_DIRECTORY, ENV_PER_HOST

RUNTIME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def runtime_env(out_dir, base=None):
    """A Ray runtime_env (a dict) that records the workers into out_dir/<host>/.
    `base`: a runtime_env of the program's own to add to (its env_vars are kept)."""
    out = os.path.abspath(out_dir)
    env = dict(base or {})
    variables = dict(env.get("env_vars") or {})
    path = variables.get("PYTHONPATH", os.environ.get("PYTHONPATH", ""))
    parts = [p for p in path.split(os.pathsep) if p and os.path.abspath(p) != RUNTIME]
    variables.update({
        ENV_DIRECTORY: out,
        ENV_PER_HOST: "1",
        "PYTHONPATH": os.pathsep.join([RUNTIME] + parts),
    })
    env["env_vars"] = variables
    return env

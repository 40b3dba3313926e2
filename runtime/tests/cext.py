"""Builds a test extension from test/workloads/cext/ for the interpreter
running the tests, once per run (into the temporary folder).

    python -m tests.cext cthreads   (from runtime/)

prints the folder to put on sys.path (the stress harness builds it so, for
each interpreter)."""
import hashlib
import os
import subprocess
import sys
import sysconfig
import tempfile

from .workload import WORKLOADS

SOURCES = os.path.join(WORKLOADS, "cext")


def build(name):
    """The folder holding the compiled extension `name` (put it on sys.path).

    The folder's name is a digest of the interpreter and the source, so an
    edited source is built again and each interpreter (3.13 and 3.13t share
    a cache tag) has its own; hash() would differ from process to process."""
    source = os.path.join(SOURCES, name + ".c")
    with open(source, "rb") as f:
        key = hashlib.sha256(sys.executable.encode() + b"\0" + f.read()).hexdigest()[:16]
    folder = os.path.join(tempfile.gettempdir(), "gilscope-cext-%s-%s" % (sys.implementation.cache_tag, key))
    target = os.path.join(folder, name + (sysconfig.get_config_var("EXT_SUFFIX") or ".so"))
    if not os.path.exists(target):
        os.makedirs(folder, mode=0o700, exist_ok=True)
        partial = target + ".%d.tmp" % os.getpid()
        subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-I", sysconfig.get_paths()["include"],
                        "-o", partial, source, "-lpthread"], check=True)
        os.replace(partial, target)
    return folder


if __name__ == "__main__":
    print(build(sys.argv[1] if len(sys.argv) > 1 else "cthreads"))

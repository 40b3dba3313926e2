"""Builds a test extension from test/workloads/cext/ for the interpreter
running the tests, once per run (into the temporary folder)."""
import os
import subprocess
import sys
import sysconfig
import tempfile

from .workload import WORKLOADS

SOURCES = os.path.join(WORKLOADS, "cext")


def build(name):
    """The folder holding the compiled extension `name` (put it on sys.path)."""
    folder = os.path.join(tempfile.gettempdir(), "gilscope-cext-%s-%s" % (
        sys.implementation.cache_tag, abs(hash(sys.executable)) % 10 ** 8))
    target = os.path.join(folder, name + (sysconfig.get_config_var("EXT_SUFFIX") or ".so"))
    if not os.path.exists(target):
        os.makedirs(folder, mode=0o700, exist_ok=True)
        partial = target + ".%d.tmp" % os.getpid()
        subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-I", sysconfig.get_paths()["include"],
                        "-o", partial, os.path.join(SOURCES, name + ".c"), "-lpthread"], check=True)
        os.replace(partial, target)
    return folder

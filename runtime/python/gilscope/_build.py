"""Builds the probe extension for the running interpreter, once, and caches it.

The probe is compiled against this exact interpreter's headers with
Py_BUILD_CORE_MODULE: the GIL's layout depends on the version and on build
flags (Py_DEBUG, Py_GIL_DISABLED), so a build is never shared between
interpreters. The cache key covers everything the layout depends on.
"""
import hashlib
import os
import platform
import re
import shlex
import subprocess
import sys
import sysconfig
import tempfile

MODULE = "_gilscope_probe"
CSRC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "csrc")
SOURCES = ("probe.c", "pyframe.c", "gilhooks.c", "gotpatch.c", "hooks.c", "wakes.c", "handover.c", "recorder.c", "threads.c", "quiet.c", "budget.c", "cpusample.c", "endings.c",
           "locks.c", "syncroles.c", "holdsplit.c", "cpython/common.c", "cpython/v3_8.c", "cpython/v3_11.c", "cpython/v3_13.c", "cpython/v3_14.c")


class BuildError(Exception):
    """The probe could not be compiled; the message says what to do."""


def cache_root():
    base = os.environ.get("GILSCOPE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "gilscope")
    return base


def _source_digest():
    h = hashlib.sha256()
    for folder, _, names in sorted(os.walk(CSRC)):
        for name in sorted(names):
            if name.endswith((".c", ".h")):
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    h.update(os.path.relpath(path, CSRC).encode() + b"\0" + f.read())
    return h.hexdigest()


def interpreter_key():
    """Names this interpreter's build: version, ABI, flags, headers and our sources."""
    include = sysconfig.get_paths()["include"]
    pyconfig = os.path.join(include, "pyconfig.h")
    try:
        st = os.stat(pyconfig)
        header_stamp = "%d-%d" % (st.st_size, int(st.st_mtime))
    except OSError:
        header_stamp = "none"
    parts = [
        sys.version, sys.implementation.cache_tag or "", sysconfig.get_config_var("SOABI") or "",
        str(sysconfig.get_config_var("Py_DEBUG")), str(sysconfig.get_config_var("Py_GIL_DISABLED")),
        os.path.realpath(sys.executable), include, header_stamp, _source_digest(),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def build_description():
    soabi = sysconfig.get_config_var("SOABI") or sys.implementation.cache_tag or "unknown"
    flags = []
    if sysconfig.get_config_var("Py_DEBUG"):
        flags.append("debug")
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        flags.append("free-threaded")
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):
        flags.append("shared")
    return "+".join([soabi] + flags)


def _compiler():
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    return shlex.split(cc)


def first_error(output):
    """The compiler's first error, as one line (its last line is often only a caret)."""
    lines = output.strip().splitlines()
    for line in lines:
        if re.search(r"\berror\b", line):
            return " ".join(line.split())
    return " ".join(lines[-1].split()) if lines else "no output"


def probe_path():
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    return os.path.join(cache_root(), "probe", interpreter_key(), MODULE + suffix)


FORCE_SAMPLED = "GILSCOPE_FORCE_SAMPLED"


def ensure_probe():
    """Path of the compiled probe for this interpreter, building it when needed."""
    if os.environ.get(FORCE_SAMPLED) == "1":  # a testing aid (sampler/__init__.py)
        raise BuildError("forced by %s=1, a testing aid; unset it to record exactly" % FORCE_SAMPLED)
    target = probe_path()
    if os.path.exists(target):
        return target
    folder = os.path.dirname(target)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    include = sysconfig.get_paths()["include"]
    internal = os.path.join(include, "internal")
    if not os.path.isdir(internal):
        raise BuildError(
            "this Python's internal headers are missing (%s); install its development headers "
            "(for Debian: apt-get install python%d.%d-dev) to record it exactly"
            % (internal, sys.version_info[0], sys.version_info[1]))
    fd, temporary = tempfile.mkstemp(prefix=MODULE, suffix=".so.tmp", dir=folder)
    os.close(fd)
    command = _compiler() + [
        "-O2", "-g", "-fPIC", "-shared", "-fvisibility=hidden", "-std=gnu11", "-Wall",
        "-DPy_BUILD_CORE_MODULE", "-I", include, "-I", internal, "-I", CSRC,
        "-o", temporary,
    ] + [os.path.join(CSRC, s) for s in SOURCES] + ["-lpthread", "-ldl"]
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError as e:
        os.unlink(temporary)
        raise BuildError("no C compiler could be run (%s: %s); install gcc (apt-get install gcc) "
                         "to record exactly" % (command[0], e.strerror))
    if done.returncode != 0:
        os.unlink(temporary)
        raise BuildError("compiling the probe for %s (Python %s) failed: %s; gilscope may not support this "
                         "interpreter yet" % (sys.executable, platform.python_version(),
                                              first_error(done.stdout.decode(errors="replace"))))
    os.chmod(temporary, 0o700)
    os.replace(temporary, target)  # atomic: concurrent builders agree
    return target


def load_probe():
    """Imports the probe module for this interpreter."""
    import importlib.util
    path = ensure_probe()
    spec = importlib.util.spec_from_file_location(MODULE, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

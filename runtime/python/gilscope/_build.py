"""Builds the probe extension for the running interpreter, once, and caches it.

The probe is compiled against this exact interpreter's headers with
Py_BUILD_CORE_MODULE: the GIL's layout depends on the version and on build
flags (Py_DEBUG, Py_GIL_DISABLED), so a build is never shared between
interpreters. The cache key covers everything the layout depends on.
Where it is cached, and when a cached build may be loaded: probe_cache.py.
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

from . import probe_cache, probe_handoff, safefiles

MODULE = "_gilscope_probe"
CSRC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "csrc")
SOURCES = ("probe.c", "pyframe.c", "gilhooks.c", "gotpatch.c", "hooks.c", "wakes.c", "handover.c", "recorder.c", "threads.c", "quiet.c", "budget.c", "cpusample.c", "parks.c", "saferead.c", "attachment.c", "entrypatch.c", "endings.c",
           "locks.c", "locktable.c", "lockpatch.c", "lockmakers.c", "syncroles.c", "holdsplit.c", "watch.c", "blockedon.c", "cpython/common.c", "cpython/v3_8.c", "cpython/v3_11.c", "cpython/v3_13.c", "cpython/v3_14.c")


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


def _probe_folder():
    """cache_root()/probe, private (probe_cache.py); BuildError when it cannot be."""
    try:
        return probe_cache.private_probe_folder(cache_root())
    except probe_cache.CacheUnsafe as error:
        raise BuildError(str(error))
    except OSError as error:
        raise BuildError("cannot use the probe cache %s: %s; set GILSCOPE_CACHE to a folder of your own"
                         % (cache_root(), safefiles.os_error_words(error)))


def ensure_probe(say=None):
    """Path of the compiled probe for this interpreter, building it when it
    is missing or cannot be trusted (probe_cache.py). `say(line)` tells the
    user why a build happens; the launchers pass it, the recorded processes
    never do (their stderr is the workload's)."""
    if os.environ.get(FORCE_SAMPLED) == "1":  # a testing aid (sampler/__init__.py)
        raise BuildError("forced by %s=1, a testing aid; unset it to record exactly" % FORCE_SAMPLED)
    probes = _probe_folder()
    target = probe_path()
    fd, fault = probe_cache.open_trusted(target)
    if fd is not None:
        os.close(fd)
        probe_cache.note_used(os.path.dirname(target))
        return target
    include = sysconfig.get_paths()["include"]
    internal = os.path.join(include, "internal")
    if not os.path.isdir(internal):
        raise BuildError(
            "this Python's internal headers are missing (%s); install its development headers "
            "(for Debian: apt-get install python%d.%d-dev) to record it exactly"
            % (internal, sys.version_info[0], sys.version_info[1]))
    if say is not None:
        if fault == probe_cache.MISSING:
            say("gilscope: building the probe for %s %s, once (cached in %s)"
                % (platform.python_implementation(), platform.python_version(), cache_root()))
        else:
            say("gilscope: the cached probe %s %s; rebuilding it" % (target, fault))
    folder = os.path.dirname(target)
    probe_cache.prune(probes, keep=os.path.basename(folder))
    try:
        fresh = tempfile.mkdtemp(prefix=os.path.basename(folder) + ".build-", dir=probes)  # 0700, a new name
    except OSError as error:
        raise BuildError("cannot build the probe in %s: %s" % (probes, safefiles.os_error_words(error)))
    try:
        built = os.path.join(fresh, os.path.basename(target))
        _compile(include, internal, built)
        os.chmod(built, 0o600)
        probe_cache.write_checksum(built)
        probe_cache.install(fresh, folder, os.path.basename(target))
    except OSError as error:
        import shutil
        shutil.rmtree(fresh, ignore_errors=True)
        raise BuildError("cannot put the probe in the cache at %s: %s" % (folder, safefiles.os_error_words(error)))
    except BaseException:
        import shutil
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return target


def _compile(include, internal, output):
    command = _compiler() + [
        "-O2", "-g", "-fPIC", "-shared", "-fvisibility=hidden", "-std=gnu11", "-Wall",
        "-DPy_BUILD_CORE_MODULE", "-I", include, "-I", internal, "-I", CSRC,
        "-o", output,
    ] + [os.path.join(CSRC, s) for s in SOURCES] + ["-lpthread", "-ldl"]
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError as e:
        raise BuildError("no C compiler could be run (%s: %s); install gcc (apt-get install gcc) "
                         "to record exactly" % (command[0], e.strerror))
    if done.returncode != 0:
        raise BuildError("compiling the probe for %s (Python %s) failed: %s; gilscope may not support this "
                         "interpreter yet" % (sys.executable, platform.python_version(),
                                              first_error(done.stdout.decode(errors="replace"))))


def load_probe(say=None):
    """Imports the probe module for this interpreter, from the very file
    that was checked (probe_cache.open_trusted): through /proc/self/fd, so
    that nothing can be swapped in between the check and the load."""
    return _load_checked(say, for_handoff=False)[0]


def load_probe_for_handoff(say=None):
    """load_probe, for a launcher: (module, environment) where the
    environment hands the probe just checked to the workload's processes
    (probe_handoff.py), or is empty when it cannot be."""
    module, identity = _load_checked(say, for_handoff=True)
    return module, probe_handoff.environment(module.__file__, identity, build_description())


def _load_checked(say, for_handoff):
    import importlib.machinery
    import importlib.util
    path = ensure_probe(say)
    if for_handoff:
        fd, identity, fault = probe_cache.open_for_handoff(path)
    else:
        (fd, fault), identity = probe_cache.open_trusted(path), None
    if fd is None:
        raise BuildError("the cached probe %s %s; run again to rebuild it" % (path, fault))
    try:
        through = "/proc/self/fd/%d" % fd
        origin = through if os.path.exists(through) else path
        loader = importlib.machinery.ExtensionFileLoader(MODULE, origin)
        spec = importlib.util.spec_from_file_location(MODULE, origin, loader=loader)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except (ImportError, OSError) as error:
        raise BuildError("the probe %s could not be loaded (%s); remove its folder %s to have it built again"
                         % (path, " ".join(str(error).split()), os.path.dirname(path)))
    finally:
        os.close(fd)
    module.__file__ = spec.origin = path  # the name a person knows, not the descriptor's
    return module, identity

"""The probe a launcher verified, handed to the workload's processes so
that they load it without hashing it again or importing what the full
check needs (hashlib, sysconfig, tempfile...): a recorded process starts
within a few milliseconds of a bare one (runtime/README.md, "Start-up").

The launcher (run.py, prepare.py for `gilscope record`) puts in the
workload's environment:

    GILSCOPE_PROBE         the probe's path
    GILSCOPE_PROBE_ID      its identity, dev:ino:size:mtime_ns:ctime_ns,
                           read through the descriptor it hashed
    GILSCOPE_PROBE_PYTHON  the interpreter it was built for
    GILSCOPE_BUILD         that interpreter's build description (the header's python_build)

A process loads the probe from them only when it is that interpreter and
the file, opened O_NOFOLLOW and fstat'ed, has that identity and passes
the ownership rules of probe_cache.py; why that is enough is said there
("Handing a verified probe over"). Anything else returns None, and the
caller takes the full check (_build.load_probe).

Imports nothing beyond what every Python has loaded at start-up."""
import os
import stat
import sys

ENV_PROBE = "GILSCOPE_PROBE"
ENV_PROBE_ID = "GILSCOPE_PROBE_ID"
ENV_PROBE_PYTHON = "GILSCOPE_PROBE_PYTHON"
ENV_BUILD = "GILSCOPE_BUILD"
ENV_NAMES = (ENV_PROBE, ENV_PROBE_ID, ENV_PROBE_PYTHON, ENV_BUILD)
MODULE = "_gilscope_probe"


def interpreter_identity():
    """This interpreter, as precisely as the probe depends on it: its
    version string (which carries the build's date and compiler) and the
    real path of its executable (a venv's python is a link to its base)."""
    return "%s|%s" % (" ".join(sys.version.split()), os.path.realpath(sys.executable or ""))


def environment(path, identity, build):
    """What the launcher adds to the workload's environment (none when the
    identity could not be taken: the processes then check in full)."""
    if not identity:
        return {}
    return {ENV_PROBE: path, ENV_PROBE_ID: identity, ENV_PROBE_PYTHON: interpreter_identity(), ENV_BUILD: build}


def _private_folder(path):
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & 0o022


def _open_handed(path, identity):
    """fd on the handed-over probe when it is still what the launcher verified, else None."""
    key_folder = os.path.dirname(path)
    probes = os.path.dirname(key_folder)
    root = os.path.dirname(probes)
    # the cache's layout (probe_cache.py): root/probe/<key>/<probe>, each folder the user's and private
    if os.path.basename(probes) != "probe" or not all(_private_folder(f) for f in (key_folder, probes, root)):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    st = os.fstat(fd)
    same = (stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & 0o022
            and "%d:%d:%d:%d:%d" % (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns) == identity)
    if not same:
        os.close(fd)
        return None
    return fd


def _import_system():
    """ExtensionFileLoader and ModuleSpec without importing importlib (a
    quarter of a millisecond): the import system's own modules, loaded in
    every Python, which importlib.machinery re-exports."""
    try:
        return sys.modules["_frozen_importlib_external"].ExtensionFileLoader, sys.modules["_frozen_importlib"].ModuleSpec
    except (KeyError, AttributeError):
        from importlib.machinery import ExtensionFileLoader, ModuleSpec
        return ExtensionFileLoader, ModuleSpec


def load(environ=None):
    """(probe module, build description) when the environment hands over a
    probe this process may load as it is; None otherwise."""
    env = os.environ if environ is None else environ
    if env.get("GILSCOPE_FORCE_SAMPLED") == "1":
        return None  # a testing aid that makes the full check refuse, and say so (_build.ensure_probe)
    path, identity = env.get(ENV_PROBE), env.get(ENV_PROBE_ID)
    build = env.get(ENV_BUILD)
    if not path or not identity or not build or env.get(ENV_PROBE_PYTHON) != interpreter_identity():
        return None
    fd = _open_handed(path, identity)
    if fd is None:
        return None
    try:
        # the very file checked, through its descriptor: nothing can be swapped in between
        ExtensionFileLoader, ModuleSpec = _import_system()
        origin = "/proc/self/fd/%d" % fd
        loader = ExtensionFileLoader(MODULE, origin)
        spec = ModuleSpec(MODULE, loader, origin=origin)
        module = loader.create_module(spec)
        loader.exec_module(module)
    except (ImportError, OSError):
        return None
    finally:
        os.close(fd)
    module.__spec__, module.__loader__ = spec, loader
    module.__file__ = spec.origin = path  # the name a person knows, not the descriptor's
    return module, build

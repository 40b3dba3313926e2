"""Which runs a comparison makes: modes, worker counts, interpreters."""
import glob
import os
import shutil
import subprocess
import sys

FUNCTION_MODES = ("serial", "threads", "processes-fork", "processes-spawn", "subinterpreters", "free-threaded")
SCRIPT_MODES = ("serial", "as-is", "threads", "processes-fork", "processes-spawn")
OTHER_MODES = ("processes-forkserver",)
# Modes run once, not once per worker count.
SINGLE = {"serial": 1, "as-is": None}


def worker_counts(cores, requested=None):
    """1, 2, 4, ... up to the usable cores, and the cores themselves; or
    the counts asked for, sorted."""
    if requested:
        return sorted(set(requested))
    counts, n = [], 1
    while n <= cores:
        counts.append(n)
        n *= 2
    if counts[-1] != cores:
        counts.append(cores)
    return counts


def modes_for(form, requested=None):
    """The modes to run, in order; the baseline (serial) is always first,
    and a script also runs as it is."""
    known = FUNCTION_MODES if form == "function" else SCRIPT_MODES
    if not requested:
        return list(known)
    unknown = [m for m in requested if m not in known + OTHER_MODES]
    if unknown:
        raise ValueError("unknown mode %s; the %s form knows %s" % (
            ", ".join(repr(m) for m in unknown), form, ", ".join(known + OTHER_MODES)))
    first = ["serial", "as-is"] if form == "script" else ["serial"]
    return first + [m for m in requested if m not in first]


FREE_THREADED_NAMES = ("python3.13t", "python3.14t", "python3.15t")
_PROBE = "import sys, sysconfig; print(sys.executable); print(sysconfig.get_config_var('Py_GIL_DISABLED') or 0)"


def free_threaded_candidates():
    """Where a free-threaded interpreter may be: the names on PATH, pyenv's
    versions ending in t, and /usr/bin, /usr/local/bin."""
    seen = []
    for name in FREE_THREADED_NAMES:
        found = shutil.which(name)
        if found:
            seen.append(found)
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    seen += sorted(glob.glob(os.path.join(root, "versions", "*t", "bin", "python3*t")))
    for folder in ("/usr/bin", "/usr/local/bin"):
        seen += sorted(glob.glob(os.path.join(folder, "python3.*t")))
    unique = []
    for path in seen:
        real = os.path.realpath(path)
        if real not in [os.path.realpath(p) for p in unique]:
            unique.append(path)
    return unique


def find_free_threaded(explicit=None):
    """(executable or None, a sentence saying what was looked for)."""
    candidates = [explicit] if explicit else free_threaded_candidates()
    for path in candidates:
        try:
            out = subprocess.run([path, "-c", _PROBE], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        lines = out.stdout.split()
        if out.returncode == 0 and len(lines) == 2 and lines[1] == "1":
            return lines[0], "found %s" % lines[0]
    if explicit:
        return None, "%s is not a free-threaded Python (Py_GIL_DISABLED is not set)" % explicit
    return None, ("no free-threaded Python found (looked for %s on PATH, pyenv versions ending in t, "
                  "/usr/bin and /usr/local/bin); install one, e.g. pyenv install 3.13t, or name it with --free-threaded PATH"
                  % ", ".join(FREE_THREADED_NAMES))


def python_version(executable):
    if executable == sys.executable:
        return "%d.%d.%d" % sys.version_info[:3]
    out = subprocess.run([executable, "-c", "import platform; print(platform.python_version())"],
                         capture_output=True, text=True, timeout=30)
    return out.stdout.strip()

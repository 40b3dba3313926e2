"""The statistical fallback: when the exact recorder cannot run (no C
compiler, no internal headers, hooks that cannot be installed), the launcher
itself samples the workload from outside, through /proc, at a fixed rate,
and writes the same recording format (runtime/FORMAT.md) with gil_mode 3
(sampled) and sample_hz in every file's header.

    python -m gilscope.sampler --output DIR [--hz N] [--reason TEXT] -- COMMAND...

Modules: procfs (reading /proc), elf (dynamic symbols), interpreter (a
process's CPython runtime and version), layout (where its GIL is: from
_Py_DebugOffsets, debug_offsets, or from the measured table, gil_table and
gil_offsets.json), gil (reading a GIL found), following (which processes are
sampled, across fork and exec), thread_states (the state rule), process (one
process's samples), writer (the .gsr file), loop (the process tree and the
clock).

Sampled numbers are estimates: a state is seen only at sample times, so a
share of time has an error of a few points over a second or two at 200 Hz,
and holds or waits shorter than the sample period are mostly not seen.
"""
import os
import platform
import sys

DEFAULT_HZ = 200
MAX_HZ = 2000
ENV_FORCE = "GILSCOPE_FORCE_SAMPLED"  # the same name as _build.FORCE_SAMPLED
"""Testing aid: when set to 1, the exact recorder reports itself unavailable
(_build.ensure_probe raises BuildError "forced by GILSCOPE_FORCE_SAMPLED"),
so that launchers fall back to sampling on a machine where exact mode works."""


def unsupported():
    """Why this machine cannot be sampled, or None. The sampler reads Linux's
    /proc and knows x86-64's system call numbers and ELF64."""
    if not sys.platform.startswith("linux"):
        return "the sampler needs Linux's /proc"
    if platform.machine() not in ("x86_64", "AMD64"):
        return "the sampler knows only x86-64 (this is %s)" % platform.machine()
    if not os.path.exists("/proc/self/task"):
        return "/proc is not mounted"
    return None


def notice(reason, hz):
    """The one line a launcher prints on stderr when it samples. `reason` is a
    BuildError's message, which says how to get exact recording (None when
    sampling was asked for by running the sampler itself)."""
    if reason is None:
        return "gilscope: sampling at %d Hz (not recording exactly)" % hz
    return "gilscope: exact recording unavailable: %s; sampling at %d Hz instead" % (reason, hz)


def parse_hz(text):
    hz = int(text)
    if not 1 <= hz <= MAX_HZ:
        raise ValueError("the sampling rate must be between 1 and %d Hz" % MAX_HZ)
    return hz

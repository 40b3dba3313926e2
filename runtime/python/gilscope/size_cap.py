"""The recording's size cap (runtime/FORMAT.md, "The size cap"): the
--max-size option's value, the `budget` file the launcher creates for the
recorded processes to share (runtime/csrc/budget.c maps it), and the one
line said after the run when the cap stopped recording. The Node
launcher's twin is src/core/launch/sizeCap.ts."""
import os
import re
import stat
import struct

from . import safefiles

DEFAULT_CAP = 1 << 30
"""The cap when none is given: a recording that runs away stops at 1 GiB, not at a full disk."""
MIN_CAP = 128 << 10
"""Below this the first process could not take its header and first 64 KiB segment."""
BUDGET = "budget"
BUDGET_SIZE = 4096
_CAP_AT, _REACHED_AT, _REACHED_MONO_AT = 8, 16, 24
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?", re.IGNORECASE)

HELP = ("stop recording once the recording takes SIZE bytes (suffixes K, M, G: KiB, MiB, GiB; 0 or none: "
        "no cap; default 1G); the program runs on unrecorded")


class SizeError(ValueError):
    """A --max-size that cannot be read; the message says what is expected."""


def parse_size(text):
    """Bytes of a cap written `500M`, `1.5G`, `200K`, `1048576`; 0 for `0` or `none` (no cap)."""
    cleaned = text.strip()
    if cleaned.lower() in ("0", "none"):
        return 0
    match = _SIZE.fullmatch(cleaned)
    if not match:
        raise SizeError("--max-size takes a size such as 500M, 2G or 200K (0 or none: no cap), not %r" % text)
    size = int(float(match.group(1)) * _UNITS[match.group(2).upper()])
    if size < MIN_CAP:
        raise SizeError("--max-size must be at least %s (or 0 for no cap)" % describe(MIN_CAP))
    return size


def describe(size):
    """`1.0 GiB`, `500.0 MiB`, `200.0 KiB`."""
    for unit, name in ((1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if size >= unit:
            return "%.1f %s" % (size / unit, name)
    return "%d bytes" % size


def create_budget(directory, cap):
    """Creates directory/budget (4096 bytes, 0600, never through a planted
    file: safefiles.create_exclusive) with the cap at offset 8. Raises OSError."""
    page = bytearray(BUDGET_SIZE)
    struct.pack_into("<Q", page, _CAP_AT, cap)
    fd = safefiles.create_exclusive(os.path.join(directory, BUDGET))
    try:
        view = memoryview(page)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def reached_at(directory):
    """CLOCK_MONOTONIC ns when the recording reached its cap, or None (no
    cap, not reached, or no budget of ours to read)."""
    try:
        fd = os.open(os.path.join(directory, BUDGET), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        page = os.read(fd, 64)
    finally:
        os.close(fd)
    if len(page) < _REACHED_MONO_AT + 8:
        return None
    # 1 once the moment is written (budget.c sets 2 while it writes it)
    reached, = struct.unpack_from("<I", page, _REACHED_AT)
    mono, = struct.unpack_from("<Q", page, _REACHED_MONO_AT)
    return mono if reached == 1 and mono else None


def capped_line(cap, reached_mono_ns, started_mono_ns):
    """The launcher's one line after a run whose recording the cap stopped."""
    seconds = max(0, reached_mono_ns - started_mono_ns) / 1e9
    return ("gilscope: recording stopped at the size cap (%s) %.1f s in; the program ran on unrecorded"
            % (describe(cap), seconds))

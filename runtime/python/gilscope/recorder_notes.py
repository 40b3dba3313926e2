"""What the recorded processes could not say themselves: _boot.py writes a
line into errors-<pid>.txt (FORMAT.md) instead of printing into the
workload's stderr, and the launcher says it after the run, in one line.
The Node launcher's twin is src/core/format/recorderNotes.ts."""
import os
import re
import stat

NOTE_FILE = re.compile(r"^errors-(\d+)\.txt$")
NOT_RECORDED = ": not recorded: "
RECORDED_BUT = ": recorded, but "
MAX_BYTES = 65536


class Note:
    def __init__(self, pid, path, recorded, text):
        self.pid, self.path, self.recorded, self.text = pid, path, recorded, text


def _read_small(path):
    """A small regular file's text; never follows a link, never blocks on a FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        return os.read(fd, MAX_BYTES).decode(errors="replace")
    finally:
        os.close(fd)


def parse_line(line):
    """(recorded, text) of one line; a line of an older runtime, without
    either marker, meant that the process was not recorded."""
    for marker, recorded in ((NOT_RECORDED, False), (RECORDED_BUT, True)):
        at = line.find(marker)
        if at >= 0:
            return recorded, ("" if not recorded else "recorded, but ") + line[at + len(marker):].strip()
    executable, sep, rest = line.partition(": ")
    return False, (rest if sep else line).strip()


def read_notes(directory):
    notes = []
    for name in sorted(os.listdir(directory)):
        match = NOTE_FILE.match(name)
        if not match:
            continue
        path = os.path.join(directory, name)
        try:
            text = _read_small(path)
        except OSError:
            continue
        for line in text.splitlines():
            if line.strip():
                recorded, what = parse_line(line)
                notes.append(Note(int(match.group(1)), path, recorded, what))
    return notes


def not_recorded_line(directory):
    """"gilscope: 1 process was not recorded (WHY); see DIR/errors-123.txt",
    or None when every process that tried was recorded."""
    failed = [n for n in read_notes(directory) if not n.recorded]
    if not failed:
        return None
    pids, reasons, files = [], [], []
    for n in failed:
        if n.pid not in pids:
            pids.append(n.pid)
            files.append(n.path)
        if n.text not in reasons:
            reasons.append(n.text)
    count = len(pids)
    where = files[0] if count == 1 else "%s and %d more" % (files[0], count - 1)
    return "gilscope: %d process%s not recorded (%s); see %s" % (
        count, " was" if count == 1 else "es were", "; ".join(reasons), where)


def anything_recorded(directory):
    return any(name.endswith(".gsr") for name in os.listdir(directory))

"""subprocess.run for recorded runs, which says what hung when one does.

On a timeout, before anything is killed, every process of the run's tree is
described (its command line, and each thread's name, state, kernel wait
channel and system call), the tree is killed, and the test fails with that
text and the recording's folder: a hang in CI is otherwise a bare timeout."""
import os
import signal
import subprocess


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace").strip()
    except OSError:
        return "?"


def _children():
    """{ppid: [pid, ...]} of the processes now running."""
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            stat = _read("/proc/%s/stat" % name)
            fields = stat[stat.rfind(")") + 2:].split()
            if len(fields) > 1:
                found.setdefault(int(fields[1]), []).append(int(name))
    return found


def tree(pid):
    """pid and its descendants, parents first."""
    children, order, todo = _children(), [], [pid]
    while todo:
        p = todo.pop(0)
        order.append(p)
        todo.extend(sorted(children.get(p, [])))
    return order


def describe(pids):
    lines = []
    for pid in pids:
        lines.append("process %d: %s" % (pid, _read("/proc/%d/cmdline" % pid).replace("\0", " ")))
        try:
            tids = sorted(int(t) for t in os.listdir("/proc/%d/task" % pid))
        except OSError:
            continue
        for tid in tids:
            base = "/proc/%d/task/%d/" % (pid, tid)
            stat = _read(base + "stat")
            state = stat[stat.rfind(")") + 2:].split()[:1]
            lines.append("  thread %d %-16s %s wchan=%s syscall=%s" % (
                tid, _read(base + "comm"), state[0] if state else "?", _read(base + "wchan"),
                " ".join(_read(base + "syscall").split()[:3])))
    return "\n".join(lines)


def run(command, timeout, what, **kwargs):
    """subprocess.run(command, stdout and stderr captured); on a timeout, an
    AssertionError naming `what` (the recording's folder, say) and the hung tree."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        pids = tree(process.pid)
        text = describe(pids)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        stdout, stderr = process.communicate()
        raise AssertionError("%s did not end within %d s; what it was doing:\n%s\nits stderr ends: %s" % (
            what, timeout, text, stderr[-2000:].decode(errors="replace")))
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)

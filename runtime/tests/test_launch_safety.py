"""`python -m gilscope.run` under what a user or an attacker can do to it, on
this interpreter (test/unit/launchSafety.test.ts tries the same, and more,
on both launchers once): files planted in the output folder, a bad -o, a
folder that holds a recording, and a launcher killed with SIGKILL, which
must take its workload with it (gilscope/parent_death.py)."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from .workload import REPO, environment

SHORT = "print('done')\n"


def launch(*args, timeout=120):
    command = [sys.executable, "-m", "gilscope.run"] + list(args)
    done = subprocess.run(command, env=environment(truth=False), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, cwd=REPO)
    return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")


def folder():
    path = tempfile.mkdtemp(prefix="gilscope-safety-")
    return path


def script(body, where=None):
    path = os.path.join(where or folder(), "work.py")
    with open(path, "w") as f:
        f.write(body)
    return path


def gone(pid):
    """No longer running: not in /proc, or a zombie nobody has reaped yet."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


class Files(unittest.TestCase):
    def one_line(self, stderr):
        self.assertEqual(len(stderr.rstrip("\n").split("\n")), 1, stderr)
        self.assertNotIn("Traceback", stderr)
        self.assertTrue(stderr.startswith("gilscope: "), stderr)
        return stderr.rstrip("\n")

    def test_a_planted_session_tmp_link_is_not_followed(self):
        root = folder()
        victim = os.path.join(root, "victim.txt")
        with open(victim, "w") as f:
            f.write("precious\n")
        out = os.path.join(root, "out")
        os.mkdir(out, 0o700)
        os.symlink(victim, os.path.join(out, "session.json.tmp"))
        code, stdout, stderr = launch("-o", out, script(SHORT))
        self.assertEqual(code, 0, stderr)
        with open(victim) as f:
            self.assertEqual(f.read(), "precious\n")
        self.assertFalse(os.path.islink(os.path.join(out, "session.json")))
        with open(os.path.join(out, "session.json")) as f:
            self.assertEqual(json.load(f)["exitCode"], 0)

    def test_an_output_link_to_a_folder_is_refused(self):
        root = folder()
        target = os.path.join(root, "target")
        os.mkdir(target)
        os.chmod(target, 0o755)
        link = os.path.join(root, "link")
        os.symlink(target, link)
        code, stdout, stderr = launch("-o", link, script(SHORT))
        self.assertEqual(code, 2)
        self.assertIn("is a symbolic link", self.one_line(stderr))
        self.assertEqual(os.stat(target).st_mode & 0o7777, 0o755)
        self.assertEqual(os.listdir(target), [])

    def test_a_folder_with_a_recording_is_refused(self):
        out = os.path.join(folder(), "rec.gilscope")
        code, _, stderr = launch("-o", out, script(SHORT))
        self.assertEqual(code, 0, stderr)
        before = sorted(os.listdir(out))
        code, stdout, stderr = launch("-o", out, script(SHORT))
        self.assertEqual(code, 2)
        self.assertIn("already holds a recording", self.one_line(stderr))
        self.assertEqual(stdout, "")
        self.assertEqual(sorted(os.listdir(out)), before)

    def test_bad_outputs_are_one_line(self):
        existing = os.path.join(folder(), "file")
        open(existing, "w").close()
        anyones = os.path.join(folder(), "open")
        os.mkdir(anyones)
        os.chmod(anyones, 0o777)
        for out, said in ((existing, "is a file, not a folder"),
                          (os.path.join(anyones, "out"), "where anyone may rename or replace things (mode 0777, no sticky bit)"),
                          (os.path.join(folder(), "no", "out"), "does not exist; create it first"),
                          ("/proc/gilscope-test-out", "is on a kernel file system (proc at /proc)")):
            code, stdout, stderr = launch("-o", out, script(SHORT), timeout=30)
            self.assertEqual(code, 2, stderr)
            self.assertIn(said, self.one_line(stderr))
            self.assertEqual(stdout, "")

    def test_a_missing_script_is_one_line(self):
        out = os.path.join(folder(), "rec.gilscope")
        code, stdout, stderr = launch("-o", out, "no_such_script.py")
        self.assertEqual(code, 2)
        self.assertEqual(self.one_line(stderr),
                         "gilscope: cannot record no_such_script.py: no such file; name the Python script to run")
        self.assertFalse(os.path.exists(out))


class Orphans(unittest.TestCase):
    def test_the_workload_dies_with_its_launcher(self):
        out = os.path.join(folder(), "rec.gilscope")
        sleeper = script("import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(120)\n")
        launcher = subprocess.Popen([sys.executable, "-m", "gilscope.run", "-o", out, sleeper],
                                    env=environment(truth=False), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    cwd=REPO)
        workload = None
        try:
            workload = int(launcher.stdout.readline())
            self.assertFalse(gone(workload))
            launcher.kill()
            killed = time.monotonic()
            while not gone(workload) and time.monotonic() - killed < 1.0:
                time.sleep(0.01)
            self.assertTrue(gone(workload), "the workload still runs %.2f s after its launcher was killed"
                            % (time.monotonic() - killed))
        finally:
            if workload and not gone(workload):
                os.kill(workload, signal.SIGKILL)
            launcher.kill()
            launcher.wait()
            launcher.stdout.close()
            launcher.stderr.close()


if __name__ == "__main__":
    unittest.main()

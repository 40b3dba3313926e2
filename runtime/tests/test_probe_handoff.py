"""The probe a launcher hands over (gilscope/probe_handoff.py) is loaded
without a second check only while it is the very file the launcher
verified, under the cache's rules (probe_cache.py): a file planted in its
place, one changed or made writable since, one in a folder others can
write, a link, or a hand-over meant for another interpreter is never
loaded that way. The planted file creates a marker file when loaded
(planted_probe.c). And a recorded process that takes the hand-over loads
nothing that a bare one would not, beyond gilscope's own modules."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from gilscope import _build, probe_cache, probe_handoff

from . import builds

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.join(os.path.dirname(HERE), "python")
WORKLOADS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "test", "workloads")
PLANTED_C = os.path.join(HERE, "planted_probe.c")
NOBODY = 65534

LOAD_HANDED = """
from gilscope import probe_handoff
print("handed over" if probe_handoff.load() is not None else "not handed over")
"""

MODULES = "import json, sys; print(json.dumps(sorted(sys.modules)))"
# built in, tiny: atexit stops the long-hold splitter, errno reads the probe's errors; a free-threaded
# build also follows garbage collection (gilscope/_freethreaded.py)
ALLOWED = {"atexit", "errno"} | ({"gc"} if builds.FREE_THREADED else set())


@unittest.skipUnless(shutil.which("gcc"), "no gcc to build the planted probe")
class PlantedHandoff(unittest.TestCase):
    def setUp(self):
        self.cache = tempfile.mkdtemp(prefix="gilscope-cache-")
        self.addCleanup(shutil.rmtree, self.cache, True)
        self.marker = os.path.join(self.cache, "the planted probe ran")
        self.probe = os.path.join(self.cache, "probe", "handed", os.path.basename(_build.probe_path()))
        os.makedirs(os.path.dirname(self.probe), 0o700)
        self.build(self.probe)

    def build(self, path):
        subprocess.run(["gcc", "-shared", "-fPIC", '-DPLANTED_MARKER="%s"' % self.marker, "-o", path, PLANTED_C],
                       check=True)
        os.chmod(path, 0o600)

    def handoff(self, **changes):
        env = dict(os.environ, PYTHONPATH=RUNTIME)
        env.update(probe_handoff.environment(self.probe, probe_cache.identity(os.stat(self.probe)), "test-build"))
        env.update(changes)
        return env

    def load(self, env):
        done = subprocess.run([sys.executable, "-c", LOAD_HANDED], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=60)
        return done.stdout.decode(errors="replace")

    def assert_not_loaded(self, env):
        out = self.load(env)
        self.assertFalse(os.path.exists(self.marker), "the planted probe was loaded:\n" + out)
        self.assertIn("not handed over", out)

    def test_the_marker_shows_a_load(self):
        # the control: the very file handed over is loaded (and, lacking the probe's PyInit, fails to import)
        out = self.load(self.handoff())
        self.assertTrue(os.path.exists(self.marker), out)
        self.assertIn("not handed over", out)

    def test_changed_after_the_handoff(self):
        env = self.handoff()
        time.sleep(0.02)  # a later clock tick: ctime moves
        with open(self.probe, "ab") as f:
            f.write(b"planted")
        self.assert_not_loaded(env)

    def test_replaced_after_the_handoff(self):
        env = self.handoff()
        other = self.probe + ".new"
        self.build(other)
        os.rename(other, self.probe)
        self.assert_not_loaded(env)

    def test_made_writable_by_others(self):
        os.chmod(self.probe, 0o666)
        self.assert_not_loaded(self.handoff())

    @unittest.skipUnless(os.geteuid() == 0, "only root can give a file to another user")
    def test_another_users(self):
        os.chown(self.probe, NOBODY, NOBODY)
        self.assert_not_loaded(self.handoff())

    def test_a_symbolic_link(self):
        elsewhere = os.path.join(self.cache, "elsewhere.so")
        os.rename(self.probe, elsewhere)
        os.symlink(elsewhere, self.probe)
        env = self.handoff(GILSCOPE_PROBE_ID=probe_cache.identity(os.stat(elsewhere)))
        self.assert_not_loaded(env)

    def test_in_folders_others_can_write(self):
        for folder in (os.path.dirname(self.probe), os.path.join(self.cache, "probe"), self.cache):
            with self.subTest(folder=folder):
                os.chmod(folder, 0o777)
                try:
                    self.assert_not_loaded(self.handoff())
                finally:
                    os.chmod(folder, 0o700)

    def test_outside_the_cache_layout(self):
        elsewhere = os.path.join(self.cache, os.path.basename(self.probe))
        os.rename(self.probe, elsewhere)
        self.probe = elsewhere
        self.assert_not_loaded(self.handoff())

    def test_for_another_interpreter(self):
        self.assert_not_loaded(self.handoff(GILSCOPE_PROBE_PYTHON="3.0.0 (elsewhere)|/opt/other/python3"))

    def test_incomplete(self):
        for name in probe_handoff.ENV_NAMES:
            with self.subTest(without=name):
                env = self.handoff()
                del env[name]
                self.assert_not_loaded(env)


class Identity(unittest.TestCase):
    def test_a_file_just_written_is_handed_over_once_its_ctime_is_settled(self):
        folder = tempfile.mkdtemp(prefix="gilscope-settle-")
        self.addCleanup(shutil.rmtree, folder, True)
        path = os.path.join(folder, "probe.so")
        with open(path, "wb") as f:
            f.write(b"content")
        os.chmod(path, 0o600)
        probe_cache.write_checksum(path)
        fd, identity, fault = probe_cache.open_for_handoff(path)
        self.assertIsNone(fault)
        os.close(fd)
        self.assertEqual(identity, probe_cache.identity(os.stat(path)))
        # taken only once the ctime was older than SETTLED_NS: a later change shows in a later tick
        self.assertGreaterEqual(time.time_ns() - os.stat(path).st_ctime_ns, probe_cache.SETTLED_NS)


class RecordedStartup(unittest.TestCase):
    def test_a_recorded_process_loads_only_gilscope_beyond_a_bare_one(self):
        # what the full check imports (hashlib, sysconfig, subprocess, tempfile...) stays out of the workload
        directory = os.path.join(tempfile.mkdtemp(prefix="gilscope-test-"), "rec.gilscope")
        self.addCleanup(shutil.rmtree, os.path.dirname(directory), True)
        script = os.path.join(os.path.dirname(directory), "modules.py")
        with open(script, "w") as f:
            f.write(MODULES + "\n")
        env = dict(os.environ, PYTHONPATH=RUNTIME)
        env.pop("GILSCOPE_DIR", None)
        recorded = subprocess.run([sys.executable, "-m", "gilscope.run", "-o", directory, script], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(recorded.returncode, 0, recorded.stderr.decode(errors="replace"))
        env.pop("PYTHONPATH")
        bare = subprocess.run([sys.executable, script], env=env, stdout=subprocess.PIPE, timeout=60)
        extra = set(json.loads(recorded.stdout)) - set(json.loads(bare.stdout))
        ours = {m for m in extra if m == "gilscope" or m.startswith("gilscope.") or m in ("_gilscope_probe", "sitecustomize")}
        self.assertLessEqual(extra - ours, ALLOWED, "the recorded process imported %s" % sorted(extra - ours))
        self.assertNotIn("gilscope._build", extra, "the probe was checked again instead of handed over")
        self.assertTrue(any(name.endswith(".gsr") for name in os.listdir(directory)), "the process was recorded")


if __name__ == "__main__":
    unittest.main()

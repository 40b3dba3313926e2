"""A probe planted in the cache is never loaded (gilscope/probe_cache.py),
on this interpreter: another user's, writable by others, changed after its
checksum was written, without a checksum, a symbolic link, or in a folder
others can write. The planted file is a shared object whose constructor
creates a marker file (planted_probe.c). The rebuild that follows a refusal
is made to fail at once (CC=false), so nothing here compiles the probe:
test/unit/plantedProbe.test.ts runs the whole rebuild on both launchers."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from gilscope import _build, probe_cache

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.join(os.path.dirname(HERE), "python")
PLANTED_C = os.path.join(HERE, "planted_probe.c")
NOBODY = 65534

# What a recorded process does (gilscope/_boot.py), with `say` printing what a launcher would say.
LOAD = """
import sys
from gilscope import _build, probe_cache
try:
    _build.load_probe(say=print)
except _build.BuildError as error:
    print("BuildError:", error)
    sys.exit(3)
print("loaded")
"""


def run_load(cache):
    """LOAD in a new process using the probe cache `cache`, with no compiler (CC=false)."""
    env = dict(os.environ, GILSCOPE_CACHE=cache, CC="false", PYTHONPATH=RUNTIME)
    env.pop("GILSCOPE_DIR", None)
    return subprocess.run([sys.executable, "-c", LOAD], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@unittest.skipUnless(shutil.which("gcc"), "no gcc to build the planted probe")
class PlantedProbe(unittest.TestCase):
    def setUp(self):
        self.cache = tempfile.mkdtemp(prefix="gilscope-cache-")
        self.addCleanup(shutil.rmtree, self.cache, True)
        self.marker = os.path.join(self.cache, "the planted probe ran")
        self.probe = os.path.join(self.cache, "probe", _build.interpreter_key(), os.path.basename(_build.probe_path()))

    def plant(self):
        os.makedirs(os.path.dirname(self.probe))
        os.chmod(os.path.dirname(self.probe), 0o700)
        subprocess.run(["gcc", "-shared", "-fPIC", '-DPLANTED_MARKER="%s"' % self.marker, "-o", self.probe, PLANTED_C],
                       check=True)
        os.chmod(self.probe, 0o600)
        with open(self.probe + ".sha256", "w") as f:
            f.write("%s  %s\n" % (sha256(self.probe), os.path.basename(self.probe)))
        os.chmod(self.probe + ".sha256", 0o600)

    def load(self):
        done = run_load(self.cache)
        return done.returncode, done.stdout.decode(errors="replace")

    def assert_refused(self, reason):
        code, out = self.load()
        self.assertFalse(os.path.exists(self.marker), "the planted probe was loaded:\n" + out)
        self.assertIn("gilscope: the cached probe %s %s; rebuilding it\n" % (self.probe, reason), out)
        self.assertIn("BuildError: compiling the probe", out, "it was rebuilt (and the build failed, CC=false)")
        self.assertEqual(code, 3, out)

    def test_the_marker_shows_a_load(self):
        # the control: planted with everything right, the file is trusted and loaded (and, lacking the
        # probe's PyInit, fails to import): the marker is how the other tests would see a load
        self.plant()
        code, out = self.load()
        self.assertTrue(os.path.exists(self.marker), out)
        self.assertIn("could not be loaded", out)

    @unittest.skipUnless(os.geteuid() == 0, "only root can give a file to another user")
    def test_another_users(self):
        self.plant()
        os.chown(self.probe, NOBODY, NOBODY)
        self.assert_refused("belongs to another user (uid %d)" % NOBODY)

    def test_writable_by_others(self):
        self.plant()
        os.chmod(self.probe, 0o666)
        self.assert_refused("is writable by others (mode 0666)")

    def test_changed_after_it_was_built(self):
        self.plant()
        with open(self.probe, "ab") as f:
            f.write(b"planted")
        self.assert_refused("does not match the checksum recorded when it was built")

    def test_without_a_checksum(self):
        self.plant()
        os.unlink(self.probe + ".sha256")
        self.assert_refused("has no recorded checksum")

    def test_a_checksum_file_others_can_write(self):
        self.plant()
        os.chmod(self.probe + ".sha256", 0o666)
        self.assert_refused("has a checksum file that is writable by others (mode 0666)")

    def test_a_symbolic_link(self):
        self.plant()
        elsewhere = os.path.join(self.cache, "elsewhere.so")
        os.rename(self.probe, elsewhere)
        os.symlink(elsewhere, self.probe)
        self.assert_refused("is a symbolic link")

    def test_in_a_folder_others_can_write(self):
        self.plant()
        os.chmod(os.path.dirname(self.probe), 0o777)
        self.assert_refused("has a folder that is writable by others (mode 0777)")

    def test_the_cache_folders_are_made_private(self):
        self.plant()
        for folder in (self.cache, os.path.join(self.cache, "probe")):
            os.chmod(folder, 0o755)
        self.load()
        for folder in (self.cache, os.path.join(self.cache, "probe")):
            self.assertEqual(os.stat(folder).st_mode & 0o777, 0o700, folder)

    @unittest.skipUnless(os.geteuid() == 0, "only root can give a folder to another user")
    def test_a_cache_folder_of_another_user_is_not_used(self):
        self.plant()
        os.chown(os.path.join(self.cache, "probe"), NOBODY, NOBODY)
        code, out = self.load()
        self.assertFalse(os.path.exists(self.marker), out)
        self.assertEqual(code, 3, out)
        self.assertIn("BuildError: the probe cache folder %s belongs to another user (uid %d); remove it or set "
                      "GILSCOPE_CACHE to a folder of your own" % (os.path.join(self.cache, "probe"), NOBODY), out)


def age(path, days):
    """Sets path's mtime `days` ago (not following a link)."""
    then = time.time() - days * 86400
    os.utime(path, (then, then), follow_symlinks=False)


class Pruning(unittest.TestCase):
    """A build removes the probe folders unused for 60 days and builds
    interrupted over a day ago; a load marks its folder used."""

    def setUp(self):
        self.cache = tempfile.mkdtemp(prefix="gilscope-cache-")
        self.addCleanup(shutil.rmtree, self.cache, True)
        self.probes = os.path.join(self.cache, "probe")
        os.mkdir(self.probes, 0o700)
        self.current = _build.interpreter_key()

    def folder(self, name, days):
        path = os.path.join(self.probes, name)
        os.mkdir(path, 0o700)
        with open(os.path.join(path, "probe.so"), "w"):
            pass
        age(path, days)
        return path

    def left(self):
        return sorted(os.listdir(self.probes))

    def test_what_is_removed_and_what_is_kept(self):
        self.folder(self.current, 90)  # the one being built now: never
        self.folder("unused", 61)
        self.folder("used-last-month", 30)
        self.folder("unused.build-x1", 2)  # interrupted two days ago
        self.folder("unused.build-x2", 0.1)  # perhaps being built now
        self.folder("unused.prune-x3", 0)  # what an earlier removal left
        elsewhere = tempfile.mkdtemp(prefix="gilscope-elsewhere-")
        self.addCleanup(shutil.rmtree, elsewhere, True)
        os.symlink(elsewhere, os.path.join(self.probes, "a-link"))
        age(os.path.join(self.probes, "a-link"), 90)
        probe_cache.prune(self.probes, keep=self.current)
        self.assertEqual(self.left(), sorted([self.current, "used-last-month", "unused.build-x2", "a-link"]))
        self.assertTrue(os.path.isdir(elsewhere), "a link's target is not the cache's")

    @unittest.skipUnless(os.geteuid() == 0, "only root can give a folder to another user")
    def test_another_users_folder_is_left(self):
        path = self.folder("theirs", 90)
        os.chown(path, NOBODY, NOBODY)
        probe_cache.prune(self.probes, keep=self.current)
        self.assertEqual(self.left(), ["theirs"])

    def test_a_build_prunes(self):
        self.folder("unused", 61)
        done = run_load(self.cache)
        self.assertIn(b"BuildError: compiling the probe", done.stdout, "a build was tried (and failed, CC=false)")
        self.assertNotIn("unused", self.left())

    def test_a_load_marks_its_folder_used_at_most_daily(self):
        folder = os.path.dirname(_build.probe_path())
        probe = os.path.join(self.probes, os.path.basename(folder), os.path.basename(_build.probe_path()))
        os.mkdir(os.path.dirname(probe), 0o700)
        with open(probe, "wb") as f:
            f.write(b"not a shared object")
        os.chmod(probe, 0o600)
        probe_cache.write_checksum(probe)
        probe_ctime = os.stat(probe).st_ctime_ns
        age(os.path.dirname(probe), 61)
        fd, fault = probe_cache.open_trusted(probe)
        self.assertIsNotNone(fd, fault)
        os.close(fd)
        run_load(self.cache)
        self.assertLess(time.time() - os.stat(os.path.dirname(probe)).st_mtime, 3600, "marked used")
        self.assertEqual(os.stat(probe).st_ctime_ns, probe_ctime, "the probe itself untouched: its ctime is its identity")
        age(os.path.dirname(probe), 0.5)
        marked = os.stat(os.path.dirname(probe)).st_mtime
        run_load(self.cache)
        self.assertEqual(os.stat(os.path.dirname(probe)).st_mtime, marked, "within a day: not again")


if __name__ == "__main__":
    unittest.main()

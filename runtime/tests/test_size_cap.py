"""The size cap (runtime/FORMAT.md, "The size cap"; gilscope/size_cap.py):
`python -m gilscope.run --max-size` creates the recording's budget, the
recorded processes stop at it, and what they wrote stays readable; the
workload runs on as it would bare, and processes started after the cap
record nothing and say nothing; the launcher says in one line where the
cap stopped recording."""
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import unittest

from gilscope import size_cap

from . import recording

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.join(os.path.dirname(HERE), "python")
WORKLOAD = os.path.join(HERE, "capped_workload.py")
CAP = 200 * 1024
CAPPED_FLAG = 0x2  # FORMAT.md recording_flags bit 1
CAPPED_LINE = re.compile(r"^gilscope: recording stopped at the size cap \(200\.0 KiB\) \d+\.\d s in; "
                         r"the program ran on unrecorded$", re.MULTILINE)


class ParseSize(unittest.TestCase):
    def test_sizes(self):
        for text, size in (("500M", 500 << 20), ("1.5G", 3 << 29), ("200K", 200 << 10), ("200k", 200 << 10),
                           ("2GiB", 2 << 30), ("300KB", 300 << 10), ("1048576", 1 << 20), ("0", 0), ("none", 0),
                           ("None", 0)):
            self.assertEqual(size_cap.parse_size(text), size, text)

    def test_refusals_say_what_is_expected(self):
        for text in ("", "lots", "-5M", "5X", "1e9"):
            with self.assertRaisesRegex(size_cap.SizeError, "takes a size such as 500M"):
                size_cap.parse_size(text)
        with self.assertRaisesRegex(size_cap.SizeError, "at least 128.0 KiB"):
            size_cap.parse_size("64K")

    def test_described(self):
        self.assertEqual([size_cap.describe(n) for n in (1 << 30, 500 << 20, 200 << 10, 1536 << 20)],
                         ["1.0 GiB", "500.0 MiB", "200.0 KiB", "1.5 GiB"])


class CappedRecording(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gilscope-cap-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def run_workload(self, recorded_with=None):
        child_pid_file = os.path.join(self.tmp, "child-%s.pid" % ("recorded" if recorded_with else "bare"))
        env = dict(os.environ, GILSCOPE_QUIET="0")  # every record kept: far more than the cap
        env.pop("GILSCOPE_DIR", None)
        command = [sys.executable]
        if recorded_with is not None:
            env["PYTHONPATH"] = RUNTIME
            command += ["-m", "gilscope.run"] + recorded_with
        else:
            env.pop("PYTHONPATH", None)
        done = subprocess.run(command + [WORKLOAD, "--child-pid-file", child_pid_file], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        with open(child_pid_file) as f:
            return done, int(f.read())

    def test_a_capped_recording(self):
        directory = os.path.join(self.tmp, "rec.gilscope")
        recorded, child_pid = self.run_workload(["--max-size", "200K", "-o", directory])
        bare, _ = self.run_workload()
        said = recorded.stderr.decode(errors="replace")
        # the workload as it is bare: its output and exit status
        self.assertEqual((recorded.returncode, recorded.stdout), (bare.returncode, bare.stdout), said)
        self.assertEqual(recorded.returncode, 3)
        self.assertRegex(said, CAPPED_LINE)
        lines = [line for line in said.splitlines() if not line.startswith("gilscope: building the probe")]
        self.assertEqual(len(lines), 1, "one line, nothing else (the child's not being recorded is no error): %r" % said)

        budget = os.path.join(directory, "budget")
        st = os.stat(budget)
        self.assertEqual((st.st_size, stat.S_IMODE(st.st_mode)), (4096, 0o600))
        with open(budget, "rb") as f:
            used, cap, reached, _, reached_mono = struct.unpack_from("<QQIIQ", f.read())
        self.assertEqual((cap, reached), (CAP, 1))

        processes, _ = recording.load(directory)  # readable, up to where it stopped
        main = [p for p in processes if p.ppid != 0 and p.pid != child_pid]
        self.assertEqual(len(main), 1, [p.path for p in processes])
        process = main[0]
        self.assertTrue(process.recording_flags & CAPPED_FLAG, "the header's capped flag")
        self.assertEqual(process.cap_bytes, CAP)
        self.assertGreater(process.capped_mono_ns, process.start_mono_ns)
        self.assertGreaterEqual(process.capped_mono_ns, reached_mono, "it stopped once the budget said the cap was reached")
        self.assertEqual(process.lost, 0, "records not written after the cap are not lost ones")
        self.assertTrue(any(t.events for t in process.threads.values()), "what was written before the cap is there")

        files = [os.path.join(directory, n) for n in os.listdir(directory) if n.endswith(".gsr")]
        self.assertLessEqual(sum(os.path.getsize(f) for f in files), CAP, "the recording stays under its cap")
        # the child started after the cap was reached: not recorded, and no note about it either
        self.assertFalse([n for n in os.listdir(directory) if n.startswith("p%d-" % child_pid)])
        self.assertFalse(os.path.exists(os.path.join(directory, "errors-%d.txt" % child_pid)))

    def test_the_default_cap_and_none(self):
        script = os.path.join(self.tmp, "nothing.py")
        with open(script, "w") as f:
            f.write("pass\n")
        env = dict(os.environ, PYTHONPATH=RUNTIME)
        env.pop("GILSCOPE_DIR", None)
        for option, cap in (([], size_cap.DEFAULT_CAP), (["--max-size", "none"], None), (["--max-size", "0"], None)):
            directory = os.path.join(self.tmp, "rec-%s.gilscope" % len(os.listdir(self.tmp)))
            done = subprocess.run([sys.executable, "-m", "gilscope.run", "-o", directory] + option + [script],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            self.assertEqual(done.returncode, 0, done.stderr)
            budget = os.path.join(directory, "budget")
            if cap is None:
                self.assertFalse(os.path.exists(budget), option)
            else:
                with open(budget, "rb") as f:
                    self.assertEqual(struct.unpack_from("<Q", f.read(), 8)[0], cap)
            processes, _ = recording.load(directory)
            self.assertEqual([p.cap_bytes for p in processes], [cap or 0], option)

    def test_a_bad_size_is_one_line(self):
        env = dict(os.environ, PYTHONPATH=RUNTIME)
        done = subprocess.run([sys.executable, "-m", "gilscope.run", "--max-size", "lots", "-o",
                               os.path.join(self.tmp, "never.gilscope"), WORKLOAD], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(done.returncode, 2)
        self.assertIn("--max-size takes a size such as 500M", done.stderr.decode())
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "never.gilscope")))


if __name__ == "__main__":
    unittest.main()

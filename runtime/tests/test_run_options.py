"""python -m gilscope.run's command line (gilscope/run.py): with -m, as with
python -m, every word after the module's name is the module's own, options
included; a script keeps its arguments too."""
import unittest

from gilscope import run, size_cap


class RunOptions(unittest.TestCase):
    def test_a_module_keeps_its_options(self):
        options = run.parse(["-o", "x", "--max-size", "200K", "-m", "test", "-j1", "--timeout", "600", "test_thread"])
        self.assertEqual((options.output, options.max_size, options.module), ("x", 200 << 10, "test"))
        self.assertEqual(options.target, ["-j1", "--timeout", "600", "test_thread"])
        joined = run.parse(["-mjson.tool", "-h"])
        self.assertEqual((joined.module, joined.target), ("json.tool", ["-h"]))

    def test_a_script_keeps_its_arguments(self):
        options = run.parse(["-o", "x", "script.py", "--max-size", "3", "-m", "y"])
        self.assertEqual((options.module, options.target, options.max_size),
                         (None, ["script.py", "--max-size", "3", "-m", "y"], size_cap.DEFAULT_CAP))
        self.assertEqual(run.parse(["--", "s.py", "-o"]).target, ["s.py", "-o"])


if __name__ == "__main__":
    unittest.main()

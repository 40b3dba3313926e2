"""The runtime's unittest suites (`python -m unittest discover -s runtime/tests -t runtime`).

npm test (test/unit/pythonRuntime.test.ts) runs them under every CPython it lists, except
the modules of ONCE: they test pure Python that reads nothing of the interpreter's internals
and records nothing, so one interpreter says what every one would; npm test runs them once,
under the oldest. GILSCOPE_RUNTIME_TESTS chooses what discovery loads:
  unset        every module (a run by hand)
  per-version  every module but those of ONCE
  once         only those of ONCE
"""
import os
import unittest

ONCE = {
    # the package's import graph, read from its sources with ast
    "test_import_cycles",
    # the launcher's handling of planted files, bad -o and its own death: os calls, no recording
    "test_launch_safety",
    # the probe cache's refusals (owner, mode, checksum, links): file checks, nothing compiled
    "test_probe_cache",
}

CHOICES = ("", "per-version", "once")


def _flat(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from _flat(test)
        else:
            yield test


def _module(test):
    """`test_x` of a test whose id is tests.test_x.Class.method; None for a module that failed to load."""
    parts = test.id().split(".")
    return parts[1] if len(parts) > 2 and parts[0] == __name__ else None


def load_tests(loader, standard_tests, pattern):
    which = os.environ.get("GILSCOPE_RUNTIME_TESTS", "")
    if which not in CHOICES:
        raise ValueError("GILSCOPE_RUNTIME_TESTS=%r: expected one of %s" % (which, ", ".join(repr(c) for c in CHOICES)))
    found = loader.discover(start_dir=os.path.dirname(os.path.abspath(__file__)), pattern=pattern or "test*.py")
    if not which:
        standard_tests.addTests(found)
        return standard_tests
    for test in _flat(found):
        module = _module(test)
        # a module that failed to load is reported in both runs
        if module is None or (module in ONCE) == (which == "once"):
            standard_tests.addTest(test)
    return standard_tests

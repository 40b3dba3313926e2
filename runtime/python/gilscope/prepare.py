"""python -m gilscope.prepare: builds (or finds) the probe for this
interpreter before a workload starts, so that the first recorded process
does not pay for the compile, and a missing compiler or headers is reported
before anything runs. Prints one JSON object on stdout:

    {"exact": true, "probe": PATH, "handoff": {NAME: VALUE}, "executable", "version", "build"}
    {"exact": false, "reason": WHY, "executable", "version", "build"}
    {"exact": false, "error": WHY, "executable", "version", "build"}   (exit status 2)

"handoff" is what the launcher adds to the workload's environment so that
its processes load the probe checked here without checking it again
(probe_handoff.py). The second when exact recording is not possible here but sampling is
(gilscope/sampler/): the launcher then samples, or refuses with
--no-fallback. The third when neither is possible: WHY is one sentence.
stderr carries only notices for the user, as they happen (the probe being
built, and why), which the launcher passes on (src/core/launch/preparePython.ts)."""
import json
import sys
import tempfile

from . import _build, sampler


def _say(line):
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def check_hooks(say=None):
    """Loads the probe and starts it in this throwaway process, into a
    directory deleted at once, so that an interpreter whose pthread calls
    cannot be redirected (the GOT hooks) is found before the workload
    starts, not in each of its processes. Returns the probe's hand-over
    environment (probe_handoff.py)."""
    probe, handoff = _build.load_probe_for_handoff(say)
    with tempfile.TemporaryDirectory(prefix="gilscope-prepare-") as directory:
        try:
            probe.start(directory, _build.build_description(), sys.executable or "")
        except RuntimeError as error:
            raise _build.BuildError("%s; exact recording needs a CPython whose libpython calls pthread "
                                    "through the PLT (pyenv and distribution builds do)" % error)
        except OSError:
            pass  # the throwaway file could not be written: says nothing about the hooks
    return handoff


def main():
    report = {
        "executable": sys.executable,
        "version": "%d.%d.%d" % sys.version_info[:3],
        "build": _build.build_description(),
    }
    status = 0
    try:
        report["probe"] = _build.ensure_probe(_say)
        report["handoff"] = check_hooks(_say)
        report["exact"] = True
    except _build.BuildError as error:
        report.pop("probe", None)
        report.pop("handoff", None)
        report["exact"] = False
        unsupported = sampler.unsupported()
        if unsupported:
            report["error"] = "cannot record %s exactly: %s; and cannot sample: %s" % (
                sys.executable, error, unsupported)
            status = 2
        else:
            report["reason"] = str(error)
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")
    return status


if __name__ == "__main__":
    sys.exit(main())

"""python -m gilscope.whatif.harness SPEC.json RESULT.json

One what-if run, inside the recorded process: reads the run's spec (written
by driver.py), runs it, and writes its measurements to RESULT.json, with
``error`` set (one sentence) when the run could not be done. Always writes
the result file; exit status 0 when the run worked, 1 when not."""
import json
import os
import platform
import sys
import traceback

from . import SCHEMA_VERSION
from .picklecheck import CannotSend
from .target import BadInput


def _python():
    gil = getattr(sys, "_is_gil_enabled", None)
    return {"executable": sys.executable, "version": platform.python_version(),
            "implementation": platform.python_implementation(), "gilEnabled": bool(gil()) if gil else True}


def run(spec):
    result = {"schemaVersion": SCHEMA_VERSION, "mode": spec["mode"], "workers": spec["workers"],
              "pid": os.getpid(), "python": _python(), "error": None}
    try:
        if spec["form"] == "function":
            from . import function_run
            function_run.run(spec, result)
        else:
            from . import script_run
            script_run.run(spec, result)
    except (BadInput, CannotSend) as error:
        result["error"] = str(error)
    except Exception as error:  # noqa: BLE001  the run failed: say how, in one line
        from .pool_results import TaskFailed
        if isinstance(error, TaskFailed):
            result["error"] = str(error)
        else:
            result["error"] = "%s: %s" % (type(error).__name__, error)
            result["traceback"] = traceback.format_exc()
    result["python"] = _python()  # an import may have turned the GIL back on
    return result


def write(path, result):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(result, f)
    os.replace(tmp, path)


def main(argv=None):
    spec_path, result_path = (sys.argv[1:] if argv is None else argv)[:2]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    result = run(spec)
    write(result_path, result)
    return 0 if result["error"] is None else 1


if __name__ == "__main__":
    sys.exit(main())

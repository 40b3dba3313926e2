"""python -m gilscope.whatif: plans a comparison and makes its runs.

    python -m gilscope.whatif --function FILE.py:FUNC --inputs FILE.json [options]
    python -m gilscope.whatif [options] -- SCRIPT.py [ARGS...]

Each run is its own Python process, recorded by the runtime into its own
recording directory under -o DIR (runs/NN-MODE-wN.gilscope), running
harness.py; its output (the function's or the script's own, and Python's
errors) goes to a log beside it, never to this process's stdout. What every
run measured is gathered in DIR/whatif.json (__init__.PLAN_FILE), which
`gilscope compare` reads (src/core/compare/whatifFile.ts mirrors it).

Exit status: 0 when the runs were made (a run that failed is reported in
its entry, not by the exit status), 2 for bad input (one line on stderr),
130 when interrupted."""
import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time

from . import PLAN_FILE, RESULT_FILE, SCHEMA_VERSION, SPEC_FILE, plan, subinterp
from .measure import usable_cores
from .target import BadInput, check_function, module_name, parse_spec, read_inputs
from .. import safefiles, session

RUN_TIMEOUT = 600.0


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m gilscope.whatif", description=__doc__.split("\n\n")[0])
    parser.add_argument("--function", metavar="FILE.py:FUNC", help="the function to run over the inputs")
    parser.add_argument("--inputs", metavar="FILE.json", help="a JSON list: one call of the function per item")
    parser.add_argument("-o", "--output", help="directory for the runs (default gilscope-compare-<time>)")
    parser.add_argument("--workers", help="worker counts, e.g. 1,2,4 (default 1, 2, 4 ... up to the cores)")
    parser.add_argument("--modes", help="modes to run, comma-separated (default all; serial is always run)")
    parser.add_argument("--free-threaded", metavar="PYTHON", help="the free-threaded interpreter (default: look for one); 'none' to skip")
    parser.add_argument("--timeout", type=float, default=RUN_TIMEOUT, help="seconds one run may take (default 600)")
    parser.add_argument("--repeat", type=int, default=1, help="make each run this many times and keep the fastest (default 1)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("script", nargs=argparse.REMAINDER, help="-- SCRIPT.py ARGS: the script form")
    options = parser.parse_args(argv)
    if options.script and options.script[0] == "--":
        options.script = options.script[1:]
    return options


def _counts(text):
    try:
        counts = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise BadInput("--workers takes whole numbers separated by commas, e.g. 1,2,4")
    if not counts or any(n < 1 for n in counts):
        raise BadInput("--workers takes whole numbers of at least 1, e.g. 1,2,4")
    return counts


def build_plan(options):
    """The comparison's header and its list of runs, or BadInput."""
    if options.repeat < 1:
        raise BadInput("--repeat takes a whole number of at least 1")
    if options.function and options.script:
        raise BadInput("give either --function with --inputs, or a script after --, not both")
    cores = usable_cores()
    header = {"schemaVersion": SCHEMA_VERSION, "cores": cores, "notes": [],
              "python": {"executable": sys.executable, "version": platform.python_version()}}
    if options.function:
        if not options.inputs:
            raise BadInput("--function needs --inputs FILE.json (a JSON list, one call per item)")
        path, name = parse_spec(options.function)
        line = check_function(path, name)
        inputs_path = os.path.abspath(options.inputs)
        calls = len(read_inputs(inputs_path))
        header.update({"form": "function", "target": {
            "function": {"path": path, "name": name, "line": line, "module": module_name(path)}, "inputs": inputs_path, "calls": calls}})
    elif options.script:
        path = os.path.abspath(options.script[0])
        if not os.path.isfile(path):
            raise BadInput("no such script: %s" % options.script[0])
        header.update({"form": "script", "target": {"script": {"path": path, "args": options.script[1:]}}})
    else:
        raise BadInput("name the work: --function FILE.py:FUNC --inputs FILE.json, or -- SCRIPT.py ARGS")
    if options.inputs and not options.function:
        raise BadInput("--inputs goes with --function")
    try:
        modes = plan.modes_for(header["form"], options.modes.split(",") if options.modes else None)
    except ValueError as error:
        raise BadInput(str(error))
    counts = plan.worker_counts(cores, _counts(options.workers) if options.workers else None)
    header["workers"] = counts
    runs = []
    for mode in modes:
        why, python = _availability(mode, options, header)
        if why:
            runs.append({"mode": mode, "workers": None, "python": python, "error": why})
            continue
        for n in ([plan.SINGLE[mode]] if mode in plan.SINGLE else counts):
            runs.append({"mode": mode, "workers": n, "python": python, "error": None})
    return header, runs


def _availability(mode, options, header):
    """(why the mode cannot run here or None, the interpreter to run it)."""
    if mode == "subinterpreters":
        return subinterp.unavailable(), sys.executable
    if mode == "free-threaded":
        if options.free_threaded == "none":
            return "skipped (--free-threaded none)", None
        found, said = plan.find_free_threaded(options.free_threaded)
        header["freeThreaded"] = {"executable": found, "said": said}
        return (None if found else said), found
    if mode == "processes-forkserver" and sys.platform == "win32":
        return "forkserver is not available on Windows", None
    return None, sys.executable


def _prepare(python, prepared):
    """Builds the probe for `python` once; (exact, why not, the probe's hand-over: probe_handoff.py)."""
    if python not in prepared:
        env = dict(os.environ, PYTHONPATH=session.RUNTIME_DIR)
        try:
            out = subprocess.run([python, "-m", "gilscope.prepare"], capture_output=True, text=True, env=env, timeout=300)
            report = json.loads(out.stdout)  # exit 2 with {"error": ...} when neither exact nor sampled works
            if report.get("error"):
                report = {"exact": False, "reason": report["error"]}
        except (OSError, ValueError, subprocess.TimeoutExpired) as error:
            report = {"exact": False, "reason": out.stderr.strip() if isinstance(error, ValueError) else str(error)}
        prepared[python] = (bool(report.get("exact")), report.get("reason"), report.get("handoff") or {})
    return prepared[python]


def _environment(run_dir, exact, handoff):
    if exact:
        return session.workload_environment(run_dir, handoff=handoff)
    env = session.sampled_environment()
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = session.RUNTIME_DIR + (os.pathsep + old if old else "")
    return env


def make_run(index, run, header, directory, timeout, prepared, tag=""):
    """Launches one recorded run; fills the run's entry."""
    name = "%02d-%s-w%s%s" % (index, run["mode"], run["workers"] if run["workers"] is not None else "x", tag)
    run_dir = session.make_recording_dir(os.path.join(directory, "runs", name + ".gilscope"))
    spec = dict(header["target"], form=header["form"], mode=run["mode"], workers=run["workers"])
    spec_path = os.path.join(run_dir, SPEC_FILE)
    result_path = os.path.join(run_dir, RESULT_FILE)
    log_path = os.path.join(directory, "runs", name + ".log")
    with open(spec_path, "w", encoding="utf-8") as f:
        json.dump(spec, f)
    exact, why, handoff = _prepare(run["python"], prepared)
    command = [run["python"], "-m", "gilscope.whatif.harness", spec_path, result_path]
    info = {"command": command, "cwd": os.getcwd(), "startedAt": time.time(), "launcher": "gilscope compare"}
    session.write_session(run_dir, info)
    with open(log_path, "wb") as log:
        # Its own process group, so that stopping it stops its pool's workers too.
        child = subprocess.Popen(command, env=_environment(run_dir, exact, handoff), stdin=subprocess.DEVNULL, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = child.wait(timeout)
        except subprocess.TimeoutExpired:
            _stop(child)
            code = child.wait()
            run["error"] = "the run took longer than %g s and was stopped" % timeout
        except KeyboardInterrupt:
            _stop(child)
            child.wait()
            raise
    info.update({"pid": child.pid, "endedAt": time.time(), "exitCode": code if code >= 0 else None, "signal": -code if code < 0 else None})
    session.write_session(run_dir, info)
    run.update({"recording": run_dir if exact else None, "log": log_path, "recorded": exact})
    if not exact:
        run["notRecordedBecause"] = why
    try:
        with open(result_path, encoding="utf-8") as f:
            run["result"] = json.load(f)
    except (OSError, ValueError):
        run["result"] = None
        if run["error"] is None:
            run["error"] = "the run ended (exit status %s) without a result: %s" % (code, _last_line(log_path))
    if run["error"] is None and run["result"] is not None:
        run["error"] = run["result"].get("error")


def _stop(child):
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        child.kill()


def _wall(run):
    result = run.get("result") or {}
    return result.get("wallSeconds") if run["error"] is None else None


def _discard(run):
    """Removes a run's recording directory and log (a slower repeat)."""
    log = run.get("log")
    if not log:
        return
    shutil.rmtree(log[:-len(".log")] + ".gilscope", ignore_errors=True)
    if os.path.exists(log):
        os.unlink(log)


def make_best_run(index, run, header, directory, options, prepared):
    """Makes the run --repeat times and keeps the fastest that worked (the
    one least disturbed by other processes); the others' files are removed
    and their wall times listed in `repeats`."""
    if options.repeat <= 1:
        make_run(index, run, header, directory, options.timeout, prepared)
        return
    best, walls = None, []
    for k in range(options.repeat):
        attempt = dict(run)
        make_run(index, attempt, header, directory, options.timeout, prepared, "-r%d" % (k + 1))
        walls.append(_wall(attempt))
        if best is None or (_wall(attempt) is not None and (_wall(best) is None or _wall(attempt) < _wall(best))):
            if best is not None:
                _discard(best)
            best = attempt
        else:
            _discard(attempt)
    run.update(best)
    run["repeats"] = walls


def _last_line(path):
    try:
        with open(path, "rb") as f:
            lines = [l for l in f.read().decode(errors="replace").splitlines() if l.strip()]
        return lines[-1].strip() if lines else "no output"
    except OSError:
        return "no log"


def write_plan(directory, header, runs):
    path = os.path.join(directory, PLAN_FILE)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(dict(header, runs=runs), f, indent=1)
    os.replace(tmp, path)
    return path


def _say(quiet, text):
    if not quiet:
        sys.stderr.write("gilscope compare: %s\n" % text)
        sys.stderr.flush()


def main(argv=None):
    options = parse(sys.argv[1:] if argv is None else argv)
    try:
        header, runs = build_plan(options)
    except BadInput as error:
        sys.stderr.write("gilscope compare: %s\n" % error)
        return 2
    try:
        directory = session.make_recording_dir(options.output or time.strftime("gilscope-compare-%Y%m%d-%H%M%S"))
    except safefiles.UnsafePath as error:
        sys.stderr.write("gilscope compare: %s\n" % error)
        return 2
    os.makedirs(os.path.join(directory, "runs"), exist_ok=True)
    header["directory"] = directory
    todo = [r for r in runs if r["error"] is None]
    for r in runs:
        if r["error"] is not None:
            _say(options.quiet, "%s: %s" % (r["mode"], r["error"]))
    prepared = {}
    try:
        for i, run in enumerate(todo, 1):
            label = "%s ×%s" % (run["mode"], run["workers"]) if run["workers"] is not None else run["mode"]
            _say(options.quiet, "[%d/%d] %s …" % (i, len(todo), label))
            make_best_run(i, run, header, directory, options, prepared)
            result = run.get("result") or {}
            if run["error"]:
                _say(options.quiet, "[%d/%d] %s: %s" % (i, len(todo), label, run["error"]))
            else:
                _say(options.quiet, "[%d/%d] %s: %.3f s" % (i, len(todo), label, result.get("wallSeconds", 0.0)))
            write_plan(directory, header, runs)
    except KeyboardInterrupt:
        header["notes"].append("interrupted: the runs after the last one listed were not made")
        write_plan(directory, header, runs)
        return 130
    unrecorded = sorted({r.get("notRecordedBecause") for r in runs if r.get("recorded") is False} - {None})
    for why in unrecorded:
        header["notes"].append("runs were not recorded (no GIL shares): %s" % why)
    path = write_plan(directory, header, runs)
    _say(options.quiet, "wrote %s" % path)
    return 0

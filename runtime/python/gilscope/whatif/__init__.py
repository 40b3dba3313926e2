"""What-if runs: the same work run serially, in threads, in processes (fork
and spawn), in sub-interpreters and on a free-threaded build, each run
recorded by the runtime and measured, so that the speedups the profile
predicts can be set beside the speedups measured.

Two forms:

* a function over a list of inputs:
  ``python -m gilscope.whatif --function path/to/file.py:func --inputs in.json -o DIR``
* a whole script whose thread pools are swapped for process pools (and the
  other way round) without editing it:
  ``python -m gilscope.whatif -o DIR -- script.py args...``

``gilscope compare`` (src/cli/commands/compare.ts) drives this package and
reads what it writes: ``DIR/whatif.json`` (the plan and every run's
measurements; the TypeScript reader is src/core/compare/whatifFile.ts) and
one recording directory per run. Modules:

  driver.py       plans the runs and launches each one recorded
  plan.py         modes, worker counts, free-threaded interpreters
  harness.py      runs inside each recorded process: one run, one result file
  function_run.py the function form: serial, threads, processes, sub-interpreters
  subinterp.py    sub-interpreter pools for 3.12, 3.13 and 3.14
  pool_results.py a task's answer taken in the parent (process and sub-interpreter pools)
  tasks.py        what runs in a worker (picklable, module level)
  script_run.py   the script form, under runpy
  swap.py         the pools the script gets instead of its own
  picklecheck.py  names the object that cannot be sent to another process
  target.py       finds and loads the function
  measure.py      clocks, rusage, peak memory
"""

SCHEMA_VERSION = 1
PLAN_FILE = "whatif.json"
RESULT_FILE = "whatif-result.json"
SPEC_FILE = "whatif-spec.json"

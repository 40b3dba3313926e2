"""gilscope's in-process runtime: records exactly when each thread of a Python
process holds the GIL, waits for it, or runs without it.

`python -m gilscope.run -o OUT script.py args...` records a workload; the
`gilscope` command line (Node) does the same with `gilscope record`.
The record format is documented in runtime/FORMAT.md.
"""

ENV_DIRECTORY = "GILSCOPE_DIR"
"""Set in a workload's environment: the recording directory. Every Python
process that starts with it set (through sitecustomize) records itself there."""

ENV_RUNTIME = "GILSCOPE_RUNTIME"
"""The folder holding sitecustomize.py and this package, prepended to
PYTHONPATH for the workload."""

ENV_HOLD_SPLIT_MS = "GILSCOPE_HOLD_SPLIT_MS"
"""A GIL hold longer than this many milliseconds, with no other thread asking,
is asked to end so that the lines it runs are seen (runtime/csrc/holdsplit.c).
Default 10; 0 turns it off."""

DEFAULT_HOLD_SPLIT_MS = 10

ENV_PER_HOST = "GILSCOPE_PER_HOST"
"""Set to 1 beside GILSCOPE_DIR: each process records into GILSCOPE_DIR/<host>/,
the folder of its machine (made 0700 when missing), so that one folder named
to the workers of a cluster collects per-host folders (docs/clusters.md)."""

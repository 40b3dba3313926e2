"""Measures the GIL offsets of the interpreters on this machine, for the
sampler's table (gil_offsets.json). Not used at run time.

    python3 -m gilscope.sampler.measure_offsets PYTHON... > gil_offsets.json

For each PYTHON it compiles a tiny program against that interpreter's own
internal headers (-DPy_BUILD_CORE) that prints the offsets with offsetof and
sizeof, runs it, and adds the interpreter's version and build flags. The
sizes of _PyRuntimeState it prints are compared at run time with the size of
the `_PyRuntime` symbol in the target's ELF dynamic symbol table: an entry is
used as "measured" only for a binary whose _PyRuntime has exactly that size.
"""
import json
import os
import subprocess
import sys
import tempfile

PROGRAM = r"""
#define Py_BUILD_CORE 1
#include <Python.h>
#include <stddef.h>
#include <stdio.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/syscall.h>
#if PY_VERSION_HEX < 0x03090000
#  include "internal/pycore_pystate.h"
#else
#  include "internal/pycore_runtime.h"
#  include "internal/pycore_interp.h"
#endif
#include "internal/pycore_gil.h"

#define GIL struct _gil_runtime_state
int main(void) {
#if PY_VERSION_HEX >= 0x030C0000
    size_t main_interp = offsetof(_PyRuntimeState, _main_interpreter);
    size_t gil = main_interp + offsetof(PyInterpreterState, _gil);
    long interp_gil_pointer = (long)offsetof(PyInterpreterState, ceval.gil);
#else
    size_t main_interp = 0;
    size_t gil = offsetof(_PyRuntimeState, ceval.gil);
    long interp_gil_pointer = -1;
#endif
#if PY_VERSION_HEX >= 0x030B0000
    long tstate_native_id = (long)offsetof(PyThreadState, native_thread_id);
#else
    long tstate_native_id = -1;
#endif
    /* where glibc keeps the kernel tid in struct pthread (pthread_self()) */
    long pthread_tid = -1;
    pid_t tid = (pid_t)syscall(SYS_gettid);
    for (long off = 0; off < 4096; off += 4)
        if (*(pid_t *)((char *)pthread_self() + off) == tid) { pthread_tid = off; break; }
    printf("{\"runtime_size\": %zu, \"gil\": %zu, \"gil_size\": %zu, \"interval\": %zu, "
           "\"last_holder\": %zu, \"locked\": %zu, \"cond\": %zu, \"mutex\": %zu, "
           "\"switch_cond\": %zu, \"switch_mutex\": %zu, \"main_thread\": %zu, "
           "\"main_interpreter\": %zu, \"interp_gil_pointer\": %ld, "
           "\"tstate_thread_id\": %zu, \"tstate_native_thread_id\": %ld, "
           "\"glibc_pthread_tid\": %ld}\n",
           sizeof(_PyRuntimeState), gil, sizeof(GIL), offsetof(GIL, interval),
           offsetof(GIL, last_holder), offsetof(GIL, locked), offsetof(GIL, cond), offsetof(GIL, mutex),
           offsetof(GIL, switch_cond), offsetof(GIL, switch_mutex), offsetof(_PyRuntimeState, main_thread),
           main_interp, interp_gil_pointer,
           offsetof(PyThreadState, thread_id), tstate_native_id, pthread_tid);
    return 0;
}
"""

ASK = ("import json, sys, sysconfig; print(json.dumps({'include': sysconfig.get_paths()['include'], "
       "'version': '%d.%d.%d' % sys.version_info[:3], 'hexversion': sys.hexversion, "
       "'debug': bool(sysconfig.get_config_var('Py_DEBUG')), "
       "'free_threaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED')), "
       "'executable': sys.executable}))")


def measure(python, workdir):
    info = json.loads(subprocess.check_output([python, "-c", ASK]))
    source = os.path.join(workdir, "offsets.c")
    binary = os.path.join(workdir, "offsets-%s" % info["version"])
    with open(source, "w") as f:
        f.write(PROGRAM)
    include = info["include"]
    subprocess.check_call(["cc", "-O0", "-I", include, "-I", os.path.join(include, "internal"),
                           "-o", binary, source, "-lpthread"])
    entry = json.loads(subprocess.check_output([binary]))
    entry.update({"version": info["version"], "hexversion": info["hexversion"], "debug": info["debug"],
                  "free_threaded": info["free_threaded"], "measured_with": info["executable"]})
    return entry


def main(argv):
    entries = []
    with tempfile.TemporaryDirectory() as workdir:
        for python in argv:
            entries.append(measure(python, workdir))
    about = ("Offsets of the main GIL (struct _gil_runtime_state) from _PyRuntime, of its fields, and "
                  "of the thread id in PyThreadState, measured with offsetof against each interpreter's own "
                  "internal headers by runtime/python/gilscope/sampler/measure_offsets.py on x86-64 Linux, "
                  "glibc. Used by the sampler for Python 3.8 to 3.12 (3.13+ describes itself with "
                  "_Py_DebugOffsets). An entry applies as measured to a binary whose _PyRuntime symbol has "
                  "size runtime_size; another binary of the same minor version gets it only after the "
                  "checks in sampler/gil_table.py pass.")
    # one entry a line, so that a new measurement is a one-line diff
    sys.stdout.write('{\n "about": %s,\n "entries": [\n  %s\n ]\n}\n' % (
        json.dumps(about), ",\n  ".join(json.dumps(e) for e in entries)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

/* _gilscope_probe: the recorder's Python module. Compiled on first use
 * against the exact interpreter that runs the workload, with
 * Py_BUILD_CORE_MODULE, so that the GIL's address and the offsets of its
 * fields come from that interpreter's own headers by construction
 * (runtime/python/gilscope/_build.py). */
#include "cpython.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "attachment.h"
#include "blockedon.h"
#include "cpusample.h"
#include "endings.h"
#include "entrypatch.h"
#include "gotpatch.h"
#include "gilhooks.h"
#include "holdsplit.h"
#include "hooks.h"
#include "locks.h"
#include "parks.h"
#include "pyframe.h"
#include "recorder.h"
#include "syncroles.h"
#include "wakes.h"
#include "watch.h"

static char recording_path[4300];
/* hooks in place (start), to be put back (stop) even when the recording
 * itself was already stopped from outside (watch.c) */
static int installed;
static const char *unavailable_reason;

/* The GIL of the interpreter the probe starts in (the main one). */
static void *main_gil(void) { return gs_interp_gil(); }

static uint32_t build_flags(void) {
    uint32_t flags = 0;
#ifdef Py_DEBUG
    flags |= GS_BUILD_DEBUG;
#endif
#ifdef Py_GIL_DISABLED
    flags |= GS_BUILD_FREE_THREADED;
#endif
#ifdef Py_ENABLE_SHARED
    flags |= GS_BUILD_SHARED;
#endif
    return flags;
}

static int gil_disabled_now(void) {
#ifdef Py_GIL_DISABLED
    PyObject *r = PySys_GetObject("_is_gil_enabled") ? PyObject_CallNoArgs(PySys_GetObject("_is_gil_enabled")) : NULL;
    int enabled = r ? PyObject_IsTrue(r) : 0;
    Py_XDECREF(r);
    PyErr_Clear();
    return !enabled;
#else
    return 0;
#endif
}

/* GILSCOPE_CPU_SAMPLE_MS: how often each thread's run-queue delay is read (0: never). */
static unsigned cpu_sample_period_ms(void) {
    const char *text = getenv("GILSCOPE_CPU_SAMPLE_MS");
    if (!text || !*text) return 10;
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    return *end || v > 60000 ? 10 : (unsigned)v;
}

static uint32_t interpreter_of(void *tstate) {
    return (uint32_t)PyInterpreterState_GetID(((PyThreadState *)tstate)->interp);
}

/* Whether str `s` ends with the ASCII text `tail` (read in place: nothing allocated). */
static int str_ends_with(PyObject *s, const char *tail) {
    if (!s || !PyUnicode_Check(s) || !gs_str_readable(s)) return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(s), m = (Py_ssize_t)strlen(tail);
    if (n < m) return 0;
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < m; i++)
        if (PyUnicode_READ(kind, data, n - m + i) != (Py_UCS4)(unsigned char)tail[i]) return 0;
    return 1;
}

/* Whether this fork is a fork-then-exec: the forking thread stands in
 * `subprocess.Popen._execute_child` or multiprocessing's `spawnv_passfds`
 * (the spawn start method), whose `_posixsubprocess.fork_exec` forks a child
 * that only runs `preexec_fn` (when given) before it execs another program,
 * or exits at once when the exec fails. Such a child is not a Python process of
 * the workload: when the program it execs is a Python, that one records
 * itself from its start; when not (a cluster engine's daemons: Ray's raylet
 * and GCS server), nothing of it is recorded. Only the child's one thread
 * exists here, so its frames are read without the GIL's protection. */
static int forked_to_exec(void) {
    PyThreadState *ts = PyGILState_GetThisThreadState();
    gs_frame f;
    if (!ts || !gs_frame_innermost(ts, &f) || !f.code) return 0;
    PyObject *name = gs_code_name(f.code), *file = f.code->co_filename;
    return (str_ends_with(name, "_execute_child") && str_ends_with(file, "subprocess.py"))
        || (str_ends_with(name, "spawnv_passfds") && str_ends_with(file, "util.py"));
}

/* Only the forking thread exists in the child: a lock another thread held at
 * the fork (the CPU sampler holds the recorder's while it grows the file, and
 * holds no GIL) would stay held there for ever. Each part of the probe frees
 * its own locks first, whatever the child does next; the recorder's are
 * freed by both of its paths. */
static void after_fork_child(void) {
    gs_holdsplit_after_fork_child();
    gs_gil_after_fork_child();
    gs_sync_roles_after_fork_child();
    gs_wakes_after_fork_child();
    gs_pyframe_after_fork_child();
    gs_locks_after_fork_child();
    if (forked_to_exec()) {
        gs_recorder_forget_in_child(); /* no file, no sampling thread: the child execs */
        gs_cpusample_forget_in_child();
        return;
    }
    gs_recorder_after_fork_child();
    gs_cpusample_after_fork_child();
}

/* Recording begins in a running process: what each of its threads was doing,
 * where the interpreter publishes it (THREAD_AT_ATTACH; the calling thread,
 * which holds the GIL, is recorded from now on as any thread). Where it does
 * not, a thread asleep in a futex on the GIL waits for it, and one asleep in
 * any other system call runs without it (blockedon.c). */
static void threads_at_attach(int no_gil) {
    gs_thread *t = gs_thread_current();
    PyThreadState *me = PyThreadState_Get();
    if (!t) return;
    uint64_t now = gs_ticks();
    gs_gil_layout layout;
    gs_gil_layout_of_version(&layout);
    for (PyThreadState *ts = PyInterpreterState_ThreadHead(me->interp); ts; ts = PyThreadState_Next(ts)) {
        if (ts == me) continue;
        uint32_t tid = 0;
        int state = gs_thread_state_at_attach(ts, &tid);
        if (!tid) continue;
        if (state == GS_AT_ATTACH_UNKNOWN && !no_gil) {
            int on_gil = gs_thread_blocked_on(tid, main_gil(), layout.size);
            if (on_gil >= 0) state = on_gil ? GS_AT_ATTACH_WAITING : GS_AT_ATTACH_RELEASED;
        }
        uint16_t flags = (uint16_t)(state | ((no_gil ? 255u : 0u) << 8));
        gs_put(t, GS_THREAD_AT_ATTACH, flags, tid, now);
    }
}

/* Recording ends while the process goes on: see probe_stop. */
static void probe_stop_all(void) {
    if (!installed) return;
    gs_watch_stop();
    gs_recorder_detach(); /* a no-op for the file when watch.c stopped it already */
    gs_holdsplit_stop();
    gs_cpusample_stop();
    gs_attachment_stop();
    gs_entry_restore_all();
    gs_got_restore_all();
    gs_locks_uninstall();
    gs_endings_uninstall();
    installed = 0;
}

static PyObject *probe_start(PyObject *self, PyObject *args) {
    (void)self;
    const char *directory, *build, *executable, *control = NULL;
    int attached = 0, launcher_pid = 0;
    unsigned long long launcher_start = 0;
    if (!PyArg_ParseTuple(args, "sss|psiK", &directory, &build, &executable, &attached, &control, &launcher_pid,
                          &launcher_start))
        return NULL;
    if (gs_recording) return PyUnicode_FromString(recording_path);
    if (installed) {
        PyErr_SetString(PyExc_RuntimeError, "an earlier recording's hooks are still in place (call stop() first)");
        return NULL;
    }

    int no_gil = gil_disabled_now();
    gs_process_info info = {
        .directory = directory,
        .python_hexversion = (uint32_t)PY_VERSION_HEX,
        .build_flags = build_flags() | (no_gil ? GS_BUILD_GIL_DISABLED : 0),
        .gil_mode = no_gil ? GS_MODE_NO_GIL : GS_MODE_GIL,
        .python_version = PY_VERSION,
        .python_build = build,
        .executable = executable,
        .attached = attached,
    };
    if (gs_recorder_open(&info, recording_path, sizeof recording_path) != 0)
        return PyErr_SetFromErrnoWithFilename(PyExc_OSError, directory);

    /* a recording after an earlier one in this process (gilscope attach, again):
     * what the earlier file defined is defined again in this one */
    gs_pyframe_new_file();
    gs_locks_new_file();
    gs_gil_new_file();
    gs_endings_install();
    static int atfork_registered; /* once: handlers cannot be removed, and test gs_recording */
    if (!atfork_registered) atfork_registered = pthread_atfork(NULL, NULL, after_fork_child) == 0;
    gs_cpusample_start(cpu_sample_period_ms());

    /* A free-threaded build: its waits are parking-lot sleeps (parks.c); its GIL,
     * off now, is watched all the same: a module may turn it on (then recorded
     * exactly from that moment, as on a GIL build). */
    int free_threaded = (build_flags() & GS_BUILD_FREE_THREADED) != 0;
    gs_parks_configure(free_threaded);
    gs_gil_set_site_reader(gs_pyframe_site);
    gs_gil_set_interp_reader(interpreter_of);
    gs_gil_set_drop_request_reader(gs_gil_drop_requested);
    gs_gil_set_gone_check(gs_runtime_finalizing_slot(), gs_tstate_may_be_gone);
    gs_gil_layout layout;
    gs_gil_layout_of_version(&layout);
    const gs_gil *gil = gs_gil_register(main_gil(), &layout, (uint32_t)PyInterpreterState_GetID(PyThreadState_Get()->interp));
    gs_wakes_configure(gs_parks_in_parking_lot(), free_threaded);
    if (gs_hooks_install((const void *)&PyEval_SaveThread) < 0) {
        unavailable_reason = "the interpreter's calls to pthread could not be redirected (no GOT entries found)";
        PyErr_SetString(PyExc_RuntimeError, unavailable_reason);
        return NULL;
    }
    if (!no_gil) gs_gil_note_held(gil);
    if (attached) threads_at_attach(free_threaded && no_gil);
    /* free-threaded: a thread's detached time (I/O, sleep, native code), hooked at the
     * entries of the calls that detach it; without those hooks it is not told apart */
    if (free_threaded && gs_attachment_install(main_gil()) == 0) gs_recorder_set_flag(GS_REC_DETACH_SEEN);
    PyObject *thread_module = PyImport_ImportModule("_thread");
    if (!thread_module || gs_locks_install_module(thread_module) < 0) {
        Py_XDECREF(thread_module);
        return NULL;
    }
    Py_DECREF(thread_module);
    installed = 1;
    /* attached: stopped without the main thread when the launcher asks, or is gone */
    if (attached && control && launcher_pid > 0 && gs_watch_start(control, launcher_pid, launcher_start) != 0) {
        probe_stop_all();
        return PyErr_SetFromErrnoWithFilename(PyExc_OSError, control);
    }
    return PyUnicode_FromString(recording_path);
}

static PyObject *probe_install_locks(PyObject *self, PyObject *module) {
    (void)self;
    if (!PyModule_Check(module)) {
        PyErr_SetString(PyExc_TypeError, "a module is needed");
        return NULL;
    }
    if (gs_recording && gs_locks_install_module(module) < 0) return NULL;
    Py_RETURN_NONE;
}

/* name_thread_of(tid, name): names another thread (one that ran before
 * recording began, gilscope attach): THREAD_NAME with its tid as payload. */
static PyObject *probe_name_thread_of(PyObject *self, PyObject *args) {
    (void)self;
    unsigned long tid;
    PyObject *name;
    if (!PyArg_ParseTuple(args, "kU", &tid, &name)) return NULL;
    gs_thread *t = gs_recording ? gs_thread_current() : NULL;
    if (t) {
        uint32_t id = gs_pyframe_new_string(t, name);
        if (id) gs_put4(t, GS_THREAD_NAME, 0, id, gs_ticks(), (uint32_t)tid, 0, 0, 0);
    }
    Py_RETURN_NONE;
}

static PyObject *probe_name_thread(PyObject *self, PyObject *name) {
    (void)self;
    if (!PyUnicode_Check(name)) {
        PyErr_SetString(PyExc_TypeError, "name must be str");
        return NULL;
    }
    gs_thread *t = gs_thread_current();
    if (t) {
        uint32_t id = gs_pyframe_new_string(t, name);
        if (id) gs_put(t, GS_THREAD_NAME, 0, id, gs_ticks());
    }
    Py_RETURN_NONE;
}

/* gil_enabled(module name or None): a free-threaded build turned its GIL on
 * (to load that module, or PYTHON_GIL=1 when None at start). */
static PyObject *probe_gil_enabled(PyObject *self, PyObject *name) {
    (void)self;
    gs_thread *t = gs_recording ? gs_thread_current() : NULL;
    if (t) {
        uint32_t id = PyUnicode_Check(name) ? gs_pyframe_new_string(t, name) : 0;
        gs_put(t, GS_GIL_ENABLED, 0, id, gs_ticks());
    }
    gs_attachment_stop(); /* the GIL's own records say it all from now on */
    Py_RETURN_NONE;
}

/* phase(kind, end): the calling thread begins or ends what may stop the world
 * (FORMAT.md PHASE: garbage collection, fork, tracing, enabling the GIL). */
static PyObject *probe_phase(PyObject *self, PyObject *args) {
    (void)self;
    unsigned int kind;
    int end;
    if (!PyArg_ParseTuple(args, "Ip", &kind, &end)) return NULL;
    gs_thread *t = gs_recording ? gs_thread_current() : NULL;
    if (t) gs_put(t, GS_PHASE, end ? GS_PHASE_END : 0, kind, gs_ticks());
    Py_RETURN_NONE;
}

static PyObject *probe_split_long_holds(PyObject *self, PyObject *args) {
    (void)self;
    unsigned int period_ms;
    if (!PyArg_ParseTuple(args, "I", &period_ms)) return NULL;
    if (!gs_recording || gil_disabled_now()) Py_RETURN_NONE;
    if (gs_holdsplit_start(PyInterpreterState_Main(), period_ms) != 0) return PyErr_SetFromErrno(PyExc_OSError);
    Py_RETURN_NONE;
}

static PyObject *probe_stop_splitting(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    gs_holdsplit_stop();
    Py_RETURN_NONE;
}

/* stop(): recording ends while the process goes on (gilscope attach): every
 * hook put back, the probe's threads ended, the file's end written. What
 * cannot be unloaded (the probe's code) stays, inert. */
static PyObject *probe_stop(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    probe_stop_all();
    Py_RETURN_NONE;
}

static PyObject *probe_recording(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyBool_FromLong(gs_recording);
}

static PyObject *probe_lost_records(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyLong_FromUnsignedLongLong(gs_recorder_lost());
}

static PyObject *probe_gil_offsets(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    char *gil = (char *)main_gil();
    char *runtime = (char *)gs_runtime_state();
    gs_gil_layout layout;
    gs_gil_layout_of_version(&layout);
    return Py_BuildValue("{s:n,s:n,s:n,s:n,s:n}", "from_runtime", (Py_ssize_t)(gil - runtime),
                         "cond", (Py_ssize_t)layout.cond, "mutex", (Py_ssize_t)layout.mutex,
                         "switch_mutex", (Py_ssize_t)layout.switch_mutex, "size", (Py_ssize_t)layout.size);
}

/* free_threaded_build(): so that the runtime need not import sysconfig at start-up to know. */
static PyObject *probe_free_threaded_build(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyBool_FromLong((build_flags() & GS_BUILD_FREE_THREADED) != 0);
}

static PyMethodDef probe_methods[] = {
    {"start", probe_start, METH_VARARGS,
     "start(directory, build, executable, attached=False, control=None, launcher_pid=0, launcher_start=0) -> path of this "
     "process's recording; attached: it runs already, and (with control and the launcher) stops on CONTROL/stop-now or "
     "when the launcher is gone"},
    {"name_thread", probe_name_thread, METH_O, "name_thread(name): records the calling thread's name"},
    {"name_thread_of", probe_name_thread_of, METH_VARARGS, "name_thread_of(tid, name): records another thread's name (attach)"},
    {"install_locks", probe_install_locks, METH_O, "install_locks(module): records the locks a module defines (_multiprocessing)"},
    {"split_long_holds", probe_split_long_holds, METH_VARARGS,
     "split_long_holds(period_ms): a GIL hold longer than this is asked to end, so its lines are seen (0: off)"},
    {"stop_splitting", probe_stop_splitting, METH_NOARGS, "stops split_long_holds (atexit, before finalisation)"},
    {"gil_enabled", probe_gil_enabled, METH_O, "gil_enabled(module_name_or_None): a free-threaded build turned its GIL on"},
    {"phase", probe_phase, METH_VARARGS, "phase(kind, end): what may stop the world begins or ends (FORMAT.md PHASE)"},
    {"stop", probe_stop, METH_NOARGS, "stop(): recording ends, hooks put back, the process goes on (gilscope attach)"},
    {"recording", probe_recording, METH_NOARGS, "whether this process records (False in a fork child that execs another program)"},
    {"lost_records", probe_lost_records, METH_NOARGS, "records that could not be written"},
    {"gil_offsets", probe_gil_offsets, METH_NOARGS, "where the GIL is, for checks"},
    {"free_threaded_build", probe_free_threaded_build, METH_NOARGS, "whether this build defines Py_GIL_DISABLED"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef probe_module = {
    PyModuleDef_HEAD_INIT, "_gilscope_probe", "gilscope's in-process GIL recorder", -1, probe_methods,
    NULL, NULL, NULL, NULL,
};

/* On a free-threaded build the probe says it needs no GIL: loading it must
 * not turn the GIL on (the recorded program must be the program as it runs). */
__attribute__((visibility("default"))) PyMODINIT_FUNC PyInit__gilscope_probe(void) {
    PyObject *module = PyModule_Create(&probe_module);
#ifdef Py_GIL_DISABLED
    if (module && PyUnstable_Module_SetGIL(module, Py_MOD_GIL_NOT_USED) < 0) {
        Py_DECREF(module);
        return NULL;
    }
#endif
    return module;
}

/* cthreads: threads that C code starts, for tests of what the recorder does
 * with them (runtime/tests/test_c_threads.py, the stress harness).
 *
 *   call_in_c_thread(callable, *args) -> handle
 *       a pthread that takes the GIL with PyGILState_Ensure, calls
 *       callable(*args) (with no Python frame of its own when the callable is
 *       a C function such as lock.acquire), and lets the GIL go again
 *   join(handle) -> the call's result, or raises what it raised
 *   touch_gil_in_c_thread() -> None
 *       a pthread that takes the GIL and gives it back without running any
 *       Python, then ends
 *   spin_released(seconds) -> None
 *       busy C work with the GIL released
 *   sleep_released(seconds) -> None
 *       nanosleep with the GIL released (a blocking C call)
 *   hold_gil(seconds) -> None
 *       busy C work that keeps the GIL (a long hold with no Python line)
 *   start_c_daemon(callable, period_seconds) -> None
 *       a detached pthread that, until the process ends, takes the GIL with
 *       PyGILState_Ensure, calls callable(), lets the GIL go and sleeps: a C
 *       library's callback thread, still running when the interpreter exits.
 *       At exit (atexit) it stops calling into Python, as a careful library's
 *       does, and sleeps on: a thread that calls PyGILState_Ensure while the
 *       interpreter finalises crashes CPython 3.14 now and then with no
 *       profiler present, which would make a differential test of it flaky.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <time.h>

typedef struct {
    pthread_t thread;
    PyObject *callable;
    PyObject *args;
    PyObject *result;
    PyObject *exc_type, *exc_value, *exc_tb;
    int joined;
} job;

static void *run_job(void *arg) {
    job *j = arg;
    PyGILState_STATE g = PyGILState_Ensure();
    j->result = PyObject_Call(j->callable, j->args, NULL);
    if (!j->result) PyErr_Fetch(&j->exc_type, &j->exc_value, &j->exc_tb);
    PyGILState_Release(g);
    return NULL;
}

static void free_job(PyObject *capsule) {
    job *j = PyCapsule_GetPointer(capsule, "cthreads.job");
    if (!j) return;
    if (!j->joined) pthread_detach(j->thread);
    Py_XDECREF(j->callable);
    Py_XDECREF(j->args);
    Py_XDECREF(j->result);
    Py_XDECREF(j->exc_type);
    Py_XDECREF(j->exc_value);
    Py_XDECREF(j->exc_tb);
    PyMem_RawFree(j);
}

static PyObject *call_in_c_thread(PyObject *self, PyObject *args) {
    (void)self;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (n < 1) {
        PyErr_SetString(PyExc_TypeError, "call_in_c_thread(callable, *args)");
        return NULL;
    }
    job *j = PyMem_RawCalloc(1, sizeof *j);
    if (!j) return PyErr_NoMemory();
    j->callable = PyTuple_GET_ITEM(args, 0);
    Py_INCREF(j->callable);
    j->args = PyTuple_GetSlice(args, 1, n);
    PyObject *capsule = PyCapsule_New(j, "cthreads.job", free_job);
    if (!j->args || !capsule) {
        Py_XDECREF(capsule);
        return NULL;
    }
    int rc = pthread_create(&j->thread, NULL, run_job, j);
    if (rc != 0) {
        j->joined = 1;
        Py_DECREF(capsule);
        errno = rc;
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    return capsule;
}

static PyObject *join(PyObject *self, PyObject *capsule) {
    (void)self;
    job *j = PyCapsule_GetPointer(capsule, "cthreads.job");
    if (!j) return NULL;
    if (!j->joined) {
        Py_BEGIN_ALLOW_THREADS
        pthread_join(j->thread, NULL);
        Py_END_ALLOW_THREADS
        j->joined = 1;
    }
    if (j->exc_type) {
        Py_INCREF(j->exc_type);
        Py_XINCREF(j->exc_value);
        Py_XINCREF(j->exc_tb);
        PyErr_Restore(j->exc_type, j->exc_value, j->exc_tb);
        return NULL;
    }
    PyObject *r = j->result ? j->result : Py_None;
    Py_INCREF(r);
    return r;
}

static void *touch_gil(void *unused) {
    (void)unused;
    PyGILState_STATE g = PyGILState_Ensure();
    PyGILState_Release(g);
    return NULL;
}

static PyObject *touch_gil_in_c_thread(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, touch_gil, NULL);
    if (rc != 0) {
        errno = rc;
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    Py_BEGIN_ALLOW_THREADS
    pthread_join(thread, NULL);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static PyObject *spin_released(PyObject *self, PyObject *arg) {
    (void)self;
    double seconds = PyFloat_AsDouble(arg);
    if (seconds < 0 && PyErr_Occurred()) return NULL;
    volatile unsigned long x = 0;
    Py_BEGIN_ALLOW_THREADS
    double end = now() + seconds;
    while (now() < end)
        for (int i = 0; i < 1000; i++) x += (unsigned long)i;
    Py_END_ALLOW_THREADS
    return PyLong_FromUnsignedLong(x & 1);
}

static void sleep_seconds(double seconds) {
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

static PyObject *sleep_released(PyObject *self, PyObject *arg) {
    (void)self;
    double seconds = PyFloat_AsDouble(arg);
    if (seconds < 0 && PyErr_Occurred()) return NULL;
    Py_BEGIN_ALLOW_THREADS
    sleep_seconds(seconds);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyObject *hold_gil(PyObject *self, PyObject *arg) {
    (void)self;
    double seconds = PyFloat_AsDouble(arg);
    if (seconds < 0 && PyErr_Occurred()) return NULL;
    volatile unsigned long x = 0;
    double end = now() + seconds;
    while (now() < end)
        for (int i = 0; i < 1000; i++) x += (unsigned long)i;
    return PyLong_FromUnsignedLong(x & 1);
}

typedef struct {
    PyObject *callable;
    double period;
} daemon_job;

/* Held by a daemon from its check of `daemons_stopped` to the end of its call, so that once
 * stop_c_daemons has held it no daemon is in Python or about to enter it. */
static pthread_mutex_t daemons_mutex = PTHREAD_MUTEX_INITIALIZER;
static int daemons_stopped;
static int daemons_stop_registered;

/* A forked child has none of the daemons, and a copy of the mutex that one of them may hold. */
static void daemons_after_fork_in_child(void) {
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    daemons_mutex = fresh;
    daemons_stopped = 1;
}

static void *run_daemon(void *arg) {
    daemon_job *d = arg;
    for (;;) {
        pthread_mutex_lock(&daemons_mutex);
        if (daemons_stopped) {
            pthread_mutex_unlock(&daemons_mutex);
            for (;;) sleep_seconds(3600); /* alive until the process ends, out of Python */
        }
        PyGILState_STATE g = PyGILState_Ensure();
        PyObject *r = PyObject_CallObject(d->callable, NULL);
        if (r) Py_DECREF(r);
        else PyErr_Clear();
        PyGILState_Release(g);
        pthread_mutex_unlock(&daemons_mutex);
        sleep_seconds(d->period);
    }
    return NULL;
}

static PyObject *stop_c_daemons(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    Py_BEGIN_ALLOW_THREADS /* a daemon holding the mutex may be waiting for the GIL */
    pthread_mutex_lock(&daemons_mutex);
    daemons_stopped = 1;
    pthread_mutex_unlock(&daemons_mutex);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyMethodDef stop_c_daemons_def = {"stop_c_daemons", stop_c_daemons, METH_NOARGS, "the C daemons call no more Python"};

static int register_daemons_stop(void) {
    if (daemons_stop_registered) return 0;
    PyObject *atexit = PyImport_ImportModule("atexit");
    if (!atexit) return -1;
    PyObject *stop = PyCFunction_New(&stop_c_daemons_def, NULL);
    PyObject *r = stop ? PyObject_CallMethod(atexit, "register", "O", stop) : NULL;
    Py_XDECREF(stop);
    Py_DECREF(atexit);
    if (!r) return -1;
    Py_DECREF(r);
    pthread_atfork(NULL, NULL, daemons_after_fork_in_child);
    daemons_stop_registered = 1;
    return 0;
}

static PyObject *start_c_daemon(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *callable;
    double period;
    if (!PyArg_ParseTuple(args, "Od", &callable, &period)) return NULL;
    if (register_daemons_stop() < 0) return NULL;
    daemon_job *d = PyMem_RawMalloc(sizeof *d); /* the thread's for the life of the process */
    if (!d) return PyErr_NoMemory();
    Py_INCREF(callable);
    d->callable = callable;
    d->period = period;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    int rc = pthread_create(&thread, &attr, run_daemon, d);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        Py_DECREF(callable);
        PyMem_RawFree(d);
        errno = rc;
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"call_in_c_thread", call_in_c_thread, METH_VARARGS, "call_in_c_thread(callable, *args) -> handle"},
    {"join", join, METH_O, "join(handle) -> result"},
    {"touch_gil_in_c_thread", touch_gil_in_c_thread, METH_NOARGS, "a C thread takes the GIL and runs no Python"},
    {"spin_released", spin_released, METH_O, "spin_released(seconds): busy C work without the GIL"},
    {"sleep_released", sleep_released, METH_O, "sleep_released(seconds): nanosleep without the GIL"},
    {"hold_gil", hold_gil, METH_O, "hold_gil(seconds): busy C work keeping the GIL"},
    {"start_c_daemon", start_c_daemon, METH_VARARGS, "start_c_daemon(callable, period): a C thread calling callable until the process ends"},
    {NULL, NULL, 0, NULL},
};

#ifdef Py_mod_exec
static PyModuleDef_Slot slots[] = {
#ifdef Py_GIL_DISABLED
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};
#endif

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "cthreads", "threads started in C, for tests", 0, methods,
#ifdef Py_mod_exec
    slots,
#else
    NULL,
#endif
    NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_cthreads(void) { return PyModuleDef_Init(&module); }

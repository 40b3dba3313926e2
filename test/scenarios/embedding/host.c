/* host.c: a program that embeds Python, as a MATLAB or CAD kernel would.
 *
 * It runs Python in two threads of its own (pthreads, not Python's threading),
 * each calling the Python function work.step() in a loop; between calls each
 * thread does its own native work (a busy loop) with the GIL released, as a
 * host does around its own computations.
 *
 * Each thread names itself for the report through the recorder's module (_gilscope_probe.name_thread).
 *
 * Recording: when GILSCOPE_RECORD_DIR is set, the host enables gilscope before
 * Py_Initialize, the way test/scenarios/README.md describes: GILSCOPE_DIR names
 * the recording directory and the runtime's folder goes first on PYTHONPATH, so
 * the sitecustomize there starts the recorder as Python starts.
 *
 * Built by the test against 3.11's headers and shared libpython:
 *   gcc -O2 host.c -I<include> -L<libdir> -lpython3.11 -Wl,-rpath,<libdir> -lpthread -o host
 * Usage: host RUNTIME_PYTHON_DIR SCRIPT_DIR [rounds] [native_ms]
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int rounds = 40;
static double native_seconds = 0.015;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The host's own computation: a core kept busy, no Python involved. */
static void native_work(double seconds) {
  double end = now() + seconds;
  volatile long spins = 0;
  while (now() < end) spins++;
}

struct worker { int index; double python_seconds, native_seconds; };

static void *run_worker(void *arg) {
  struct worker *w = arg;
  PyGILState_STATE g = PyGILState_Ensure(); /* this pthread gets a Python thread state */
  char name[32];
  snprintf(name, sizeof name, "host-%d", w->index);
  PyObject *work = PyImport_ImportModule("work");
  if (!work) { PyErr_Print(); PyGILState_Release(g); return NULL; }
  /* Name the thread for the report, as a host names its workers: through the recorder's
   * module when recording (sitecustomize loaded it), and in threading for the program. */
  PyObject *module_name = PyUnicode_FromString("_gilscope_probe");
  PyObject *probe = module_name ? PyImport_GetModule(module_name) : NULL;
  Py_XDECREF(module_name);
  if (probe) { PyObject *r = PyObject_CallMethod(probe, "name_thread", "s", name); Py_XDECREF(r); Py_DECREF(probe); }
  PyErr_Clear();
  PyObject *step = PyObject_GetAttrString(work, "step");
  for (int i = 0; i < rounds; i++) {
    double t0 = now();
    PyObject *r = PyObject_CallFunction(step, "i", w->index); /* Python runs: holds the GIL */
    if (!r) { PyErr_Print(); break; }
    Py_DECREF(r);
    double t1 = now();
    Py_BEGIN_ALLOW_THREADS /* the host's own work, without the GIL */
    native_work(native_seconds);
    Py_END_ALLOW_THREADS
    w->python_seconds += t1 - t0;
    w->native_seconds += now() - t1;
  }
  Py_XDECREF(step);
  Py_DECREF(work);
  PyGILState_Release(g);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: host RUNTIME_PYTHON_DIR SCRIPT_DIR [rounds] [native_ms]\n"); return 2; }
  if (argc > 3) rounds = atoi(argv[3]);
  if (argc > 4) native_seconds = atof(argv[4]) / 1000.0;
  const char *record = getenv("GILSCOPE_RECORD_DIR");
  char path[8192];
  if (record && *record) {
    /* Enable gilscope: the recording directory, and the runtime first on PYTHONPATH. */
    setenv("GILSCOPE_DIR", record, 1);
    const char *old = getenv("PYTHONPATH");
    snprintf(path, sizeof path, "%s:%s%s%s", argv[1], argv[2], old && *old ? ":" : "", old && *old ? old : "");
  } else {
    snprintf(path, sizeof path, "%s", argv[2]);
  }
  setenv("PYTHONPATH", path, 1);
  Py_Initialize(); /* site imports sitecustomize: the recorder starts here */
  PyThreadState *main_state = PyEval_SaveThread(); /* the host's main thread lets Python go */

  double t0 = now();
  pthread_t threads[2];
  struct worker workers[2] = {{1, 0, 0}, {2, 0, 0}};
  for (int i = 0; i < 2; i++) pthread_create(&threads[i], NULL, run_worker, &workers[i]);
  for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
  double wall = now() - t0;

  PyEval_RestoreThread(main_state);
  printf("HOST {\"wall_seconds\": %.6f, \"rounds\": %d, \"native_seconds_per_round\": %.6f, "
         "\"python_seconds\": [%.6f, %.6f], \"native_seconds\": [%.6f, %.6f], \"start\": %.6f}\n",
         wall, rounds, native_seconds, workers[0].python_seconds, workers[1].python_seconds,
         workers[0].native_seconds, workers[1].native_seconds, t0);
  fflush(stdout);
  return Py_FinalizeEx() < 0 ? 1 : 0;
}

/* spin.c: a C extension with two functions around the same busy loop.
 *   spin.hold(seconds)     spins with the GIL held: no other Python thread runs meanwhile;
 *   spin.release(seconds)  spins between Py_BEGIN_ALLOW_THREADS and Py_END_ALLOW_THREADS.
 * Built by the scenario test against the running interpreter's headers:
 *   gcc -O2 -shared -fPIC -I$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])') spin.c -o spin$(EXT_SUFFIX) */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long spin_for(double seconds) {
  double end = now() + seconds;
  volatile long long spins = 0;
  while (now() < end) spins++;
  return spins;
}

static PyObject *hold(PyObject *self, PyObject *arg) {
  double seconds = PyFloat_AsDouble(arg);
  if (seconds == -1.0 && PyErr_Occurred()) return NULL;
  long long spins = spin_for(seconds); /* the GIL stays held */
  return PyLong_FromLongLong(spins);
}

static PyObject *release(PyObject *self, PyObject *arg) {
  double seconds = PyFloat_AsDouble(arg);
  if (seconds == -1.0 && PyErr_Occurred()) return NULL;
  long long spins;
  Py_BEGIN_ALLOW_THREADS
  spins = spin_for(seconds);
  Py_END_ALLOW_THREADS
  return PyLong_FromLongLong(spins);
}

static PyMethodDef methods[] = {
  {"hold", hold, METH_O, "Spin for the given seconds, holding the GIL."},
  {"release", release, METH_O, "Spin for the given seconds without the GIL."},
  {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "spin", NULL, -1, methods};

PyMODINIT_FUNC PyInit_spin(void) { return PyModule_Create(&module); }

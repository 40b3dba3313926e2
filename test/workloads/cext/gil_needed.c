/* gil_needed: an extension module that does not declare Py_mod_gil, so
 * that importing it turns a free-threaded build's GIL on, as many real
 * extensions still do (runtime/tests/test_free_threaded.py). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *answer(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyLong_FromLong(42);
}

static PyMethodDef methods[] = {
    {"answer", answer, METH_NOARGS, "42"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "gil_needed", "turns the GIL on", -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_gil_needed(void) { return PyModule_Create(&module); }

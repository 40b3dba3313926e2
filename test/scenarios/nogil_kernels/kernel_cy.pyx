# cython: language_level=3, boundscheck=False, wraparound=False
"""The scenario's kernel in Cython, its loop under `with nogil:`.
Built by the test: cythonize -i kernel_cy.pyx (the venv's Cython) into a temp dir."""


def kernel(long n):
    cdef long i
    cdef double total = 0.0, x
    with nogil:  # NOGIL-BLOCK
        for i in range(n):
            x = (i % 1000) * 0.001
            total += x * x / (1.0 + x)
    return total

/* Python locations as recording sites (needs the interpreter's headers). */
#ifndef GILSCOPE_PYFRAME_H
#define GILSCOPE_PYFRAME_H

#include <stdint.h>

#include "cpython.h"
#include "recorder.h"

/* The site of a location, defined in this file on first use. */
uint32_t gs_pyframe_site_of(gs_thread *t, PyCodeObject *code, int offset);

/* The site the thread of `tstate` stands on; called with its GIL held. */
uint32_t gs_pyframe_site(gs_thread *t, void *tstate);

/* The STRING id of a C string that lives as long as the process (a type's
 * tp_name), defined in this file on first use. */
uint32_t gs_pyframe_c_string(gs_thread *t, const char *text);

/* Defines a fresh STRING for a str object (a thread name, which may change). */
uint32_t gs_pyframe_new_string(gs_thread *t, PyObject *s);

/* A forked child writes a new file: definitions must be written again, and
 * the tables' lock (a parent's thread may have held it) is free. */
void gs_pyframe_after_fork_child(void);
/* A new recording file: sites and strings are defined again when next used. */
void gs_pyframe_new_file(void);

#endif

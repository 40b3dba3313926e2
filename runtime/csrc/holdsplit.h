/* Long GIL holds split so that their Python lines are seen (holdsplit.c). */
#ifndef GILSCOPE_HOLDSPLIT_H
#define GILSCOPE_HOLDSPLIT_H

#include <Python.h>

/* Starts the helper thread for the main interpreter's GIL: a hold longer
 * than `period_ms` (with nobody else asking) is asked to end. 0 on success
 * or when period_ms is 0 (off); -1 with errno when the thread cannot start. */
int gs_holdsplit_start(PyInterpreterState *interp, unsigned period_ms);

/* Stops the helper and deletes its thread state. Called with the GIL held
 * (atexit, before the interpreter finalises); releases it while waiting. */
void gs_holdsplit_stop(void);

/* In a forked child (pthread_atfork): the helper does not exist there, and
 * its thread state is deleted by the interpreter's own after-fork code. */
void gs_holdsplit_after_fork_child(void);

#endif

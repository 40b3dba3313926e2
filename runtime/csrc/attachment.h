/* A free-threaded thread attaching and detaching (attachment.c). */
#ifndef GILSCOPE_ATTACHMENT_H
#define GILSCOPE_ATTACHMENT_H

/* The GIL index under which attach and detach are written (FORMAT.md). */
#define GS_ATTACH_INDEX 255u

/* Hooks PyEval_SaveThread, PyEval_RestoreThread, PyEval_ReleaseThread and
 * PyEval_AcquireThread at their entries (all four, or none), so that a
 * thread's detached time is recorded; `gil` is the interpreter's GIL (its
 * records take over once it is on). 0, or -1 when they cannot be hooked. */
int gs_attachment_install(void *gil);

/* The GIL is on for good: from now on the GIL's own records say it all. */
void gs_attachment_stop(void);

#endif

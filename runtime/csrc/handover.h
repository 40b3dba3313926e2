/* After a release on request: hand-over, or something done without the GIL? (handover.c) */
#ifndef GILSCOPE_HANDOVER_H
#define GILSCOPE_HANDOVER_H

#include "recorder.h"

/* The calling thread let the GIL go on request and the hand-over is over
 * (`ticks`): from now until it asks for the GIL again is a gap to classify. */
void gs_gap_begin(gs_thread *t, uint64_t ticks);

/* The thread asks for the GIL again. 1: it did nothing meanwhile (the gap
 * was GIL hand-over, however long the OS kept it off the CPU), 0: it blocked
 * or ran without the GIL (the gap was released), -1: no gap was open. */
int gs_gap_end_was_handover(gs_thread *t);

#endif

/* Records that carry no contention, summarised (quiet.c; FORMAT.md,
 * "Tentative records, and the summaries that stand for them"). */
#ifndef GILSCOPE_QUIET_H
#define GILSCOPE_QUIET_H

#include <stdint.h>

#include "recorder.h"

/* The thread lets GIL `gil` go, not on request: writes the GIL_RELEASE,
 * tentatively when summarising; `takes` is the GIL's take count now. */
void gs_quiet_gil_release(gs_thread *t, uint8_t gil, uint64_t ticks, uint32_t takes);

/* The thread took GIL `gil` back at `ticks`, standing on `site`, having
 * waited or not. 1 when its release and this re-take were folded into a
 * summary (the caller writes no GIL_ACQUIRE); 0 when the caller writes as usual. */
int gs_quiet_gil_retake(gs_thread *t, uint8_t gil, uint64_t ticks, uint32_t takes_now, uint32_t site, int waited);

/* An uncontended acquire of lock `lock` at `site`: writes its LOCK_ACQUIRE,
 * tentatively when summarising. */
void gs_quiet_lock_acquired(gs_thread *t, uint32_t lock, uint64_t ticks, uint32_t site);

/* The thread lets lock `lock` go at `ticks` on `site` (the time stamped
 * before the real release). 1 when its acquire and this release were folded
 * into a summary (the caller writes no LOCK_RELEASE); 0 otherwise. */
int gs_quiet_lock_released(gs_thread *t, uint32_t lock, uint64_t ticks, uint32_t site);

/* Writes the thread's open GIL summary, and its lock summary when due, stamped
 * `ts` (their spans end before it), leaving its spin count pending. */
void gs_quiet_flush_at(gs_thread *t, uint64_t ts);

/* Frees the thread's summary state (thread end, or a forked child's restart). */
void gs_quiet_free(gs_thread *t);

#endif

/* Exact GIL intervals from the mutex and condition variable calls of
 * take_gil() and drop_gil(), seen through libpython's GOT. Knows the GIL only
 * by the addresses and offsets it is given (computed in probe.c from the
 * interpreter's own headers). */
#ifndef GILSCOPE_GILHOOKS_H
#define GILSCOPE_GILHOOKS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "gotpatch.h"
#include "recorder.h"

typedef struct gs_gil {
    char *base;
    pthread_mutex_t *mutex;
    pthread_cond_t *cond;
    pthread_mutex_t *switch_mutex;
    const int *locked;
    void *const *last_holder;
    uint32_t interpreter_id;
    uint8_t index;
    uint8_t interpreter_known; /* 0: discovered in use, its interpreter not seen yet */
} gs_gil;

typedef struct {
    size_t mutex, cond, switch_mutex, locked, last_holder, size;
} gs_gil_layout;

/* Returns the Python site (FORMAT.md SITE id) where the thread whose tstate
 * is given stands. Called by the thread itself with the GIL just taken. */
typedef uint32_t (*gs_site_reader)(gs_thread *t, void *tstate);

void gs_gil_set_site_reader(gs_site_reader reader);

/* Whether a GIL drop request is pending for a thread state's GIL. */
typedef int (*gs_drop_request_reader)(void *tstate);

void gs_gil_set_drop_request_reader(gs_drop_request_reader reader);

/* Returns the id of the interpreter of a thread state. */
typedef uint32_t (*gs_interp_reader)(void *tstate);

void gs_gil_set_interp_reader(gs_interp_reader reader);

/* Whether a thread state may have been freed (cpython.h,
 * gs_tstate_may_be_gone), asked only while `*finalizing` (the runtime's
 * finalizing thread state) is set: a holder's state is read through only
 * when it is not. */
typedef int (*gs_gone_check)(const void *tstate);

void gs_gil_set_gone_check(void *const *finalizing, gs_gone_check check);

/* Registers a GIL (idempotent by address) and writes GIL_REGISTER. The
 * first registration also teaches the layout used to discover other GILs. */
const gs_gil *gs_gil_register(void *base, const gs_gil_layout *layout, uint32_t interpreter_id);

/* A new recording file (gilscope attach, again): every GIL known already is
 * registered in it, with the index it has. */
void gs_gil_new_file(void);

/* In a forked child: the registration lock is free again (a thread of the
 * parent's may have held it at the fork; it does not exist here), and no
 * splitter is asking the holder to let go. */
void gs_gil_after_fork_child(void);

/* The calling thread holds this GIL now (the probe starts with it held). */
void gs_gil_note_held(const gs_gil *g);

/* Whether GIL number `index` is held now, and in *takes a count that changes
 * at every take of it by a recorded thread: the same count while held a
 * while later means one hold all along (holdsplit.c). */
int gs_gil_hold_state(unsigned index, uint32_t *takes);

/* The splitter is about to ask for GIL `index`: its holder's next release
 * is kept back (0 when the hold has changed since `takes`). split_end when
 * the splitter has given the GIL back. */
int gs_gil_split_begin(unsigned index, uint32_t takes);
void gs_gil_split_end(void);

/* The thread state of the last holder of GIL `index` (the interpreter's own
 * last_holder; for comparison only). */
void *gs_gil_holder(unsigned index);

/* The calling thread, holding its GIL, writes GIL_HOLD_SITE with the line it
 * stands on (`tstate` its thread state): a pending call of holdsplit.c. */
void gs_gil_hold_site(void *tstate);

/* The GOT hooks of the GIL's mutex and condition calls (hooks.c installs
 * them). Fills `out` (room for 3); returns how many. */
int gs_gil_patches(gs_got_patch *out);

#endif

/* Records how the process ended: exit, _exit and kill of itself (GOT hooks),
 * and fatal signals (handlers). */
#ifndef GILSCOPE_ENDINGS_H
#define GILSCOPE_ENDINGS_H

#include "gotpatch.h"

/* Installs the fatal-signal handlers where the program left the default. */
void gs_endings_install(void);
/* Recording stops while the process goes on: the fatal-signal handlers
 * installed are the default again, where the program has not changed them. */
void gs_endings_uninstall(void);

/* The GOT hooks for exit, _exit and kill (hooks.c installs them). Fills
 * `out` (room for 3); returns how many. */
int gs_endings_patches(gs_got_patch *out);

#endif

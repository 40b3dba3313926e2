/* The one place that installs the recorder's GOT hooks in libpython: the
 * GIL state machine's mutex and condition calls (gilhooks.c), the parking
 * lot's sleeps and wakes (wakes.c) and the process's ways out (endings.c). */
#include "hooks.h"

#include "endings.h"
#include "gilhooks.h"
#include "gotpatch.h"
#include "wakes.h"

#define MAX_PATCHES 16

int gs_hooks_install(const void *inside_libpython) {
    gs_got_patch patches[MAX_PATCHES];
    int gil = gs_gil_patches(patches);
    int n = gil;
    n += gs_endings_patches(patches + n);
    n += gs_wakes_patches(patches + n);
    if (gs_got_patch_object(inside_libpython, patches, n) != 0) return -1;
    /* without the GIL's calls the records would be wrong, not just fewer */
    for (int i = 0; i < gil; i++)
        if (!patches[i].patched) return -1;
    int total = 0;
    for (int i = 0; i < n; i++) total += patches[i].patched;
    return total;
}

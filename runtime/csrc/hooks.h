/* Installs every GOT hook of the recorder in libpython (hooks.c). */
#ifndef GILSCOPE_HOOKS_H
#define GILSCOPE_HOOKS_H

/* Rewrites the GOT of the object containing `inside_libpython` (libpython,
 * or a python executable with it linked in) so that its GIL, sleep/wake and
 * exit calls come to the recorder. Number of slots patched, or -1 when the
 * GIL's calls could not be redirected (the records would be wrong). */
int gs_hooks_install(const void *inside_libpython);

#endif

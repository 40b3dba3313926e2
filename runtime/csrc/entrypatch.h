/* Redirecting a function's own entry to a hook (entrypatch.c). */
#ifndef GILSCOPE_ENTRYPATCH_H
#define GILSCOPE_ENTRYPATCH_H

/* Makes every call to `target` go to `hook`, and sets *original to code that
 * runs the function as it was (its first instructions, moved, then a jump
 * back). 0 on success; -1 when the first instructions are not ones this
 * knows how to move, or the memory could not be had: nothing is changed then. */
int gs_entry_patch(void *target, void *hook, void **original);

/* Whether gs_entry_patch would take `target` (its first instructions are
 * ones it can move; the memory is not tried): 1 or 0. A scratch decode whose
 * rel32 checks are against the scratch buffer, so "1" may still fail. */
int gs_entry_patchable(void *target);

/* Puts every patched entry back as it was. */
void gs_entry_restore_all(void);

#endif

/* GOT patching of one loaded ELF object (Linux x86-64). */
#ifndef GILSCOPE_GOTPATCH_H
#define GILSCOPE_GOTPATCH_H

typedef struct {
    const char *symbol;
    void *replacement;
    int patched; /* GOT slots rewritten */
} gs_got_patch;

/* Rewrites, in the object that contains `address_inside`, every GOT slot bound
 * to one of the symbols. 0 when the object was found and read. */
int gs_got_patch_object(const void *address_inside, gs_got_patch *patches, int npatches);

/* Puts back what every slot rewritten so far held (recording stops in a
 * process that goes on: gilscope attach). */
void gs_got_restore_all(void);

#endif

/* Redirects the calls that one loaded ELF object (libpython, or a python
 * executable with libpython linked in) makes to libc functions, by rewriting
 * that object's GOT entries. Only that object's calls are affected: the rest
 * of the process, and every child that is not Python, runs untouched. See
 * runtime/README.md for why this and not LD_PRELOAD. */
#define _GNU_SOURCE
#include "gotpatch.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct search {
    uintptr_t address;
    const struct dl_phdr_info *found_info;
    ElfW(Addr) bias;
    const ElfW(Phdr) *phdr;
    int phnum;
    int found;
};

static int find_object(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    struct search *s = arg;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        if (p->p_type != PT_LOAD) continue;
        uintptr_t lo = info->dlpi_addr + p->p_vaddr;
        if (s->address >= lo && s->address < lo + p->p_memsz) {
            s->bias = info->dlpi_addr;
            s->phdr = info->dlpi_phdr;
            s->phnum = info->dlpi_phnum;
            s->found = 1;
            return 1;
        }
    }
    return 0;
}

/* glibc relocates the pointers of .dynamic in place on x86-64; other
 * loaders leave them as link-time addresses. */
static uintptr_t dyn_pointer(ElfW(Addr) value, ElfW(Addr) bias) {
    return value < bias ? value + bias : value;
}

/* Every slot rewritten, with what it held, so that gs_got_restore_all can put it back. */
#define MAX_REWRITTEN 64
static struct {
    void **slot;
    void *was;
    struct search object;
} rewritten[MAX_REWRITTEN];
static int nrewritten;

static int write_slot(void **slot, void *value, const struct search *s) {
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)slot & ~((uintptr_t)page - 1);
    int in_relro = 0;
    for (int i = 0; i < s->phnum; i++) {
        const ElfW(Phdr) *p = &s->phdr[i];
        if (p->p_type != PT_GNU_RELRO) continue;
        uintptr_t lo = s->bias + p->p_vaddr;
        if ((uintptr_t)slot >= lo && (uintptr_t)slot < lo + p->p_memsz) in_relro = 1;
    }
    if (in_relro && mprotect((void *)start, (size_t)page, PROT_READ | PROT_WRITE) != 0) return -1;
    __atomic_store_n(slot, value, __ATOMIC_RELEASE);
    if (in_relro) mprotect((void *)start, (size_t)page, PROT_READ);
    return 0;
}

static void patch_table(const ElfW(Rela) *rela, size_t count, const ElfW(Sym) *symtab, const char *strtab,
                        gs_got_patch *patches, int npatches, const struct search *s) {
    for (size_t i = 0; i < count; i++) {
        unsigned long type = ELF64_R_TYPE(rela[i].r_info);
        if (type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT) continue;
        const char *name = strtab + symtab[ELF64_R_SYM(rela[i].r_info)].st_name;
        for (int k = 0; k < npatches; k++) {
            if (strcmp(name, patches[k].symbol) != 0) continue;
            void **slot = (void **)(s->bias + rela[i].r_offset);
            void *was = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
            if (write_slot(slot, patches[k].replacement, s) == 0) {
                patches[k].patched++;
                if (nrewritten < MAX_REWRITTEN) {
                    rewritten[nrewritten].slot = slot;
                    rewritten[nrewritten].was = was;
                    rewritten[nrewritten].object = *s;
                    nrewritten++;
                }
            }
        }
    }
}

int gs_got_patch_object(const void *address_inside, gs_got_patch *patches, int npatches) {
    struct search s = {.address = (uintptr_t)address_inside};
    dl_iterate_phdr(find_object, &s);
    if (!s.found) return -1;
    const ElfW(Dyn) *dyn = NULL;
    for (int i = 0; i < s.phnum; i++)
        if (s.phdr[i].p_type == PT_DYNAMIC) dyn = (const ElfW(Dyn) *)(s.bias + s.phdr[i].p_vaddr);
    if (!dyn) return -1;

    const ElfW(Sym) *symtab = NULL;
    const char *strtab = NULL;
    const ElfW(Rela) *jmprel = NULL, *rela = NULL;
    size_t jmprel_size = 0, rela_size = 0;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        switch (dyn->d_tag) {
        case DT_SYMTAB: symtab = (const ElfW(Sym) *)dyn_pointer(dyn->d_un.d_ptr, s.bias); break;
        case DT_STRTAB: strtab = (const char *)dyn_pointer(dyn->d_un.d_ptr, s.bias); break;
        case DT_JMPREL: jmprel = (const ElfW(Rela) *)dyn_pointer(dyn->d_un.d_ptr, s.bias); break;
        case DT_PLTRELSZ: jmprel_size = dyn->d_un.d_val; break;
        case DT_RELA: rela = (const ElfW(Rela) *)dyn_pointer(dyn->d_un.d_ptr, s.bias); break;
        case DT_RELASZ: rela_size = dyn->d_un.d_val; break;
        default: break;
        }
    }
    if (!symtab || !strtab) return -1;
    if (jmprel) patch_table(jmprel, jmprel_size / sizeof(ElfW(Rela)), symtab, strtab, patches, npatches, &s);
    if (rela) patch_table(rela, rela_size / sizeof(ElfW(Rela)), symtab, strtab, patches, npatches, &s);
    return 0;
}

void gs_got_restore_all(void) {
    for (int i = nrewritten - 1; i >= 0; i--) write_slot(rewritten[i].slot, rewritten[i].was, &rewritten[i].object);
    nrewritten = 0;
}

/* Redirecting a function's entry to a hook, for functions that no GOT entry
 * reaches: in a statically linked interpreter, or one built with link-time
 * optimisation, CPython's calls to its own exported functions are direct
 * (shared/docs/free-threading.md, section 3.2), and a free-threaded build
 * detaches and attaches its threads only through them.
 *
 * The first instructions of the function, at least 5 bytes, are decoded,
 * moved into a trampoline allocated within 2 GiB of the function (branches and
 * RIP-relative operands re-aimed), and followed by a jump back; then the
 * function's first 5 bytes become a jump to a stub that jumps to the hook.
 * Only instructions this decoder knows are moved (those of ordinary function
 * prologues); anything else makes it refuse, leaving the function untouched.
 * The 5 bytes are written with one aligned 8-byte store where the entry
 * allows, while the process has one thread (the probe starts in
 * sitecustomize). x86-64 only. */
#define _GNU_SOURCE
#include "entrypatch.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__x86_64__)

#define NEAR (1ull << 30) /* look for trampoline memory within 1 GiB of the code */

static int32_t fits32(int64_t v, int *ok) {
    if (v < INT32_MIN || v > INT32_MAX) *ok = 0;
    return (int32_t)v;
}

/* A page for one trampoline, within reach of rel32 jumps from and to `near`. */
static uint8_t *near_page(const void *near) {
    uintptr_t code = (uintptr_t)near;
    long page = sysconf(_SC_PAGESIZE);
    for (uintptr_t step = 1u << 20; step < NEAR; step += 1u << 20) {
        for (int side = -1; side <= 1; side += 2) {
            uintptr_t hint = (code & ~((uintptr_t)page - 1)) + (uintptr_t)((intptr_t)side * (intptr_t)step);
            void *m = mmap((void *)hint, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
            if (m == MAP_FAILED) continue;
            if ((uintptr_t)m != hint) { munmap(m, (size_t)page); continue; } /* an old kernel ignoring the flag */
            return m;
        }
    }
    return NULL;
}

/* Opcodes of one byte followed by a ModRM and no immediate. */
static int modrm_no_imm(uint8_t op) {
    switch (op) {
    case 0x00: case 0x01: case 0x02: case 0x03: case 0x08: case 0x09: case 0x0A: case 0x0B:
    case 0x20: case 0x21: case 0x22: case 0x23: case 0x28: case 0x29: case 0x2A: case 0x2B:
    case 0x30: case 0x31: case 0x32: case 0x33: case 0x38: case 0x39: case 0x3A: case 0x3B:
    case 0x63: case 0x84: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89: case 0x8A:
    case 0x8B: case 0x8D: case 0xD1: case 0xD3: case 0xFF:
        return 1;
    default:
        return 0;
    }
}

/* Two-byte opcodes (after 0x0F) followed by a ModRM and no immediate. */
static int modrm_0f(uint8_t op) {
    return op == 0x1E || op == 0x1F || (op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2F) ||
           (op >= 0x40 && op <= 0x4F) || (op >= 0x90 && op <= 0x9F) || op == 0xAF || op == 0xB6 || op == 0xB7 ||
           op == 0xBE || op == 0xBF || op == 0x6F || op == 0x7F || op == 0xD6 || op == 0xEF || op == 0x6E || op == 0x7E;
}

/* Decodes one instruction at `in`, writing its moved form at `out`, to run
 * at address `run_at`. Returns its length in `in`, with *out_len
 * set; 0 when it is not one this knows. */
static size_t move_one(const uint8_t *in, uint8_t *out, uintptr_t run_at, size_t *out_len, uintptr_t *branch_to) {
    const uint8_t *p = in;
    int rex_w = 0, opsize16 = 0;
    size_t prefixes = 0;
    for (;;) {
        uint8_t b = *p;
        if (b == 0x66) opsize16 = 1;
        else if (b == 0xF2 || b == 0xF3 || b == 0x2E || b == 0x3E || b == 0x26 || b == 0x36 || b == 0x64 || b == 0x65) {
        } else break;
        p++;
        prefixes++;
        if (prefixes > 4) return 0;
    }
    if ((*p & 0xF0) == 0x40) { rex_w = (*p & 0x08) != 0; p++; }
    uint8_t op = *p++;
    int ok = 1;
    /* branches: re-aimed, each as its rel32 form */
    if (op == 0xE8 || op == 0xE9 || op == 0xEB || (op >= 0x70 && op <= 0x7F)) {
        if (p - in != 1) return 0; /* no prefix on these */
        int short_form = op == 0xEB || (op >= 0x70 && op <= 0x7F);
        int64_t rel = short_form ? (int8_t)*p : (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        size_t len = short_form ? 2 : 5;
        uintptr_t dest = (uintptr_t)in + len + (uintptr_t)rel;
        *branch_to = dest;
        if (op >= 0x70 && op <= 0x7F) {
            out[0] = 0x0F;
            out[1] = (uint8_t)(0x80 | (op & 0x0F));
            int32_t d = fits32((int64_t)dest - (int64_t)(run_at + 6), &ok);
            memcpy(out + 2, &d, 4);
            *out_len = 6;
        } else {
            out[0] = op == 0xE8 ? 0xE8 : 0xE9;
            int32_t d = fits32((int64_t)dest - (int64_t)(run_at + 5), &ok);
            memcpy(out + 1, &d, 4);
            *out_len = 5;
        }
        return ok ? len : 0;
    }
    size_t imm = 0;
    int has_modrm = 0;
    if (op == 0x0F) {
        uint8_t op2 = *p++;
        if (op2 >= 0x80 && op2 <= 0x8F) return 0; /* jcc rel32: not expected in a prologue */
        if (!modrm_0f(op2)) return 0;
        has_modrm = 1;
    } else if ((op >= 0x50 && op <= 0x5F) || op == 0x90 || op == 0xC3) {
    } else if (op >= 0xB8 && op <= 0xBF) {
        imm = rex_w ? 8 : opsize16 ? 2 : 4;
    } else if (modrm_no_imm(op)) {
        has_modrm = 1;
    } else if (op == 0x83 || op == 0xC6 || op == 0x6B || op == 0xC0 || op == 0xC1 || op == 0x80) {
        has_modrm = 1;
        imm = 1;
    } else if (op == 0x81 || op == 0xC7 || op == 0x69) {
        has_modrm = 1;
        imm = opsize16 ? 2 : 4;
    } else if (op == 0xF6 || op == 0xF7) {
        has_modrm = 1;
        uint8_t reg = (uint8_t)((*p >> 3) & 7);
        imm = reg <= 1 ? (op == 0xF6 ? 1 : opsize16 ? 2 : 4) : 0;
    } else {
        return 0;
    }
    const uint8_t *disp_at = NULL; /* a RIP-relative displacement to re-aim */
    if (has_modrm) {
        uint8_t modrm = *p++;
        uint8_t mod = modrm >> 6, rm = modrm & 7;
        if (mod != 3 && rm == 4) {
            uint8_t sib = *p++;
            if (mod == 0 && (sib & 7) == 5) p += 4;
        }
        if (mod == 0 && rm == 5) {
            disp_at = p;
            p += 4;
        } else if (mod == 1) {
            p += 1;
        } else if (mod == 2) {
            p += 4;
        }
    }
    p += imm;
    size_t len = (size_t)(p - in);
    memcpy(out, in, len);
    if (disp_at) {
        int32_t disp;
        memcpy(&disp, disp_at, 4);
        uintptr_t dest = (uintptr_t)in + len + (uintptr_t)(intptr_t)disp;
        int32_t moved = fits32((int64_t)dest - (int64_t)(run_at + len), &ok);
        memcpy(out + (disp_at - in), &moved, 4);
    }
    *out_len = len;
    return ok ? len : 0;
}

/* A rel32 jump, to run at address `at`, written into `buf`. */
static void jump_rel32(uint8_t *buf, const uint8_t *at, const void *to) {
    int32_t d = (int32_t)((intptr_t)to - (intptr_t)(at + 5));
    buf[0] = 0xE9;
    memcpy(buf + 1, &d, 4);
}

/* Every entry rewritten, with its first bytes as they were. */
#define MAX_ENTRIES 8
static struct {
    uint8_t *target;
    uint8_t was[5];
} entries[MAX_ENTRIES];
static int nentries;

static int write_entry(uint8_t *target, const uint8_t jump[5]) {
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t first = (uintptr_t)target & ~((uintptr_t)page - 1);
    uintptr_t last = ((uintptr_t)target + 4) & ~((uintptr_t)page - 1);
    size_t span = (size_t)(last - first) + (size_t)page;
    if (mprotect((void *)first, span, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) return -1;
    uintptr_t aligned = (uintptr_t)target & ~(uintptr_t)7;
    if ((uintptr_t)target + 5 <= aligned + 8) {
        /* one aligned store: a thread running here sees the old entry or the new */
        uint64_t word;
        memcpy(&word, (void *)aligned, 8);
        memcpy((uint8_t *)&word + ((uintptr_t)target - aligned), jump, 5);
        __atomic_store_n((uint64_t *)aligned, word, __ATOMIC_SEQ_CST);
    } else {
        memcpy(target, jump, 5);
    }
    mprotect((void *)first, span, PROT_READ | PROT_EXEC);
    __builtin___clear_cache((char *)target, (char *)target + 5);
    return 0;
}

int gs_entry_patchable(void *target_fn) {
    uint8_t buf[64];
    size_t in = 0, out = 0;
    while (in < 5) {
        size_t out_len = 0;
        uintptr_t branch_to = 0;
        /* decoded into a scratch buffer: only whether it can be moved matters here */
        size_t n = move_one((uint8_t *)target_fn + in, buf + out, (uintptr_t)target_fn + in, &out_len, &branch_to);
        if (n == 0 || out + out_len > 40) return 0;
        uint8_t op = ((uint8_t *)target_fn)[in];
        in += n;
        out += out_len;
        if (op == 0xE9 || op == 0xEB || op == 0xC3) break;
    }
    return in >= 5;
}

int gs_entry_patch(void *target_fn, void *hook, void **original) {
    uint8_t *target = target_fn;
    uint8_t *tramp = near_page(target);
    if (!tramp) return -1;
    long page = sysconf(_SC_PAGESIZE);
    /* moved instructions, then the jump back */
    size_t in = 0, out = 0;
    uintptr_t branches[8];
    int nbranches = 0;
    while (in < 5) {
        size_t out_len = 0;
        uintptr_t branch_to = 0;
        size_t n = move_one(target + in, tramp + out, (uintptr_t)(tramp + out), &out_len, &branch_to);
        if (n == 0 || out + out_len > 40 || nbranches == 8) goto refuse;
        if (branch_to) branches[nbranches++] = branch_to;
        /* a jump or return ends the function's straight line: nothing after it to run */
        uint8_t op = target[in];
        in += n;
        out += out_len;
        if (op == 0xE9 || op == 0xEB || op == 0xC3) break;
    }
    if (in < 5) goto refuse; /* a function shorter than the jump */
    for (int i = 0; i < nbranches; i++) /* a branch back into what is overwritten cannot be moved */
        if (branches[i] > (uintptr_t)target && branches[i] < (uintptr_t)target + in) goto refuse;
    jump_rel32(tramp + out, tramp + out, target + in);
    /* the stub the entry jumps to: jmp *0(%rip); .quad hook */
    uint8_t *stub = tramp + 48;
    stub[0] = 0xFF;
    stub[1] = 0x25;
    memset(stub + 2, 0, 4);
    memcpy(stub + 6, &hook, 8);
    if (mprotect(tramp, (size_t)page, PROT_READ | PROT_EXEC) != 0) goto refuse;
    uint8_t jump[5];
    jump_rel32(jump, target, stub);
    if (nentries == MAX_ENTRIES) goto refuse;
    memcpy(entries[nentries].was, target, 5);
    if (write_entry(target, jump) != 0) goto refuse;
    entries[nentries++].target = target;
    *original = tramp;
    return 0;
refuse:
    munmap(tramp, (size_t)page);
    return -1;
}

void gs_entry_restore_all(void) {
    /* a thread inside a trampoline now jumps back to bytes that are unchanged; the
     * trampolines themselves stay mapped for it */
    for (int i = nentries - 1; i >= 0; i--) write_entry(entries[i].target, entries[i].was);
    nentries = 0;
}

#else
void gs_entry_restore_all(void) {}

int gs_entry_patchable(void *target) {
    (void)target;
    return 0;
}

int gs_entry_patch(void *target, void *hook, void **original) {
    (void)target;
    (void)hook;
    (void)original;
    return -1;
}
#endif

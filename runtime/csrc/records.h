/* The gilscope record layout: mirrors runtime/FORMAT.md (version 2).
 * The TypeScript reader in src/core/format/ mirrors the same document.
 * Change the three together. */
#ifndef GILSCOPE_RECORDS_H
#define GILSCOPE_RECORDS_H

#include <stdint.h>

#define GS_FORMAT_VERSION 3u
#define GS_HEADER_SIZE 4096u
#define GS_CHUNK_SIZE 4096u
#define GS_SLOT_SIZE 16u /* a long record's slot, a payload slot */
#define GS_UNIT_SIZE 8u  /* records are packed in units (version 3) */
#define GS_CHUNK_HEADER_SLOTS 2u
#define GS_CHUNK_HEADER_UNITS 4u
#define GS_UNITS_PER_CHUNK (GS_CHUNK_SIZE / GS_UNIT_SIZE)
#define GS_CHUNK_MAGIC 0x4B435347u /* "GSCK" */

enum gs_record_type {
    GS_THREAD_START = 1,
    GS_THREAD_END = 2,
    GS_THREAD_NAME = 3,
    GS_GIL_RELEASE = 4,
    GS_GIL_WAIT = 5,
    GS_GIL_ACQUIRE = 6,
    GS_GIL_REGISTER = 7,
    GS_SITE = 8,
    GS_STRING = 9,
    GS_GIL_HANDOFF = 10,
    GS_CLOCK = 11,
    GS_GIL_HOLD_SITE = 12,
    GS_CPU_SAMPLE = 13,
    GS_MACHINE_SAMPLE = 14,
    GS_GIL_QUIET = 15,
    GS_LOCK_NEW = 20,
    GS_LOCK_WAIT = 21,
    GS_LOCK_ACQUIRE = 22,
    GS_LOCK_RELEASE = 23,
    GS_LOCK_WAIT_END = 24,
    GS_LOCK_QUIET = 25,
    GS_STW_WAIT = 30,
    GS_STW_END = 31,
    GS_PHASE = 32,
    GS_GIL_ENABLED = 33,
    GS_SPINS = 34,
    GS_THREAD_AT_ATTACH = 37,
};

/* THREAD_AT_ATTACH flags bits 0-7: the thread's state when recording began */
enum gs_at_attach_state { GS_AT_ATTACH_UNKNOWN = 0, GS_AT_ATTACH_HOLDING = 1, GS_AT_ATTACH_WAITING = 2, GS_AT_ATTACH_RELEASED = 3 };

#define GS_ACQUIRE_NO_WAIT 0x100u
/* LOCK_ACQUIRE, uncontended, without payload: at the site of the thread's last
 * uncontended LOCK_ACQUIRE with one, which was of this lock (FORMAT.md) */
#define GS_LOCK_SAME_SITE 0x4u
#define GS_THREAD_IS_MAIN 0x1u
#define GS_THREAD_IS_OURS 0x2u

/* On GIL_RELEASE and LOCK_ACQUIRE: may still be retracted (FORMAT.md, "Tentative records"). */
#define GS_TENTATIVE 0x8000u
/* With recording flag "full log kept": a record the summaries stand for, or a summary. */
#define GS_SUMMARISED 0x4000u

/* STW_WAIT / STW_END flags: the thread asked for the pause (else it was stopped by it). */
#define GS_STW_REQUESTER 0x1u
/* PHASE flags: the phase ends (else it begins); PHASE arg: what runs. */
#define GS_PHASE_END 0x1u
enum gs_phase { GS_PHASE_GC = 1, GS_PHASE_FORK = 2, GS_PHASE_TRACING = 3, GS_PHASE_GIL_ENABLING = 4 };

/* The header's recording_flags. */
#define GS_REC_ATTACHED 0x1u
#define GS_REC_CAPPED 0x2u
#define GS_REC_SUMMARISED 0x4u
#define GS_REC_FULL_LOG 0x8u
#define GS_REC_DETACH_SEEN 0x10u

enum gs_clock_kind { GS_CLOCK_MONOTONIC = 0, GS_CLOCK_TSC = 1 };
enum gs_gil_mode { GS_MODE_GIL = 1, GS_MODE_NO_GIL = 2, GS_MODE_SAMPLED = 3 };
enum gs_end_kind { GS_END_UNKNOWN = 0, GS_END_EXIT = 1, GS_END_UNDERSCORE_EXIT = 2, GS_END_SIGNAL = 3, GS_END_DETACHED = 4 };
/* end_code of GS_END_DETACHED: who stopped the recording (watch.c) */
enum gs_detach_code { GS_DETACH_STOPPED = 0, GS_DETACH_ASKED = 1, GS_DETACH_LAUNCHER_GONE = 2 };

#define GS_BUILD_DEBUG 0x1u
#define GS_BUILD_FREE_THREADED 0x2u
#define GS_BUILD_SHARED 0x4u
#define GS_BUILD_GIL_DISABLED 0x8u

typedef struct {
    char magic[8];
    uint32_t format_version;
    uint32_t header_size;
    uint32_t chunk_size;
    uint32_t slot_size;
    uint32_t pid;
    uint32_t ppid;
    uint64_t start_mono_ns;
    uint64_t start_ticks;
    uint64_t start_realtime_ns;
    double ticks_per_ns;
    uint32_t clock_kind;
    uint32_t gil_mode;
    uint64_t chunks_allocated; /* atomic */
    uint64_t lost_records;     /* atomic */
    uint32_t end_kind;
    int32_t end_code;
    uint64_t end_mono_ns;
    uint64_t end_ticks;
    uint32_t python_hexversion;
    uint32_t build_flags;
    uint32_t sample_hz;
    uint32_t reserved;
    char python_version[64];
    char python_build[64];
    char executable[256];
    uint32_t reserved_v1_argc;
    uint32_t reserved_v1_argv_bytes;
    char host[64];
    char boot_id[40];
    uint32_t recording_flags; /* atomic: GS_REC_* */
    uint32_t fold_window_ns;
    uint64_t attach_mono_ns;
    uint64_t cap_bytes;
    uint64_t capped_mono_ns;
    uint64_t capped_ticks;
    uint32_t online_cpus;
    uint32_t summary_window_ns;
    char reserved_v2[1024 - 672];
    uint32_t argc;
    uint32_t argv_bytes;
    char argv[GS_HEADER_SIZE - 1032];
} gs_file_header;

typedef struct {
    uint32_t magic;
    uint32_t thread_slot;
    uint64_t ticks;
    uint64_t mono_ns;
    uint32_t sequence;
    uint32_t reserved;
} gs_chunk_header;

typedef struct {
    uint8_t type;
    uint8_t extra;
    uint16_t flags;
    uint32_t arg;
    uint64_t ts;
} gs_slot;

/* Version 3's packing unit: a short record, or half a slot. */
typedef uint64_t gs_unit;

_Static_assert(sizeof(gs_file_header) == GS_HEADER_SIZE, "header page is 4096 bytes");
_Static_assert(__builtin_offsetof(gs_file_header, host) == 520, "FORMAT.md: host at 520");
_Static_assert(__builtin_offsetof(gs_file_header, recording_flags) == 624, "FORMAT.md: recording_flags at 624");
_Static_assert(__builtin_offsetof(gs_file_header, online_cpus) == 664, "FORMAT.md: online_cpus at 664");
_Static_assert(__builtin_offsetof(gs_file_header, argc) == 1024, "FORMAT.md: argc at 1024");
_Static_assert(sizeof(gs_chunk_header) == GS_CHUNK_HEADER_SLOTS * GS_SLOT_SIZE, "chunk header is two slots");
_Static_assert(sizeof(gs_slot) == GS_SLOT_SIZE, "a slot is 16 bytes");

#endif

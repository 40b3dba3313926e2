/**
 * The gilscope recording layout, version 3: records packed in 8-byte units
 * (versions 2 and 1, in 16-byte slots, read too: see `HeaderV1`).
 *
 * Mirrors runtime/FORMAT.md (the document both sides name) and the C writer's
 * runtime/csrc/records.h. Change the three together. Offsets are in bytes;
 * everything is little-endian.
 */

export const FORMAT_MAGIC = 'GILSCOPE';
export const FORMAT_VERSION = 3;
/** Headers of this version and later have the version 2 fields (host, boot id, recording flags…) and argv at 1032. */
export const FIRST_V2_VERSION = 2;
export const HEADER_SIZE = 4096;
export const CHUNK_SIZE = 4096;
export const SLOT_SIZE = 16;
/** The chunk header takes the first two slots of a chunk. */
export const CHUNK_HEADER_SIZE = 32;
export const CHUNK_MAGIC = 0x4b435347; // "GSCK"
export const SLOTS_PER_CHUNK = (CHUNK_SIZE - CHUNK_HEADER_SIZE) / SLOT_SIZE; // 254
/** From this version a chunk's records are packed in 8-byte units: short records of one or two units, long ones as a slot and its payload slots. */
export const FIRST_UNITS_VERSION = 3;
export const UNIT_SIZE = 8;
export const UNITS_PER_CHUNK = (CHUNK_SIZE - CHUNK_HEADER_SIZE) / UNIT_SIZE; // 508
/** The first byte of a short record (version 3): its type is the low six bits; 0x40: a unit of four u16 payload words follows. */
export const SHORT_FORM = 0x80;
export const SHORT_PAYLOAD = 0x40;

/** Byte offsets of the header page's fields. */
export const Header = {
  magic: 0,
  formatVersion: 8,
  headerSize: 12,
  chunkSize: 16,
  slotSize: 20,
  pid: 24,
  ppid: 28,
  startMonoNs: 32,
  startTicks: 40,
  startRealtimeNs: 48,
  ticksPerNs: 56,
  clockKind: 64,
  gilMode: 68,
  chunksAllocated: 72,
  lostRecords: 80,
  endKind: 88,
  endCode: 92,
  endMonoNs: 96,
  endTicks: 104,
  pythonHexversion: 112,
  buildFlags: 116,
  sampleHz: 120,
  pythonVersion: 128,
  pythonBuild: 192,
  executable: 256,
  host: 520,
  bootId: 584,
  recordingFlags: 624,
  foldWindowNs: 628,
  attachMonoNs: 632,
  capBytes: 640,
  cappedMonoNs: 648,
  cappedTicks: 656,
  onlineCpus: 664,
  summaryWindowNs: 668,
  argc: 1024,
  argvBytes: 1028,
  argv: 1032,
} as const;

/** Where version 1 keeps argv: the version 2 fields at 520-1031 do not exist there. */
export const HeaderV1 = {
  argc: 512,
  argvBytes: 516,
  argv: 520,
} as const;

/** Bytes of the header page a live poll re-reads: every field the writer changes while it runs. */
export const LIVE_HEADER_BYTES = 672;

/** Byte offsets inside a chunk header. */
export const Chunk = {
  magic: 0,
  threadSlot: 4,
  ticks: 8,
  monoNs: 16,
  sequence: 24,
} as const;

/** Record types (the slot's first byte). */
export const RecordType = {
  end: 0,
  threadStart: 1,
  threadEnd: 2,
  threadName: 3,
  gilRelease: 4,
  gilWait: 5,
  gilAcquire: 6,
  gilRegister: 7,
  site: 8,
  string: 9,
  gilHandoff: 10,
  clock: 11,
  gilHoldSite: 12,
  cpuSample: 13,
  machineSample: 14,
  gilQuiet: 15,
  lockNew: 20,
  lockWait: 21,
  lockAcquire: 22,
  lockRelease: 23,
  lockWaitEnd: 24,
  lockQuiet: 25,
  stwWait: 30,
  stwEnd: 31,
  phase: 32,
  gilEnabled: 33,
  spins: 34,
  threadAtAttach: 37,
} as const;

/** THREAD_START flags: bit 1 marks gilscope's own sampling thread, which is not the program's. */
export const ThreadFlag = { main: 0x1, gilscope: 0x2 } as const;
/**
 * Flags any record may carry (FORMAT.md, "Tentative records"): a tentative
 * record may still be retracted by its writer; with the full log kept, a
 * record flagged summarised is one a summary also stands for (or, on a
 * summary, that it stands beside the records).
 */
export const RecordFlag = { tentative: 0x8000, summarised: 0x4000 } as const;
/** The header's recording_flags. */
export const RecordingFlag = { attached: 0x1, capped: 0x2, summarised: 0x4, fullLogKept: 0x8, detachSeen: 0x10 } as const;
/** LOCK_QUIET's histogram: upper bounds (ns) of its first 7 buckets; the 8th holds the rest. */
export const QUIET_HOLD_BOUNDS_NS: readonly number[] = [100, 250, 625, 1562, 3906, 9766, 24414];
/** GIL record flags. `toUnknown` (GIL_RELEASE, sampled recordings): the thread's state from then on cannot be known from outside. */
export const GilFlag = { indexMask: 0xff, noWait: 0x100, toUnknown: 0x200 } as const;
/** sameSite (format version 3): an uncontended acquire without payload, at the site of the thread's last uncontended acquire with one, which was of this lock. */
export const LockAcquireFlag = { contended: 0x1, gaveUp: 0x2, sameSite: 0x4 } as const;
export const LockWaitEndFlag = { timedOut: 0x2 } as const;
/**
 * LOCK_NEW kinds the analysis treats apart: only an RLock is re-entered by its
 * holder; an object's own lock (a critical section's, free-threaded builds) is
 * named by its type (LOCK_NEW's name string), a lock inside CPython by address,
 * and neither has its holds recorded, only its waits and who ended them.
 */
export const LockKind = { lock: 1, rlock: 2, object: 11, internal: 12 } as const;

/**
 * GIL index 255 on a free-threaded build without its GIL: GIL_RELEASE is the
 * thread detaching its thread state (I/O, sleep, native code), GIL_ACQUIRE
 * (no wait) attaching again, GIL_QUIET a summary of such pairs
 * (runtime/csrc/attachment.c writes them through the GIL records).
 */
export const ATTACH_GIL_INDEX = 255;
/** STW_WAIT / STW_END flags: the thread asked for the pause and waits for the others to stop. */
export const StwFlag = { requester: 0x1 } as const;
/** PHASE flags: bit 0, the phase ends (else it begins). */
export const PhaseFlag = { end: 0x1 } as const;
/** PHASE arg: what runs. */
export const PhaseKind = { gc: 1, fork: 2, tracing: 3, moduleCreation: 4 } as const;
/** THREAD_AT_ATTACH flags: bits 0-7 the thread's state at the attach, bits 8-15 its GIL index. */
export const AtAttachState = { unknown: 0, holds: 1, waits: 2, without: 3 } as const;

export const ClockKind = { monotonic: 0, tsc: 1 } as const;
export const GilMode = { gil: 1, noGil: 2, sampled: 3 } as const;
export const EndKind = { unknown: 0, exit: 1, underscoreExit: 2, signal: 3, detached: 4 } as const;
/** end_code of EndKind.detached: who stopped the recording (runtime/csrc/watch.c). */
export const DetachCode = { stopped: 0, asked: 1, launcherGone: 2 } as const;
export const BuildFlag = { debug: 0x1, freeThreaded: 0x2, shared: 0x4, gilDisabled: 0x8 } as const;

/** Lock kinds (the LOCK_NEW flags). */
export const LOCK_KIND_NAMES: Readonly<Record<number, string>> = {
  1: 'Lock',
  2: 'RLock',
  3: 'Condition',
  4: 'Semaphore',
  5: 'BoundedSemaphore',
  6: 'Event',
  7: 'Queue',
  8: 'Future',
  9: 'Thread',
  10: 'multiprocessing.Lock',
  // 11: an object's own lock, named by the object's type (`dict`, `list`…); 12: a lock inside CPython
  12: 'internal',
};

/** Wait kinds (the LOCK_WAIT flags). Only kind 0 is lock contention. */
export const WaitKind = {
  acquire: 0,
  conditionWait: 1,
  eventWait: 2,
  queueGet: 3,
  queuePut: 4,
  future: 5,
  threadJoin: 6,
} as const;

export const WAIT_KIND_NAMES: readonly string[] = [
  'acquire',
  'conditionWait',
  'eventWait',
  'queueGet',
  'queuePut',
  'future',
  'threadJoin',
];

import {
  CHUNK_SIZE,
  FIRST_V2_VERSION,
  FORMAT_MAGIC,
  FORMAT_VERSION,
  HEADER_SIZE,
  Header,
  HeaderV1,
  LIVE_HEADER_BYTES,
  RecordingFlag,
  SLOT_SIZE,
  UNIT_SIZE,
  FIRST_UNITS_VERSION,
} from './layout';
import { HINT_CORRUPT, HINT_STILL_WRITTEN, RecordingError } from './recordingError';

/** The header page of one `.gsr` file (runtime/FORMAT.md, "Header page"). */
export interface FileHeader {
  readonly formatVersion: number;
  readonly pid: number;
  readonly ppid: number;
  readonly startMonoNs: bigint;
  readonly startTicks: bigint;
  readonly startRealtimeNs: bigint;
  readonly ticksPerNs: number;
  readonly clockKind: number;
  readonly gilMode: number;
  readonly pythonHexversion: number;
  readonly buildFlags: number;
  readonly sampleHz: number;
  readonly pythonVersion: string;
  readonly pythonBuild: string;
  readonly executable: string;
  readonly argv: readonly string[];
  /** The host's name at start (version 2; '' in version 1). */
  readonly host: string;
  /** The kernel's boot id (version 2; '' in version 1): CLOCK_MONOTONIC times compare only within one boot. */
  readonly bootId: string;
  /** A tentative record may be retracted only within this long of its time (0: none are; version 1: 0). */
  readonly foldWindowNs: number;
  /** CLOCK_MONOTONIC when an attached recording began (recording flag bit 0), else 0n. */
  readonly attachMonoNs: bigint;
  /** The recording's size cap in bytes, 0 for none. */
  readonly capBytes: number;
  /** CPUs online at start (version 2), 0 when unknown. */
  readonly onlineCpus: number;
  /** The longest stretch one summary stands for (version 2), 0 when unknown. */
  readonly summaryWindowNs: number;
  /** Fields the running process still changes; re-read them with `readLiveFields`. */
  live: LiveFields;
}

/** Header fields that change while the process runs. */
export interface LiveFields {
  chunksAllocated: number;
  lostRecords: number;
  endKind: number;
  endCode: number;
  endMonoNs: bigint;
  endTicks: bigint;
  /** RecordingFlag bits (version 2; 0 in version 1): the capped bit is set while the process runs. */
  recordingFlags: number;
  /** When the process stopped recording at the size cap (recording flag bit 1), else 0n. */
  cappedMonoNs: bigint;
  cappedTicks: bigint;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

function cString(bytes: Uint8Array, offset: number, size: number): string {
  const slice = bytes.subarray(offset, offset + size);
  const nul = slice.indexOf(0);
  return utf8.decode(nul < 0 ? slice : slice.subarray(0, nul));
}

function u64AsNumber(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 4294967296;
}

/**
 * Reads the fields the writer updates while it runs. `bytes` holds at least
 * the first 112 bytes, and LIVE_HEADER_BYTES for the version 2 fields (in
 * version 1 those bytes are argv, so they are read only from version 2 on).
 */
export function readLiveFields(bytes: Uint8Array, formatVersion: number): LiveFields {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const v2 = formatVersion >= FIRST_V2_VERSION && bytes.length >= LIVE_HEADER_BYTES;
  return {
    chunksAllocated: u64AsNumber(view, Header.chunksAllocated),
    lostRecords: u64AsNumber(view, Header.lostRecords),
    endKind: view.getUint32(Header.endKind, true),
    endCode: view.getInt32(Header.endCode, true),
    endMonoNs: view.getBigUint64(Header.endMonoNs, true),
    endTicks: view.getBigUint64(Header.endTicks, true),
    recordingFlags: v2 ? view.getUint32(Header.recordingFlags, true) : 0,
    cappedMonoNs: v2 ? view.getBigUint64(Header.cappedMonoNs, true) : 0n,
    cappedTicks: v2 ? view.getBigUint64(Header.cappedTicks, true) : 0n,
  };
}

function checkMagic(bytes: Uint8Array, file: string): void {
  const magic = latin1.decode(bytes.subarray(0, Math.min(8, bytes.length)));
  if (bytes.length < 8 && FORMAT_MAGIC.startsWith(magic) && bytes.length > 0) {
    throw new RecordingError('truncated', file, bytes.length, 'truncated header', HINT_STILL_WRITTEN);
  }
  if (magic !== FORMAT_MAGIC) {
    throw new RecordingError(
      'notRecording',
      file,
      undefined,
      'not a gilscope recording (no GILSCOPE magic)',
      'pass a recording directory made by `gilscope record` or `python -m gilscope.run`',
    );
  }
}

/** argc, argv_bytes and argv: at 1024 from version 2 on, at 512 in version 1. */
function parseArgv(bytes: Uint8Array, view: DataView, formatVersion: number): string[] {
  const at = formatVersion >= FIRST_V2_VERSION ? Header : HeaderV1;
  const argc = view.getUint32(at.argc, true);
  const size = Math.min(view.getUint32(at.argvBytes, true), HEADER_SIZE - at.argv);
  const text = utf8.decode(bytes.subarray(at.argv, at.argv + size));
  const parts = text.split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.slice(0, Math.max(argc, 0));
}

/**
 * Parses and checks a header page. Throws RecordingError for another format,
 * a newer major version, a truncated page or impossible sizes.
 */
export function parseHeader(bytes: Uint8Array, file: string): FileHeader {
  checkMagic(bytes, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 12) {
    const version = view.getUint32(Header.formatVersion, true);
    if (version > FORMAT_VERSION) {
      throw new RecordingError(
        'newerVersion',
        file,
        undefined,
        `recording format version ${version} is newer than this gilscope reads (${FORMAT_VERSION})`,
        'update gilscope',
      );
    }
    if (version === 0) {
      throw new RecordingError('corrupt', file, Header.formatVersion, 'format version 0', HINT_CORRUPT);
    }
  }
  if (bytes.length < HEADER_SIZE) {
    throw new RecordingError('truncated', file, bytes.length, 'truncated header', HINT_STILL_WRITTEN);
  }
  const sizes: [number, number, string][] = [
    [Header.headerSize, HEADER_SIZE, 'header_size'],
    [Header.chunkSize, CHUNK_SIZE, 'chunk_size'],
    [Header.slotSize, view.getUint32(Header.formatVersion, true) >= FIRST_UNITS_VERSION ? UNIT_SIZE : SLOT_SIZE, 'slot_size'],
  ];
  for (const [offset, expected, name] of sizes) {
    const value = view.getUint32(offset, true);
    if (value !== expected) {
      throw new RecordingError('corrupt', file, offset, `${name} is ${value}, expected ${expected}`, HINT_CORRUPT);
    }
  }
  const ticksPerNs = view.getFloat64(Header.ticksPerNs, true);
  if (!Number.isFinite(ticksPerNs) || ticksPerNs <= 0 || ticksPerNs > 1e6) {
    throw new RecordingError('corrupt', file, Header.ticksPerNs, `impossible ticks_per_ns ${ticksPerNs}`, HINT_CORRUPT);
  }
  const formatVersion = view.getUint32(Header.formatVersion, true);
  const v2 = formatVersion >= FIRST_V2_VERSION;
  return {
    formatVersion,
    pid: view.getUint32(Header.pid, true),
    ppid: view.getUint32(Header.ppid, true),
    startMonoNs: view.getBigUint64(Header.startMonoNs, true),
    startTicks: view.getBigUint64(Header.startTicks, true),
    startRealtimeNs: view.getBigUint64(Header.startRealtimeNs, true),
    ticksPerNs,
    clockKind: view.getUint32(Header.clockKind, true),
    gilMode: view.getUint32(Header.gilMode, true),
    pythonHexversion: view.getUint32(Header.pythonHexversion, true),
    buildFlags: view.getUint32(Header.buildFlags, true),
    sampleHz: view.getUint32(Header.sampleHz, true),
    pythonVersion: cString(bytes, Header.pythonVersion, 64),
    pythonBuild: cString(bytes, Header.pythonBuild, 64),
    executable: cString(bytes, Header.executable, 256),
    argv: parseArgv(bytes, view, formatVersion),
    host: v2 ? cString(bytes, Header.host, 64) : '',
    bootId: v2 ? cString(bytes, Header.bootId, 40).trim() : '',
    foldWindowNs: v2 ? view.getUint32(Header.foldWindowNs, true) : 0,
    attachMonoNs: v2 ? view.getBigUint64(Header.attachMonoNs, true) : 0n,
    capBytes: v2 ? u64AsNumber(view, Header.capBytes) : 0,
    onlineCpus: v2 ? view.getUint32(Header.onlineCpus, true) : 0,
    summaryWindowNs: v2 ? view.getUint32(Header.summaryWindowNs, true) : 0,
    live: readLiveFields(bytes, formatVersion),
  };
}

/** Where the process stopped recording at the size cap, in ticks relative to start_ticks; null when it did not. */
export function cappedTicks(h: FileHeader): number | null {
  const live = h.live;
  if ((live.recordingFlags & RecordingFlag.capped) === 0 || live.cappedTicks <= h.startTicks) return null;
  return Number(live.cappedTicks - h.startTicks);
}

import {
  CHUNK_SIZE,
  FORMAT_MAGIC,
  FORMAT_VERSION,
  HEADER_SIZE,
  Header,
  SLOT_SIZE,
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

/** Reads the fields the writer updates while it runs. `bytes` holds at least the first 112 bytes. */
export function readLiveFields(bytes: Uint8Array): LiveFields {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    chunksAllocated: u64AsNumber(view, Header.chunksAllocated),
    lostRecords: u64AsNumber(view, Header.lostRecords),
    endKind: view.getUint32(Header.endKind, true),
    endCode: view.getInt32(Header.endCode, true),
    endMonoNs: view.getBigUint64(Header.endMonoNs, true),
    endTicks: view.getBigUint64(Header.endTicks, true),
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

function parseArgv(bytes: Uint8Array, argc: number, argvBytes: number): string[] {
  const size = Math.min(argvBytes, HEADER_SIZE - Header.argv);
  const text = utf8.decode(bytes.subarray(Header.argv, Header.argv + size));
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
    [Header.slotSize, SLOT_SIZE, 'slot_size'],
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
  return {
    formatVersion: view.getUint32(Header.formatVersion, true),
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
    argv: parseArgv(bytes, view.getUint32(Header.argc, true), view.getUint32(Header.argvBytes, true)),
    live: readLiveFields(bytes),
  };
}

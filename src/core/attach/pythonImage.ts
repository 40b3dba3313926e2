import { closeSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';

import { readMappedFiles } from './procFiles';

/**
 * Which CPython a running process is, read from outside without running anything:
 * as `sys.remote_exec` finds it (Python/remote_debug.h), the first mapped file whose
 * name holds "python" that has a `.PyRuntime` section; from 3.13 `_PyRuntime` begins
 * with `_Py_DebugOffsets` (cookie "xdebugpy", PY_VERSION_HEX, free_threaded), read
 * from /proc/PID/mem. Older versions say theirs only in the file's name
 * (libpython3.11.so.1.0, python3.12).
 */
export interface PythonImage {
  /** The mapped file: the executable or libpython. */
  readonly path: string;
  readonly major: number;
  readonly minor: number;
  /** Known from the debug offsets (3.13+), else null. */
  readonly micro: number | null;
  /** Built with --disable-gil; null when not known (before 3.13). */
  readonly freeThreaded: boolean | null;
  /** `3.14.0`, or `3.11` when only the name told. */
  readonly versionText: string;
}

/** What could not be read: the mapped file's ELF headers, or the process's memory (ptrace rights). */
export class ImageReadError extends Error {
  constructor(message: string, override readonly cause: unknown, readonly memory: boolean) {
    super(message);
  }
}

const COOKIE = 'xdebugpy';

/** The version in a file name: python3.14, python3.13t, libpython3.12d.so.1.0. */
function versionInName(path: string): { major: number; minor: number; freeThreaded: boolean } | undefined {
  const m = /^(?:lib)?python(\d+)\.(\d+)(t?)/.exec(basename(path));
  return m ? { major: Number(m[1]), minor: Number(m[2]), freeThreaded: m[3] === 't' } : undefined;
}

function readAt(fd: number, length: number, position: number): Buffer {
  const out = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, out, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return out.subarray(0, got);
}

/** The run-time address of `.PyRuntime` in a file mapped at `start`, or undefined when it has none (ELF64 little-endian). */
export function pyRuntimeAddress(file: string, start: number): number | undefined {
  const fd = openSync(file, 'r');
  try {
    const eh = readAt(fd, 64, 0);
    if (eh.length < 64 || eh.toString('latin1', 0, 4) !== '\x7fELF' || eh[4] !== 2 || eh[5] !== 1) return undefined;
    const phoff = Number(eh.readBigUInt64LE(0x20));
    const shoff = Number(eh.readBigUInt64LE(0x28));
    const phentsize = eh.readUInt16LE(0x36);
    const phnum = eh.readUInt16LE(0x38);
    const shentsize = eh.readUInt16LE(0x3a);
    const shnum = eh.readUInt16LE(0x3c);
    const shstrndx = eh.readUInt16LE(0x3e);
    if (shstrndx >= shnum || shentsize < 64 || phentsize < 56) return undefined;
    const sections = readAt(fd, shnum * shentsize, shoff);
    const strtabHeader = shstrndx * shentsize;
    const names = readAt(fd, Number(sections.readBigUInt64LE(strtabHeader + 32)), Number(sections.readBigUInt64LE(strtabHeader + 24)));
    let sectionAddress: number | undefined;
    for (let i = 0; i < shnum; i++) {
      const nameAt = sections.readUInt32LE(i * shentsize);
      const end = names.indexOf(0, nameAt);
      if (names.toString('latin1', nameAt, end < 0 ? undefined : end) === '.PyRuntime') {
        sectionAddress = Number(sections.readBigUInt64LE(i * shentsize + 16));
        break;
      }
    }
    if (sectionAddress === undefined) return undefined;
    const programs = readAt(fd, phnum * phentsize, phoff);
    for (let i = 0; i < phnum; i++) {
      if (programs.readUInt32LE(i * phentsize) !== 1) continue; // the first PT_LOAD
      const vaddr = Number(programs.readBigUInt64LE(i * phentsize + 16));
      const align = Number(programs.readBigUInt64LE(i * phentsize + 48)) || 1;
      return start + sectionAddress - (vaddr - (vaddr % align));
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** PY_VERSION_HEX and free_threaded from `_Py_DebugOffsets` at `address` in the process, or undefined before 3.13 (no cookie). */
function debugOffsets(pid: number, address: number): { hex: number; freeThreaded: boolean } | undefined {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/mem`, 'r');
  } catch (error) {
    throw new ImageReadError(`its memory cannot be read`, error, true);
  }
  try {
    let head: Buffer;
    try {
      head = readAt(fd, 24, address);
    } catch (error) {
      throw new ImageReadError(`its memory cannot be read`, error, true);
    }
    if (head.length < 24 || head.toString('latin1', 0, 8) !== COOKIE) return undefined;
    return { hex: Number(head.readBigUInt64LE(8)), freeThreaded: head.readBigUInt64LE(16) !== 0n };
  } finally {
    closeSync(fd);
  }
}

/**
 * The CPython in process `pid`, or undefined when none is mapped in it. Throws
 * the fs error of /proc/PID/maps (gone, another user's), or an ImageReadError.
 */
export function findPythonImage(pid: number): PythonImage | undefined {
  const candidates = readMappedFiles(pid).filter((f) => basename(f.path).includes('python'));
  let named: PythonImage | undefined;
  for (const { path, start } of candidates) {
    const file = path.replace(/ \(deleted\)$/, '');
    let address: number | undefined;
    for (const where of [file, `/proc/${pid}/root${file}`]) {
      try {
        address = pyRuntimeAddress(where, start);
        break;
      } catch {
        // not reachable from here (another mount namespace): try through the process's root
      }
    }
    const fromName = versionInName(file);
    if (address !== undefined) {
      const offsets = debugOffsets(pid, address);
      if (offsets) {
        const major = (offsets.hex >>> 24) & 0xff;
        const minor = (offsets.hex >>> 16) & 0xff;
        const micro = (offsets.hex >>> 8) & 0xff;
        return { path: file, major, minor, micro, freeThreaded: offsets.freeThreaded, versionText: `${major}.${minor}.${micro}` };
      }
    }
    if (fromName && (address !== undefined || !named)) {
      named = { path: file, ...fromName, micro: null, freeThreaded: fromName.freeThreaded || null, versionText: `${fromName.major}.${fromName.minor}` };
      if (address !== undefined) return named;
    }
  }
  return named;
}

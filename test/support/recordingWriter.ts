/**
 * A test-only writer of the gilscope recording format (runtime/FORMAT.md),
 * byte by byte, so decoder and analysis tests do not need the C runtime.
 * Times are given in ns from the probe's start; with clockKind 1 they are
 * stored as ticks (startTicks + ns × ticksPerNs).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { CHUNK_MAGIC, CHUNK_SIZE, HEADER_SIZE, Header, HeaderV1, RecordFlag, RecordType } from '../../src/core/format/layout';

export interface WriterOptions {
  pid?: number;
  ppid?: number;
  startMonoNs?: bigint;
  startTicks?: bigint;
  startRealtimeNs?: bigint;
  ticksPerNs?: number;
  clockKind?: number;
  gilMode?: number;
  buildFlags?: number;
  pythonVersion?: string;
  pythonBuild?: string;
  executable?: string;
  argv?: string[];
  formatVersion?: number;
  /** Version 2 header fields (written only when formatVersion is 2 or more). */
  host?: string;
  bootId?: string;
  /** RecordingFlag bits; `capped` is set by `cap()`. */
  recordingFlags?: number;
  foldWindowNs?: number;
  /** ns from the start when an attached recording began (sets attach_mono_ns). */
  attachNs?: number;
  capBytes?: number;
  onlineCpus?: number;
  summaryWindowNs?: number;
  /** Where finished chunks go; default: kept in memory for `bytes()`. */
  output?: ChunkOutput;
}

export interface ChunkOutput {
  write(index: number, chunk: Uint8Array): void;
  header(page: Uint8Array): void;
}

/** Keeps chunks in memory. */
export class MemoryOutput implements ChunkOutput {
  readonly chunks: Uint8Array[] = [];
  page = new Uint8Array(HEADER_SIZE);
  write(index: number, chunk: Uint8Array): void {
    this.chunks[index] = chunk.slice();
  }
  header(page: Uint8Array): void {
    this.page = page.slice();
  }
}

/** Writes chunks at their offsets in a file, for recordings too big for memory. */
export class FileOutput implements ChunkOutput {
  private readonly fd: number;
  constructor(path: string) {
    this.fd = openSync(path, 'w', 0o600);
  }
  write(index: number, chunk: Uint8Array): void {
    writeSync(this.fd, chunk, 0, CHUNK_SIZE, HEADER_SIZE + index * CHUNK_SIZE);
  }
  header(page: Uint8Array): void {
    writeSync(this.fd, page, 0, HEADER_SIZE, 0);
  }
  close(): void {
    closeSync(this.fd);
  }
}

const enc = new TextEncoder();

export class RecordingWriter {
  readonly o: Required<Omit<WriterOptions, 'output' | 'attachNs'>> & { attachNs?: number };
  readonly output: ChunkOutput;
  readonly baseLo: number;
  readonly baseHi: number;
  private chunkCount = 0;
  private readonly threads = new Map<number, ThreadWriter>();
  endKind = 0;
  endCode = 0;
  endNs: number | undefined;
  lostRecords = 0;
  /** Chunks reserved but never written (header magic 0). */
  reservedEmpty = 0;
  /** ns from the start when the process stopped recording at the size cap (`cap`). */
  cappedNs: number | undefined;

  constructor(options: WriterOptions = {}) {
    this.o = {
      pid: 1234,
      ppid: 1,
      startMonoNs: 1_000_000_000_000n,
      startTicks: 5_000_000_000_000n,
      startRealtimeNs: 1_700_000_000_000_000_000n,
      ticksPerNs: 1,
      clockKind: 0,
      gilMode: 1,
      buildFlags: 0,
      pythonVersion: '3.11.7',
      pythonBuild: 'cpython-311-x86_64-linux-gnu',
      executable: '/usr/bin/python3',
      argv: ['python3', 'work.py'],
      formatVersion: 1,
      host: 'testhost',
      bootId: '',
      recordingFlags: 0,
      foldWindowNs: 0,
      capBytes: 0,
      onlineCpus: 0,
      summaryWindowNs: 0,
      ...options,
    };
    if (this.o.clockKind === 0) this.o = { ...this.o, startTicks: this.o.startMonoNs, ticksPerNs: 1 };
    this.output = options.output ?? new MemoryOutput();
    this.baseLo = Number(this.o.startTicks & 0xffffffffn);
    this.baseHi = Number(this.o.startTicks >> 32n);
  }


  ticks(ns: number): bigint {
    return this.o.startTicks + BigInt(Math.round(ns * this.o.ticksPerNs));
  }

  thread(slot: number): ThreadWriter {
    let t = this.threads.get(slot);
    if (!t) {
      t = new ThreadWriter(this, slot);
      this.threads.set(slot, t);
    }
    return t;
  }

  /** Reserves a chunk index (the atomic add of the C writer). */
  reserve(): number {
    return this.chunkCount++;
  }

  end(kind: number, code: number, ns: number): this {
    this.endKind = kind;
    this.endCode = code;
    this.endNs = ns;
    return this;
  }

  /** The process stops recording at the size cap at `ns` (recording flag bit 1). */
  cap(ns: number): this {
    this.cappedNs = ns;
    return this;
  }

  /** Flushes every thread's open chunk and the header. */
  finish(): void {
    for (const t of this.threads.values()) t.flush();
    this.output.header(this.headerPage());
  }

  headerPage(): Uint8Array {
    const page = new Uint8Array(HEADER_SIZE);
    const v = new DataView(page.buffer);
    page.set(enc.encode('GILSCOPE'), 0);
    v.setUint32(Header.formatVersion, this.o.formatVersion, true);
    v.setUint32(Header.headerSize, HEADER_SIZE, true);
    v.setUint32(Header.chunkSize, CHUNK_SIZE, true);
    v.setUint32(Header.slotSize, (this.o.formatVersion ?? 1) >= 3 ? 8 : 16, true);
    v.setUint32(Header.pid, this.o.pid, true);
    v.setUint32(Header.ppid, this.o.ppid, true);
    v.setBigUint64(Header.startMonoNs, this.o.startMonoNs, true);
    v.setBigUint64(Header.startTicks, this.o.startTicks, true);
    v.setBigUint64(Header.startRealtimeNs, this.o.startRealtimeNs, true);
    v.setFloat64(Header.ticksPerNs, this.o.ticksPerNs, true);
    v.setUint32(Header.clockKind, this.o.clockKind, true);
    v.setUint32(Header.gilMode, this.o.gilMode, true);
    v.setBigUint64(Header.chunksAllocated, BigInt(this.chunkCount + this.reservedEmpty), true);
    v.setBigUint64(Header.lostRecords, BigInt(this.lostRecords), true);
    v.setUint32(Header.endKind, this.endKind, true);
    v.setInt32(Header.endCode, this.endCode, true);
    if (this.endNs !== undefined) {
      v.setBigUint64(Header.endMonoNs, this.o.startMonoNs + BigInt(Math.round(this.endNs)), true);
      v.setBigUint64(Header.endTicks, this.ticks(this.endNs), true);
    }
    v.setUint32(Header.pythonHexversion, 0x030b07f0, true);
    v.setUint32(Header.buildFlags, this.o.buildFlags, true);
    page.set(enc.encode(this.o.pythonVersion), Header.pythonVersion);
    page.set(enc.encode(this.o.pythonBuild), Header.pythonBuild);
    page.set(enc.encode(this.o.executable), Header.executable);
    const argv = enc.encode(this.o.argv.map((a) => `${a}\0`).join(''));
    const at = this.o.formatVersion >= 2 ? Header : HeaderV1;
    v.setUint32(at.argc, this.o.argv.length, true);
    v.setUint32(at.argvBytes, argv.length, true);
    page.set(argv, at.argv);
    if (this.o.formatVersion >= 2) {
      const o = this.o;
      page.set(enc.encode(o.host), Header.host);
      page.set(enc.encode(o.bootId), Header.bootId);
      v.setUint32(Header.recordingFlags, o.recordingFlags | (o.attachNs !== undefined ? 1 : 0) | (this.cappedNs !== undefined ? 2 : 0), true);
      v.setUint32(Header.foldWindowNs, o.foldWindowNs, true);
      if (o.attachNs !== undefined) v.setBigUint64(Header.attachMonoNs, o.startMonoNs + BigInt(Math.round(o.attachNs)), true);
      v.setBigUint64(Header.capBytes, BigInt(o.capBytes), true);
      if (this.cappedNs !== undefined) {
        v.setBigUint64(Header.cappedMonoNs, o.startMonoNs + BigInt(Math.round(this.cappedNs)), true);
        v.setBigUint64(Header.cappedTicks, this.ticks(this.cappedNs), true);
      }
      v.setUint32(Header.onlineCpus, o.onlineCpus, true);
      v.setUint32(Header.summaryWindowNs, o.summaryWindowNs, true);
    }
    return page;
  }

  /** The whole file (memory output only), after `finish`. */
  bytes(): Uint8Array {
    this.finish();
    const out = this.output as MemoryOutput;
    const total = this.chunkCount + this.reservedEmpty;
    const file = new Uint8Array(HEADER_SIZE + total * CHUNK_SIZE);
    file.set(out.page, 0);
    out.chunks.forEach((c, i) => c && file.set(c, HEADER_SIZE + i * CHUNK_SIZE));
    return file;
  }

  get fileName(): string {
    return `p${this.o.pid}-${this.o.startRealtimeNs}.gsr`;
  }
}

/** Records of one thread, into its own chunks, as the probe writes them. */
export class ThreadWriter {
  private chunk = new Uint8Array(CHUNK_SIZE);
  private view = new DataView(this.chunk.buffer);
  private index = -1;
  private slot = 0;
  private sequence = 0;
  /** The latest time stamped on a record of this thread (ns). */
  lastNs = -Infinity;
  /** Byte offsets in the chunk of the records written, for `retract`. */
  private readonly offsets: number[] = [];
  /** Version 3: the ticks a short record's delta counts from (FORMAT.md, "Record forms"). */
  private base = 0n;

  /** Version 3 packs records in 8-byte units; earlier versions in 16-byte slots. */
  private get units(): boolean {
    return (this.w.o.formatVersion ?? 1) >= 3;
  }

  constructor(private readonly w: RecordingWriter, readonly threadSlot: number) {}

  flush(): void {
    if (this.index >= 0) this.w.output.write(this.index, this.chunk);
  }

  private open(ns: number): void {
    this.flush();
    this.chunk.fill(0);
    this.index = this.w.reserve();
    this.slot = 0;
    this.offsets.length = 0;
    const v = this.view;
    v.setUint32(0, CHUNK_MAGIC, true);
    v.setUint32(4, this.threadSlot, true);
    v.setBigUint64(8, this.w.ticks(ns), true);
    v.setBigUint64(16, this.w.o.startMonoNs + BigInt(Math.round(ns)), true);
    v.setUint32(24, this.sequence++, true);
    this.base = this.w.ticks(ns);
  }

  /** Room for a long record (a slot and `extra` payload slots): its byte offset. */
  private reserveSlots(extra: number, ns: number): number {
    return this.reserveBytes(16 * (1 + extra), ns);
  }

  private reserveBytes(bytes: number, ns: number): number {
    const step = this.units ? 8 : 16;
    if (this.index < 0 || 32 + this.slot * step + bytes > CHUNK_SIZE) this.open(ns);
    const off = 32 + this.slot * step;
    this.slot += bytes / step;
    this.offsets.push(off);
    return off;
  }

  /**
   * Version 3: writes the record in the short form when it fits, as the C
   * writer does; true when it did. A record that is not tentative (nor a
   * STRING) becomes the base.
   */
  private short(type: number, flags: number, arg: number, ns: number, words: readonly number[] | null): boolean {
    if (!this.units) return false;
    const ticks = this.w.ticks(ns);
    const fitsNow = (): boolean => (flags & 0x3cf0) === 0 && arg <= 0xffff && type < 64 && type !== RecordType.string &&
      ticks >= this.base && ticks - this.base <= 0xffffffffn && (words === null || words.every((x) => x <= 0xffff));
    // As the C writer: room for the form it would take, else a new chunk (a new base) and the form again.
    let fits = this.index >= 0 && fitsNow();
    if (this.index < 0 || 32 + this.slot * 8 + (fits ? (words ? 16 : 8) : words ? 32 : 16) > CHUNK_SIZE) {
      this.open(ns);
      fits = fitsNow();
    }
    if (!fits) return false;
    const off = this.reserveBytes(words ? 16 : 8, ns);
    const v = this.view;
    const compact = (flags & 0xf) | ((flags >> 4) & 0x30) | ((flags >> 9) & 0x40) | ((flags >> 7) & 0x80);
    v.setUint8(off + 1, compact);
    v.setUint16(off + 2, arg, true);
    v.setUint32(off + 4, Number(ticks - this.base), true);
    if (words) words.forEach((x, i) => v.setUint16(off + 8 + 2 * i, x, true));
    v.setUint8(off, type | 0x80 | (words ? 0x40 : 0)); // published last
    if ((flags & RecordFlag.tentative) === 0) this.base = ticks;
    return true;
  }

  /**
   * Retracts the last record as the C writer does (FORMAT.md, "Tentative
   * records"): its first word becomes 0 and the next record is written in its
   * slot. Its other words and payload stay until then.
   */
  retract(): this {
    const off = this.offsets.pop();
    if (off === undefined) throw new Error('nothing to retract in this chunk');
    this.view.setUint32(off, 0, true);
    if (this.units) {
      // version 3: the C writer zeroes the record whole (a retracted record is always tentative: the base stays)
      this.chunk.fill(0, off, 32 + this.slot * 8);
      this.slot = (off - 32) / 8;
    } else this.slot = (off - 32) / 16;
    return this;
  }

  /** The slot (version 3: the unit) the next record goes to in the thread's chunk, and the chunk's index. */
  get position(): { chunk: number; slot: number } {
    return { chunk: this.index, slot: this.slot };
  }

  /** Writes one record of 1 + extra slots; `payload` fills the extra slots. */
  raw(type: number, flags: number, arg: number, tsOrSize: bigint, payload?: Uint8Array, ns = 0): this {
    const extra = payload ? Math.ceil(payload.length / 16) : 0;
    const off = this.reserveSlots(extra, ns);
    const v = this.view;
    v.setUint8(off + 1, extra);
    v.setUint16(off + 2, flags, true);
    v.setUint32(off + 4, arg >>> 0, true);
    v.setBigUint64(off + 8, tsOrSize, true);
    if (payload) this.chunk.set(payload, off + 16);
    v.setUint8(off, type); // published last
    if (type !== RecordType.string && (flags & RecordFlag.tentative) === 0) this.base = tsOrSize;
    return this;
  }

  /** A record stamped `ns`, with an optional one-slot payload of four u32 words (no allocation). */
  rec(type: number, flags: number, arg: number, ns: number, w0?: number, w1 = 0, w2 = 0, w3 = 0): this {
    if (ns > this.lastNs) this.lastNs = ns;
    if (this.short(type, flags, arg, ns, w0 === undefined ? null : [w0 >>> 0, w1 >>> 0, w2 >>> 0, w3 >>> 0])) return this;
    const extra = w0 === undefined ? 0 : 1;
    const off = this.reserveSlots(extra, ns);
    const v = this.view;
    v.setUint8(off + 1, extra);
    v.setUint16(off + 2, flags, true);
    v.setUint32(off + 4, arg >>> 0, true);
    const rel = Math.round(ns * this.w.o.ticksPerNs);
    let lo = this.w.baseLo + (rel % 4294967296);
    let hi = this.w.baseHi + Math.floor(rel / 4294967296);
    if (lo >= 4294967296) {
      lo -= 4294967296;
      hi += 1;
    }
    v.setUint32(off + 8, lo, true);
    v.setUint32(off + 12, hi, true);
    if (w0 !== undefined) {
      v.setUint32(off + 16, w0 >>> 0, true);
      v.setUint32(off + 20, w1 >>> 0, true);
      v.setUint32(off + 24, w2 >>> 0, true);
      v.setUint32(off + 28, w3 >>> 0, true);
    }
    v.setUint8(off, type); // published last
    if ((flags & RecordFlag.tentative) === 0) this.base = this.w.ticks(ns);
    return this;
  }

  start(ns: number, tid: number, main = false, gilscope = false): this {
    return this.rec(RecordType.threadStart, (main ? 1 : 0) | (gilscope ? 2 : 0), tid, ns);
  }
  end(ns: number): this {
    return this.rec(RecordType.threadEnd, 0, 0, ns);
  }
  name(ns: number, stringId: number): this {
    return this.rec(RecordType.threadName, 0, stringId, ns);
  }
  gilRelease(ns: number, gil = 0, flags = 0): this {
    return this.rec(RecordType.gilRelease, gil | flags, 0, ns);
  }
  /** A GIL_RELEASE the writer may still retract (flag 0x8000). */
  tentativeRelease(ns: number, gil = 0): this {
    return this.gilRelease(ns, gil, RecordFlag.tentative);
  }
  gilWait(ns: number, gil = 0): this {
    return this.rec(RecordType.gilWait, gil, 0, ns);
  }
  gilHandoff(ns: number, gil = 0): this {
    return this.rec(RecordType.gilHandoff, gil, 0, ns);
  }
  gilAcquire(ns: number, site: number, noWait = false, gil = 0): this {
    return this.rec(RecordType.gilAcquire, gil | (noWait ? 0x100 : 0), site, ns);
  }
  gilRegister(ns: number, gil: number, interpreter: number): this {
    return this.rec(RecordType.gilRegister, gil, interpreter, ns, 0x1000, 0, 0, 0);
  }
  string(id: number, text: string): this {
    const bytes = enc.encode(text);
    const payload = new Uint8Array(Math.max(16, Math.ceil(bytes.length / 16) * 16));
    payload.set(bytes);
    return this.raw(RecordType.string, 0, id, BigInt(bytes.length), payload);
  }
  site(ns: number, id: number, fileId: number, functionId: number, line: number, firstLine = line): this {
    return this.rec(RecordType.site, 0, id, ns, fileId, functionId, line, firstLine);
  }
  clock(ns: number): this {
    const payload = new Uint8Array(16);
    const pv = new DataView(payload.buffer);
    pv.setBigUint64(0, this.w.o.startMonoNs + BigInt(Math.round(ns)), true);
    return this.raw(RecordType.clock, 0, 0, this.w.ticks(ns), payload, ns);
  }
  lockNew(ns: number, id: number, kind: number, site: number, nameId = 0): this {
    return this.rec(RecordType.lockNew, kind, id, ns, site, nameId, 0xdead, 0);
  }
  lockWait(ns: number, id: number, waitKind: number, site: number, holderSlot = 0, holderSite = 0): this {
    return this.rec(RecordType.lockWait, waitKind, id, ns, site, holderSlot, holderSite, 0);
  }
  lockAcquire(ns: number, id: number, site: number, flags = 0): this {
    return this.rec(RecordType.lockAcquire, flags, id, ns, site, 0, 0, 0);
  }
  lockRelease(ns: number, id: number, flags = 0): this {
    return this.rec(RecordType.lockRelease, flags, id, ns);
  }
  /**
   * GIL_QUIET of one payload slot (as the runtime writes it since December 2026), stamped `ns`, the last re-take:
   * `count` release + re-take pairs over `spanNs`, released `releasedNs` in all.
   */
  gilQuiet(ns: number, site: number, count: number, releasedNs: number, spanNs: number, longestNs: number, gil = 0, flags = 0): this {
    const k = this.w.o.ticksPerNs;
    return this.rec(RecordType.gilQuiet, gil | flags, site, ns, count, Math.round(releasedNs * k), Math.round(spanNs * k), Math.round(longestNs * k));
  }
  /** u64 ticks of `ns` at `at` in a payload. */
  private ticksAt(pv: DataView, at: number, ns: number): void {
    pv.setBigUint64(at, this.w.ticks(ns), true);
  }

  /**
   * GIL_QUIET of two payload slots (as the runtime wrote it before), stamped `ns` (when written, at or after
   * its span): `count` release + re-take pairs from `startNs` (the first release) to `endNs` (the last re-take).
   */
  gilQuietSpan(ns: number, site: number, count: number, releasedNs: number, startNs: number, endNs: number, longestNs: number, gil = 0, flags = 0): this {
    const k = this.w.o.ticksPerNs;
    const payload = new Uint8Array(32);
    const pv = new DataView(payload.buffer);
    [count, Math.round(releasedNs * k), Math.round(longestNs * k), 0].forEach((x, i) => pv.setUint32(i * 4, x >>> 0, true));
    this.ticksAt(pv, 16, startNs);
    this.ticksAt(pv, 24, endNs);
    if (ns > this.lastNs) this.lastNs = ns;
    return this.raw(RecordType.gilQuiet, gil | flags, site, this.w.ticks(ns), payload, ns);
  }

  /**
   * LOCK_QUIET in the runtime writer's layout (four payload slots), stamped `ns`: `count` uncontended holds
   * from `startNs` (the first acquire) to `endNs` (the last release), held `heldNs` in all; `buckets` the
   * histogram's 8 counts.
   */
  lockQuietSpan(ns: number, id: number, count: number, heldNs: number, startNs: number, endNs: number, longestNs: number, acquiringSite: number, releasingSite: number, buckets: readonly number[], flags = 0): this {
    const k = this.w.o.ticksPerNs;
    const payload = new Uint8Array(64);
    const pv = new DataView(payload.buffer);
    [count, Math.round(heldNs * k), Math.round(longestNs * k), 0].forEach((x, i) => pv.setUint32(i * 4, x >>> 0, true));
    this.ticksAt(pv, 16, startNs);
    this.ticksAt(pv, 24, endNs);
    pv.setUint32(32, acquiringSite, true);
    pv.setUint32(36, releasingSite, true);
    buckets.forEach((n, i) => pv.setUint16(48 + i * 2, n, true));
    if (ns > this.lastNs) this.lastNs = ns;
    return this.raw(RecordType.lockQuiet, flags, id, this.w.ticks(ns), payload, ns);
  }

  /**
   * LOCK_QUIET in the format's first draft's layout (three payload slots), stamped `ns` (the last release):
   * `count` uncontended holds over `spanNs`, held `heldNs` in all; `buckets` the 8 counts of the histogram.
   */
  lockQuiet(ns: number, id: number, count: number, heldNs: number, spanNs: number, longestNs: number, acquiringSite: number, releasingSite: number, buckets: readonly number[], flags = 0): this {
    const k = this.w.o.ticksPerNs;
    const payload = new Uint8Array(48);
    const pv = new DataView(payload.buffer);
    [count, Math.round(heldNs * k), Math.round(spanNs * k), Math.round(longestNs * k), acquiringSite, releasingSite, 0, 0].forEach((x, i) => pv.setUint32(i * 4, x >>> 0, true));
    buckets.forEach((n, i) => pv.setUint16(32 + i * 2, n, true));
    return this.raw(RecordType.lockQuiet, flags, id, this.w.ticks(ns), payload, ns);
  }
  /** CPU_SAMPLE (written by gilscope's own thread) of thread `slot`: cumulative run-queue delay and CPU time. */
  cpuSample(ns: number, slot: number, runQueueNs: number, cpuNs: number): this {
    return this.rec(RecordType.cpuSample, 0, slot, ns, runQueueNs % 4294967296, Math.floor(runQueueNs / 4294967296), cpuNs % 4294967296, Math.floor(cpuNs / 4294967296));
  }
  /** MACHINE_SAMPLE: CPUs online, all CPUs' cumulative busy time and this process's CPU time. */
  machineSample(ns: number, onlineCpus: number, busyNs: number, processNs: number): this {
    return this.rec(RecordType.machineSample, 0, onlineCpus, ns, busyNs % 4294967296, Math.floor(busyNs / 4294967296), processNs % 4294967296, Math.floor(processNs / 4294967296));
  }
  lockWaitEnd(ns: number, id: number, flags = 0): this {
    return this.rec(RecordType.lockWaitEnd, flags, id, ns);
  }
}

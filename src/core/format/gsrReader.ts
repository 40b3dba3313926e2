import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { ChunkWalker, NOT_WRITTEN, TAKE_ALL } from './chunkWalker';
import type { SummarisedFilter, WalkLimits } from './chunkWalker';
import { ClockFit } from './clockFit';
import { Definitions } from './definitions';
import { parseHeader, readLiveFields } from './header';
import type { FileHeader } from './header';
import { CHUNK_SIZE, ClockKind, EndKind, FIRST_UNITS_VERSION, HEADER_SIZE, LIVE_HEADER_BYTES, RecordingFlag } from './layout';
import { HINT_STILL_WRITTEN, RecordingError } from './recordingError';
import type { RecordSink } from './recordSink';
import { holdTentativeFrom, mayRetract } from './tentativeHold';

/** Chunks read per block: 128 KiB, within a core's L2 cache, so the walk reads what was just copied; memory stays flat whatever the file's size. Reads above 128 KiB took three times as long. */
const BLOCK_CHUNKS = 32;

/** What one `poll` found. */
export interface PollResult {
  /** Chunks walked for the first time. */
  readonly newChunks: number;
  /** Chunks the header counts but the file does not hold yet (a running writer). */
  readonly missingChunks: number;
  /** The writer said how the process ended, and every chunk it wrote has been read. */
  readonly ended: boolean;
  /** Every chunk the file holds has been read (false when `maxChunks` cut this call short). */
  readonly caughtUp: boolean;
}

/** How a file is read. */
export interface ReaderOptions {
  /**
   * A file with the full log kept (recording flag bit 3) holds both the
   * records that summaries stand for and the summaries: `use` reads the
   * summaries, `ignore` the full log. Other files are read whole. Default `use`.
   */
  readonly summaries?: 'use' | 'ignore';
}

const TOLERANT: WalkLimits = { holdTentativeFrom: Infinity, tolerant: true };

function summarisedFilter(h: FileHeader, o: ReaderOptions): SummarisedFilter {
  if ((h.live.recordingFlags & RecordingFlag.fullLogKept) === 0) return 'none';
  return o.summaries === 'ignore' ? 'fullLog' : 'summaries';
}

function openFile(path: string, display: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new RecordingError('missing', display, undefined, `cannot open (${code})`, 'check the path');
  }
}

/**
 * Streams the records of one `.gsr` file into a sink, in blocks. Call `poll`
 * once for a finished recording, or repeatedly to follow a file that its
 * process is still writing: each call re-reads the header's chunks_allocated
 * and continues where the last one stopped, including chunks that were still
 * being filled. While the process runs, the tentative records at the end of
 * a thread's last chunk that its writer may still retract are left for a
 * later poll (tentativeHold.ts): a chunk is read again from its first
 * record not taken.
 */
export class GsrReader {
  readonly header: FileHeader;
  readonly defs = new Definitions();
  readonly clock: ClockFit;
  /** Shown in messages: the file's base name. */
  readonly display: string;
  private readonly fd: number;
  private readonly walker: ChunkWalker;
  private readonly block = Buffer.allocUnsafeSlow(BLOCK_CHUNKS * CHUNK_SIZE);
  private readonly blockWords = new Uint32Array(this.block.buffer, this.block.byteOffset, this.block.length / 4);
  private nextChunk = 0;
  /** Chunks that may still gain records: index → slot where reading stopped (NOT_WRITTEN: its header too). */
  private readonly open = new Map<number, number>();
  /** The chunks in `block` (first index, count), for re-walking one without reading it again. */
  private blockFirst = 0;
  private blockCount = 0;
  /** Of the poll going on: how the last chunk of a thread is read. */
  private lastChunkLimits: WalkLimits = TAKE_ALL;
  private tolerant = false;
  /** Per thread slot, the highest chunk index walked. */
  private readonly lastChunkOfThread = new Map<number, number>();
  private closed = false;

  constructor(readonly path: string, makeSink: (header: FileHeader) => RecordSink, options: ReaderOptions = {}) {
    this.display = basename(path);
    this.fd = openFile(path, this.display);
    try {
      const page = Buffer.alloc(HEADER_SIZE);
      const got = readSync(this.fd, page, 0, HEADER_SIZE, 0);
      this.header = parseHeader(page.subarray(0, got), this.display);
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
    const h = this.header;
    this.clock = new ClockFit(h.ticksPerNs, h.clockKind === ClockKind.monotonic);
    const slack = 1e9 * h.ticksPerNs; // one second of ticks
    const endRel = h.live.endKind !== EndKind.unknown && h.live.endTicks > h.startTicks
      ? Number(h.live.endTicks - h.startTicks) : Infinity;
    if (endRel !== Infinity) {
      this.clock.add(endRel, Number(h.live.endMonoNs - h.startMonoNs));
    }
    this.clock.add(0, 0);
    this.walker = new ChunkWalker({
      file: this.display,
      startTicks: h.startTicks,
      startMonoNs: h.startMonoNs,
      minTs: -slack,
      maxTs: endRel + slack,
      defs: this.defs,
      clock: this.clock,
      sink: makeSink(h),
      filter: summarisedFilter(h, options),
      units: h.formatVersion >= FIRST_UNITS_VERSION,
    });
  }

  /**
   * Reads what is new since the last call.
   * @param nowMonoNs CLOCK_MONOTONIC now (tests pass their own), against which tentative records age
   * @param maxChunks the most new chunks to read in this call (a large file is read in slices, the rest by the next calls)
   */
  poll(nowMonoNs?: bigint, maxChunks = Infinity): PollResult {
    if (this.closed) throw new Error('GsrReader used after close');
    const page = Buffer.alloc(LIVE_HEADER_BYTES);
    readSync(this.fd, page, 0, LIVE_HEADER_BYTES, 0);
    const live = readLiveFields(page, this.header.formatVersion);
    this.header.live = live;
    const ended = live.endKind !== EndKind.unknown;
    // Only a writer that retracts leaves the old payload of a retracted record behind a shorter one
    // written in its place (chunkWalker.ts, WalkLimits): for a moment while it writes, and for good at
    // the end of a thread's chunk when no record came to overwrite it.
    this.tolerant = mayRetract(this.header);
    this.lastChunkLimits = { holdTentativeFrom: holdTentativeFrom(this.header, this.clock, nowMonoNs), tolerant: this.tolerant };
    const size = fstatSync(this.fd).size;
    const inFile = Math.max(0, Math.floor((size - HEADER_SIZE) / CHUNK_SIZE));
    if (live.chunksAllocated > inFile && ended) {
      throw new RecordingError('truncated', this.display, size, `truncated: chunk ${inFile} of ${live.chunksAllocated} missing`, HINT_STILL_WRITTEN);
    }
    const available = Math.min(live.chunksAllocated, inFile);
    const limit = Math.min(available, this.nextChunk + Math.max(0, maxChunks));
    const caughtUp = limit === available;
    this.revisitOpen(limit);
    const first = this.nextChunk;
    for (let i = first; i < limit; i += BLOCK_CHUNKS) {
      const n = Math.min(BLOCK_CHUNKS, limit - i);
      const offset = HEADER_SIZE + i * CHUNK_SIZE;
      const got = readSync(this.fd, this.block, 0, n * CHUNK_SIZE, offset);
      if (got < n * CHUNK_SIZE) {
        throw new RecordingError('truncated', this.display, offset + got, 'truncated chunk', HINT_STILL_WRITTEN);
      }
      this.blockFirst = i;
      this.blockCount = n;
      for (let c = 0; c < n; c++) this.walkOne(i + c, this.blockWords, this.block, c * (CHUNK_SIZE / 4), offset + c * CHUNK_SIZE, NOT_WRITTEN);
    }
    this.blockCount = 0;
    this.nextChunk = Math.max(first, limit);
    if (ended && caughtUp) {
      this.open.clear();
      this.takenTentative.clear();
    }
    return { newChunks: this.nextChunk - first, missingChunks: Math.max(0, live.chunksAllocated - inFile), ended: ended && caughtUp, caughtUp };
  }

  /** Bytes of the file read so far: the header and the chunks walked. */
  get bytesRead(): number {
    return HEADER_SIZE + this.nextChunk * CHUNK_SIZE;
  }

  /**
   * Walks one chunk from slot `from` (NOT_WRITTEN: from its header). As the
   * last chunk of its thread its end may be held back; a thread's newer
   * chunk makes the previous one final, so what it held back is taken first.
   */
  private walkOne(index: number, words: Uint32Array, bytes: Uint8Array, w0: number, fileOffset: number, from: number): void {
    if (words[w0] === 0) {
      this.open.set(index, NOT_WRITTEN);
      return;
    }
    const thread = words[w0 + 1]!;
    const previous = this.lastChunkOfThread.get(thread);
    if (previous === undefined || previous < index) {
      this.lastChunkOfThread.set(thread, index);
      if (previous !== undefined) this.finishChunk(previous);
    }
    const last = this.lastChunkOfThread.get(thread) === index;
    const limits = last ? this.lastChunkLimits : this.tolerant ? TOLERANT : TAKE_ALL;
    const start = this.resumeAt(index, words, w0, from);
    const stop = this.walker.walk(words, bytes, w0, fileOffset, start, from === NOT_WRITTEN, limits);
    if (stop < this.walker.positions && last) {
      this.open.set(index, stop);
      this.noteTakenTentative(index, words, w0);
    } else {
      this.open.delete(index);
    }
  }

  /** Takes the rest of an open chunk that is no longer its thread's last. */
  private finishChunk(index: number): void {
    const from = this.open.get(index);
    if (from === undefined) return;
    this.open.delete(index);
    const limits = this.tolerant ? TOLERANT : TAKE_ALL;
    const offset = HEADER_SIZE + index * CHUNK_SIZE;
    if (index >= this.blockFirst && index < this.blockFirst + this.blockCount) {
      const w0 = (index - this.blockFirst) * (CHUNK_SIZE / 4);
      this.walker.walk(this.blockWords, this.block, w0, offset, this.resumeAt(index, this.blockWords, w0, from), from === NOT_WRITTEN, limits);
      return;
    }
    const { chunk, words } = this.scratch();
    if (readSync(this.fd, chunk, 0, CHUNK_SIZE, offset) < CHUNK_SIZE) return;
    this.walker.walk(words, chunk, 0, offset, this.resumeAt(index, words, 0, from), from === NOT_WRITTEN, limits);
  }

  /**
   * Tentative records taken as the last of an open chunk, by chunk: their
   * position and the words that tell them apart (ChunkWalker.tentativeSignature),
   * to tell on the next visit whether the writer retracted one after all.
   */
  private readonly takenTentative = new Map<number, { pos: number; signature: number[] }>();
  /** Tentative records taken that their writer retracted afterwards (RETRACT_MARGIN_NS was not enough). */
  retractedAfterTaken = 0;

  private noteTakenTentative(index: number, words: Uint32Array, w0: number): void {
    const pos = this.walker.lastTakenSlot;
    const signature = this.walker.tentativeSignature(words, w0, pos);
    if (signature) this.takenTentative.set(index, { pos, signature });
    else this.takenTentative.delete(index);
  }

  /**
   * Where to go on in a chunk read before: where it stopped, or, when the
   * tentative record taken last there was retracted after all (its place
   * holds something else now), at that place: what the writer put there is
   * read, not lost behind it.
   */
  private resumeAt(index: number, words: Uint32Array, w0: number, from: number): number {
    if (from === NOT_WRITTEN) return 0;
    const t = this.takenTentative.get(index);
    if (!t) return from;
    this.takenTentative.delete(index);
    if (this.walker.sameRecord(words, w0, t.pos, t.signature)) return from;
    this.retractedAfterTaken++;
    return t.pos;
  }

  private scratchChunk: { chunk: Buffer; words: Uint32Array } | undefined;

  private scratch(): { chunk: Buffer; words: Uint32Array } {
    if (!this.scratchChunk) {
      const chunk = Buffer.allocUnsafeSlow(CHUNK_SIZE);
      this.scratchChunk = { chunk, words: new Uint32Array(chunk.buffer, chunk.byteOffset, CHUNK_SIZE / 4) };
    }
    return this.scratchChunk;
  }

  private revisitOpen(limit: number): void {
    if (this.open.size === 0) return;
    const chunk = Buffer.allocUnsafeSlow(CHUNK_SIZE);
    const words = new Uint32Array(chunk.buffer, chunk.byteOffset, CHUNK_SIZE / 4);
    for (const index of [...this.open.keys()].sort((a, b) => a - b)) {
      // A chunk finished (as not its thread's last) earlier in this loop is gone from `open`.
      const from = this.open.get(index);
      if (index >= limit || from === undefined) continue;
      const offset = HEADER_SIZE + index * CHUNK_SIZE;
      if (readSync(this.fd, chunk, 0, CHUNK_SIZE, offset) < CHUNK_SIZE) continue;
      this.walkOne(index, words, chunk, 0, offset, from);
    }
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      closeSync(this.fd);
    }
  }
}

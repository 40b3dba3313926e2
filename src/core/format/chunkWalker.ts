import type { ClockFit } from './clockFit';
import type { Definitions } from './definitions';
import type { RecordSink } from './recordSink';
import { CHUNK_HEADER_SIZE, CHUNK_MAGIC, CHUNK_SIZE, RecordType, SHORT_FORM, SHORT_PAYLOAD, SLOTS_PER_CHUNK, UNITS_PER_CHUNK } from './layout';
import { HINT_CORRUPT, RecordingError } from './recordingError';
import { relativeTicks, ticksFrom } from './relativeTicks';

const WORDS_PER_CHUNK = CHUNK_SIZE / 4;
const HEADER_WORDS = CHUNK_HEADER_SIZE / 4;
/** A record's flags are the high half of its first word: flag 0x8000 (tentative) is bit 31, 0x4000 (summarised) bit 30. */
const TENTATIVE_BIT = 0x80000000;
const SUMMARISED_BIT = 0x40000000;
const utf8 = new TextDecoder('utf-8');

/**
 * Which records flagged summarised (0x4000) a file with the full log kept
 * (FORMAT.md, "Tentative records") passes on: `none` skips nothing (a file
 * without that flag), `summaries` skips the records the summaries stand for,
 * `fullLog` skips the summaries.
 */
export type SummarisedFilter = 'none' | 'summaries' | 'fullLog';

/** Fixed facts of one file that the walker needs. */
export interface WalkerSetup {
  readonly file: string;
  readonly startTicks: bigint;
  readonly startMonoNs: bigint;
  /** Records outside [minTs, maxTs] (relative ticks) are corrupt. */
  readonly minTs: number;
  readonly maxTs: number;
  readonly defs: Definitions;
  readonly clock: ClockFit;
  readonly sink: RecordSink;
  readonly filter: SummarisedFilter;
  /** Format version 3 and later: records packed in 8-byte units (FORMAT.md, "Record forms"). */
  readonly units: boolean;
}

/** Result of walking one chunk: where the records stopped. */
export const NOT_WRITTEN = -1;

/** How to treat the end of a chunk that its writer may still change. */
export interface WalkLimits {
  /**
   * A trailing run of tentative records whose newest is at or after this
   * time (relative ticks) is not taken: its writer may still retract it.
   * Infinity takes every record (a finished file, or not its thread's last chunk).
   */
  readonly holdTentativeFrom: number;
  /**
   * The file's writer retracts records: a record that cannot be right ends
   * the chunk's records there instead of throwing. A retracted slot written
   * again with a shorter record leaves the old one's payload behind the new
   * one, until the thread's next record is written over it; at the end of a
   * thread's chunk nothing may come to. Records never follow such a slot,
   * so nothing written is lost; a live poll reads the slot again.
   */
  readonly tolerant: boolean;
}

export const TAKE_ALL: WalkLimits = { holdTentativeFrom: Infinity, tolerant: false };

/**
 * Walks the records of one chunk held in a buffer: the decoder's hot loop.
 * Every index is bounds-checked against the chunk; a record never reads
 * outside its chunk.
 */
export class ChunkWalker {
  private readonly baseLo: number;
  private readonly baseHi: number;
  private readonly monoLo: number;
  private readonly monoHi: number;
  /** Thread slot and sequence of the chunk last walked. */
  threadSlot = 0;
  sequence = 0;
  /** Of the chunk last walked, the position (slot, or unit from version 3) of the last record taken (-1: none). */
  lastTakenSlot = -1;
  /** Positions in a chunk: 254 slots, or 508 units from version 3. A walk that returns this took the chunk whole. */
  readonly positions: number;

  constructor(private readonly s: WalkerSetup) {
    this.baseLo = Number(s.startTicks & 0xffffffffn);
    this.baseHi = Number(s.startTicks >> 32n);
    this.monoLo = Number(s.startMonoNs & 0xffffffffn);
    this.monoHi = Number(s.startMonoNs >> 32n);
    this.positions = s.units ? UNITS_PER_CHUNK : SLOTS_PER_CHUNK;
  }

  private corrupt(fileOffset: number, what: string): RecordingError {
    return new RecordingError('corrupt', this.s.file, fileOffset, what, HINT_CORRUPT);
  }

  /**
   * Walks the chunk whose first word is `words[w0]` (file offset `fileOffset`),
   * starting at slot `fromSlot`; `readHeader` adds the chunk header's clock
   * pair (once per chunk). Returns the slot where the records taken stop
   * (254 when the chunk is full), or NOT_WRITTEN when the chunk is reserved
   * but empty.
   */
  walk(words: Uint32Array, bytes: Uint8Array, w0: number, fileOffset: number, fromSlot: number, readHeader: boolean, limits: WalkLimits = TAKE_ALL): number {
    if (this.s.units) return this.walkUnits(words, bytes, w0, fileOffset, fromSlot, readHeader, limits);
    if (!this.chunkHeader(words, w0, fileOffset, readHeader)) return NOT_WRITTEN;
    const sink = this.s.sink;
    sink.beginChunk(this.threadSlot);
    const first = w0 + HEADER_WORDS + fromSlot * 4;
    const chunkEnd = w0 + WORDS_PER_CHUNK;
    const end = limits.holdTentativeFrom === Infinity ? chunkEnd : this.takeUpTo(words, w0, first, chunkEnd, limits.holdTentativeFrom);
    const tolerant = limits.tolerant;
    const filter = this.s.filter;
    const baseLo = this.baseLo;
    const baseHi = this.baseHi;
    const minTs = this.s.minTs;
    const maxTs = this.s.maxTs;
    let w = first;
    let taken = -1;
    while (w < end) {
      const h = words[w]!;
      const type = h & 0xff;
      if (type === 0) break;
      const extra = (h >>> 8) & 0xff;
      const next = w + 4 + extra * 4;
      if (next > chunkEnd) {
        if (tolerant) break;
        throw this.corrupt(fileOffset + (w - w0) * 4, `record of ${extra} payload slots runs past its chunk`);
      }
      if ((h & SUMMARISED_BIT) !== 0 && filter !== 'none' && skipped(filter, type)) {
        w = next;
        continue;
      }
      if (type === RecordType.string) {
        if (!this.readString(bytes, words, w, extra, fileOffset + (w - w0) * 4, tolerant)) break;
      } else {
        const ts = relativeTicks(words, w + 2, baseLo, baseHi);
        if (ts < minTs || ts > maxTs) {
          if (tolerant) break;
          throw this.corrupt(fileOffset + (w - w0) * 4, 'timestamp out of range');
        }
        if (!this.takeLong(words, w, type, h >>> 16, ts, extra, fileOffset + (w - w0) * 4, tolerant)) break;
      }
      taken = w;
      w = next;
    }
    this.lastTakenSlot = taken < 0 ? -1 : (taken - w0 - HEADER_WORDS) / 4;
    return (w - w0 - HEADER_WORDS) / 4;
  }

  /** Checks a chunk's magic, reads its header; false when it is reserved but not written. */
  private chunkHeader(words: Uint32Array, w0: number, fileOffset: number, readHeader: boolean): boolean {
    const magic = words[w0]!;
    if (magic === 0) return false;
    if (magic !== CHUNK_MAGIC) throw this.corrupt(fileOffset, `bad chunk magic 0x${magic.toString(16)}`);
    this.threadSlot = words[w0 + 1]!;
    this.sequence = words[w0 + 6]!;
    if (readHeader) {
      const ticks = relativeTicks(words, w0 + 2, this.baseLo, this.baseHi);
      const ns = relativeTicks(words, w0 + 4, this.monoLo, this.monoHi);
      this.s.clock.add(ticks, ns);
    }
    return true;
  }

  /**
   * Version 3: the records of a chunk packed in 8-byte units (FORMAT.md,
   * "Record forms"). A short record's time counts from the base: the chunk's
   * time, then each record's before it that is not tentative (nor a STRING,
   * whose time is its length). So the walk always starts at the chunk's first
   * record, and passes on those from unit `fromUnit`.
   */
  private walkUnits(words: Uint32Array, bytes: Uint8Array, w0: number, fileOffset: number, fromUnit: number, readHeader: boolean, limits: WalkLimits): number {
    if (!this.chunkHeader(words, w0, fileOffset, readHeader)) return NOT_WRITTEN;
    const sink = this.s.sink;
    sink.beginChunk(this.threadSlot);
    const body = w0 + HEADER_WORDS;
    const first = body + fromUnit * 2;
    const chunkEnd = w0 + WORDS_PER_CHUNK;
    const end = limits.holdTentativeFrom === Infinity ? chunkEnd : this.takeUpTo(words, w0, body, chunkEnd, limits.holdTentativeFrom);
    const tolerant = limits.tolerant;
    const filter = this.s.filter;
    const minTs = this.s.minTs;
    const maxTs = this.s.maxTs;
    const baseHi = this.baseHi;
    const baseLo = this.baseLo;
    let base = relativeTicks(words, w0 + 2, baseLo, baseHi);
    let w = body;
    let taken = -1;
    while (w < end) {
      const h = words[w]!;
      const b0 = h & 0xff;
      if (b0 === 0) break;
      // The common record first: short, without payload, neither tentative nor summarised, a sink's.
      // It fits: units are two words from the body on, so w < end <= chunkEnd leaves room for one.
      if ((b0 & 0xc0) === SHORT_FORM && (h & 0xc000) === 0 && w >= first) {
        const ts = base + words[w + 1]!;
        const type = b0 & 0x3f;
        if (ts >= minTs && ts <= maxTs && type !== RecordType.site && type !== RecordType.clock) {
          const c = (h >>> 8) & 0x3f;
          base = ts;
          sink.record(type, c === 0 ? 0 : (c & 0xf) | ((c & 0x30) << 4), h >>> 16, ts, 0, 0, 0, 0);
          taken = w;
          w += 2;
          continue;
        }
      }
      let next: number;
      let type: number;
      let flags: number;
      let ts: number;
      if ((b0 & SHORT_FORM) !== 0) {
        next = w + ((b0 & SHORT_PAYLOAD) !== 0 ? 4 : 2);
        type = b0 & 0x3f;
        const c = (h >>> 8) & 0xff;
        flags = (c & 0xf) | ((c & 0x30) << 4) | ((c & 0x40) << 9) | ((c & 0x80) << 7);
        ts = base + words[w + 1]!;
      } else {
        next = w + 4 + ((h >>> 8) & 0xff) * 4;
        type = b0;
        flags = h >>> 16;
        ts = type === RecordType.string ? base : relativeTicks(words, w + 2, baseLo, baseHi);
      }
      if (next > chunkEnd) {
        if (tolerant) break;
        throw this.corrupt(fileOffset + (w - w0) * 4, 'record runs past its chunk');
      }
      if (ts < minTs || ts > maxTs) {
        if (tolerant) break;
        throw this.corrupt(fileOffset + (w - w0) * 4, 'timestamp out of range');
      }
      if ((flags & 0x8000) === 0) base = ts;
      if (w < first || ((flags & 0x4000) !== 0 && filter !== 'none' && skipped(filter, type))) {
        w = next;
        continue;
      }
      if ((b0 & SHORT_FORM) !== 0) {
        if ((b0 & SHORT_PAYLOAD) !== 0) {
          const q = words[w + 2]!;
          const r = words[w + 3]!;
          if (!this.take(type, flags, h >>> 16, ts, q & 0xffff, q >>> 16, r & 0xffff, r >>> 16, true, fileOffset + (w - w0) * 4, tolerant)) break;
        } else if (!this.take(type, flags, h >>> 16, ts, 0, 0, 0, 0, false, fileOffset + (w - w0) * 4, tolerant)) break;
      } else {
        const extra = (h >>> 8) & 0xff;
        if (type === RecordType.string) {
          if (!this.readString(bytes, words, w, extra, fileOffset + (w - w0) * 4, tolerant)) break;
        } else if (!this.takeLong(words, w, type, flags, ts, extra, fileOffset + (w - w0) * 4, tolerant)) break;
      }
      taken = w;
      w = next;
    }
    this.lastTakenSlot = taken < 0 ? -1 : (taken - body) / 2;
    return (w - body) / 2;
  }

  /** A long record (a slot, `extra` payload slots at w + 4) other than a STRING: a wide one the sink's whole, else as `take`. */
  private takeLong(words: Uint32Array, w: number, type: number, flags: number, ts: number, extra: number, fileOffset: number, tolerant: boolean): boolean {
    if (extra > 1 && this.s.sink.wideRecord !== undefined && type !== RecordType.site && type !== RecordType.clock) {
      this.s.sink.wideRecord(type, flags, words[w + 1]!, ts, words, w + 4, extra);
      return true;
    }
    if (extra === 0) return this.take(type, flags, words[w + 1]!, ts, 0, 0, 0, 0, false, fileOffset, tolerant);
    return this.take(type, flags, words[w + 1]!, ts, words[w + 4]!, words[w + 5]!, words[w + 6]!, words[w + 7]!, true, fileOffset, tolerant);
  }

  /** One record of a single payload slot (or none): a definition, or the sink's. False (tolerant) when it cannot be right. */
  private take(type: number, flags: number, arg: number, ts: number, p0: number, p1: number, p2: number, p3: number, payload: boolean, fileOffset: number, tolerant: boolean): boolean {
    if (type === RecordType.site) {
      if (!payload) {
        if (tolerant) return false;
        throw this.corrupt(fileOffset, 'SITE record without payload');
      }
      this.s.defs.addSite(arg, p0, p1, p2, p3);
    } else if (type === RecordType.clock) {
      if (!payload) {
        if (tolerant) return false;
        throw this.corrupt(fileOffset, 'CLOCK record without payload');
      }
      this.s.clock.add(ts, ticksFrom(p0, p1, this.monoLo, this.monoHi));
    } else {
      this.s.sink.record(type, flags, arg, ts, p0, p1, p2, p3);
    }
    return true;
  }

  /**
   * The words that tell the record at position `pos` of the chunk at `w0`
   * apart, when it is tentative (its writer may still retract it); else null.
   */
  tentativeSignature(words: Uint32Array, w0: number, pos: number): number[] | null {
    if (pos < 0) return null;
    if (!this.s.units) {
      const at = w0 + HEADER_WORDS + pos * 4;
      return words[at]! >= TENTATIVE_BIT ? [words[at]!, words[at + 2]!, words[at + 3]!] : null;
    }
    const at = w0 + HEADER_WORDS + pos * 2;
    const h = words[at]!;
    if ((h & SHORT_FORM) !== 0) {
      if ((h & 0x4000) === 0) return null;
      return (h & SHORT_PAYLOAD) !== 0 ? [h, words[at + 1]!, words[at + 2]!, words[at + 3]!] : [h, words[at + 1]!];
    }
    return h >= TENTATIVE_BIT ? [h, words[at + 1]!, words[at + 2]!, words[at + 3]!] : null;
  }

  /** Whether the record at `pos` still has the words `signature` (tentativeSignature). */
  sameRecord(words: Uint32Array, w0: number, pos: number, signature: readonly number[]): boolean {
    const current = this.tentativeSignature(words, w0, pos);
    return current !== null && current.length === signature.length && current.every((x, i) => x === signature[i]);
  }

  /**
   * The word where the records to take end: before the trailing run of
   * tentative records when its newest is at or after `holdFrom`, else the
   * chunk's end. A record that cannot be right ends the records here: a
   * retracted slot's old payload, left behind a shorter record written over
   * it, must not count as the firm record that ends a run. Version 3's short
   * records count their time from the base, so its chunks are read from their
   * first record; version 2's from `first`.
   */
  private takeUpTo(words: Uint32Array, w0: number, first: number, end: number, holdFrom: number): number {
    const units = this.s.units;
    let base = relativeTicks(words, w0 + 2, this.baseLo, this.baseHi);
    let runStart = -1;
    let newest = -Infinity;
    let w = units ? w0 + HEADER_WORDS : first;
    while (w < end) {
      const h = words[w]!;
      const b0 = h & 0xff;
      if (b0 === 0) break;
      const short = units && (b0 & SHORT_FORM) !== 0;
      const next = short ? w + ((b0 & SHORT_PAYLOAD) !== 0 ? 4 : 2) : w + 4 + ((h >>> 8) & 0xff) * 4;
      if (next > end) break;
      const tentative = short ? (h & 0x4000) !== 0 : h >= TENTATIVE_BIT;
      const ts = short ? base + words[w + 1]! : b0 === RecordType.string ? base : relativeTicks(words, w + 2, this.baseLo, this.baseHi);
      if (ts < this.s.minTs || ts > this.s.maxTs) break;
      if (tentative) {
        if (runStart < 0) runStart = w;
        if (ts > newest) newest = ts;
      } else {
        base = ts;
        if (runStart >= 0) {
          runStart = -1;
          newest = -Infinity;
        }
      }
      w = next;
    }
    return runStart >= 0 && newest >= holdFrom ? runStart : end;
  }

  /** Defines a STRING; false (tolerant) or throws when its length cannot be right. */
  private readString(bytes: Uint8Array, words: Uint32Array, w: number, extra: number, fileOffset: number, tolerant: boolean): boolean {
    const length = words[w + 2]!;
    if (words[w + 3]! !== 0 || length > extra * 16) {
      if (tolerant) return false;
      throw this.corrupt(fileOffset, `string length ${length} exceeds its ${extra} payload slots`);
    }
    const start = (w + 4) * 4;
    this.s.defs.addString(words[w + 1]!, utf8.decode(bytes.subarray(start, start + length)));
    return true;
  }
}

/** A record flagged summarised, of this type, is left out under `filter`. */
function skipped(filter: SummarisedFilter, type: number): boolean {
  const summary = type === RecordType.gilQuiet || type === RecordType.lockQuiet;
  return filter === 'summaries' ? !summary : summary;
}

export { SLOTS_PER_CHUNK };

import type { ClockFit } from './clockFit';
import type { Definitions } from './definitions';
import type { RecordSink } from './recordSink';
import { CHUNK_HEADER_SIZE, CHUNK_MAGIC, CHUNK_SIZE, RecordType, SLOTS_PER_CHUNK } from './layout';
import { HINT_CORRUPT, RecordingError } from './recordingError';

const WORDS_PER_CHUNK = CHUNK_SIZE / 4;
const HEADER_WORDS = CHUNK_HEADER_SIZE / 4;
const TWO32 = 4294967296;
const utf8 = new TextDecoder('utf-8');

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
}

/** Result of walking one chunk: where the records stopped. */
export const NOT_WRITTEN = -1;

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

  constructor(private readonly s: WalkerSetup) {
    this.baseLo = Number(s.startTicks & 0xffffffffn);
    this.baseHi = Number(s.startTicks >> 32n);
    this.monoLo = Number(s.startMonoNs & 0xffffffffn);
    this.monoHi = Number(s.startMonoNs >> 32n);
  }

  private corrupt(fileOffset: number, what: string): RecordingError {
    return new RecordingError('corrupt', this.s.file, fileOffset, what, HINT_CORRUPT);
  }

  /**
   * Walks the chunk whose first word is `words[w0]` (file offset `fileOffset`),
   * starting at slot `fromSlot`. Returns the slot where records stop (254 when
   * the chunk is full), or NOT_WRITTEN when the chunk is reserved but empty.
   */
  walk(words: Uint32Array, bytes: Uint8Array, w0: number, fileOffset: number, fromSlot: number): number {
    const magic = words[w0]!;
    if (magic === 0) return NOT_WRITTEN;
    if (magic !== CHUNK_MAGIC) throw this.corrupt(fileOffset, `bad chunk magic 0x${magic.toString(16)}`);
    const threadSlot = words[w0 + 1]!;
    this.threadSlot = threadSlot;
    this.sequence = words[w0 + 6]!;
    if (fromSlot === 0) {
      const ticks = (words[w0 + 3]! - this.baseHi) * TWO32 + (words[w0 + 2]! - this.baseLo);
      const ns = (words[w0 + 5]! - this.monoHi) * TWO32 + (words[w0 + 4]! - this.monoLo);
      this.s.clock.add(ticks, ns);
    }
    const sink = this.s.sink;
    sink.beginChunk(threadSlot);
    const end = w0 + WORDS_PER_CHUNK;
    const baseLo = this.baseLo;
    const baseHi = this.baseHi;
    const minTs = this.s.minTs;
    const maxTs = this.s.maxTs;
    let w = w0 + HEADER_WORDS + fromSlot * 4;
    while (w < end) {
      const h = words[w]!;
      const type = h & 0xff;
      if (type === 0) break;
      const extra = (h >>> 8) & 0xff;
      const next = w + 4 + extra * 4;
      if (next > end) throw this.corrupt(fileOffset + (w - w0) * 4, `record of ${extra} payload slots runs past its chunk`);
      if (type === RecordType.string) {
        this.readString(bytes, words, w, extra, fileOffset + (w - w0) * 4);
      } else {
        const ts = (words[w + 3]! - baseHi) * TWO32 + (words[w + 2]! - baseLo);
        if (ts < minTs || ts > maxTs) throw this.corrupt(fileOffset + (w - w0) * 4, 'timestamp out of range');
        const p = extra > 0 ? w + 4 : -1;
        if (type === RecordType.site) {
          if (p < 0) throw this.corrupt(fileOffset + (w - w0) * 4, 'SITE record without payload');
          this.s.defs.addSite(words[w + 1]!, words[p]!, words[p + 1]!, words[p + 2]!, words[p + 3]!);
        } else if (type === RecordType.clock) {
          if (p < 0) throw this.corrupt(fileOffset + (w - w0) * 4, 'CLOCK record without payload');
          this.s.clock.add(ts, (words[p + 1]! - this.monoHi) * TWO32 + (words[p]! - this.monoLo));
        } else if (p < 0) {
          sink.record(type, h >>> 16, words[w + 1]!, ts, 0, 0, 0, 0);
        } else {
          sink.record(type, h >>> 16, words[w + 1]!, ts, words[p]!, words[p + 1]!, words[p + 2]!, words[p + 3]!);
        }
      }
      w = next;
    }
    return (w - w0 - HEADER_WORDS) / 4;
  }

  private readString(bytes: Uint8Array, words: Uint32Array, w: number, extra: number, fileOffset: number): void {
    const length = words[w + 2]!;
    if (words[w + 3]! !== 0 || length > extra * 16) {
      throw this.corrupt(fileOffset, `string length ${length} exceeds its ${extra} payload slots`);
    }
    const start = (w + 4) * 4;
    this.s.defs.addString(words[w + 1]!, utf8.decode(bytes.subarray(start, start + length)));
  }
}

export { SLOTS_PER_CHUNK };

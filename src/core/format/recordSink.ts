/**
 * Receives the records of one `.gsr` file as the decoder walks it, with no
 * object per record: every field arrives as a number. Definitions (SITE,
 * STRING, CLOCK) are kept by the decoder in `Definitions` and not passed here.
 */
export interface RecordSink {
  /** The records that follow belong to the thread with this per-process slot number. */
  beginChunk(threadSlot: number): void;
  /**
   * One record. `ts` is in ticks relative to the header's start_ticks (so it
   * stays exact as a double); p0..p3 are the first payload slot's four u32
   * words, 0 when the record has no payload.
   */
  record(type: number, flags: number, arg: number, ts: number, p0: number, p1: number, p2: number, p3: number): void;
  /**
   * A record of two or more payload slots (LOCK_QUIET): its payload is
   * `extra` × 4 u32 words from `words[p]`, valid only during the call.
   * A sink without it gets such records through `record`, first slot only.
   */
  wideRecord?(type: number, flags: number, arg: number, ts: number, words: Uint32Array, p: number, extra: number): void;
}

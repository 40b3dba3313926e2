const TWO32 = 4294967296;

/**
 * A u64 of ticks as its low and high words, relative to the file's
 * start_ticks (split as `baseLo`, `baseHi`): exact below 2^53.
 *
 * Added in this order so that the arithmetic is a double's from the first
 * record on. Early in a file the low words' difference is a small integer,
 * and `(hi - baseHi) * TWO32 + (lo - baseLo)` taught the JIT to keep it in 32
 * bits; the first low word past 2^31 then threw the compiled walk away, and
 * the walk compiled again only for its loop ran the rest of the file at half
 * speed (Node 20, one run in two).
 */
export function ticksFrom(lo: number, hi: number, baseLo: number, baseHi: number): number {
  return (hi - baseHi) * TWO32 + lo - baseLo;
}

/** The u64 at words[i] (low word first), as ticksFrom. */
export function relativeTicks(words: Uint32Array, i: number, baseLo: number, baseHi: number): number {
  return ticksFrom(words[i]!, words[i + 1]!, baseLo, baseHi);
}

/** Bins per page: series store pages, so a short-lived thread or lock costs little. */
export const PAGE = 1024;
/** Bin b is at index b & (PAGE - 1) of page b >> PAGE_BITS. */
export const PAGE_BITS = 10;
/** The largest slab: 64 pages, 256 KiB. */
const MAX_SLAB_PAGES = 64;

/**
 * Hands out the bin pages of one process's series from shared slabs. A
 * typed array of its own per page cost a backing-store allocation each (and
 * external-memory bookkeeping that set off garbage collections): a view on
 * a slab costs neither. Slabs start small and double, so a short process
 * pays little.
 */
export class BinPages {
  private slab: ArrayBuffer | undefined;
  private slabPages = 0;
  private used = 0;

  /** A zeroed page. */
  take(): Float32Array {
    if (this.used === this.slabPages) {
      this.slabPages = Math.min(MAX_SLAB_PAGES, Math.max(4, this.slabPages * 2));
      this.slab = new ArrayBuffer(this.slabPages * PAGE * 4);
      this.used = 0;
    }
    return new Float32Array(this.slab!, this.used++ * PAGE * 4, PAGE);
  }
}

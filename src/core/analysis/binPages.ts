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
 * pays little. Pages a coarsening frees are handed out again.
 */
export class BinPages {
  private slab: ArrayBuffer | undefined;
  private slabPages = 0;
  private used = 0;
  private readonly free: Float32Array[] = [];
  /** Pages handed out and not given back. */
  inUse = 0;
  /** Pages cut from slabs so far. */
  made = 0;

  /** A zeroed page. */
  take(): Float32Array {
    this.inUse++;
    const reused = this.free.pop();
    if (reused) return reused.fill(0);
    if (this.used === this.slabPages) {
      this.slabPages = Math.min(MAX_SLAB_PAGES, Math.max(4, this.slabPages * 2));
      this.slab = new ArrayBuffer(this.slabPages * PAGE * 4);
      this.used = 0;
    }
    this.made++;
    return new Float32Array(this.slab!, this.used++ * PAGE * 4, PAGE);
  }

  /** A page no series holds any more. */
  give(page: Float32Array): void {
    this.inUse--;
    this.free.push(page);
  }
}

/**
 * One band of a `SparseBitmap`: offsets [start, start + size) held in pages of
 * {@link SPARSE_PAGE_BITS} bits that exist only while they hold an allocated offset.
 * Pages are numbered from the start of the zone, so a zone never shares a page with the other
 * band and "the upper band is full" is simply "this zone is full".
 */
import { layoutFor, WordIndex } from './bitmap-words.js';
import type { WordLayout } from './bitmap-words.js';
import type { RandomSource } from './random.js';

/**
 * Bits per sparse page (2^12). Small pages keep scattered explicit allocations cheap (about
 * 0.6 KiB each); 2^64 / 2^12 = 2^52 page indexes still fit in a number.
 */
export const SPARSE_PAGE_BITS = 4096;
/** log2 of {@link SPARSE_PAGE_BITS}. */
export const SPARSE_PAGE_SHIFT = 12;

const FULL_PAGE_LAYOUT = layoutFor(SPARSE_PAGE_BITS);
/**
 * 0n … 4095n, made once: allocateNext then allocates a single bigint (the sum) per call instead
 * of two; bigint allocation is most of what a sparse allocateNext costs over a dense one.
 */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: SPARSE_PAGE_BITS }, (_, i) => BigInt(i));

/** A materialised page: its bits, where it starts, and its slot in the zone's list of roomy pages. */
export interface SparsePage {
  /** Page number within the zone. */
  readonly index: number;
  /** Global offset of bit 0. */
  readonly base: bigint;
  /** The page's bits. */
  readonly bits: WordIndex;
  /** Position in the zone's roomy list, or -1 when the page is full. */
  slot: number;
}

/** A band of a sparse bitmap; see the module comment. Offsets passed in are (page, bit) pairs. */
export class SparseZone {
  /** Global offset of the zone's first bit. */
  readonly start: bigint;
  /** Number of offsets in the zone. */
  readonly size: bigint;
  /** Number of pages covering the zone (the last one may be partial). */
  readonly pageCount: number;
  /** Materialised pages by index. */
  readonly pages = new Map<number, SparsePage>();
  /** Allocated offsets in the zone. */
  used = 0;
  /** Words and page probes read since the caller last reset it. */
  scanned = 0;
  private readonly capacity: number;
  private readonly lastLayout: WordLayout;
  /** Pages that still have room, for a uniform pick in O(1); each page knows its slot. */
  private readonly roomy: SparsePage[] = [];

  /** Creates an empty zone of `size` offsets starting at global offset `start`. */
  constructor(start: bigint, size: bigint) {
    this.start = start;
    this.size = size;
    this.pageCount = Number((size + BigInt(SPARSE_PAGE_BITS - 1)) >> BigInt(SPARSE_PAGE_SHIFT));
    // Above 2^53 the zone can never fill up in memory, so an infinite capacity is exact enough.
    this.capacity = size <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(size) : Infinity;
    const lastBits = this.pageCount === 0 ? 0 : Number(size - BigInt(this.pageCount - 1) * BigInt(SPARSE_PAGE_BITS));
    this.lastLayout = lastBits === SPARSE_PAGE_BITS ? FULL_PAGE_LAYOUT : layoutFor(lastBits);
  }

  /** True when every offset of the zone is allocated. */
  get isFull(): boolean {
    return this.used >= this.capacity;
  }

  /** Number of bits in page `index`. */
  pageBits(index: number): number {
    return index === this.pageCount - 1 ? this.lastLayout.bits : SPARSE_PAGE_BITS;
  }

  /** Returns page `index`, creating it (empty, roomy) when absent. */
  private open(index: number): SparsePage {
    let page = this.pages.get(index);
    if (page) return page;
    const layout = index === this.pageCount - 1 ? this.lastLayout : FULL_PAGE_LAYOUT;
    const base = this.start + (BigInt(index) << BigInt(SPARSE_PAGE_SHIFT));
    page = { index, base, bits: new WordIndex(layout), slot: this.roomy.length };
    this.roomy.push(page);
    this.pages.set(index, page);
    return page;
  }

  /** Removes `page` from the roomy list by swapping the last entry into its slot. */
  private unlist(page: SparsePage): void {
    const last = this.roomy.pop() as SparsePage;
    if (last !== page) {
      this.roomy[page.slot] = last;
      last.slot = page.slot;
    }
    page.slot = -1;
  }

  /** Sets (page, bit); returns false when already set. */
  allocate(index: number, bit: number): boolean {
    const page = this.open(index);
    if (!page.bits.set(bit)) return false;
    this.used++;
    if (page.bits.used === page.bits.layout.bits) this.unlist(page);
    return true;
  }

  /** Clears (page, bit); frees the page when it becomes empty. No-op when already clear. */
  release(index: number, bit: number): void {
    const page = this.pages.get(index);
    if (!page) return;
    const wasFull = page.slot < 0;
    if (!page.bits.clear(bit)) return;
    this.used--;
    if (page.bits.used === 0) {
      if (!wasFull) this.unlist(page);
      this.pages.delete(index);
    } else if (wasFull) {
      page.slot = this.roomy.length;
      this.roomy.push(page);
    }
  }

  /** True when (page, bit) is allocated. */
  has(index: number, bit: number): boolean {
    const page = this.pages.get(index);
    return page !== undefined && page.bits.has(bit);
  }

  /**
   * Allocates a free offset of the zone and returns its global offset, or undefined when full.
   * 1. If some page has room, pick one uniformly and scan it from a random start, with wrap.
   * 2. Otherwise every materialised page is full: draw a random page index and walk forward
   *    (with wrap) to the first page not materialised, open it and take a random bit in it.
   */
  allocateNext(random: RandomSource): bigint | undefined {
    this.scanned = 0;
    if (this.isFull) return undefined;
    let page: SparsePage;
    let bit: number;
    if (this.roomy.length > 0) {
      // 1.
      page = this.roomy[this.roomy.length === 1 ? 0 : random.intBelow(this.roomy.length)];
      const idx = page.bits;
      idx.scanned = 0;
      bit = idx.findFree(random.intBelow(idx.layout.bits));
      if (bit < 0) bit = idx.findFree(0);
      this.scanned += idx.scanned;
    } else {
      // 2. Terminates: the zone is not full and every materialised page is, so one is absent.
      let index = random.intBelow(this.pageCount);
      this.scanned++;
      while (this.pages.has(index)) {
        // A broken roomy list would otherwise loop forever; fail loudly instead.
        if (this.scanned > this.pageCount) throw new Error('SparseZone: not full, yet every page is full');
        index = index + 1 === this.pageCount ? 0 : index + 1;
        this.scanned++;
      }
      page = this.open(index);
      bit = random.intBelow(this.pageBits(index));
    }
    page.bits.scanned = 0;
    page.bits.set(bit);
    this.scanned += page.bits.scanned;
    this.used++;
    if (page.bits.used === page.bits.layout.bits) this.unlist(page);
    // Offsets never reach 2^64, so asUintN changes nothing; it lets the optimising compiler do the
    // sum in 64-bit integer registers instead of calling the generic bigint addition (~3x faster).
    return BigInt.asUintN(64, page.base + SMALL_BIGINTS[bit]);
  }

  /** Materialised pages in ascending index order. */
  sortedPages(): SparsePage[] {
    return [...this.pages.values()].sort((a, b) => a.index - b.index);
  }
}

/**
 * The sparse allocation bitmap for IPv6 service ranges too large for a dense `Bitmap`
 * (more than 2^24 addresses, up to a /64: 2^64 - 1 usable offsets). Offsets are bigints at the
 * API; memory grows with what is allocated, not with the range.
 *
 * Deviation from upstream (docs/decisions/001-sparse-ipv6-bitmap.md): upstream's
 * `randomScanStrategyWithOffset` draws the scan start uniformly over the band. Over 2^64 offsets
 * that would open one page per allocation, so allocateNext here prefers a page that already
 * exists and has room (picked uniformly, scanned from a random start) and opens a new page at a
 * random position only when none has room. The band rule is kept exactly: the upper band
 * [staticBandSize, size) is exhausted before the lower band [0, staticBandSize) is touched.
 */
import { SPARSE_PAGE_BITS, SPARSE_PAGE_SHIFT, SparseZone } from './bitmap-sparse-zone.js';
import type { RandomSource } from './random.js';

/** The largest sparse size: 2^64 offsets. */
export const MAX_SPARSE_SIZE = 2n ** 64n;

/** Options for {@link SparseBitmap}. */
export interface SparseBitmapOptions {
  /** Number of offsets, in [0, 2^64]. */
  size: bigint;
  /**
   * Size of the lower (static) band, a safe integer in [0, size].
   * @default 0
   */
  staticBandSize?: number;
  /** Where the random choices come from. */
  random: RandomSource;
}

/** A serialisable copy of a {@link SparseBitmap}: only pages holding an allocated offset. */
export interface SparseBitmapSnapshot {
  /** Number of offsets, in decimal. */
  size: string;
  /** Size of the lower band. */
  staticBandSize: number;
  /**
   * Pages of 4096 offsets counted from offset 0, ascending: page `index` (decimal) holds offsets
   * [index * 4096, index * 4096 + 4096) as LSB-first bytes (the last page of the range is shorter).
   */
  pages: { index: string; data: Uint8Array }[];
}

const PAGE_MASK = SPARSE_PAGE_BITS - 1;
const BIG_SHIFT = BigInt(SPARSE_PAGE_SHIFT);
const BIG_MASK = BigInt(PAGE_MASK);

/** Returns a problem with (size, band), or undefined when they are valid. */
function sizeProblem(size: unknown, band: unknown): string | undefined {
  if (typeof size !== 'bigint' || size < 0n || size > MAX_SPARSE_SIZE) {
    return `size: expected a bigint in [0, 2^64], got ${String(size)}`;
  }
  if (typeof band !== 'number' || !Number.isSafeInteger(band) || band < 0 || BigInt(band) > size) {
    return `staticBandSize: expected an integer in [0, ${size}], got ${String(band)}`;
  }
  return undefined;
}

/** A sparse allocation bitmap over bigint offsets [0, size); see the module comment. */
export class SparseBitmap {
  /** Number of offsets. */
  readonly size: bigint;
  /** Size of the lower (static) band [0, staticBandSize). */
  readonly staticBandSize: number;
  private readonly random: RandomSource;
  private readonly band: bigint;
  private readonly lower: SparseZone;
  private readonly upper: SparseZone;
  private scanWords = 0;

  /** Creates an empty sparse bitmap; throws a RangeError for a bad size or band. */
  constructor(opts: SparseBitmapOptions) {
    const band = opts.staticBandSize ?? 0;
    const problem = sizeProblem(opts.size, band);
    if (problem) throw new RangeError(`SparseBitmap: ${problem}`);
    this.size = opts.size;
    this.staticBandSize = band;
    this.random = opts.random;
    this.band = BigInt(band);
    this.lower = new SparseZone(0n, this.band);
    this.upper = new SparseZone(this.band, opts.size - this.band);
  }

  /** Number of allocated offsets. */
  get used(): number {
    return this.lower.used + this.upper.used;
  }

  /** Number of free offsets. */
  get free(): bigint {
    return this.size - BigInt(this.used);
  }

  /** Words (and page probes) examined by the last allocateNext call (instrumentation). */
  get lastScanWords(): number {
    return this.scanWords;
  }

  /** True when `o` is a bigint in [0, size). */
  private inRange(o: bigint): boolean {
    return typeof o === 'bigint' && o >= 0n && o < this.size;
  }

  /** Marks `o` allocated; true if it was free. RangeError unless `o` is a bigint in [0, size). */
  allocate(o: bigint): boolean {
    if (!this.inRange(o)) throw new RangeError(`offset ${String(o)} out of range [0,${this.size}]`);
    if (o < this.band) return this.lower.allocate(Number(o >> BIG_SHIFT), Number(o & BIG_MASK));
    const rel = o - this.band;
    return this.upper.allocate(Number(rel >> BIG_SHIFT), Number(rel & BIG_MASK));
  }

  /**
   * Allocates a free offset and returns it, or undefined when the map is full.
   * 1. Try the upper band (see SparseZone.allocateNext for the page choice).
   * 2. Only when it is full, the lower band.
   */
  allocateNext(): bigint | undefined {
    // 1.
    let o = this.upper.allocateNext(this.random);
    let scanned = this.upper.scanned;
    // 2.
    if (o === undefined) {
      o = this.lower.allocateNext(this.random);
      scanned += this.lower.scanned;
    }
    this.scanWords = scanned;
    return o;
  }

  /** Frees `o`; a no-op when it is free or out of range. */
  release(o: bigint): void {
    if (!this.inRange(o)) return;
    if (o < this.band) {
      this.lower.release(Number(o >> BIG_SHIFT), Number(o & BIG_MASK));
      return;
    }
    const rel = o - this.band;
    this.upper.release(Number(rel >> BIG_SHIFT), Number(rel & BIG_MASK));
  }

  /** True when `o` is allocated (false when out of range). */
  has(o: bigint): boolean {
    if (!this.inRange(o)) return false;
    if (o < this.band) return this.lower.has(Number(o >> BIG_SHIFT), Number(o & BIG_MASK));
    const rel = o - this.band;
    return this.upper.has(Number(rel >> BIG_SHIFT), Number(rel & BIG_MASK));
  }

  /** Calls `fn` with every allocated offset, ascending. */
  forEach(fn: (o: bigint) => void): void {
    for (const zone of [this.lower, this.upper]) {
      for (const page of zone.sortedPages()) page.bits.forEach((bit) => fn(page.base + BigInt(bit)));
    }
  }

  /** Returns a copy of the state: the pages (of 4096 offsets from 0) that hold an allocation. */
  snapshot(): SparseBitmapSnapshot {
    const out = new Map<number, Uint8Array>();
    const pageBytes = (g: number): Uint8Array => {
      let data = out.get(g);
      if (!data) {
        data = new Uint8Array(Math.ceil(this.globalPageBits(g) / 8));
        out.set(g, data);
      }
      return data;
    };
    for (const zone of [this.lower, this.upper]) {
      for (const page of zone.sortedPages()) {
        // Zone pages start at the band edge, not at a multiple of 4096: shift in number space.
        const g0 = Number(page.base >> BIG_SHIFT);
        const off0 = Number(page.base & BIG_MASK);
        page.bits.forEach((bit) => {
          const t = off0 + bit;
          const local = t & PAGE_MASK;
          pageBytes(g0 + (t >>> SPARSE_PAGE_SHIFT))[local >>> 3] |= 1 << (local & 7);
        });
      }
    }
    const pages = [...out.entries()].sort((a, b) => a[0] - b[0]).map(([g, data]) => ({ index: String(g), data }));
    return { size: this.size.toString(), staticBandSize: this.staticBandSize, pages };
  }

  /** Number of offsets in global page `g`. */
  private globalPageBits(g: number): number {
    const rest = this.size - (BigInt(g) << BIG_SHIFT);
    return rest >= BigInt(SPARSE_PAGE_BITS) ? SPARSE_PAGE_BITS : Number(rest);
  }

  /**
   * Rebuilds a sparse bitmap from a snapshot, recounting the allocated offsets. Throws a TypeError
   * when the size, band, a page index or a page's bytes do not fit together.
   */
  static restore(s: SparseBitmapSnapshot, random: RandomSource): SparseBitmap {
    const fail = (why: string): never => {
      throw new TypeError(`SparseBitmap.restore: ${why}`);
    };
    if (typeof s?.size !== 'string' || !/^\d+$/.test(s.size)) fail(`size: expected a decimal string, got ${String(s?.size)}`);
    const size = BigInt(s.size);
    const problem = sizeProblem(size, s.staticBandSize);
    if (problem) fail(problem);
    if (!Array.isArray(s.pages)) fail('pages: expected an array');
    const b = new SparseBitmap({ size, staticBandSize: s.staticBandSize, random });
    const pageCount = (size + BigInt(PAGE_MASK)) >> BIG_SHIFT;
    const bandPage = Math.floor(s.staticBandSize / SPARSE_PAGE_BITS);
    const bandBit = s.staticBandSize & PAGE_MASK;
    const seen = new Set<string>();
    for (const p of s.pages) {
      // Canonical decimal only: "07" and "7" would otherwise name the same page twice.
      if (typeof p?.index !== 'string' || !/^(0|[1-9]\d*)$/.test(p.index) || BigInt(p.index) >= pageCount) {
        fail(`pages: bad page index ${String(p?.index)}`);
      }
      if (seen.has(p.index)) fail(`pages: page ${p.index} appears twice`);
      seen.add(p.index);
      const g = Number(p.index);
      const bits = b.globalPageBits(g);
      if (!(p.data instanceof Uint8Array) || p.data.length !== Math.ceil(bits / 8)) {
        fail(`pages: page ${p.index}: expected ${Math.ceil(bits / 8)} bytes`);
      }
      if ((bits & 7) !== 0 && p.data[p.data.length - 1] >>> (bits & 7) !== 0) fail(`pages: page ${p.index}: bits set past the end of the range`);
      for (let i = 0; i < p.data.length; i++) {
        let x = p.data[i];
        while (x !== 0) {
          const bit = (i << 3) + (31 - Math.clz32(x & -x));
          x &= x - 1;
          // Split (g, bit) into a zone page without bigints: global = g * 4096 + bit.
          if (g < bandPage || (g === bandPage && bit < bandBit)) {
            b.lower.allocate(g, bit);
          } else {
            let rp = g - bandPage;
            let rb = bit - bandBit;
            if (rb < 0) {
              rp--;
              rb += SPARSE_PAGE_BITS;
            }
            b.upper.allocate(rp, rb);
          }
        }
      }
    }
    return b;
  }
}

/**
 * The dense allocation bitmap: one bit per offset in [0, size), with Kubernetes' KEP-3070 /
 * KEP-3668 allocation strategy (upstream pkg/registry/core/service/allocator/bitmap.go,
 * `randomScanStrategyWithOffset`). The ClusterIP and NodePort ranges sit on top of it.
 */
import { FLAT_MAX_BITS, FlatWordIndex } from './bitmap-flat-words.js';
import { layoutFor, WordIndex, type BitWords } from './bitmap-words.js';
import type { RandomSource } from './random.js';

/** The largest dense size: 2^24 offsets (an IPv4 /8, the largest IPv4 service range). */
export const MAX_DENSE_SIZE = 2 ** 24;

/** Options for {@link Bitmap}. */
export interface BitmapOptions {
  /** Number of offsets, an integer in [0, 2^24]. 0 gives a map that is always full. */
  size: number;
  /**
   * Size of the lower (static) band [0, staticBandSize), an integer in [0, size]. allocateNext
   * uses it only once the upper band is full.
   * @default 0
   */
  staticBandSize?: number;
  /** Where the random scan starts come from. */
  random: RandomSource;
}

/** A serialisable copy of a {@link Bitmap}. */
export interface BitmapSnapshot {
  /** Number of offsets. */
  size: number;
  /** Size of the lower band. */
  staticBandSize: number;
  /** bit i = offset i, LSB-first bytes: byte i>>3, bit i&7; exactly ceil(size/8) bytes. */
  data: Uint8Array;
}

/** Returns a problem with (size, band), or undefined when they are valid. */
function sizeProblem(size: unknown, band: unknown): string | undefined {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_DENSE_SIZE) {
    return `size: expected an integer in [0, ${MAX_DENSE_SIZE}], got ${String(size)}`;
  }
  if (typeof band !== 'number' || !Number.isInteger(band) || band < 0 || band > size) {
    return `staticBandSize: expected an integer in [0, ${size}], got ${String(band)}`;
  }
  return undefined;
}

/**
 * A dense allocation bitmap over offsets [0, size).
 *
 * Finding a free offset uses summary words, never a walk bit by bit as upstream does: maps of up
 * to 32,768 offsets use one summary level (bitmap-flat-words.ts, at most 34 words read), larger
 * ones a 32-ary hierarchy (bitmap-words.ts, O(log32 size) words), from empty to full.
 */
export class Bitmap {
  /** Number of offsets. */
  readonly size: number;
  /** Size of the lower (static) band [0, staticBandSize). */
  readonly staticBandSize: number;
  private readonly random: RandomSource;
  private readonly index: BitWords;
  private scanWords = 0;

  /** Creates an empty bitmap; throws a RangeError for a bad size or band. */
  constructor(opts: BitmapOptions) {
    const band = opts.staticBandSize ?? 0;
    const problem = sizeProblem(opts.size, band);
    if (problem) throw new RangeError(`Bitmap: ${problem}`);
    this.size = opts.size;
    this.staticBandSize = band;
    this.random = opts.random;
    this.index = opts.size <= FLAT_MAX_BITS ? new FlatWordIndex(opts.size) : new WordIndex(layoutFor(opts.size));
  }

  /** Number of allocated offsets. */
  get used(): number {
    return this.index.used;
  }

  /** Number of free offsets (upstream `Free()`: max - count). */
  get free(): number {
    return this.size - this.index.used;
  }

  /** Words examined by the last allocateNext call, at every level (instrumentation). */
  get lastScanWords(): number {
    return this.scanWords;
  }

  /** Throws the upstream-worded RangeError unless `offset` is an integer in [0, size). */
  private check(offset: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.size) {
      // Upstream (allocator/bitmap.go Allocate) words it "offset N out of range [0,max]".
      throw new RangeError(`offset ${offset} out of range [0,${this.size}]`);
    }
  }

  /** Marks `offset` allocated; returns true if it was free, false if it was already allocated. */
  allocate(offset: number): boolean {
    this.check(offset);
    return this.index.set(offset);
  }

  /**
   * Allocates a free offset and returns it, or undefined when the map is full.
   * 1. Full: undefined.
   * 2. Draw a start in the upper band [staticBandSize, size); take the first free offset at or
   *    after it, wrapping inside the upper band only.
   * 3. The upper band is full: do the same inside the lower band [0, staticBandSize).
   */
  allocateNext(): number | undefined {
    const idx = this.index;
    idx.scanned = 0;
    const { size, staticBandSize: band } = this;
    // 1.
    if (idx.used >= size) {
      this.scanWords = 0;
      return undefined;
    }
    let found = -1;
    // 2. Every free offset >= band is in the upper band, so findFree needs no upper bound.
    if (size > band) {
      found = idx.findFree(band + this.random.intBelow(size - band));
      if (found < 0) found = idx.findFree(band);
    }
    // 3. The upper band is full, so any free offset found is below band.
    if (found < 0) {
      found = idx.findFree(this.random.intBelow(band));
      if (found < 0) found = idx.findFree(0);
    }
    idx.set(found);
    this.scanWords = idx.scanned;
    return found;
  }

  /** Frees `offset`; a no-op when it is free or out of range (as upstream). */
  release(offset: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.size) return;
    this.index.clear(offset);
  }

  /** True when `offset` is allocated (false when out of range). */
  has(offset: number): boolean {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.size) return false;
    return this.index.has(offset);
  }

  /** Calls `fn` with every allocated offset, ascending. */
  forEach(fn: (offset: number) => void): void {
    this.index.forEach(fn);
  }

  /** Returns a copy of the state (the bytes are a fresh array). */
  snapshot(): BitmapSnapshot {
    return { size: this.size, staticBandSize: this.staticBandSize, data: this.index.toBytes() };
  }

  /**
   * Rebuilds a bitmap from a snapshot, recounting the allocated offsets. Throws a TypeError when
   * the size, band or data do not fit together.
   */
  static restore(s: BitmapSnapshot, random: RandomSource): Bitmap {
    const problem = sizeProblem(s?.size, s?.staticBandSize);
    if (problem) throw new TypeError(`Bitmap.restore: ${problem}`);
    const b = new Bitmap({ size: s.size, staticBandSize: s.staticBandSize, random });
    const dataProblem = b.index.loadBytes(s.data);
    if (dataProblem) throw new TypeError(`Bitmap.restore: ${dataProblem}`);
    return b;
  }
}

/**
 * The word engine under `Bitmap` and the pages of `SparseBitmap`: a bit array in
 * 32-bit words plus a 32-ary summary hierarchy, so "first free bit at or after p" costs
 * O(levels) word reads instead of a walk.
 *
 * Layout, in one Int32Array (one allocation per page keeps sparse pages small). The words are
 * signed so that every value read stays a small integer (a Uint32Array hands out values above
 * 2^31 as doubles):
 * - level 0: the bits themselves, 1 = allocated. Bits past `bits` in the last word are set
 *   (padding), so they never look free.
 * - level k >= 1: bit j is set when word j of level k-1 still has room (for level 1: the word is
 *   not all ones; above: the word is not zero). Levels are added until one has a single word.
 */
/** A full word. */
const ALL = -1;

/** Word offsets of each level inside the shared array, for one bit count; shareable between pages. */
export interface WordLayout {
  /** Number of usable bits. */
  readonly bits: number;
  /** Start of each level in the array; level 0 starts at 0. */
  readonly offsets: readonly number[];
  /** Number of words in each level. */
  readonly lengths: readonly number[];
  /** Total words in the array. */
  readonly total: number;
}

/** Computes the level layout for `bits` usable bits (0 gives an empty layout). */
export function layoutFor(bits: number): WordLayout {
  const offsets: number[] = [];
  const lengths: number[] = [];
  let total = 0;
  let len = Math.ceil(bits / 32);
  while (len > 0) {
    offsets.push(total);
    lengths.push(len);
    total += len;
    if (len === 1) break;
    len = Math.ceil(len / 32);
  }
  return { bits, offsets, lengths, total };
}

/** Index of the lowest set bit of a non-zero 32-bit value. */
export function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Number of set bits in a 32-bit value. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Level 0 of a word engine, shared by {@link WordIndex} (any size) and `FlatWordIndex` (small maps,
 * bitmap-flat-words.ts): bit i in [0, bits) is bit i&31 of word i>>5, 1 = allocated; bits past
 * `bits` in the last word are set (padding), so they never look free. Subclasses keep their
 * summaries up to date through {@link BitWords.wordFull} and {@link BitWords.wordHasRoom}.
 * Offsets passed in are assumed in range; `Bitmap` checks them.
 */
export abstract class BitWords {
  /** Number of usable bits. */
  readonly bits: number;
  /** Level 0 in its first ceil(bits/32) words; a subclass may keep summaries after them. */
  readonly words: Int32Array;
  /** Number of allocated bits (padding excluded). */
  used = 0;
  /** Words read since the caller last reset it (instrumentation for `lastScanWords`). */
  scanned = 0;

  protected constructor(bits: number, totalWords: number) {
    this.bits = bits;
    this.words = new Int32Array(totalWords);
  }

  /** Returns the lowest free bit at or after `from`, or -1 when there is none. */
  abstract findFree(from: number): number;

  /** Recomputes padding, summaries and `used` from level 0 (after a bulk load of level 0). */
  protected abstract rebuild(): void;

  /** Level-0 word `wi` just became full. */
  protected abstract wordFull(wi: number): void;

  /** Level-0 word `wi` was full and just got room. */
  protected abstract wordHasRoom(wi: number): void;

  /** Sets the padding bits and recounts `used` from level 0; returns the level-0 word count. */
  protected recountLevel0(): number {
    const w = this.words;
    const n0 = Math.ceil(this.bits / 32);
    const tail = this.bits & 31;
    if (tail !== 0) w[n0 - 1] |= ALL << tail;
    let used = 0;
    for (let i = 0; i < n0; i++) used += popcount32(w[i]);
    this.used = used - (tail === 0 ? 0 : 32 - tail);
    return n0;
  }

  /** True when bit `i` is allocated. */
  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** Sets bit `i`; returns false when it was already set. */
  set(i: number): boolean {
    const w = this.words;
    const wi = i >>> 5;
    const x = w[wi];
    const b = 1 << (i & 31);
    if ((x & b) !== 0) return false;
    const nx = x | b;
    w[wi] = nx;
    this.used++;
    if (nx === ALL) this.wordFull(wi);
    return true;
  }

  /** Clears bit `i`; returns false when it was already clear. */
  clear(i: number): boolean {
    const w = this.words;
    const wi = i >>> 5;
    const x = w[wi];
    const b = 1 << (i & 31);
    if ((x & b) === 0) return false;
    w[wi] = x & ~b;
    this.used--;
    if (x === ALL) this.wordHasRoom(wi);
    return true;
  }

  /** Calls `fn` with every allocated bit, ascending (padding excluded). */
  forEach(fn: (i: number) => void): void {
    const { bits, words: w } = this;
    const n0 = Math.ceil(bits / 32);
    for (let wi = 0; wi < n0; wi++) {
      let x = w[wi];
      if (wi === n0 - 1 && (bits & 31) !== 0) x &= ~(ALL << (bits & 31));
      while (x !== 0) {
        fn((wi << 5) + lowestBit(x));
        x &= x - 1;
      }
    }
  }

  /** Writes level 0 as LSB-first bytes (bit i = byte i>>3, bit i&7); padding excluded. */
  toBytes(): Uint8Array {
    const { bits, words: w } = this;
    const out = new Uint8Array(Math.ceil(bits / 8));
    for (let i = 0; i < out.length; i++) out[i] = w[i >>> 2] >>> ((i & 3) << 3);
    if ((bits & 7) !== 0) out[out.length - 1] &= (1 << (bits & 7)) - 1;
    return out;
  }

  /**
   * Loads level 0 from LSB-first bytes and rebuilds the summaries; returns a problem string when
   * the length is wrong or bits past the end are set (the state is unchanged then), else undefined.
   */
  loadBytes(data: Uint8Array): string | undefined {
    const { bits, words: w } = this;
    const want = Math.ceil(bits / 8);
    if (!(data instanceof Uint8Array) || data.length !== want) {
      return `data: expected ${want} bytes, got ${data instanceof Uint8Array ? data.length : typeof data}`;
    }
    if ((bits & 7) !== 0 && (data[want - 1] >>> (bits & 7)) !== 0) return 'data: bits set past the end of the range';
    w.fill(0, 0, Math.ceil(bits / 32));
    for (let i = 0; i < want; i++) w[i >>> 2] |= data[i] << ((i & 3) << 3);
    this.rebuild();
    return undefined;
  }
}

/** A fixed-size bit set with summary levels; offsets are plain numbers in [0, bits). */
export class WordIndex extends BitWords {
  /** The level layout. */
  readonly layout: WordLayout;

  /** Creates an empty index over `layout.bits` bits. */
  constructor(layout: WordLayout) {
    super(layout.bits, layout.total);
    this.layout = layout;
    this.rebuild();
  }

  /** Recomputes padding, summaries and `used` from level 0 (after a bulk load of level 0). */
  protected rebuild(): void {
    const { offsets, lengths } = this.layout;
    const w = this.words;
    this.recountLevel0();
    for (let lvl = 1; lvl < lengths.length; lvl++) {
      const off = offsets[lvl];
      w.fill(0, off, off + lengths[lvl]);
      const childOff = offsets[lvl - 1];
      const childLen = lengths[lvl - 1];
      for (let c = 0; c < childLen; c++) {
        const v = w[childOff + c];
        const hasRoom = lvl === 1 ? v !== ALL : v !== 0;
        if (hasRoom) w[off + (c >>> 5)] |= 1 << (c & 31);
      }
    }
  }

  /** Level-0 word `idx` just became full: clear its summary bit, and upwards while words empty. */
  protected wordFull(idx: number): void {
    const { offsets } = this.layout;
    const w = this.words;
    for (let lvl = 1; lvl < offsets.length; lvl++) {
      const pos = offsets[lvl] + (idx >>> 5);
      const v = w[pos] & ~(1 << (idx & 31));
      this.scanned++;
      w[pos] = v;
      if (v !== 0) return;
      idx >>>= 5;
    }
  }

  /** Level-0 word `idx` just got room: set its summary bit, and upwards while words were empty. */
  protected wordHasRoom(idx: number): void {
    const { offsets } = this.layout;
    const w = this.words;
    for (let lvl = 1; lvl < offsets.length; lvl++) {
      const pos = offsets[lvl] + (idx >>> 5);
      const v = w[pos];
      w[pos] = v | (1 << (idx & 31));
      if (v !== 0) return;
      idx >>>= 5;
    }
  }

  /**
   * Returns the lowest free bit at or after `from`, or -1 when there is none.
   * 1. Look in `from`'s own level-0 word, masked to bits >= from.
   * 2. Climb: at each level look for a set summary bit strictly after the current index, within
   *    one word; move up a level when that word has none.
   * 3. Descend: follow the lowest set bit down to level 0 and take its lowest free bit.
   * At most two words per level are read.
   */
  findFree(from: number): number {
    const { bits, offsets, lengths } = this.layout;
    if (from >= bits) return -1;
    const w = this.words;
    // 1.
    let idx = from >>> 5;
    this.scanned++;
    let m = ~w[idx] & (ALL << (from & 31));
    if (m !== 0) return (idx << 5) + lowestBit(m);
    // 2.
    let pos = idx + 1;
    let lvl = 1;
    for (;;) {
      if (lvl >= offsets.length) return -1;
      const wi = pos >>> 5;
      if (wi >= lengths[lvl]) return -1;
      this.scanned++;
      m = w[offsets[lvl] + wi] & (ALL << (pos & 31));
      if (m !== 0) {
        pos = (wi << 5) + lowestBit(m);
        break;
      }
      pos = wi + 1;
      lvl++;
    }
    // 3.
    while (lvl > 1) {
      lvl--;
      this.scanned++;
      pos = (pos << 5) + lowestBit(w[offsets[lvl] + pos]);
    }
    idx = pos;
    this.scanned++;
    return (idx << 5) + lowestBit(~w[idx]);
  }
}

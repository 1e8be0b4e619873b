/**
 * The word engine for small maps (at most {@link FLAT_MAX_BITS} bits: every NodePort range, and
 * IPv4 service ranges of /17 and smaller): the bits in 32-bit words plus ONE summary level, one bit
 * per word that still has room, read linearly. That is the layout the issue describes; the
 * 32-ary hierarchy of `WordIndex` only pays for itself on larger maps. A small map has at most 32
 * summary words, so a search reads at most 34 words, and the flat layout keeps each call to a
 * handful of typed-array reads with no per-level bookkeeping.
 */
import { BitWords, lowestBit } from './bitmap-words.js';

/** A full word (the words are signed, see bitmap-words.ts). */
const ALL = -1;

/** The largest map the flat engine takes: 32 summary words of 32 words of 32 bits. */
export const FLAT_MAX_BITS = 32 * 32 * 32;

/** A fixed-size bit set with one summary level; bit i in [0, bits), 1 = allocated. */
export class FlatWordIndex extends BitWords {
  /** Summary: bit j is set when level-0 word j has room. */
  readonly room: Int32Array;

  /** Creates an empty index; throws a RangeError beyond {@link FLAT_MAX_BITS}. */
  constructor(bits: number) {
    if (!Number.isInteger(bits) || bits < 0 || bits > FLAT_MAX_BITS) {
      throw new RangeError(`FlatWordIndex: expected an integer number of bits in [0, ${FLAT_MAX_BITS}], got ${bits}`);
    }
    super(bits, Math.ceil(bits / 32));
    this.room = new Int32Array(Math.ceil(this.words.length / 32));
    this.rebuild();
  }

  /** Recomputes padding, the summary and `used` from level 0. */
  protected rebuild(): void {
    const { words: w, room } = this;
    const n0 = this.recountLevel0();
    room.fill(0);
    for (let i = 0; i < n0; i++) if (w[i] !== ALL) room[i >>> 5] |= 1 << (i & 31);
  }

  /** Level-0 word `wi` just became full: clear its summary bit. */
  protected wordFull(wi: number): void {
    this.room[wi >>> 5] &= ~(1 << (wi & 31));
  }

  /** Level-0 word `wi` just got room: set its summary bit. */
  protected wordHasRoom(wi: number): void {
    this.room[wi >>> 5] |= 1 << (wi & 31);
  }

  /**
   * Returns the lowest free bit at or after `from`, or -1 when there is none.
   * 1. Look in `from`'s own word, masked to bits >= from.
   * 2. Find the first word after it with room: the rest of its summary word, then whole summary
   *    words onwards.
   * 3. Take that word's lowest free bit.
   */
  findFree(from: number): number {
    if (from >= this.bits) return -1;
    const w = this.words;
    // 1.
    let wi = from >>> 5;
    const m = ~w[wi] & (ALL << (from & 31));
    if (m !== 0) {
      this.scanned++;
      return (wi << 5) + lowestBit(m);
    }
    // 2. `next` may equal the word count; its summary bit is never set, so the search fails there.
    const room = this.room;
    const next = wi + 1;
    let si = next >>> 5;
    let scanned = 1;
    let r = 0;
    if (si < room.length) {
      scanned++;
      r = room[si] & (ALL << (next & 31));
      while (r === 0 && ++si < room.length) {
        scanned++;
        r = room[si];
      }
    }
    if (r === 0) {
      this.scanned += scanned;
      return -1;
    }
    // 3.
    wi = (si << 5) + lowestBit(r);
    this.scanned += scanned + 1;
    return (wi << 5) + lowestBit(~w[wi]);
  }
}

/**
 * Randomness for the allocators, injected so the pure cores stay deterministic under test.
 * Upstream draws the scan start with `rand.Intn` (pkg/registry/core/service/allocator/utils.go);
 * here every allocator takes a {@link RandomSource} instead.
 */
import { randomInt } from 'node:crypto';

/** A source of uniform random integers. */
export interface RandomSource {
  /** Returns a uniform integer in [0, n), for an integer n with 1 <= n <= 2^53. */
  intBelow(n: number): number;
}

const TWO_32 = 2 ** 32;
const TWO_53 = 2 ** 53;

/** Throws a RangeError unless `n` is an integer in [1, 2^53]. */
function checkBound(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > TWO_53) {
    throw new RangeError(`intBelow: expected an integer in [1, 2^53], got ${n}`);
  }
}

/**
 * Maps a stream of uniform integers in [0, span) to a uniform integer in [0, n) by rejection, so
 * no residue is favoured (plain `x % n` would bias small results when n does not divide 2^bits).
 */
function uniformBelow(n: number, span: number, draw: () => number): number {
  // `span % n` is exact for doubles; every candidate below `limit` maps to each residue equally often.
  const limit = span - (span % n);
  for (;;) {
    const x = draw();
    if (x < limit) return x % n;
  }
}

/** mulberry32: a small, fast 32-bit PRNG with a 2^32 period; plenty for scan starts. */
class Mulberry32 implements RandomSource {
  private state: number;
  // The rejection limit of the last bound, cached: allocators ask for the same bound repeatedly.
  // Seeded with a valid pair (1 and its limit 2^32): a bound equal to lastBound is always one
  // that passed checkBound, so skipping the check for it is safe.
  private lastBound = 1;
  private lastLimit = TWO_32;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  private next32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }

  intBelow(n: number): number {
    if (n !== this.lastBound) {
      checkBound(n);
      this.lastBound = n;
      this.lastLimit = n <= TWO_32 ? TWO_32 - (TWO_32 % n) : TWO_53 - (TWO_53 % n);
    }
    const limit = this.lastLimit;
    if (n <= TWO_32) {
      for (;;) {
        const x = this.next32();
        if (x < limit) return x % n;
      }
    }
    for (;;) {
      const x = (this.next32() >>> 6) * 2 ** 27 + (this.next32() >>> 5);
      if (x < limit) return x % n;
    }
  }
}

/**
 * Returns a deterministic PRNG (mulberry32) seeded with `seed`: the same seed gives the same
 * sequence. Bounds above 2^32 combine two draws into 53 bits (26 + 27).
 * @param seed any number; only its low 32 bits are used.
 */
export function seededRandom(seed: number): RandomSource {
  return new Mulberry32(seed);
}

/**
 * A cryptographically strong source backed by `node:crypto` `randomInt`. `randomInt` accepts
 * ranges below 2^48 only, so larger bounds combine two draws (26 + 27 bits) into 53 bits.
 */
export const systemRandom: RandomSource = {
  intBelow(n: number): number {
    checkBound(n);
    if (n < 2 ** 48) return randomInt(n);
    return uniformBelow(n, TWO_53, () => randomInt(2 ** 26) * 2 ** 27 + randomInt(2 ** 27));
  },
};

/**
 * A source that always returns 0. With it the allocators' random scan becomes a first-fit scan
 * (the lowest free offset of the upper band, then of the lower band), which makes tests exact.
 */
export const firstFree: RandomSource = {
  intBelow(n: number): number {
    checkBound(n);
    return 0;
  },
};

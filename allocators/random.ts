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
 * Maps a stream of uniform `bits`-bit integers to a uniform integer in [0, n) by rejection, so
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

/**
 * Returns a deterministic PRNG (mulberry32) seeded with `seed`: the same seed gives the same
 * sequence. Bounds above 2^32 combine two 32-bit draws into 53 bits.
 * @param seed any number; only its low 32 bits are used.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  const next32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  };
  const next53 = (): number => (next32() >>> 5) * 2 ** 27 + (next32() >>> 5);
  return {
    intBelow(n: number): number {
      checkBound(n);
      if (n === 1) return 0;
      return n <= TWO_32 ? uniformBelow(n, TWO_32, next32) : uniformBelow(n, TWO_53, next53);
    },
  };
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

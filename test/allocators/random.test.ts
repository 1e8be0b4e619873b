import test from 'ava';
import fc from 'fast-check';
import { firstFree, seededRandom, systemRandom } from '../../allocators/random.js';

test('seededRandom › the same seed gives the same sequence, another seed another one', (t) => {
  const draw = (seed: number): number[] => {
    const r = seededRandom(seed);
    return Array.from({ length: 20 }, () => r.intBelow(1_000_000));
  };
  t.deepEqual(draw(42), draw(42));
  t.notDeepEqual(draw(42), draw(43));
});

test('seededRandom › stays in [0, n) for any bound up to 2^53', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(fc.integer(), fc.oneof(fc.integer({ min: 1, max: 2 ** 32 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })), (seed, n) => {
      const r = seededRandom(seed);
      for (let i = 0; i < 5; i++) {
        const x = r.intBelow(n);
        if (!Number.isInteger(x) || x < 0 || x >= n) return false;
      }
      return true;
    }),
    { numRuns: 1000 },
  ));
});

test('seededRandom › spreads draws evenly over small bounds', (t) => {
  const r = seededRandom(7);
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i++) counts[r.intBelow(10)]++;
  for (const c of counts) t.true(c > 850 && c < 1150, `bucket count ${c}`);
});

test('seededRandom › large bounds reach their upper half (53-bit combination)', (t) => {
  const r = seededRandom(1);
  const n = 2 ** 52;
  const high = Array.from({ length: 64 }, () => r.intBelow(n)).filter((x) => x >= n / 2).length;
  t.true(high > 16 && high < 48, `upper-half draws ${high}`);
});

test('systemRandom › stays in [0, n) below and above the 2^48 randomInt limit', (t) => {
  for (const n of [1, 2, 1000, 2 ** 48 - 1, 2 ** 48, 2 ** 53]) {
    for (let i = 0; i < 50; i++) {
      const x = systemRandom.intBelow(n);
      t.true(Number.isInteger(x) && x >= 0 && x < n, `intBelow(${n}) gave ${x}`);
    }
  }
});

test('firstFree › always returns 0', (t) => {
  for (const n of [1, 2, 100, 2 ** 40]) t.is(firstFree.intBelow(n), 0);
});

test('random sources › reject bounds that are not integers in [1, 2^53]', (t) => {
  for (const source of [seededRandom(1), systemRandom, firstFree]) {
    for (const n of [0, -1, 1.5, Number.NaN, Infinity, 2 ** 53 + 2]) {
      t.throws(() => source.intBelow(n), { instanceOf: RangeError });
    }
  }
});

// Regression: the cached rejection limit once skipped validation for a repeated bad bound,
// and intBelow(-1) twice looped forever.
test('seededRandom › a repeated bad bound is rejected every time', (t) => {
  const r = seededRandom(3);
  t.true(r.intBelow(5) < 5);
  for (const n of [0, 0, -1, -1, 0.5, 0.5]) t.throws(() => r.intBelow(n), { instanceOf: RangeError });
  t.true(r.intBelow(5) < 5);
});

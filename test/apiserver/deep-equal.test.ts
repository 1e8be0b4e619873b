import test from 'ava';
import fc from 'fast-check';
import { deepEqual } from '../../apiserver/deep-equal.js';

// JSON-like values over few keys and leaves, so equal pairs are common; objects may carry
// undefined members, which count as absent.
const leaf = fc.constantFrom<unknown>(0, 1, 'a', 'b', true, null);
const { value: jsonValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.option(tie('value'), { nil: undefined }), { maxKeys: 3 })),
}));
// A copy with keys in reverse order and an extra undefined member in every object.
const reshuffled = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(reshuffled);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = { z: undefined };
  for (const k of Object.keys(v).reverse()) out[k] = reshuffled((v as Record<string, unknown>)[k]);
  return out;
};
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x);
const pairs = fc.oneof(fc.tuple(jsonValue, jsonValue), jsonValue.map((v) => [v, reshuffled(v)] as const));

test('deepEqual › is equality of the JSON documents, undefined members counting as absent', (t) => {
  let equalSeen = 0;
  fc.assert(
    fc.property(pairs, ([a, b]) => {
      const want = canonical(a) === canonical(b);
      if (want) equalSeen++;
      return deepEqual(a, b) === want && deepEqual(b, a) === want;
    }),
    { numRuns: 2000 },
  );
  t.true(equalSeen > 500, `equal pairs exercised (${equalSeen})`);
});

test('deepEqual › tells a member set to undefined from one set to a value', (t) => {
  t.false(deepEqual({ x: undefined }, { x: 1 }));
  t.false(deepEqual({ x: 1 }, { x: undefined }));
  t.true(deepEqual({ x: undefined }, {}));
  t.false(deepEqual([1, 2], [2, 1]));
});

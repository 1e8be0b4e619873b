import test from 'ava';
import fc from 'fast-check';
import { FieldPath, deepEqual, duplicate, forbidden, formatValue, immutable, invalid, notSupported, required, tooLong, tooMany } from '../../../apiserver/validation/field.js';

test('field › paths print as Kubernetes prints them', (t) => {
  t.is(FieldPath.root('spec', 'ports').index(0).child('name').toString(), 'spec.ports[0].name');
  t.is(FieldPath.root('data').key('a.b').toString(), 'data[a.b]');
  t.is(FieldPath.root('').child('x').toString(), 'x');
});

test('field › error bodies match field.Error.ErrorBody', (t) => {
  const p = FieldPath.root('spec', 'x');
  t.deepEqual(invalid(p, 0, 'must be between 1 and 65535, inclusive'), { reason: 'FieldValueInvalid', field: 'spec.x', message: 'Invalid value: 0: must be between 1 and 65535, inclusive' });
  t.is(invalid(p, 'a"b', 'bad').message, 'Invalid value: "a\\"b": bad');
  t.is(invalid(p, null, 'bad').message, 'Invalid value: null: bad');
  t.is(invalid(p, ['a', 'b'], 'bad').message, 'Invalid value: []string{"a", "b"}: bad');
  t.is(required(p).message, 'Required value');
  t.is(required(p, 'why').message, 'Required value: why');
  t.is(duplicate(p, 'http').message, 'Duplicate value: "http"');
  t.is(notSupported(p, 'FOO', ['SCTP', 'TCP', 'UDP']).message, 'Unsupported value: "FOO": supported values: "SCTP", "TCP", "UDP"');
  t.is(forbidden(p, 'nope').message, 'Forbidden: nope');
  t.is(tooLong(p, 10).message, 'Too long: must have at most 10 bytes');
  t.is(tooMany(p, 1001, 1000).message, 'Too many: 1001: must have at most 1000 items');
  t.is(formatValue(true), 'true');
});

test('field › immutable reports only a change', (t) => {
  t.deepEqual(immutable(FieldPath.root('a'), { x: [1] }, { x: [1] }), []);
  t.is(immutable(FieldPath.root('a'), 'b', 'c')[0].message, 'Invalid value: "b": field is immutable');
});

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

test('field › deepEqual is equality of the JSON documents, undefined members counting as absent', (t) => {
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

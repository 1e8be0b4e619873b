import test from 'ava';
import fc from 'fast-check';
import { FieldSet } from '../../../apiserver/patch/field-set.js';
import { pathString } from '../../../apiserver/patch/path-string.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

test('pathString › prints paths as structured-merge-diff does', (t) => {
  t.is(pathString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}', 'f:targetPort']), '.spec.ports[port=80,protocol="TCP"].targetPort');
  t.is(pathString(['f:metadata', 'f:finalizers', 'v:"a/b"']), '.metadata.finalizers[="a/b"]');
  t.is(pathString(['f:spec', 'f:x', 'i:3']), '.spec.x[3]');
});

test('FieldSet › encodes members with children using "."', (t) => {
  const set = FieldSet.fromPaths([
    ['f:spec', 'f:ports', 'k:{"port":80}'],
    ['f:spec', 'f:ports', 'k:{"port":80}', 'f:port'],
    ['f:metadata', 'f:labels', 'f:a'],
  ]);
  t.deepEqual(set.toFieldsV1(), {
    'f:metadata': { 'f:labels': { 'f:a': {} } },
    'f:spec': { 'f:ports': { 'k:{"port":80}': { '.': {}, 'f:port': {} } } },
  });
});

test('FieldSet › decodes FieldsV1 and rejects unknown path elements', (t) => {
  const set = FieldSet.fromFieldsV1({ 'f:spec': { 'f:ports': { 'k:{"port":80}': { '.': {}, 'f:port': {} } } } });
  t.true(set.has(['f:spec', 'f:ports', 'k:{"port":80}']));
  t.true(set.has(['f:spec', 'f:ports', 'k:{"port":80}', 'f:port']));
  t.false(set.has(['f:spec', 'f:ports']));
  t.true(set.hasAtOrBelow(['f:spec']));
  t.throws(() => FieldSet.fromFieldsV1({ 'x:bad': {} }), { instanceOf: TypeError });
});

test('FieldSet › set algebra', (t) => {
  const a = FieldSet.fromPaths([['f:a'], ['f:b', 'f:c'], ['f:b', 'f:d']]);
  const b = FieldSet.fromPaths([['f:b', 'f:c'], ['f:e']]);
  t.deepEqual(a.union(b).paths(), [['f:a'], ['f:b', 'f:c'], ['f:b', 'f:d'], ['f:e']]);
  t.deepEqual(a.difference(b).paths(), [['f:a'], ['f:b', 'f:d']]);
  t.deepEqual(a.intersection(b).paths(), [['f:b', 'f:c']]);
  t.deepEqual(a.withoutPrefixes(FieldSet.fromPaths([['f:b']])).paths(), [['f:a']]);
  t.true(new FieldSet().isEmpty());
});

const pe = fc.oneof(
  fc.string({ minLength: 1, maxLength: 4 }).map((s) => `f:${s}`),
  fc.integer({ min: 0, max: 9 }).map((n) => `k:{"port":${n}}`),
  fc.string({ maxLength: 3 }).map((s) => `v:${JSON.stringify(s)}`),
);

test('FieldSet › FieldsV1 round-trips every set', (t) => {
  fc.assert(
    fc.property(fc.array(fc.array(pe, { minLength: 1, maxLength: 4 }), { maxLength: 8 }), (paths) => {
      const set = FieldSet.fromPaths(paths);
      const back = FieldSet.fromFieldsV1(JSON.parse(JSON.stringify(set.toFieldsV1())));
      t.deepEqual(back.paths(), set.paths());
    }),
    { numRuns: 1000 },
  );
});

test('FieldSet › union and difference hand an operand back when they change nothing', (t) => {
  const a = FieldSet.fromPaths([['f:a'], ['f:b', 'f:c']]);
  t.is(a.union(FieldSet.fromPaths([['f:b', 'f:c']])), a);
  t.is(a.union(new FieldSet()), a);
  t.is(a.difference(FieldSet.fromPaths([['f:x', 'f:y']])), a);
  t.not(a.difference(FieldSet.fromPaths([['f:b', 'f:c']])), a);
  // The operands stay as they were.
  t.deepEqual(a.union(FieldSet.fromPaths([['f:b', 'f:e']])).paths(), [['f:a'], ['f:b', 'f:c'], ['f:b', 'f:e']]);
  t.deepEqual(a.paths(), [['f:a'], ['f:b', 'f:c']]);
});

test('FieldSet › properties: union, difference and filter agree with the paths they hold', (t) => {
  fc.assert(
    fc.property(fc.array(fc.array(pe, { minLength: 1, maxLength: 3 }), { maxLength: 8 }), fc.array(fc.array(pe, { minLength: 1, maxLength: 3 }), { maxLength: 8 }), (pa, pb) => {
      const a = FieldSet.fromPaths(pa);
      const b = FieldSet.fromPaths(pb);
      const key = (p: readonly string[]) => JSON.stringify(p);
      const inA = new Set(a.paths().map(key));
      const inB = new Set(b.paths().map(key));
      const sorted = (xs: Iterable<string>) => [...xs].sort();
      t.deepEqual(sorted(a.union(b).paths().map(key)), sorted(new Set([...inA, ...inB])));
      t.deepEqual(sorted(a.difference(b).paths().map(key)), sorted([...inA].filter((p) => !inB.has(p))));
      t.deepEqual(a.filter((p) => p.length > 1).paths(), a.paths().filter((p) => p.length > 1));
      t.deepEqual(a.paths().map(key), [...inA]);
    }),
    { numRuns: 500 },
  );
});

test('FieldSet › a set decoded from a frozen canonical FieldsV1 object encodes back to that object', (t) => {
  const stored = deepFreeze({ 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } }, 'f:spec': { 'f:ports': { 'k:{"port":80}': { '.': {}, 'f:port': {} } } } });
  const set = FieldSet.fromFieldsV1(stored);
  t.is(set.toFieldsV1(), stored);
  t.is(FieldSet.fromFieldsV1(stored), set, 'decoded once');
  // A change along one path encodes again, the untouched subtree is the stored one.
  const grown = set.union(FieldSet.fromPaths([['f:metadata', 'f:labels', 'f:b']]));
  const encoded = grown.toFieldsV1();
  t.deepEqual(encoded, { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {}, 'f:b': {} } }, 'f:spec': stored['f:spec'] });
  t.is(encoded['f:spec'], stored['f:spec']);
  // Objects that are not what the encoder writes (unsorted keys, a lone ".") are encoded anew.
  const unsorted = deepFreeze({ 'f:spec': {}, 'f:metadata': { 'f:name': { '.': {} } } });
  const again = FieldSet.fromFieldsV1(unsorted).toFieldsV1();
  t.not(again, unsorted);
  t.deepEqual(JSON.stringify(again), JSON.stringify({ 'f:metadata': { 'f:name': {} }, 'f:spec': {} }));
  // A mutable object may still change: never taken as an encoding.
  const mutable = { 'f:a': {} };
  t.not(FieldSet.fromFieldsV1(mutable).toFieldsV1(), mutable);
});

test('FieldSet › a stored (frozen) encoding of its own is read lazily and behaves as the set it encodes', (t) => {
  const paths = fc.array(fc.array(pe, { minLength: 1, maxLength: 4 }), { maxLength: 10 });
  fc.assert(
    fc.property(paths, paths, (pa, pb) => {
      const a = FieldSet.fromPaths(pa);
      const b = FieldSet.fromPaths(pb);
      // What the store keeps: this module's encoding, frozen.
      const stored = deepFreeze(a.toFieldsV1());
      const lazy = () => FieldSet.fromFieldsV1(stored);
      t.deepEqual(lazy().paths(), a.paths());
      t.is(lazy().isEmpty(), a.isEmpty());
      t.deepEqual(lazy().union(b).paths(), a.union(b).paths());
      t.deepEqual(b.union(lazy()).paths(), b.union(a).paths());
      t.deepEqual(lazy().difference(b).paths(), a.difference(b).paths());
      t.deepEqual(b.difference(lazy()).paths(), b.difference(a).paths());
      t.deepEqual(lazy().intersection(b).paths(), a.intersection(b).paths());
      t.deepEqual(lazy().withoutPrefixes(b).paths(), a.withoutPrefixes(b).paths());
      for (const p of [...pb, ...pa]) {
        t.is(lazy().has(p), a.has(p));
        t.is(lazy().hasAtOrBelow(p), a.hasAtOrBelow(p));
      }
      t.is(JSON.stringify(lazy().union(b).toFieldsV1()), JSON.stringify(a.union(b).toFieldsV1()));
      t.is(JSON.stringify(lazy().difference(b).toFieldsV1()), JSON.stringify(a.difference(b).toFieldsV1()));
      if (!('.' in stored)) t.is(lazy().toFieldsV1(), stored, 'an untouched set encodes as the stored object');
    }),
    { numRuns: 1000 },
  );
});

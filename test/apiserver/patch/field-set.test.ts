import test from 'ava';
import fc from 'fast-check';
import { FieldSet, pathString } from '../../../apiserver/patch/field-set.js';

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

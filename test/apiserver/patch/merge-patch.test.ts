import test from 'ava';
import fc from 'fast-check';
import { mergePatch } from '../../../apiserver/patch/merge-patch.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

// RFC 7386 Appendix A: [target, patch, result].
const examples: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

examples.forEach(([target, patch, want], i) => {
  test(`mergePatch › RFC 7386 example ${i + 1}`, (t) => {
    t.deepEqual(mergePatch(deepFreeze(structuredClone(target)), deepFreeze(structuredClone(patch))), want);
  });
});

test('mergePatch › arrays in a Kubernetes object are replaced whole', (t) => {
  const svc = deepFreeze({ spec: { ports: [{ port: 80 }, { port: 443 }], type: 'ClusterIP' } });
  t.deepEqual(mergePatch(svc, { spec: { ports: [{ port: 8080 }] } }), { spec: { ports: [{ port: 8080 }], type: 'ClusterIP' } });
});

const noNulls = (v: unknown): boolean =>
  v === null ? false : Array.isArray(v) ? true : typeof v === 'object' ? Object.values(v as object).every(noNulls) : true;

test('mergePatch › applying the same patch twice changes nothing more', (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (target, patch) => {
      const once = mergePatch(target, patch);
      t.deepEqual(mergePatch(once, patch), once);
    }),
    { numRuns: 1000 },
  );
});

test('mergePatch › a patch without nulls is contained in the result', (t) => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()), (target, patch) => {
      fc.pre(noNulls(patch));
      const out = mergePatch(target, patch) as Record<string, unknown>;
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) t.deepEqual(out[k], v);
      }
    }),
    { numRuns: 1000 },
  );
});

import test from 'ava';
import fc from 'fast-check';
import type { Pod } from '../../../api-types/core.js';
import { diffPods, noteReplaced, replacedInPlace } from '../../../controllers/shared/pod-changes.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const pod = (name: string, v = 0): Pod => deepFreeze({ metadata: { name, namespace: 'd', resourceVersion: String(v) } });
const names = (changes: ReturnType<typeof diffPods>) => changes?.map((c) => `${c.before ? c.before.metadata.name : '-'}>${c.after ? c.after.metadata.name : '-'}`);

test('diffPods › the same objects: no change; one replaced in place: one change', (t) => {
  const a = [pod('a'), pod('b'), pod('c')];
  t.deepEqual(diffPods(a, [...a], 5), []);
  const b = [a[0], pod('b', 1), a[2]];
  const changes = diffPods(a, b, 5)!;
  t.is(changes.length, 1);
  t.is(changes[0].before, a[1]);
  t.is(changes[0].after, b[1]);
});

test('diffPods › added (in list order), removed, reordered; undefined past the limit or on a repeated name', (t) => {
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => pod(n));
  t.deepEqual(names(diffPods([a, b, c], [a, c, d], 5)), ['->d', 'b>-']);
  t.deepEqual(names(diffPods([a, b, c], [c, b, a], 5)), []);
  t.deepEqual(names(diffPods([a, b], [pod('b', 2), pod('a', 2)], 5)), ['b>b', 'a>a']);
  t.is(diffPods([a], [a, b, c, d], 2), undefined);
  t.is(diffPods([a, b], [a, c, c], 5), undefined);
});

test('diffPods › property: applying the changes to the old list by name gives the new one', (t) => {
  t.notThrows(() => fc.assert(fc.property(fc.uniqueArray(fc.nat(12), { maxLength: 10 }), fc.uniqueArray(fc.nat(12), { maxLength: 10 }), fc.array(fc.nat(12)), (before, after, touched) => {
    const old = before.map((i) => pod(`p${i}`));
    const byName = new Map(old.map((p) => [p.metadata.name!, p]));
    const now = after.map((i) => (touched.includes(i) || !byName.has(`p${i}`) ? pod(`p${i}`, 1) : byName.get(`p${i}`)!));
    const changes = diffPods(old, now, 100)!;
    const result = new Map(byName);
    for (const c of changes) {
      if (c.before) result.delete(c.before.metadata.name!);
      if (c.after) result.set(c.after.metadata.name!, c.after);
    }
    const unchanged = now.filter((p) => byName.get(p.metadata.name!) === p).length;
    return changes.length === now.length - unchanged + old.filter((p) => !now.some((q) => q.metadata.name === p.metadata.name)).length
      && result.size === now.length && now.every((p) => result.get(p.metadata.name!) === p);
  }), { numRuns: 500 }));
});

test('replacedInPlace › positions of pods updated in place; undefined once names or lengths differ', (t) => {
  const [a, b, c] = ['a', 'b', 'c'].map((n) => pod(n));
  const b1 = pod('b', 1);
  t.deepEqual(replacedInPlace([a, b, c], [a, b1, c]), [1]);
  t.deepEqual(replacedInPlace([a, b, c], [a, b, c]), []);
  t.is(replacedInPlace([a, b, c], [a, c, b]), undefined);
  t.is(replacedInPlace([a, b], [a, b, c]), undefined);
  // asked twice about the same lists (the last answer is kept), then about others
  const before = [a, b];
  const after = [pod('a', 2), b];
  t.deepEqual(replacedInPlace(before, after), [0]);
  t.deepEqual(replacedInPlace(before, after), [0]);
  t.deepEqual(replacedInPlace(after, before), [0]);
  t.deepEqual(names(diffPods(before, after, 5)), ['a>a']);
  t.is(diffPods(before, after, 0), undefined);
});

test('replacedInPlace › a noted replacement answers as a scan does', (t) => {
  const [a, b, c] = ['a', 'b', 'c'].map((n) => pod(n));
  const replace = (list: Pod[], at: number, p: Pod) => {
    const next = list.slice();
    next[at] = p;
    noteReplaced(list, next, at);
    return next;
  };
  const l0 = [a, b, c];
  const l1 = replace(l0, 1, pod('b', 1));
  t.deepEqual(replacedInPlace(l0, l1), [1]);
  // The same object again: nothing differs.
  const l2 = replace(l1, 2, c);
  t.deepEqual(replacedInPlace(l1, l2), []);
  // Another name at that position: not an in-place update.
  const l3 = replace(l2, 0, pod('z'));
  t.is(replacedInPlace(l2, l3), undefined);
  // Lists other than the noted pair are scanned.
  t.deepEqual(replacedInPlace(l0, l2), [1]);
  t.deepEqual(replacedInPlace(l0, [pod('a', 3), b, pod('c', 3)]), [0, 2]);
});

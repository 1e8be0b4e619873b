import test from 'ava';
import { FieldSet } from '../../../apiserver/patch/field-set.js';
import { schemaFor } from '../../../apiserver/patch/merge-keys.js';
import { compareValues, mergeApplied, removeFields, toFieldSet } from '../../../apiserver/patch/typed-value.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const service = schemaFor('Service');
const ports = (...ps: number[]) => ({ spec: { ports: ps.map((port) => ({ port })) } });
const order = (v: unknown) => (v as { spec: { ports: { port: number }[] } }).spec.ports.map((p) => p.port);

const orders: [number[], number[], number[]][] = [
  // [live, applied, merged] as structured-merge-diff orders them.
  [[1, 2], [3], [1, 2, 3]],
  [[1, 2], [1, 3], [1, 2, 3]],
  [[1, 2, 3], [3, 1], [2, 3, 1]],
  [[1, 2], [2, 1], [2, 1]],
  [[], [2, 1], [2, 1]],
  [[5, 1], [1, 4], [5, 1, 4]],
];

for (const [live, applied, want] of orders) {
  test(`mergeApplied › ports ${JSON.stringify(live)} + ${JSON.stringify(applied)} → ${JSON.stringify(want)}`, (t) => {
    t.deepEqual(order(mergeApplied(deepFreeze(ports(...live)), deepFreeze(ports(...applied)), service)), want);
  });
}

test('mergeApplied › atomic fields are replaced and granular maps merged', (t) => {
  const live = deepFreeze({ metadata: { labels: { a: '1' } }, spec: { selector: { x: '1', y: '2' }, clusterIPs: ['10.0.0.1', 'fd00::1'] } });
  const applied = { metadata: { labels: { b: '2' } }, spec: { selector: { z: '3' }, clusterIPs: ['10.0.0.2'] } };
  t.deepEqual(mergeApplied(live, applied, service), { metadata: { labels: { a: '1', b: '2' } }, spec: { selector: { z: '3' }, clusterIPs: ['10.0.0.2'] } });
});

test('mergeApplied › finalizers merge as a set', (t) => {
  const out = mergeApplied({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['c', 'a'] } }, service);
  t.deepEqual(out, { metadata: { finalizers: ['c', 'a', 'b'] } });
});

test('toFieldSet › set items are v: elements and atomic lists are leaves', (t) => {
  const set = toFieldSet({ metadata: { finalizers: ['x'] }, spec: { clusterIPs: ['10.0.0.1'] } }, service);
  t.deepEqual(set.paths(), [['f:metadata', 'f:finalizers', 'v:"x"'], ['f:spec', 'f:clusterIPs']]);
});

test('compareValues › sorts changes into modified, added and removed', (t) => {
  const before = { spec: { type: 'ClusterIP', ports: [{ port: 80, targetPort: 1 }, { port: 81 }] } };
  const after = { spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 2 }, { port: 82 }] } };
  const diff = compareValues(before, after, service);
  const K = (p: number) => `k:{"port":${p},"protocol":"TCP"}`;
  t.deepEqual(diff.modified.paths(), [['f:spec', 'f:ports', K(80), 'f:targetPort'], ['f:spec', 'f:type']]);
  t.deepEqual(diff.added.paths(), [['f:spec', 'f:ports', K(82)], ['f:spec', 'f:ports', K(82), 'f:port']]);
  t.deepEqual(diff.removed.paths(), [['f:spec', 'f:ports', K(81)], ['f:spec', 'f:ports', K(81), 'f:port']]);
});

test('removeFields › keeps the key fields of an item that stays and drops emptied containers', (t) => {
  const value = deepFreeze({ metadata: { labels: { a: '1' } }, spec: { ports: [{ port: 80, targetPort: 1 }] } });
  const K80 = 'k:{"port":80,"protocol":"TCP"}';
  const out = removeFields(value, FieldSet.fromPaths([
    ['f:metadata', 'f:labels', 'f:a'],
    ['f:spec', 'f:ports', K80, 'f:port'],
    ['f:spec', 'f:ports', K80, 'f:targetPort'],
  ]), service);
  t.deepEqual(out, { spec: { ports: [{ port: 80 }] } });
});

import test from 'ava';
import type { EndpointSlice } from '../../../api-types/networking.js';
import { isEmptyPlan, reconcileSlices } from '../../../controllers/endpointslice/reconcile.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { applyPlan, pod, pods, service, sizes, slice, snapshot } from './fixtures.js';

const svc = service();
const svc9090 = service({ spec: { ports: [{ name: 'http', port: 80, targetPort: 9090, protocol: 'TCP' }] } });

interface WorkedExample {
  name: string;
  setup: () => { snap: Parameters<typeof reconcileSlices>[0] };
  want: { sizes: number[]; create: number; update: number; delete: number };
}

function sorted(a: number[]): number[] {
  return [...a].sort((x, y) => y - x);
}

// kubernetes-behaviour.md §5.5 "Worked examples from the tests (max 100)".
const examples: WorkedExample[] = [
  {
    name: '250 pods, no slices → [100,100,50], 3 creates',
    setup: () => ({ snap: snapshot({ service: svc, pods: pods(250) }) }),
    want: { sizes: [100, 100, 50], create: 3, update: 0, delete: 0 },
  },
  {
    name: 'slices [62,61] hold 123 of 250 → [89,61,100], 1 create + 1 update',
    setup: () => {
      const all = pods(250);
      return { snap: snapshot({ service: svc, pods: all, existingSlices: [slice('web-a', svc, all.slice(0, 62)), slice('web-b', svc, all.slice(62, 123))] }) };
    },
    want: { sizes: [89, 61, 100], create: 1, update: 1, delete: 0 },
  },
  {
    name: 'slices [74,74] with 300 desired → [74,74,100,52], 2 creates',
    setup: () => {
      const all = pods(300);
      return { snap: snapshot({ service: svc, pods: all, existingSlices: [slice('web-a', svc, all.slice(0, 74)), slice('web-b', svc, all.slice(74, 148))] }) };
    },
    want: { sizes: [74, 74, 100, 52], create: 2, update: 0, delete: 0 },
  },
  {
    name: '250 pods in 3 slices, targetPort changed → [100,100,50] by 3 updates (recycled)',
    setup: () => {
      const all = pods(250);
      const existing = [slice('web-a', svc, all.slice(0, 100)), slice('web-b', svc, all.slice(100, 200)), slice('web-c', svc, all.slice(200))];
      return { snap: snapshot({ service: svc9090, pods: all, existingSlices: existing }) };
    },
    want: { sizes: [100, 100, 50], create: 0, update: 3, delete: 0 },
  },
  {
    name: '10 slices × 30, targetPort changed → [100,100,100] by 3 updates + 7 deletes',
    setup: () => {
      const all = pods(300);
      const existing = Array.from({ length: 10 }, (_, i) => slice(`web-${i}`, svc, all.slice(i * 30, i * 30 + 30)));
      return { snap: snapshot({ service: svc9090, pods: all, existingSlices: existing }) };
    },
    want: { sizes: [100, 100, 100], create: 0, update: 3, delete: 7 },
  },
  {
    name: 'slices [80,20], readiness changes, 15 new pods → [95,20] by 2 updates',
    setup: () => {
      const before = pods(100);
      const now = [...before.map((p, i) => (i === 5 || i === 85 ? pod(i, { ready: false }) : p)), ...Array.from({ length: 15 }, (_, i) => pod(100 + i))];
      return { snap: snapshot({ service: svc, pods: now, existingSlices: [slice('web-a', svc, before.slice(0, 80)), slice('web-b', svc, before.slice(80))] }) };
    },
    want: { sizes: [95, 20], create: 0, update: 2, delete: 0 },
  },
  {
    name: 'slices with addressType IP → new IPv4 slices [100,30], the 2 old deleted',
    setup: () => {
      const all = pods(130);
      const existing = [slice('web-a', svc, all.slice(0, 100), { addressType: 'IP' as never }), slice('web-b', svc, all.slice(100), { addressType: 'IP' as never })];
      return { snap: snapshot({ service: svc, pods: all, existingSlices: existing }) };
    },
    want: { sizes: [100, 30], create: 2, update: 0, delete: 2 },
  },
  ...([[50, [50, 50, 50, 50, 50]], [80, [80, 80, 80, 10]], [150, [150, 100]], [250, [250]], [500, [250]]] as const).map(([max, want]): WorkedExample => ({
    name: `250 pods, max ${max} → [${want.join(',')}]`,
    setup: () => ({ snap: snapshot({ service: svc, pods: pods(250), maxEndpointsPerSlice: max }) }),
    want: { sizes: [...want], create: want.length, update: 0, delete: 0 },
  })),
];

for (const ex of examples) {
  test(`reconcileSlices › worked example: ${ex.name}`, (t) => {
    const { snap } = ex.setup();
    const plan = reconcileSlices(snap);
    t.is(plan.create.length, ex.want.create, 'creates');
    t.is(plan.update.length, ex.want.update, 'updates');
    t.is(plan.delete.length, ex.want.delete, 'deletes');
    const after = applyPlan(snap.existingSlices, plan);
    t.deepEqual(sorted(sizes(after)), sorted(ex.want.sizes));
    t.true(isEmptyPlan(reconcileSlices({ ...snap, existingSlices: after })), 'a second reconcile writes nothing');
  });
}

test('reconcileSlices › [62,61]: the 27 leftovers go to the 62-slice, the 61-slice is untouched', (t) => {
  const all = pods(250);
  const a = slice('web-a', svc, all.slice(0, 62));
  const b = slice('web-b', svc, all.slice(62, 123));
  const plan = reconcileSlices(snapshot({ service: svc, pods: all, existingSlices: [a, b] }));
  t.is(plan.update[0].metadata.name, 'web-a');
  t.is(plan.update[0].endpoints!.length, 89);
  t.is(plan.create[0].endpoints!.length, 100);
});

test('reconcileSlices › [80,20]: the new endpoints fill the fuller slice being updated', (t) => {
  const before = pods(100);
  const now = [...before.map((p, i) => (i === 5 || i === 85 ? pod(i, { ready: false }) : p)), ...Array.from({ length: 15 }, (_, i) => pod(100 + i))];
  const plan = reconcileSlices(snapshot({ service: svc, pods: now, existingSlices: [slice('web-b', svc, before.slice(80)), slice('web-a', svc, before.slice(0, 80))] }));
  const byName = Object.fromEntries(plan.update.map((s) => [s.metadata.name, s.endpoints!.length]));
  t.deepEqual(byName, { 'web-a': 95, 'web-b': 20 });
  const five = plan.update.find((s) => s.metadata.name === 'web-a')!.endpoints!.find((e) => e.targetRef?.name === 'pod-5')!;
  t.deepEqual(five.conditions, { ready: false, serving: false, terminating: false });
});

test('reconcileSlices › recycling keeps the replaced slice\'s name and resourceVersion, drops generateName', (t) => {
  const all = pods(10);
  const plan = reconcileSlices(snapshot({ service: svc9090, pods: all, existingSlices: [slice('web-a', svc, all)] }));
  t.is(plan.update.length, 1);
  t.is(plan.update[0].metadata.name, 'web-a');
  t.is(plan.update[0].metadata.resourceVersion, '5');
  t.is(plan.update[0].metadata.generateName, undefined);
  t.deepEqual(plan.update[0].ports, [{ name: 'http', port: 9090, protocol: 'TCP' }]);
});

test('reconcileSlices › a no-op reconcile produces an empty plan (also when only the trigger time moved)', (t) => {
  const all = pods(130);
  const first = applyPlan([], reconcileSlices(snapshot({ service: svc, pods: all, triggerTime: '2026-01-01T00:00:10Z' })));
  const plan = reconcileSlices(snapshot({ service: svc, pods: all, existingSlices: first, triggerTime: '2026-01-01T00:09:00Z' }));
  t.deepEqual(plan.create, []);
  t.deepEqual(plan.update, []);
  t.deepEqual(plan.delete, []);
  t.deepEqual(plan.events, []);
  t.deepEqual(plan.problems, []);
});

test('reconcileSlices › a no-op with pods in another order and a pod resourceVersion change writes nothing', (t) => {
  const all = pods(50);
  const first = applyPlan([], reconcileSlices(snapshot({ service: svc, pods: all })));
  const bumped = [...all].reverse().map((p) => deepFreeze({ ...p, metadata: { ...p.metadata, resourceVersion: '99' } }));
  t.true(isEmptyPlan(reconcileSlices(snapshot({ service: svc, pods: bumped, existingSlices: first }))));
});

test('reconcileSlices › ExternalName and selectorless Services get an empty plan and no placeholder', (t) => {
  for (const s of [service({ spec: { type: 'ExternalName', externalName: 'x.example' } }), service({ spec: { selector: undefined } }), service({ spec: { selector: null } })]) {
    const plan = reconcileSlices(snapshot({ service: s, pods: pods(3), existingSlices: [slice('web-a', svc, pods(3))] }));
    t.true(isEmptyPlan(plan));
  }
});

test('reconcileSlices › an empty selector {} is a selector (its pods are reconciled)', (t) => {
  const plan = reconcileSlices(snapshot({ service: service({ spec: { selector: {} } }), pods: pods(3) }));
  t.deepEqual(sizes(plan.create), [3]);
});

test('reconcileSlices › maxEndpointsPerSlice outside 1–1000 is a RangeError', (t) => {
  for (const max of [0, 1001, 1.5, Number.NaN]) {
    t.throws(() => reconcileSlices(snapshot({ service: svc, maxEndpointsPerSlice: max })), { instanceOf: RangeError });
  }
});

test('reconcileSlices › slices with a deletionTimestamp are ignored', (t) => {
  const dying = deepFreeze({ ...slice('web-a', svc, pods(3)), metadata: { ...slice('web-a', svc, pods(3)).metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }) as EndpointSlice;
  const plan = reconcileSlices(snapshot({ service: svc, pods: pods(3), existingSlices: [dying] }));
  t.deepEqual(sizes(plan.create), [3]);
  t.deepEqual(plan.delete, []);
});

test('reconcileSlices › slices owned by an older Service of the same name are deleted, never recycled', (t) => {
  const old = service({ metadata: { uid: 'old-uid' } });
  const plan = reconcileSlices(snapshot({ service: svc, pods: pods(3), existingSlices: [slice('web-a', old, pods(3))] }));
  t.deepEqual(plan.delete.map((s) => s.metadata.name), ['web-a']);
  t.deepEqual(sizes(plan.create), [3]);
  t.deepEqual(plan.update, []);
});

test('reconcileSlices › while the Service is being deleted, creates are dropped but updates and deletes stay', (t) => {
  const dying = service({ metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } });
  const all = pods(150);
  const plan = reconcileSlices(snapshot({ service: dying, pods: all, existingSlices: [slice('web-a', dying, all.slice(0, 40).map((_, i) => pod(i, { ready: false })))] }));
  t.deepEqual(plan.create, []);
  t.is(plan.update.length, 1);
});

test('reconcileSlices › removed pods shrink their slice; a slice left empty is deleted', (t) => {
  const all = pods(30);
  const existing = [slice('web-a', svc, all.slice(0, 20)), slice('web-b', svc, all.slice(20))];
  const plan = reconcileSlices(snapshot({ service: svc, pods: all.slice(0, 15), existingSlices: existing }));
  t.deepEqual(plan.update.map((s) => [s.metadata.name, s.endpoints!.length]), [['web-a', 15]]);
  t.deepEqual(plan.delete.map((s) => s.metadata.name), ['web-b']);
  t.is(plan.metrics.endpointsRemoved, 15);
  t.is(plan.metrics.endpointsAdded, 0);
});

test('reconcileSlices › metrics: added, removed, desired, desired and actual slices, changes', (t) => {
  const all = pods(250);
  const plan = reconcileSlices(snapshot({ service: svc, pods: all, existingSlices: [slice('web-a', svc, all.slice(0, 62)), slice('web-b', svc, all.slice(62, 123))] }));
  t.deepEqual(plan.metrics, { endpointsAdded: 127, endpointsRemoved: 0, endpointsDesired: 250, desiredSlices: 3, actualSlices: 3, slicesChanged: 2, topology: 'Disabled', trafficDistribution: '' });
  const empty = reconcileSlices(snapshot({ service: svc }));
  t.is(empty.metrics.desiredSlices, 1);
  t.is(empty.metrics.actualSlices, 1);
});

test('reconcileSlices › trigger time: set on creates and updates, removed when absent, unchanged slices untouched', (t) => {
  const all = pods(150);
  const plan = reconcileSlices(snapshot({ service: svc, pods: all, triggerTime: '2026-01-01T00:00:10Z' }));
  t.true(plan.create.every((s) => s.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'] === '2026-01-01T00:00:10Z'));
  const slices = applyPlan([], plan);
  const grown = [...all.slice(0, 100), ...all.slice(100).map((_, i) => pod(100 + i, { ready: false }))];
  const next = reconcileSlices(snapshot({ service: svc, pods: grown, existingSlices: slices }));
  t.is(next.update.length, 1);
  t.false('endpoints.kubernetes.io/last-change-trigger-time' in (next.update[0].metadata.annotations ?? {}));
});

test('reconcileSlices › other annotations of an updated slice are kept', (t) => {
  const base = slice('web-a', svc, pods(3));
  const annotated = deepFreeze({ ...base, metadata: { ...base.metadata, annotations: { keep: 'me' } } });
  const plan = reconcileSlices(snapshot({ service: svc, pods: pods(4), existingSlices: [annotated], triggerTime: '2026-01-01T00:00:10Z' }));
  t.deepEqual(plan.update[0].metadata.annotations, { keep: 'me', 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:10Z' });
});

test('reconcileSlices › an endpoint whose pod was re-created (new UID, same name) is updated in place', (t) => {
  const plan = reconcileSlices(snapshot({ service: svc, pods: [pod(0, { uid: 'fresh' })], existingSlices: [slice('web-a', svc, [pod(0)])] }));
  t.is(plan.update.length, 1);
  t.is(plan.update[0].endpoints![0].targetRef?.uid, 'fresh');
});

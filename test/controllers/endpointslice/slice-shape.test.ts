import test from 'ava';
import { reconcileSlices } from '../../../controllers/endpointslice/reconcile.js';
import { addressTypesForService, isEquivalentPlaceholder, newEndpointSlice, sliceLabels, sliceNamePrefix, slicesOfDeletedService } from '../../../controllers/endpointslice/slice-shape.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { applyPlan, pod, pods, service, slice, snapshot } from './fixtures.js';

const svc = service();

test('newEndpointSlice › generateName <svc>-, namespace, one controller ownerReference, labels, no endpoints', (t) => {
  const plan = reconcileSlices(snapshot({ service: service({ metadata: { labels: { app: 'web', tier: 'front' } } }), pods: pods(1) }));
  const s = plan.create[0];
  t.is(s.metadata.name, undefined);
  t.is(s.metadata.generateName, 'web-');
  t.is(s.metadata.namespace, 'default');
  t.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
  t.deepEqual(s.metadata.labels, { app: 'web', tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  t.is(s.addressType, 'IPv4');
  t.deepEqual(s.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
});

test('sliceLabels › reserved Service labels are ignored; headless label for clusterIP None and ""', (t) => {
  const reserved = service({ metadata: { labels: { app: 'web', 'kubernetes.io/service-name': 'evil', 'endpointslice.kubernetes.io/managed-by': 'me', 'service.kubernetes.io/headless': 'x' } } });
  t.deepEqual(sliceLabels(undefined, reserved, 'c').labels, { app: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'c' });
  for (const clusterIP of ['None', '']) {
    t.is(sliceLabels(undefined, service({ spec: { clusterIP } }), 'c').labels['service.kubernetes.io/headless'], '');
  }
});

test('sliceLabels › only non-reserved differences count as a change, in both directions', (t) => {
  const cases: [Record<string, string>, Record<string, string>, boolean][] = [
    [{ app: 'web' }, { app: 'web', 'kubernetes.io/service-name': 'other' }, false],
    [{ app: 'web' }, { app: 'web', extra: '1' }, true],
    [{ app: 'web', extra: '1' }, { app: 'web' }, true],
    [{ app: 'web' }, { app: 'api' }, true],
    [{}, {}, false],
  ];
  for (const [svcLabels, sliceLabelsNow, changed] of cases) {
    t.is(sliceLabels(sliceLabelsNow, service({ metadata: { labels: svcLabels } }), 'c').changed, changed, JSON.stringify([svcLabels, sliceLabelsNow]));
  }
});

test('reconcileSlices › a Service label change updates every slice; a reserved-only change updates none', (t) => {
  const all = pods(150);
  const slices = applyPlan([], reconcileSlices(snapshot({ service: svc, pods: all })));
  const relabelled = service({ metadata: { labels: { app: 'web', version: 'v2' } } });
  const plan = reconcileSlices(snapshot({ service: relabelled, pods: all, existingSlices: slices }));
  t.is(plan.update.length, 2);
  t.true(plan.update.every((s) => s.metadata.labels?.version === 'v2'));
  const reservedOnly = service({ metadata: { labels: { app: 'web', 'service.kubernetes.io/headless': '' } } });
  t.deepEqual(reconcileSlices(snapshot({ service: reservedOnly, pods: all, existingSlices: slices })).update, []);
});

test('addressTypesForService › ipFamilies, else the ClusterIP family, else both for headless', (t) => {
  t.deepEqual(addressTypesForService(service({ spec: { ipFamilies: ['IPv6', 'IPv4'] } })), ['IPv6', 'IPv4']);
  t.deepEqual(addressTypesForService(service({ spec: { ipFamilies: [], clusterIP: 'fd00::10' } })), ['IPv6']);
  t.deepEqual(addressTypesForService(service({ spec: { ipFamilies: undefined, clusterIP: '10.96.0.1' } })), ['IPv4']);
  t.deepEqual(addressTypesForService(service({ spec: { ipFamilies: undefined, clusterIP: 'None' } })), ['IPv4', 'IPv6']);
});

test('sliceNamePrefix › <name>- normally; the bare name when the prefix is no DNS subdomain', (t) => {
  t.is(sliceNamePrefix('web'), 'web-');
  t.is(sliceNamePrefix('a'.repeat(253)), 'a'.repeat(253));
});

test('reconcileSlices › placeholder: no endpoints → one empty slice with ports [] and endpoints []', (t) => {
  const plan = reconcileSlices(snapshot({ service: svc, pods: [] }));
  t.is(plan.create.length, 1);
  t.deepEqual(plan.create[0].ports, []);
  t.deepEqual(plan.create[0].endpoints, []);
  t.is(plan.create[0].metadata.generateName, 'web-');
});

test('reconcileSlices › placeholder: an existing equivalent placeholder is kept (empty plan), null fields equal []', (t) => {
  const ph = newEndpointSlice(svc, [], 'IPv4');
  const existing = deepFreeze({ ...ph, ports: null, endpoints: null, metadata: { ...ph.metadata, generateName: undefined, name: 'web-xyz', uid: 'u', annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': 'x' } } });
  t.true(isEquivalentPlaceholder(existing, ph));
  const plan = reconcileSlices(snapshot({ service: svc, pods: [], existingSlices: [existing] }));
  t.deepEqual([plan.create, plan.update, plan.delete], [[], [], []]);
});

test('reconcileSlices › placeholder: the last pods gone → the slice is recycled into the placeholder', (t) => {
  const plan = reconcileSlices(snapshot({ service: svc, pods: [], existingSlices: [slice('web-a', svc, pods(3))] }));
  t.deepEqual(plan.create, []);
  t.deepEqual(plan.delete, []);
  t.is(plan.update.length, 1);
  t.is(plan.update[0].metadata.name, 'web-a');
  t.deepEqual(plan.update[0].endpoints, []);
  t.deepEqual(plan.update[0].ports, []);
});

test('reconcileSlices › placeholder: a headless Service without ports gets ports [] slices, stable on re-reconcile', (t) => {
  const headless = service({ spec: { clusterIP: 'None', clusterIPs: ['None'], ports: [] } });
  const first = applyPlan([], reconcileSlices(snapshot({ service: headless, pods: pods(3) })));
  t.deepEqual(first.map((s) => [s.ports, s.endpoints?.length]), [[[], 3]]);
  t.is(first[0].metadata.labels?.['service.kubernetes.io/headless'], '');
  const again = reconcileSlices(snapshot({ service: headless, pods: pods(3), existingSlices: [{ ...first[0], ports: null }] }));
  t.deepEqual([again.create, again.update, again.delete], [[], [], []]);
});

test('reconcileSlices › one set of slices per family; slices of a dropped family are deleted', (t) => {
  const dual = service({ spec: { ipFamilies: ['IPv4', 'IPv6'], clusterIPs: ['10.96.0.10', 'fd00::10'] } });
  const ps = [0, 1, 2].map(slicePod);
  const plan = reconcileSlices(snapshot({ service: dual, pods: ps }));
  t.deepEqual(plan.create.map((s) => [s.addressType, s.endpoints!.map((e) => e.addresses[0])]), [
    ['IPv4', ['10.0.0.1', '10.0.0.2', '10.0.0.3']],
    ['IPv6', ['fd00::1', 'fd00::2', 'fd00::3']],
  ]);
  const slices = applyPlan([], plan);
  const v4only = reconcileSlices(snapshot({ service: svc, pods: ps, existingSlices: slices }));
  t.deepEqual(v4only.delete.map((s) => s.addressType), ['IPv6']);
  t.deepEqual([v4only.create, v4only.update], [[], []]);
});

function slicePod(i: number) {
  return deepFreeze({ ...pod(i), status: { phase: 'Running' as const, podIP: `10.0.0.${i + 1}`, podIPs: [{ ip: `10.0.0.${i + 1}` }, { ip: `fd00::${i + 1}` }], conditions: [{ type: 'Ready', status: 'True' as const }] } });
}

test('slicesOfDeletedService › what the garbage collector would delete: slices owned only by a Service of that name that is gone', (t) => {
  const owned = (name: string, refs: { kind: string; name: string; uid: string; apiVersion?: string }[]) =>
    deepFreeze({ ...newEndpointSlice(service(), [], 'IPv4'), metadata: { name, namespace: 'default', ownerReferences: refs.map((r) => ({ apiVersion: 'v1', controller: true, ...r })) } });
  const mine = owned('mine', [{ kind: 'Service', name: 'web', uid: 'svc-uid' }]);
  const older = owned('older', [{ kind: 'Service', name: 'web', uid: 'older-uid' }]);
  const configMap = owned('cm', [{ kind: 'ConfigMap', name: 'web', uid: 'cm-uid' }]);
  const otherName = owned('other', [{ kind: 'Service', name: 'api', uid: 'api-uid' }]);
  const twoOwners = owned('two', [{ kind: 'Service', name: 'web', uid: 'svc-uid' }, { kind: 'ConfigMap', name: 'x', uid: 'x-uid', apiVersion: 'v1' }]);
  const otherGroup = owned('group', [{ kind: 'Service', name: 'web', uid: 'svc-uid', apiVersion: 'serving.knative.dev/v1' }]);
  const orphan = deepFreeze({ ...mine, metadata: { name: 'orphan', namespace: 'default' } });
  const all = [mine, older, configMap, otherName, twoOwners, otherGroup, orphan];
  const names = (live: Parameters<typeof slicesOfDeletedService>[2]) => slicesOfDeletedService(all, 'web', live).map((s) => s.metadata.name);
  t.deepEqual(names(undefined), ['mine', 'older'], 'the API server has no Service web');
  // The informer lags a Service web created again: its slices stay, the older Service's go.
  t.deepEqual(names(service({ metadata: { uid: 'svc-uid' } })), ['older']);
});

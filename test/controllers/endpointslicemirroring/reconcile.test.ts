import test from 'ava';
import type { EndpointAddress, Endpoints, EndpointSubset, Service } from '../../../api-types/core.js';
import type { EndpointSlice } from '../../../api-types/networking.js';
import { isEmptyMirroringPlan, reconcileMirroring, shouldMirror, type MirroringPlan, type MirroringSnapshot } from '../../../controllers/endpointslicemirroring/reconcile.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const service = (spec: Service['spec'] = { ports: [{ port: 80 }] }): Service => deepFreeze({ metadata: { name: 'ext', namespace: 'ns', uid: 'svc-uid' }, spec });

function endpoints(subsets: EndpointSubset[], meta: Partial<Endpoints['metadata']> = {}): Endpoints {
  return deepFreeze({ metadata: { name: 'ext', namespace: 'ns', uid: 'ep-uid', resourceVersion: '3', labels: { team: 'a' }, ...meta }, subsets });
}

const addr = (ip: string, extra: Partial<EndpointAddress> = {}): EndpointAddress => ({ ip, ...extra });
const http = [{ name: 'http', port: 8080, protocol: 'TCP' as const }];

function snap(ep: Endpoints | undefined, existingSlices: EndpointSlice[] = [], svc: Service | undefined = service(), max?: number): MirroringSnapshot {
  return { namespace: 'ns', name: 'ext', service: svc, endpoints: ep, existingSlices: deepFreeze(existingSlices), ...(max ? { maxEndpointsPerSubset: max } : {}) };
}

/** The slices as the API would store the plan's writes (names and resourceVersions given). */
function persist(plan: MirroringPlan, previous: EndpointSlice[] = []): EndpointSlice[] {
  const kept = previous.filter((p) => !plan.delete.some((d) => d.metadata.name === p.metadata.name) && !plan.update.some((u) => u.metadata.name === p.metadata.name));
  const created = plan.create.map((sl, i) => {
    const { generateName, ...meta } = sl.metadata;
    return { ...structuredClone(sl), metadata: { ...structuredClone(meta), name: `${generateName}${i}abc`, resourceVersion: '10' } };
  });
  const updated = plan.update.map((sl) => ({ ...structuredClone(sl), metadata: { ...structuredClone(sl.metadata), resourceVersion: '11' } }));
  return [...kept, ...created, ...updated];
}

test('shouldMirror › only a selectorless Service with an Endpoints that is neither skip-mirror nor a leader record', (t) => {
  const ep = endpoints([]);
  t.true(shouldMirror(ep, service()));
  t.true(shouldMirror(endpoints([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'false' } }), service()));
  t.false(shouldMirror(endpoints([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }), service()));
  t.false(shouldMirror(endpoints([], { annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } }), service()));
  t.false(shouldMirror(ep, undefined));
  t.false(shouldMirror(undefined, service()));
  t.false(shouldMirror(ep, service({ selector: { app: 'x' } })));
  t.false(shouldMirror(ep, service({ selector: {} })));
  t.true(shouldMirror(ep, service({ selector: null })));
});

test('reconcileMirroring › creates one slice: labels, annotations (trigger time and last-applied not copied), owner, ports, conditions', (t) => {
  const ep = endpoints([{ addresses: [addr('10.0.0.2', { nodeName: 'n1', hostname: 'h', targetRef: { kind: 'Pod', name: 'p', namespace: 'ns', uid: 'u' } })], notReadyAddresses: [addr('10.0.0.1')], ports: [{ port: 8080, protocol: 'TCP' }] }], {
    annotations: { keep: 'x', 'endpoints.kubernetes.io/last-change-trigger-time': 't', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  });
  const plan = reconcileMirroring(snap(ep));
  t.deepEqual(plan.create, [{
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      generateName: 'ext-', namespace: 'ns',
      labels: { team: 'a', 'kubernetes.io/service-name': 'ext', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' },
      annotations: { keep: 'x' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: 'ext', uid: 'ep-uid', controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.0.0.2'], conditions: { ready: true }, hostname: 'h', targetRef: { kind: 'Pod', name: 'p', namespace: 'ns', uid: 'u' }, nodeName: 'n1' },
      { addresses: ['10.0.0.1'], conditions: { ready: false } },
    ],
    ports: [{ name: '', port: 8080, protocol: 'TCP' }],
  }]);
  t.deepEqual([plan.update, plan.delete, plan.events], [[], [], []]);
  t.like(plan.metrics, { endpointsAdded: 2, endpointsDesired: 2, desiredSlices: 1 });
});

test('reconcileMirroring › one slice per address type and per port set; IPv6 in canonical text', (t) => {
  const ep = endpoints([
    { addresses: [addr('10.0.0.1'), addr('FD00:0::1')], ports: http },
    { addresses: [addr('10.0.0.9')], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
  ]);
  const plan = reconcileMirroring(snap(ep));
  const shape = plan.create.map((sl) => `${sl.addressType} ${sl.ports?.map((p) => p.name).join()} ${sl.endpoints?.map((e) => e.addresses[0]).join()}`).sort();
  t.deepEqual(shape, ['IPv4 dns 10.0.0.9', 'IPv4 http 10.0.0.1', 'IPv6 http fd00::1']);
});

test('reconcileMirroring › re-reconciling what was written writes nothing (trigger-time changes included)', (t) => {
  const ep = endpoints([{ addresses: [addr('10.0.0.1'), addr('fd00::1')], notReadyAddresses: [addr('10.0.0.2')], ports: http }], { annotations: { a: 'b' } });
  const slices = persist(reconcileMirroring(snap(ep)));
  t.is(slices.length, 2);
  t.true(isEmptyMirroringPlan(reconcileMirroring(snap(ep, slices))));
  const retriggered = endpoints(ep.subsets!, { annotations: { a: 'b', 'endpoints.kubernetes.io/last-change-trigger-time': 'later' } });
  const again = reconcileMirroring(snap(retriggered, slices));
  t.true(isEmptyMirroringPlan(again));
  t.deepEqual(again.events, []);
});

test('reconcileMirroring › changed addresses, labels or annotations update the slice in place', (t) => {
  const ep = endpoints([{ addresses: [addr('10.0.0.1')], ports: http }]);
  const slices = persist(reconcileMirroring(snap(ep)));
  const name = slices[0].metadata.name;
  for (const next of [
    endpoints([{ addresses: [addr('10.0.0.1'), addr('10.0.0.3')], ports: http }]),
    endpoints([{ notReadyAddresses: [addr('10.0.0.1')], ports: http }]),
    endpoints([{ addresses: [addr('10.0.0.1', { nodeName: 'n2' })], ports: http }]),
    endpoints([{ addresses: [addr('10.0.0.1')], ports: http }], { labels: { team: 'b' } }),
    endpoints([{ addresses: [addr('10.0.0.1')], ports: http }], { annotations: { new: 'x' } }),
  ]) {
    const plan = reconcileMirroring(snap(next, slices));
    t.deepEqual([plan.create.length, plan.delete.length, plan.update.length], [0, 0, 1]);
    t.is(plan.update[0].metadata.name, name);
    t.is(plan.update[0].metadata.resourceVersion, '10');
    t.true(isEmptyMirroringPlan(reconcileMirroring(snap(next, persist(plan, slices)))));
  }
});

test('reconcileMirroring › extra slices of a key are deleted; slices of keys no longer desired are recycled', (t) => {
  const ep = endpoints([{ addresses: [addr('10.0.0.1')], ports: http }]);
  const [slice] = persist(reconcileMirroring(snap(ep)));
  const dup = { ...slice, metadata: { ...slice.metadata, name: 'ext-dup' } };
  const plan = reconcileMirroring(snap(ep, [slice, dup]));
  t.deepEqual([plan.create, plan.update, plan.delete.map((d) => d.metadata.name)], [[], [], ['ext-dup']]);
  // the port changes: the old key's slice is deleted and the new one created, recycled into an update
  const moved = endpoints([{ addresses: [addr('10.0.0.1')], ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] }]);
  const recycled = reconcileMirroring(snap(moved, [slice]));
  t.deepEqual([recycled.create.length, recycled.delete.length], [0, 0]);
  t.is(recycled.update[0].metadata.name, slice.metadata.name);
  t.false('generateName' in recycled.update[0].metadata);
  t.deepEqual(recycled.update[0].ports, [{ name: 'http', port: 9090, protocol: 'TCP' }]);
});

test('reconcileMirroring › invalid IPs are skipped with an InvalidIPAddress event', (t) => {
  const ep = endpoints([{ addresses: [addr('10.0.0.1'), addr('not-an-ip'), addr('10.0.0.256')], notReadyAddresses: [addr('fe80::1%eth0')], ports: http }]);
  const plan = reconcileMirroring(snap(ep));
  t.deepEqual(plan.events, [{ type: 'Warning', reason: 'InvalidIPAddress', message: 'Skipped 3 invalid IP addresses when mirroring to EndpointSlices' }]);
  t.deepEqual(plan.create[0].endpoints?.map((e) => e.addresses[0]), ['10.0.0.1']);
  t.is(plan.metrics.addressesSkipped, 3);
});

test('reconcileMirroring › leading zeros and IPv4-mapped IPv6 are mirrored as IPv4 in canonical text, as ParseIPSloppy reads them; no event', (t) => {
  const ep = endpoints([{ addresses: [addr('010.001.002.004'), addr('::ffff:10.1.2.5')], notReadyAddresses: [addr('::FFFF:0a01:0206'), addr('2001:0db8:0000::0001')], ports: http }]);
  const plan = reconcileMirroring(snap(ep));
  t.deepEqual(plan.events, []);
  t.is(plan.metrics.addressesSkipped, 0);
  const byType = Object.fromEntries(plan.create.map((sl) => [sl.addressType, sl.endpoints!.map((e) => `${e.addresses[0]} ${e.conditions?.ready}`).sort()]));
  t.deepEqual(byType, { IPv4: ['10.1.2.4 true', '10.1.2.5 true', '10.1.2.6 false'], IPv6: ['2001:db8::1 false'] });
  // What was written is what the next sync wants: no write loop over the original spelling.
  t.true(isEmptyMirroringPlan(reconcileMirroring(snap(ep, persist(plan)))));
});

test('reconcileMirroring › at most maxEndpointsPerSubset per subset, ready first, with a TooManyAddressesToMirror event', (t) => {
  const ep = endpoints([
    { addresses: [addr('10.0.0.1'), addr('10.0.0.2')], notReadyAddresses: [addr('10.0.0.3'), addr('10.0.0.4')], ports: http },
    { addresses: [addr('10.0.1.1'), addr('bad')], ports: [{ name: 'x', port: 1, protocol: 'TCP' }] },
  ]);
  const plan = reconcileMirroring(snap(ep, [], service(), 3));
  const byPort = Object.fromEntries(plan.create.map((sl) => [sl.ports![0].name, sl.endpoints!.map((e) => `${e.addresses[0]}:${e.conditions?.ready}`)]));
  t.deepEqual(byPort, { http: ['10.0.0.1:true', '10.0.0.2:true', '10.0.0.3:false'], x: ['10.0.1.1:true'] });
  t.deepEqual(plan.events, [
    { type: 'Warning', reason: 'InvalidIPAddress', message: 'Skipped 1 invalid IP addresses when mirroring to EndpointSlices' },
    { type: 'Warning', reason: 'TooManyAddressesToMirror', message: 'A max of 3 addresses can be mirrored to EndpointSlices per Endpoints subset. 2 addresses were skipped' },
  ]);
});

test('reconcileMirroring › 1000 addresses mirrored per subset by default', (t) => {
  const many = Array.from({ length: 1005 }, (_, i) => addr(`10.1.${i >> 8}.${i & 255}`));
  const plan = reconcileMirroring(snap(endpoints([{ addresses: many, ports: http }])));
  t.is(plan.create[0].endpoints?.length, 1000);
  t.is(plan.events[0].message, 'A max of 1000 addresses can be mirrored to EndpointSlices per Endpoints subset. 5 addresses were skipped');
});

test('reconcileMirroring › not mirrored any more: every mirrored slice is deleted, others ignored', (t) => {
  const ep = endpoints([{ addresses: [addr('10.0.0.1')], ports: http }]);
  const slices = persist(reconcileMirroring(snap(ep)));
  const foreign = { ...slices[0], metadata: { ...slices[0].metadata, name: 'other', labels: { 'kubernetes.io/service-name': 'ext', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } } };
  const all = [...slices, foreign];
  const gone = (p: MirroringPlan) => [p.create.length, p.update.length, p.delete.map((d) => d.metadata.name)];
  t.deepEqual(gone(reconcileMirroring(snap(undefined, all))), [0, 0, [slices[0].metadata.name]]);
  t.deepEqual(gone(reconcileMirroring({ ...snap(ep, all), service: undefined })), [0, 0, [slices[0].metadata.name]]);
  t.deepEqual(gone(reconcileMirroring(snap(ep, all, service({ selector: { app: 'x' } })))), [0, 0, [slices[0].metadata.name]]);
  const skip = endpoints(ep.subsets!, { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } });
  t.deepEqual(gone(reconcileMirroring(snap(skip, all))), [0, 0, [slices[0].metadata.name]]);
  t.deepEqual(gone(reconcileMirroring(snap(endpoints([]), all))), [0, 0, [slices[0].metadata.name]]);
});

test('reconcileMirroring › no creates while the Endpoints is being deleted; updates still happen', (t) => {
  const deleting = endpoints([{ addresses: [addr('10.0.0.1')], ports: http }], { deletionTimestamp: '2026-01-01T00:00:00Z' });
  t.true(isEmptyMirroringPlan(reconcileMirroring(snap(deleting))));
  const slices = persist(reconcileMirroring(snap(endpoints([{ addresses: [addr('10.0.0.2')], ports: http }]))));
  t.is(reconcileMirroring(snap(deleting, slices)).update.length, 1);
});

test('reconcileMirroring › a subset with no valid address deletes its slice', (t) => {
  const slices = persist(reconcileMirroring(snap(endpoints([{ addresses: [addr('10.0.0.1')], ports: http }]))));
  const plan = reconcileMirroring(snap(endpoints([{ addresses: [addr('bogus')], ports: http }]), slices));
  t.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 0, 1]);
});

test('reconcileMirroring › maxEndpointsPerSubset outside 1–1000 is a RangeError', (t) => {
  t.throws(() => reconcileMirroring(snap(endpoints([]), [], service(), 1001)), { instanceOf: RangeError });
});

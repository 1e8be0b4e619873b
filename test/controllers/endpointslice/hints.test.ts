import test from 'ava';
import type { Node } from '../../../api-types/core.js';
import type { EndpointSlice } from '../../../api-types/networking.js';
import { computeZoneCPURatios, cpuMillis, isNodeTopologyChange, topologyHintsEnabled, validTrafficDistribution } from '../../../controllers/endpointslice/hints.js';
import { isEmptyPlan, reconcileSlices } from '../../../controllers/endpointslice/reconcile.js';
import type { SliceSnapshot } from '../../../controllers/endpointslice/reconcile.js';
import { applyPlan, node, pod, service, snapshot } from './fixtures.js';

const twoZones = new Map<string, Node>([['node-a', node('node-a', 'zone-a')], ['node-b', node('node-b', 'zone-b')]]);
const zonedPods = Array.from({ length: 6 }, (_, i) => pod(i, { nodeName: i % 2 ? 'node-b' : 'node-a', ready: i !== 5 }));

function hintsOf(slices: readonly EndpointSlice[]): Record<string, unknown> {
  return Object.fromEntries(slices.flatMap((s) => s.endpoints ?? []).map((e) => [e.targetRef?.name, e.hints]));
}

function run(s: SliceSnapshot) {
  const plan = reconcileSlices(s);
  return { plan, slices: applyPlan(s.existingSlices, plan) };
}

test('trafficDistribution › PreferClose: ready endpoints get their own zone; a second reconcile writes nothing', (t) => {
  const svc = service({ spec: { trafficDistribution: 'PreferClose' } });
  const { plan, slices } = run(snapshot({ service: svc, pods: zonedPods, nodes: twoZones }));
  t.deepEqual(hintsOf(slices), {
    'pod-0': { forZones: [{ name: 'zone-a' }] }, 'pod-1': { forZones: [{ name: 'zone-b' }] }, 'pod-2': { forZones: [{ name: 'zone-a' }] },
    'pod-3': { forZones: [{ name: 'zone-b' }] }, 'pod-4': { forZones: [{ name: 'zone-a' }] }, 'pod-5': undefined,
  });
  t.is(plan.metrics.trafficDistribution, 'PreferClose');
  t.deepEqual(plan.events, []);
  t.true(isEmptyPlan(reconcileSlices(snapshot({ service: svc, pods: zonedPods, nodes: twoZones, existingSlices: slices }))));
});

test('trafficDistribution › turning it on updates unchanged slices; turning it off removes the hints', (t) => {
  const plain = service();
  const close = service({ spec: { trafficDistribution: 'PreferClose' } });
  const { slices } = run(snapshot({ service: plain, pods: zonedPods, nodes: twoZones }));
  const on = run(snapshot({ service: close, pods: zonedPods, nodes: twoZones, existingSlices: slices }));
  t.is(on.plan.update.length, 1);
  t.deepEqual(hintsOf(on.slices)['pod-1'], { forZones: [{ name: 'zone-b' }] });
  const off = run(snapshot({ service: plain, pods: zonedPods, nodes: twoZones, existingSlices: on.slices }));
  t.is(off.plan.update.length, 1);
  t.true(Object.values(hintsOf(off.slices)).every((h) => h === undefined));
  t.deepEqual(off.plan.events, [], 'trafficDistribution hints going away is no topology event');
});

test('trafficDistribution › PreferSameZone/PreferSameNode only with preferSameTrafficDistribution; SameNode adds forNodes', (t) => {
  for (const td of ['PreferSameZone', 'PreferSameNode']) {
    const svc = service({ spec: { trafficDistribution: td } });
    t.deepEqual(hintsOf(run(snapshot({ service: svc, pods: zonedPods, nodes: twoZones })).slices)['pod-0'], undefined, td);
  }
  const sameNode = service({ spec: { trafficDistribution: 'PreferSameNode' } });
  const { slices } = run(snapshot({ service: sameNode, pods: zonedPods, nodes: twoZones, preferSameTrafficDistribution: true }));
  t.deepEqual(hintsOf(slices)['pod-0'], { forZones: [{ name: 'zone-a' }], forNodes: [{ name: 'node-a' }] });
  const sameZone = service({ spec: { trafficDistribution: 'PreferSameZone' } });
  t.deepEqual(hintsOf(run(snapshot({ service: sameZone, pods: zonedPods, nodes: twoZones, preferSameTrafficDistribution: true })).slices)['pod-0'], { forZones: [{ name: 'zone-a' }] });
  t.is(validTrafficDistribution(service({ spec: { trafficDistribution: 'Bogus' } }), true), undefined);
});

const auto = service({ metadata: { annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } } });

test('topology › balanced zones: own-zone hints, a Normal TopologyAwareHintsEnabled event once', (t) => {
  const ready = zonedPods.slice(0, 4);
  const { plan, slices } = run(snapshot({ service: auto, pods: ready, nodes: twoZones }));
  t.deepEqual(plan.events, [{ type: 'Normal', reason: 'TopologyAwareHintsEnabled', message: 'Topology Aware Hints has been enabled, addressType: IPv4' }]);
  t.deepEqual(hintsOf(slices)['pod-1'], { forZones: [{ name: 'zone-b' }] });
  t.true(plan.topologyHintsPopulated);
  t.deepEqual(Object.fromEntries(plan.topologyHintsByZone.IPv4!), { 'zone-a': 2, 'zone-b': 2 });
  t.is(plan.metrics.topology, 'Auto');
  const again = reconcileSlices(snapshot({ service: auto, pods: ready, nodes: twoZones, existingSlices: slices, topologyHintsPopulated: true }));
  t.true(isEmptyPlan(again));
  t.deepEqual(again.events, []);
});

test('topology › hints move from an overloaded zone to one that lacks endpoints (CPU 1:3, all 8 in zone-a)', (t) => {
  const nodes = new Map<string, Node>([['node-a', node('node-a', 'zone-a', '2')], ['node-b', node('node-b', 'zone-b', '6000m')]]);
  const ps = Array.from({ length: 8 }, (_, i) => pod(i, { nodeName: 'node-a' }));
  const { plan, slices } = run(snapshot({ service: auto, pods: ps, nodes }));
  const zones = Object.values(hintsOf(slices)).map((h) => (h as { forZones: { name: string }[] }).forZones[0].name);
  t.is(zones.filter((z) => z === 'zone-a').length, 2);
  t.is(zones.filter((z) => z === 'zone-b').length, 6);
  t.deepEqual(Object.fromEntries(plan.topologyHintsByZone.IPv4!), { 'zone-a': 2, 'zone-b': 6 });
});

const disabledCases: { name: string; snap: () => SliceSnapshot; message: string }[] = [
  { name: 'a node without zone', snap: () => snapshot({ service: auto, pods: zonedPods, nodes: new Map([...twoZones, ['node-c', node('node-c')]]) }), message: 'Insufficient Node information: allocatable CPU or zone not specified on one or more nodes' },
  { name: 'a node without cpu', snap: () => snapshot({ service: auto, pods: zonedPods, nodes: new Map([...twoZones, ['node-c', node('node-c', 'zone-c', '0')]]) }), message: 'Insufficient Node information: allocatable CPU or zone not specified on one or more nodes' },
  // SetNodes clears the ratios for fewer than two zones, so one zone is insufficient node information.
  { name: 'ready nodes in one zone only', snap: () => snapshot({ service: auto, pods: [pod(0, { nodeName: 'node-a' }), pod(1, { nodeName: 'node-b' })], nodes: new Map([['node-a', node('node-a', 'zone-a')], ['node-b', node('node-b', 'zone-a')]]) }), message: 'Insufficient Node information: allocatable CPU or zone not specified on one or more nodes' },
  { name: 'no ready node', snap: () => snapshot({ service: auto, pods: [pod(0, { nodeName: 'node-a' })], nodes: new Map() }), message: 'Insufficient Node information: allocatable CPU or zone not specified on one or more nodes' },
  // Only the empty map a new topology cache holds before its first SetNodes gives this one.
  { name: 'ratios not computed yet', snap: () => snapshot({ service: auto, pods: zonedPods.slice(0, 4), nodes: twoZones, zoneCPURatios: new Map() }), message: 'Nodes only ready in one zone' },
  { name: 'fewer endpoints than zones', snap: () => snapshot({ service: auto, pods: [pod(0, { nodeName: 'node-a' })], nodes: twoZones }), message: 'Insufficient number of endpoints (1 endpoints, 2 zones)' },
  { name: 'minimums above the threshold', snap: () => snapshot({ service: auto, pods: Array.from({ length: 3 }, (_, i) => pod(i, { nodeName: 'node-a' })), nodes: new Map([['node-a', node('node-a', 'a')], ['node-b', node('node-b', 'b')], ['node-c', node('node-c', 'c', '2')]]) }), message: 'Unable to allocate minimum required endpoints to each zone without exceeding overload threshold (3 endpoints, 3 zones)' },
  { name: 'an endpoint without zone', snap: () => snapshot({ service: auto, pods: zonedPods.slice(0, 4), nodes: new Map([['node-a', node('node-a')], ['node-b', node('node-b')]]), zoneCPURatios: new Map([['zone-a', 0.5], ['zone-b', 0.5]]) }), message: 'One or more endpoints do not have a zone specified' },
];
for (const c of disabledCases) {
  test(`topology › disabled with a Warning event: ${c.name}`, (t) => {
    const { plan, slices } = run(c.snap());
    t.deepEqual(plan.events, [{ type: 'Warning', reason: 'TopologyAwareHintsDisabled', message: `${c.message}, addressType: IPv4` }]);
    t.true(Object.values(hintsOf(slices)).every((h) => h === undefined));
    t.false(plan.topologyHintsPopulated);
  });
}

test('topology › takes precedence over trafficDistribution; removing the annotation raises TopologyAwareHintsDisabled', (t) => {
  const both = service({ metadata: { annotations: { 'service.kubernetes.io/topology-aware-hints': 'auto', 'service.kubernetes.io/topology-mode': 'Disabled' } }, spec: { trafficDistribution: 'PreferClose' } });
  t.true(topologyHintsEnabled(both), 'the deprecated annotation wins');
  const first = run(snapshot({ service: both, pods: zonedPods.slice(0, 4), nodes: twoZones }));
  t.is(first.plan.metrics.trafficDistribution, '');
  const off = run(snapshot({ service: service(), pods: zonedPods.slice(0, 4), nodes: twoZones, existingSlices: first.slices, topologyHintsPopulated: true }));
  t.deepEqual(off.plan.events, [{ type: 'Warning', reason: 'TopologyAwareHintsDisabled', message: 'Topology Aware Hints has been disabled, addressType: IPv4' }]);
  t.is(off.plan.update.length, 1);
  t.true(Object.values(hintsOf(off.slices)).every((h) => h === undefined));
});

test('computeZoneCPURatios › ready worker nodes only; control-plane and not-ready nodes are excluded', (t) => {
  const notReady: Node = { metadata: { name: 'x', labels: { 'topology.kubernetes.io/zone': 'z' } }, status: { allocatable: { cpu: '8' }, conditions: [{ type: 'Ready', status: 'False' }] } };
  const ratios = computeZoneCPURatios([node('a', 'zone-a', '1'), node('b', 'zone-b', '3'), node('cp', 'zone-c', '64', { 'node-role.kubernetes.io/control-plane': '' }), notReady]);
  t.deepEqual(Object.fromEntries(ratios!), { 'zone-a': 0.25, 'zone-b': 0.75 });
  t.is(computeZoneCPURatios([]), null);
});

test('computeZoneCPURatios › fewer than two zones with ready nodes is null, as SetNodes clears its ratios', (t) => {
  t.is(computeZoneCPURatios([node('a', 'zone-a', '1'), node('b', 'zone-a', '3')]), null);
  const notReady: Node = { metadata: { name: 'x', labels: { 'topology.kubernetes.io/zone': 'zone-b' } }, status: { allocatable: { cpu: '8' }, conditions: [{ type: 'Ready', status: 'False' }] } };
  t.is(computeZoneCPURatios([node('a', 'zone-a', '1'), notReady]), null, 'a second zone whose nodes are not ready does not count');
});

test('isNodeTopologyChange › readiness or the zone label, not heartbeats, other labels or capacity', (t) => {
  const base = node('a', 'zone-a', '4');
  const status = (ready: 'True' | 'False', heartbeat: string, cpu = '4'): Node => ({ ...base, status: { allocatable: { cpu }, conditions: [{ type: 'Ready', status: ready, lastHeartbeatTime: heartbeat }] } });
  t.false(isNodeTopologyChange(status('True', '2026-01-01T00:00:00Z'), status('True', '2026-01-01T00:00:10Z')), 'a heartbeat');
  t.false(isNodeTopologyChange(base, { ...base, metadata: { ...base.metadata, labels: { ...base.metadata.labels, team: 'x' } } }), 'another label');
  t.false(isNodeTopologyChange(base, status('True', '2026-01-01T00:00:10Z', '8')), 'allocatable CPU alone (Kubernetes 1.33 ignores it too)');
  t.true(isNodeTopologyChange(status('True', 'x'), status('False', 'x')), 'not ready any more');
  t.true(isNodeTopologyChange(base, node('a', 'zone-b', '4')), 'zone changed');
  t.true(isNodeTopologyChange({ ...base, metadata: { name: 'a' } }, base), 'zone label added');
});

test('cpuMillis › quantities in cores, millicores and with suffixes', (t) => {
  t.deepEqual(['4', '3800m', '0.5', '1.5k', 'x', undefined].map(cpuMillis), [4000, 3800, 500, 1_500_000, 0, 0]);
});

import test from 'ava';
import type { Service, ServicePort } from '../../../api-types/core.js';
import { PortMapState, type PortOwner } from '../../../controllers/nodeport/port-map.js';
import { collectServiceNodePorts, repairPortMap, type RepairInput } from '../../../controllers/nodeport/repair.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { R, create, eventually, eventsFor, newStore, portMap, read, service, shutdown, startInstance } from './harness.js';

const RANGE = { base: 30000, size: 2768 };

function svc(name: string, ports: Partial<ServicePort>[], extra: Partial<NonNullable<Service['spec']>> = {}, created = '2026-01-01T00:00:00Z'): Service {
  return deepFreeze({
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '10', creationTimestamp: created },
    spec: { type: 'NodePort', ports: ports.map((p, i) => ({ name: `p${i}`, protocol: 'TCP', port: 80, ...p })) as ServicePort[], ...extra },
  }) as Service;
}

function input(services: Service[], over: Partial<RepairInput> = {}): RepairInput {
  const byKey = new Map(services.map((s) => [`default/${s.metadata.name}`, s]));
  return { services, lookup: (k) => byKey.get(k), cacheRV: '100', fresh: true, nowMs: 0, graceMs: 60_000, leakSeen: new Map(), ...over };
}

const owner = (name: string, rv = '10'): PortOwner => ({ key: `default/${name}`, uid: `uid-${name}`, rv });

test('collectServiceNodePorts › TCP and UDP sharing a nodePort count once; the health check unless it shares a UDP-only port', (t) => {
  t.deepEqual(collectServiceNodePorts(svc('a', [{ nodePort: 30053 }, { nodePort: 30053, protocol: 'UDP' }])), [30053]);
  t.deepEqual(collectServiceNodePorts(svc('a', [{ nodePort: 30053 }, { nodePort: 30053 }])), [30053, 30053]);
  t.deepEqual(collectServiceNodePorts(svc('a', [{ nodePort: 30053, protocol: 'UDP' }], { healthCheckNodePort: 30053 })), [30053]);
  t.deepEqual(collectServiceNodePorts(svc('a', [{ nodePort: 30053 }], { healthCheckNodePort: 30053 })), [30053, 30053]);
  t.deepEqual(collectServiceNodePorts(svc('a', [{}], { healthCheckNodePort: 31000 })), [31000]);
});

test('repairPortMap › not allocated: claimed for the holder, PortNotAllocated', (t) => {
  const st = new PortMapState(RANGE);
  const out = repairPortMap(st, input([svc('a', [{ nodePort: 30080 }])]));
  t.deepEqual(out.findings.map((f) => [f.reason, f.note, f.type]), [['PortNotAllocated', 'Port 30080 is not allocated; repairing', 'repair']]);
  t.deepEqual(st.ownerOf(30080), owner('a'));
  t.true(out.changed);
});

test('repairPortMap › duplicates and out-of-range ports are reported, not fixed; the older Service keeps the port', (t) => {
  const st = new PortMapState(RANGE);
  st.claim(30080, owner('old'));
  const out = repairPortMap(st, input([svc('young', [{ nodePort: 30080 }], {}, '2026-02-01T00:00:00Z'), svc('old', [{ nodePort: 30080 }]), svc('far', [{ nodePort: 40000 }])]));
  t.deepEqual(out.findings.map((f) => `${f.service.metadata.name} ${f.reason}: ${f.note}`).sort(), [
    'far PortOutOfRange: Port 40000 is not within the port range 30000-32767; please recreate service',
    'young PortAlreadyAllocated: Port 30080 was assigned to multiple services; please recreate service',
  ]);
  t.deepEqual(st.ownerOf(30080), owner('old'));
  t.false(out.changed);
});

test('repairPortMap › a claim whose owner is provably gone is freed at once; an unexplained one after the grace period', (t) => {
  const st = new PortMapState(RANGE);
  st.claim(30001, { key: 'default/deleted', uid: 'x', rv: '50' });
  st.range.allocate(30002);
  const first = repairPortMap(st, input([], { nowMs: 0 }));
  t.deepEqual(first.released, [30001]);
  t.true(st.isAllocated(30002), 'flagged for later clean up');
  const early = repairPortMap(st, input([], { nowMs: 59_999, leakSeen: first.leakSeen }));
  t.deepEqual(early.released, []);
  const late = repairPortMap(st, input([], { nowMs: 60_000, leakSeen: early.leakSeen }));
  t.deepEqual(late.released, [30002]);
  t.false(st.isAllocated(30002));
});

test('repairPortMap › a stale cache keeps leak candidates allocated and their clock does not advance past the grace', (t) => {
  const st = new PortMapState(RANGE);
  st.range.allocate(30002);
  const first = repairPortMap(st, input([], { nowMs: 0, fresh: false }));
  t.true(first.deferred);
  const second = repairPortMap(st, input([], { nowMs: 120_000, fresh: false, leakSeen: first.leakSeen }));
  t.deepEqual(second.released, []);
  t.true(st.isAllocated(30002));
  const fresh = repairPortMap(st, input([], { nowMs: 120_000, fresh: true, leakSeen: second.leakSeen }));
  t.deepEqual(fresh.released, [], 'the wait starts with the first fresh pass');
  const later = repairPortMap(st, input([], { nowMs: 180_000, fresh: true, leakSeen: fresh.leakSeen }));
  t.deepEqual(later.released, [30002]);
});

test('repairPortMap › an in-flight claim (Service cached at the claim\'s version, not yet holding it) is not freed before the grace period', (t) => {
  const st = new PortMapState(RANGE);
  st.claim(30005, owner('a', '10'));
  const out = repairPortMap(st, input([svc('a', [{}])], { nowMs: 0 }));
  t.deepEqual(out.released, []);
  t.true(st.isAllocated(30005));
  t.is(out.leakSeen.size, 1);
});

test('nodeport repair › on start: a Service holding an unallocated port is repaired with an Event from portallocator-repair-controller', async (t) => {
  const store = newStore();
  create(store, service('held', { ports: [{ port: 80, nodePort: 30111 }] }));
  const inst = await startInstance(store);
  await eventually('repair event', () => eventsFor(store, 'held').some((e) => e.startsWith('portallocator-repair-controller')));
  t.true(eventsFor(store, 'held').includes('portallocator-repair-controller: PortNotAllocated: Port 30111 is not allocated; repairing'));
  t.is(portMap(store).ownerOf(30111)?.key, 'default/held');
  const text = await inst.metrics.registry.getSingleMetricAsString('svcplane_nodeport_repair_port_errors_total');
  t.regex(text, /type="repair"} 1/);
  await shutdown(store, inst);
});

test('nodeport repair › a leaked port (no owner, no Service) is freed after the grace period once the cache is fresh', async (t) => {
  const store = newStore();
  const st = new PortMapState(RANGE);
  st.range.allocate(31999);
  const { encodePortMap } = await import('../../../controllers/nodeport/port-map.js');
  store.create(R.configmaps, 'kube-system', { metadata: { name: 'svcplane-nodeports' }, data: encodePortMap(st) });
  const inst = await startInstance(store, { leakGracePeriodMs: 100, repairIntervalMs: 30 });
  await eventually('leak freed', () => !portMap(store).isAllocated(31999));
  const text = await inst.metrics.registry.getSingleMetricAsString('svcplane_nodeport_repair_port_errors_total');
  t.regex(text, /type="leak"} 1/);
  await shutdown(store, inst);
});

test('nodeport repair › a deleted port map is rebuilt from the Services before any new claim', async (t) => {
  const store = newStore();
  const inst = await startInstance(store, { serviceNodePortRange: '30000-30002', repairIntervalMs: 60_000 });
  create(store, service('a', { ports: [{ port: 80 }, { port: 81 }] }));
  await eventually('a ports', () => portMap(store, '30000-30002').range.used === 2 && (read(store, 'a')?.spec?.ports ?? []).every((p) => (p.nodePort ?? 0) > 0));
  const held = (read(store, 'a')?.spec?.ports ?? []).map((p) => p.nodePort ?? 0).sort();
  store.delete(R.configmaps, 'kube-system', 'svcplane-nodeports');
  // The next claim finds the map gone (404), starts again from what the Services hold, and takes
  // the one free port.
  create(store, service('c', { ports: [{ port: 80 }] }));
  await eventually('c port', () => (read(store, 'c')?.spec?.ports?.[0]?.nodePort ?? 0) > 0);
  t.false(held.includes(read(store, 'c')?.spec?.ports?.[0]?.nodePort ?? 0), 'c never got a port a holds');
  t.deepEqual(portMap(store, '30000-30002').portsOwnedBy('default/a'), held);
  create(store, service('b', { ports: [{ port: 80 }] }));
  await eventually('b reported full', () => eventsFor(store, 'b').some((e) => e.includes('PortRangeFull')));
  await shutdown(store, inst);
});

import test from 'ava';
import type { Service, ServicePort } from '../../../api-types/core.js';
import { encodePortMap, PortMapState, type PortOwner } from '../../../controllers/nodeport/port-map.js';
import { collectServiceNodePorts, dueLeakCandidates, isLeakConfirmed, repairPortMap, type LeakCandidate, type RepairInput } from '../../../controllers/nodeport/repair.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { R, create, eventually, eventsFor, newStore, nodePortsOf, portMap, read, service, shutdown, startInstance } from './harness.js';

const RANGE = { base: 30000, size: 2768 };

function svc(name: string, ports: Partial<ServicePort>[], extra: Partial<NonNullable<Service['spec']>> = {}, created = '2026-01-01T00:00:00Z'): Service {
  return deepFreeze({
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '10', creationTimestamp: created },
    spec: { type: 'NodePort', ports: ports.map((p, i) => ({ name: `p${i}`, protocol: 'TCP', port: 80, ...p })) as ServicePort[], ...extra },
  }) as Service;
}

function input(services: Service[], over: Partial<RepairInput> = {}): RepairInput {
  const byKey = new Map(services.map((s) => [`default/${s.metadata.name}`, s]));
  return { services, lookup: (k) => byKey.get(k), cacheRV: '100', nowMs: 0, graceMs: 60_000, leakSeen: new Map(), confirmed: new Set(), ...over };
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

test('repairPortMap › out-of-range ports are reported, not fixed', (t) => {
  const st = new PortMapState(RANGE);
  const out = repairPortMap(st, input([svc('far', [{ nodePort: 40000 }])]));
  t.deepEqual(out.findings.map((f) => `${f.service.metadata.name} ${f.reason}: ${f.note}`), ['far PortOutOfRange: Port 40000 is not within the port range 30000-32767; please recreate service']);
  t.false(out.changed);
});

const dup = (port: number): string => `PortAlreadyAllocated: Port ${port} was assigned to multiple services; please recreate service`;

// Who keeps a port two Services hold: the owner the map records, whatever the Services' ages;
// without a live owner among the holders, the oldest holder. Everyone else is reported.
const sharedPortCases: { name: string; owner?: PortOwner; services: Service[]; wantOwner: string | undefined; wantFindings: string[] }[] = [
  {
    name: 'the map\'s owner is the younger holder: it keeps the port, the older one is reported',
    owner: owner('c2'),
    services: [svc('c1', [{ nodePort: 30060 }], {}, '2026-01-01T00:00:00Z'), svc('c2', [{ nodePort: 30060 }], {}, '2026-02-01T00:00:00Z')],
    wantOwner: 'default/c2',
    wantFindings: [`c1 ${dup(30060)}`],
  },
  {
    name: 'the map\'s owner is the older holder',
    owner: owner('old'),
    services: [svc('young', [{ nodePort: 30080 }], {}, '2026-02-01T00:00:00Z'), svc('old', [{ nodePort: 30080 }])],
    wantOwner: 'default/old',
    wantFindings: [`young ${dup(30080)}`],
  },
  {
    name: 'three holders: the owner in the middle keeps it, both others are reported',
    owner: owner('b'),
    services: [svc('a', [{ nodePort: 30090 }], {}, '2026-01-01T00:00:00Z'), svc('b', [{ nodePort: 30090 }], {}, '2026-01-02T00:00:00Z'), svc('c', [{ nodePort: 30090 }], {}, '2026-01-03T00:00:00Z')],
    wantOwner: 'default/b',
    wantFindings: [`a ${dup(30090)}`, `c ${dup(30090)}`],
  },
  {
    name: 'the owner holds the port twice with one protocol: reported on the owner too, and on the other holder',
    owner: owner('two'),
    services: [svc('other', [{ nodePort: 30091 }], {}, '2026-01-01T00:00:00Z'), svc('two', [{ nodePort: 30091 }, { nodePort: 30091, port: 81 }], {}, '2026-01-02T00:00:00Z')],
    wantOwner: 'default/two',
    wantFindings: [`other ${dup(30091)}`, `two ${dup(30091)}`],
  },
  {
    name: 'the recorded owner is gone (a Service of another uid at its name): the oldest holder takes it over',
    owner: { key: 'default/x', uid: 'uid-gone', rv: '50' },
    services: [svc('young', [{ nodePort: 30092 }], {}, '2026-02-01T00:00:00Z'), svc('old', [{ nodePort: 30092 }])],
    wantOwner: 'default/old',
    wantFindings: [`young ${dup(30092)}`],
  },
  {
    name: 'no recorded owner: the oldest holder',
    services: [svc('young', [{ nodePort: 30093 }], {}, '2026-02-01T00:00:00Z'), svc('old', [{ nodePort: 30093 }])],
    wantOwner: 'default/old',
    wantFindings: [`young ${dup(30093)}`],
  },
];

for (const c of sharedPortCases) {
  test(`repairPortMap › shared port: ${c.name}`, (t) => {
    const st = new PortMapState(RANGE);
    const port = collectServiceNodePorts(c.services[0] as Service)[0] as number;
    if (c.owner) st.claim(port, c.owner);
    else st.range.allocate(port);
    const out = repairPortMap(st, input(c.services));
    t.deepEqual(out.findings.map((f) => `${f.service.metadata.name} ${f.reason}: ${f.note}`).sort(), c.wantFindings);
    t.true(out.findings.every((f) => f.type === 'duplicate'));
    t.is(st.ownerOf(port)?.key, c.wantOwner);
    t.true(st.isAllocated(port));
    // A second pass changes nothing and blames the same Services.
    const again = repairPortMap(st, input(c.services));
    t.false(again.changed);
    t.deepEqual(again.findings.map((f) => `${f.service.metadata.name} ${f.reason}: ${f.note}`).sort(), c.wantFindings);
  });
}

test('repairPortMap › a Service whose requested port is taken keeps the ports it held before (Kubernetes refuses such an update)', (t) => {
  const st = new PortMapState(RANGE);
  st.claim(30035, owner('c1', '10'));
  st.claim(30060, owner('c2', '11'));
  // c1 was updated (rv 12) to ask for c2's port: the 30035 claim is older than c1's version.
  const c1 = deepFreeze({ ...svc('c1', [{ nodePort: 30060 }]), metadata: { ...svc('c1', []).metadata, resourceVersion: '12' } }) as Service;
  const services = [c1, svc('c2', [{ nodePort: 30060 }], {}, '2026-02-01T00:00:00Z')];
  let leakSeen: RepairInput['leakSeen'] = new Map();
  for (const nowMs of [0, 60_000, 120_000]) {
    const out = repairPortMap(st, input(services, { nowMs, leakSeen, confirmed: new Set([...leakSeen.keys()]) }));
    t.deepEqual(out.released, [], `pass at ${nowMs}`);
    t.is(out.leakSeen.size, 0, 'not a leak candidate: its owner waits for its request');
    leakSeen = out.leakSeen;
  }
  t.deepEqual(st.ownerOf(30035), owner('c1', '10'));
  // Once the request is withdrawn (c1 back on 30035), nothing is left to report or keep.
  const back = deepFreeze({ ...c1, metadata: { ...c1.metadata, resourceVersion: '13' }, spec: { ...c1.spec, ports: [{ name: 'p0', protocol: 'TCP', port: 80, nodePort: 30035 }] } }) as Service;
  const out = repairPortMap(st, input([back, services[1] as Service]));
  t.deepEqual(out.findings, []);
  t.deepEqual(st.allocatedPorts(), [30035, 30060]);
});

test('repairPortMap › a claim whose owner is provably gone is freed at once; an unexplained one once its grace period is over and a live read confirmed it', (t) => {
  const st = new PortMapState(RANGE);
  st.claim(30001, { key: 'default/deleted', uid: 'x', rv: '50' });
  st.range.allocate(30002);
  const first = repairPortMap(st, input([], { nowMs: 0 }));
  t.deepEqual(first.released, [30001]);
  t.true(st.isAllocated(30002), 'flagged for later clean up');
  t.deepEqual(dueLeakCandidates(first.leakSeen, 59_999, 60_000), []);
  const early = repairPortMap(st, input([], { nowMs: 59_999, leakSeen: first.leakSeen, confirmed: new Set(first.leakSeen.keys()) }));
  t.deepEqual(early.released, [], 'confirmed too early counts for nothing');
  const due = dueLeakCandidates(early.leakSeen, 60_000, 60_000);
  t.deepEqual(due.map(([, c]) => c.port), [30002]);
  const unconfirmed = repairPortMap(st, input([], { nowMs: 60_000, leakSeen: early.leakSeen }));
  t.deepEqual(unconfirmed.released, [], 'due but not confirmed: kept');
  t.deepEqual(unconfirmed.leakSeen.get(due[0]?.[0] ?? '')?.firstSeenMs, 0, 'its wait does not restart');
  const late = repairPortMap(st, input([], { nowMs: 61_000, leakSeen: unconfirmed.leakSeen, confirmed: new Set(due.map(([id]) => id)) }));
  t.deepEqual(late.released, [30002]);
  t.false(st.isAllocated(30002));
});

test('repairPortMap › a confirmation is for one claim: a port claimed again in between waits anew', (t) => {
  const st = new PortMapState(RANGE);
  st.claim(30003, { key: 'default/ghost', uid: 'g', rv: '900' });
  const first = repairPortMap(st, input([], { nowMs: 0 }));
  const [[id] = ['']] = dueLeakCandidates(first.leakSeen, 60_000, 60_000);
  st.release(30003);
  st.claim(30003, { key: 'default/ghost2', uid: 'g2', rv: '901' });
  const out = repairPortMap(st, input([], { nowMs: 60_000, leakSeen: first.leakSeen, confirmed: new Set([id]) }));
  t.deepEqual(out.released, []);
  t.deepEqual([...out.leakSeen.values()].map((c) => [c.port, c.owner?.key, c.firstSeenMs]), [[30003, 'default/ghost2', 60_000]]);
});

test('repairPortMap › an in-flight claim (Service cached at the claim\'s version, not yet holding it) is not freed before the grace period', (t) => {
  const st = new PortMapState(RANGE);
  st.claim(30005, owner('a', '10'));
  const out = repairPortMap(st, input([svc('a', [{}])], { nowMs: 0 }));
  t.deepEqual(out.released, []);
  t.true(st.isAllocated(30005));
  t.is(out.leakSeen.size, 1);
});

// The live read behind a confirmation: the owner as the API server has it now.
const confirmCases: { name: string; candidate: LeakCandidate; live: Service | undefined; want: boolean }[] = [
  { name: 'no owner recorded: nothing to read, confirmed', candidate: { port: 30010, firstSeenMs: 0 }, live: undefined, want: true },
  { name: 'owner not found', candidate: { port: 30010, owner: owner('ghost'), firstSeenMs: 0 }, live: undefined, want: true },
  { name: 'a Service of another uid at the owner\'s name', candidate: { port: 30010, owner: { key: 'default/a', uid: 'uid-old', rv: '5' }, firstSeenMs: 0 }, live: svc('a', [{ nodePort: 30010 }]), want: true },
  { name: 'the owner does not hold the port', candidate: { port: 30010, owner: owner('a'), firstSeenMs: 0 }, live: svc('a', [{ nodePort: 30011 }]), want: true },
  { name: 'the owner holds it (the cache is behind)', candidate: { port: 30010, owner: owner('a'), firstSeenMs: 0 }, live: svc('a', [{ nodePort: 30010 }]), want: false },
  { name: 'the owner holds it as its health-check port', candidate: { port: 30010, owner: owner('a'), firstSeenMs: 0 }, live: svc('a', [{}], { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 30010 }), want: false },
];

for (const c of confirmCases) {
  test(`isLeakConfirmed › ${c.name}`, (t) => {
    t.is(isLeakConfirmed(c.candidate, c.live), c.want);
  });
}

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

test('nodeport repair › a leaked port (no owner, no Service) is freed after the grace period', async (t) => {
  const store = newStore();
  const st = new PortMapState(RANGE);
  st.range.allocate(31999);
  store.create(R.configmaps, 'kube-system', { metadata: { name: 'svcplane-nodeports' }, data: encodePortMap(st) });
  const inst = await startInstance(store, { leakGracePeriodMs: 100, repairIntervalMs: 30 });
  await eventually('leak freed', () => !portMap(store).isAllocated(31999));
  const text = await inst.metrics.registry.getSingleMetricAsString('svcplane_nodeport_repair_port_errors_total');
  t.regex(text, /type="leak"} 1/);
  await shutdown(store, inst);
});

test('nodeport repair › a leaked claim is freed after the grace period while unrelated writes keep happening', async (t) => {
  const store = newStore();
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  // A claim for a Service that never existed, stamped with a resourceVersion the Service cache
  // will not reach: isReleasable cannot free it, only the grace period can.
  const st = new PortMapState(RANGE);
  st.claim(30070, { key: 'default/ghost', uid: 'uid-ghost', rv: '999999999' });
  store.create(R.configmaps, 'kube-system', { metadata: { name: 'svcplane-nodeports' }, data: encodePortMap(st) });
  create(store, service('web', { ports: [{ port: 80 }] }));
  const inst = await startInstance(store, { leakGracePeriodMs: 15_000, repairIntervalMs: 15_000 }, 1, undefined, clock);
  await eventually('web served', () => (nodePortsOf(store, 'web')[0] ?? 0) > 0);
  const pass = async (): Promise<void> => {
    const before = inst.controller.repairPasses;
    clock.advance(15_000);
    await eventually('a repair pass', () => inst.controller.repairPasses > before);
  };
  // Writes that are not Services move the server's resourceVersion past the Service cache's.
  const unrelatedWrite = (i: number): void => void store.create(R.configmaps, 'kube-system', { metadata: { name: `noise-${i}` }, data: { i: String(i) } });
  unrelatedWrite(0);
  t.true(portMap(store).isAllocated(30070), 'the start-up pass only flags it');
  unrelatedWrite(1);
  await pass();
  t.false(portMap(store).isAllocated(30070), 'freed by the first pass after the grace period');
  t.is(portMap(store).ownerOf(30070), undefined);
  t.true(portMap(store).isAllocated(nodePortsOf(store, 'web')[0] ?? 0), 'the port a Service holds stays');
  const text = await inst.metrics.registry.getSingleMetricAsString('svcplane_nodeport_repair_port_errors_total');
  t.regex(text, /type="leak"} 1/);
  await shutdown(store, inst);
});

test('nodeport repair › a due leak whose owner cannot be read is kept, and freed by the next pass that reads it', async (t) => {
  const store = newStore();
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const st = new PortMapState(RANGE);
  st.claim(30070, { key: 'default/ghost', uid: 'uid-ghost', rv: '999999999' });
  store.create(R.configmaps, 'kube-system', { metadata: { name: 'svcplane-nodeports' }, data: encodePortMap(st) });
  const inst = await startInstance(store, { leakGracePeriodMs: 15_000, repairIntervalMs: 15_000 }, 1, undefined, clock);
  await eventually('start-up pass', () => inst.controller.repairPasses >= 1);
  const pass = async (): Promise<void> => {
    const before = inst.controller.repairPasses;
    clock.advance(15_000);
    await eventually('a repair pass', () => inst.controller.repairPasses > before);
  };
  inst.faults.failNext({ verb: 'get', resource: 'services', error: () => new Error('connection reset') });
  await pass();
  t.true(portMap(store).isAllocated(30070), 'kept: the owner could not be read');
  t.regex(await inst.metrics.registry.getSingleMetricAsString('svcplane_nodeport_repair_leak_cleanup_deferred_total'), /reason="error"} 1/);
  await pass();
  t.false(portMap(store).isAllocated(30070));
  await shutdown(store, inst);
});

test('nodeport repair › a port two Services ask for stays with the one the map records as its owner; the other is reported and keeps its old port', async (t) => {
  const store = newStore();
  const inst = await startInstance(store, { repairIntervalMs: 600_000 });
  create(store, service('c1', { ports: [{ port: 80 }] }));
  await eventually('c1 served', () => (nodePortsOf(store, 'c1')[0] ?? 0) > 0);
  const [old = 0] = nodePortsOf(store, 'c1');
  create(store, service('c2', { ports: [{ port: 80, nodePort: 30060 }] }));
  await eventually('c2 owns 30060', () => portMap(store).ownerOf(30060)?.key === 'default/c2');
  store.patch(R.services, 'default', 'c1', 'application/merge-patch+json', JSON.stringify({ spec: { ports: [{ name: 'p0', port: 80, nodePort: 30060 }] } }));
  await eventually('c1 refused', () => eventsFor(store, 'c1').includes('nodeport-controller: PortAlreadyAllocated: Service "c1" is invalid: spec.ports[0].nodePort: Invalid value: 30060: provided port is already allocated'));
  for (let i = 0; i < 3; i++) await inst.controller.repairNow();
  const repairNote = 'portallocator-repair-controller: PortAlreadyAllocated: Port 30060 was assigned to multiple services; please recreate service';
  await eventually('c1 reported by the repair', () => eventsFor(store, 'c1').includes(repairNote));
  const text = await inst.metrics.registry.getSingleMetricAsString('svcplane_nodeport_repair_port_errors_total');
  t.regex(text, /type="duplicate"} 3/, 'one duplicate per pass');
  t.deepEqual(eventsFor(store, 'c2').filter((e) => e.startsWith('portallocator-repair-controller')), [], 'the owner is never blamed');
  t.is(portMap(store).ownerOf(30060)?.key, 'default/c2');
  t.is(portMap(store).ownerOf(old)?.key, 'default/c1', 'c1 keeps the port it had, as a refused update would');
  t.deepEqual(nodePortsOf(store, 'c2'), [30060]);
  // c1 takes its request back: it is served from the port it kept, and nothing leaks.
  store.patch(R.services, 'default', 'c1', 'application/merge-patch+json', JSON.stringify({ spec: { ports: [{ name: 'p0', port: 80, nodePort: old }] } }));
  await eventually('c1 back', () => nodePortsOf(store, 'c1')[0] === old);
  await inst.controller.repairNow();
  t.deepEqual(portMap(store).allocatedPorts(), [old, 30060].sort((a, b) => a - b));
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

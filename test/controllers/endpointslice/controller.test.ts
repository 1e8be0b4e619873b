import test from 'ava';
import type { Registry } from 'prom-client';
import type { Node } from '../../../api-types/core.js';
import type { EndpointSlice } from '../../../api-types/networking.js';
import type { WatchEvent } from '../../../api-types/meta.js';
import { internalError } from '../../../apiserver/errors.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { MemoryStore } from '../../../apiserver/store.js';
import { EndpointSliceController, validateEndpointSliceOptions } from '../../../controllers/endpointslice/controller.js';
import { systemClock } from '../../../controllers/runtime/clock.js';
import { FaultClient } from '../../../controllers/runtime/fault-client.js';
import { silentLogger } from '../../../controllers/runtime/logger.js';
import { Manager } from '../../../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../../../controllers/runtime/metrics.js';
import { WorkQueueMetricNames } from '../../../controllers/runtime/workqueue-metrics.js';
import { eventually } from '../../helpers/eventually.js';
import { R, startWorld, type World } from '../../helpers/world.js';

const httpPort = [{ name: 'http', port: 80, targetPort: 'http' }];

function slicesOf(w: World, svc: string, ns = 'default'): EndpointSlice[] {
  return w.list<EndpointSlice>(R.endpointslices, ns).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
}

function sizes(slices: EndpointSlice[]): number[] {
  return slices.map((s) => s.endpoints?.length ?? 0).sort((a, b) => b - a);
}

/** Counts slice writes (every watch event) from now on. */
function countWrites(w: World): { writes: () => number; stop: () => void } {
  let n = 0;
  const h = w.store.watch(R.endpointslices, { resourceVersion: w.store.currentResourceVersion() }, { event: (_e: WatchEvent) => void n++, end: () => {} });
  return { writes: () => n, stop: () => h.stop() };
}

test('endpointslice controller › options are checked with kube-controller-manager words', (t) => {
  t.throws(() => validateEndpointSliceOptions({ maxEndpointsPerSlice: 1001 }), { message: '--max-endpoints-per-slice must not be more than 1000, but got 1001' });
  t.throws(() => validateEndpointSliceOptions({ maxEndpointsPerSlice: 0 }), { instanceOf: RangeError });
  t.throws(() => validateEndpointSliceOptions({ concurrency: 51 }), { message: /--concurrent-service-endpoint-syncs/ });
});

test('endpointslice controller › 0 pods gives the placeholder; 1 and then 250 pods give slices of 100', async (t) => {
  const w = await startWorld([new EndpointSliceController()]);
  try {
    w.service('web', { selector: { app: 'web' }, ports: httpPort });
    const [placeholder] = await eventually('placeholder slice', () => slicesOf(w, 'web').length === 1 && slicesOf(w, 'web'));
    t.deepEqual(placeholder.endpoints ?? [], []);
    t.is(placeholder.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    t.is(placeholder.metadata.ownerReferences?.[0].kind, 'Service');
    t.true(placeholder.metadata.ownerReferences?.[0].controller);
    t.regex(placeholder.metadata.name ?? '', /^web-[a-z0-9]{5}$/);

    w.pod('web-0', { ip: '10.244.0.5' });
    const [one] = await eventually('one endpoint', () => sizes(slicesOf(w, 'web'))[0] === 1 && slicesOf(w, 'web'));
    t.deepEqual(one.endpoints?.[0].addresses, ['10.244.0.5']);
    t.deepEqual(one.endpoints?.[0].conditions, { ready: true, serving: true, terminating: false });
    t.deepEqual(one.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    t.is(one.endpoints?.[0].targetRef?.name, 'web-0');
    t.is(one.endpoints?.[0].nodeName, 'node-1');

    for (let i = 1; i < 250; i++) w.pod(`web-${i}`);
    await eventually('slices of 100, 100 and 50', () => JSON.stringify(sizes(slicesOf(w, 'web'))) === '[100,100,50]', { timeoutMs: 20_000 });
    const all = slicesOf(w, 'web').flatMap((s) => s.endpoints ?? []).map((e) => e.targetRef?.name);
    t.is(new Set(all).size, 250, 'every pod exactly once');
  } finally {
    await w.close();
  }
});

test('endpointslice controller › a readiness flip is one slice write; terminating pods stay with terminating=true', async (t) => {
  const w = await startWorld([new EndpointSliceController()]);
  try {
    w.service('web', { selector: { app: 'web' }, ports: httpPort });
    for (let i = 0; i < 150; i++) w.pod(`web-${i}`);
    await eventually('100 + 50', () => JSON.stringify(sizes(slicesOf(w, 'web'))) === '[100,50]', { timeoutMs: 20_000 });
    // Let the controller's own writes settle, then count.
    await new Promise((r) => setTimeout(r, 1500));
    const c = countWrites(w);
    w.setPodStatus('web-7', { ready: false });
    await eventually('web-7 not ready', () => slicesOf(w, 'web').some((s) => s.endpoints?.some((e) => e.targetRef?.name === 'web-7' && e.conditions?.ready === false)));
    await new Promise((r) => setTimeout(r, 1500));
    t.is(c.writes(), 1, 'exactly one EndpointSlice write for one readiness flip');
    c.stop();

    w.store.delete(R.pods, 'default', 'web-8');
    const ep = await eventually('web-8 terminating', () => slicesOf(w, 'web').flatMap((s) => s.endpoints ?? []).find((e) => e.targetRef?.name === 'web-8' && e.conditions?.terminating));
    t.deepEqual(ep.conditions, { ready: false, serving: true, terminating: true });
    w.store.delete(R.pods, 'default', 'web-8', { gracePeriodSeconds: 0 });
    await eventually('web-8 gone', () => !slicesOf(w, 'web').some((s) => s.endpoints?.some((e) => e.targetRef?.name === 'web-8')));
  } finally {
    await w.close();
  }
});

test('endpointslice controller › named ports resolving differently per pod go to separate slices; dual-stack gets one set per family', async (t) => {
  const w = await startWorld([new EndpointSliceController()]);
  try {
    w.service('web', { selector: { app: 'web' }, ports: httpPort });
    w.pod('a', { ports: [{ name: 'http', containerPort: 8080 }] });
    w.pod('b', { ports: [{ name: 'http', containerPort: 9090 }] });
    const slices = await eventually('two port mappings', () => slicesOf(w, 'web').length === 2 && slicesOf(w, 'web'));
    t.deepEqual(slices.map((s) => s.ports?.[0].port).sort(), [8080, 9090]);

    w.service('dual', { selector: { app: 'dual' }, ports: httpPort, clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11', 'fd00::11'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' });
    w.pod('d', { labels: { app: 'dual' }, ips: ['10.244.9.9', 'fd00:244::9'] });
    const dual = await eventually('IPv4 and IPv6 slices', () => slicesOf(w, 'dual').filter((s) => s.endpoints?.length).length === 2 && slicesOf(w, 'dual'));
    t.deepEqual(dual.map((s) => `${s.addressType} ${s.endpoints?.[0].addresses[0]}`).sort(), ['IPv4 10.244.9.9', 'IPv6 fd00:244::9']);
  } finally {
    await w.close();
  }
});

test('endpointslice controller › a slice deleted by hand is re-created; a deleted Service takes its slices; re-created with the same name it gets new ones', async (t) => {
  const w = await startWorld([new EndpointSliceController()]);
  try {
    const svc1 = w.service('web', { selector: { app: 'web' }, ports: httpPort });
    w.pod('a');
    const [first] = await eventually('slice', () => sizes(slicesOf(w, 'web'))[0] === 1 && slicesOf(w, 'web'));
    w.store.delete(R.endpointslices, 'default', first.metadata.name!);
    const [again] = await eventually('re-created slice', () => slicesOf(w, 'web').length === 1 && slicesOf(w, 'web')[0].metadata.uid !== first.metadata.uid && slicesOf(w, 'web'));
    t.is(again.endpoints?.length, 1);

    w.store.delete(R.services, 'default', 'web');
    await eventually('slices deleted with their Service', () => slicesOf(w, 'web').length === 0);
    const svc2 = w.service('web', { selector: { app: 'web' }, ports: httpPort });
    t.not(svc2.metadata.uid, svc1.metadata.uid);
    const [fresh] = await eventually('slices for the new Service', () => sizes(slicesOf(w, 'web'))[0] === 1 && slicesOf(w, 'web'));
    t.is(fresh.metadata.ownerReferences?.[0].uid, svc2.metadata.uid);
  } finally {
    await w.close();
  }
});

test('endpointslice controller › selectorless and ExternalName Services get no slices', async (t) => {
  const w = await startWorld([new EndpointSliceController()]);
  try {
    w.service('manual', { ports: httpPort });
    w.service('ext', { type: 'ExternalName', externalName: 'example.com', clusterIP: '', clusterIPs: undefined, ipFamilies: undefined, ipFamilyPolicy: undefined, selector: { app: 'web' } });
    w.service('probe', { selector: { app: 'web' }, ports: httpPort });
    w.pod('a');
    await eventually('the probe Service synced', () => sizes(slicesOf(w, 'probe'))[0] === 1);
    t.is(slicesOf(w, 'manual').length, 0);
    t.is(slicesOf(w, 'ext').length, 0);
  } finally {
    await w.close();
  }
});

test('endpointslice controller › with unnamed ports (server-defaulted to "") a Service change is one write and then none: no write loop', async (t) => {
  const w = await startWorld([new EndpointSliceController()]);
  try {
    w.service('plain', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] });
    w.pod('a');
    const [slice] = await eventually('one endpoint', () => sizes(slicesOf(w, 'plain'))[0] === 1 && slicesOf(w, 'plain'));
    t.is(slice.ports?.[0].name, '', 'the server defaults an unnamed port to ""');
    await new Promise((r) => setTimeout(r, 1500));
    const c = countWrites(w);
    // A Service change that does not alter the slices resyncs it.
    const svc = w.store.get(R.services, 'default', 'plain');
    w.store.update(R.services, 'default', 'plain', { ...svc, metadata: { ...svc.metadata, labels: { touched: 'yes' } } });
    await new Promise((r) => setTimeout(r, 1500));
    const writes = c.writes();
    c.stop();
    // The label is copied onto the slice: one write, and then nothing more.
    t.is(writes, 1);
  } finally {
    await w.close();
  }
});

test('endpointslice controller › a deleted Service takes only the slices the garbage collector would: owned by a Service of its name that is gone', async (t) => {
  const w = await startWorld([new EndpointSliceController()]);
  try {
    w.service('web', { selector: { app: 'web' }, ports: httpPort });
    w.pod('a');
    await eventually('slice', () => sizes(slicesOf(w, 'web'))[0] === 1);
    w.store.delete(R.services, 'default', 'web');
    await eventually('the Service\'s slices deleted', () => slicesOf(w, 'web').length === 0);
    // Slices carrying the Service's labels but another owner: a ConfigMap (may still exist) and an
    // older Service of the same name (gone: the garbage collector would delete it too).
    const labels = { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' };
    const owner = (kind: string, uid: string) => [{ apiVersion: 'v1', kind, name: 'web', uid, controller: true }];
    w.store.create(R.endpointslices, 'default', { metadata: { name: 'by-configmap', labels, ownerReferences: owner('ConfigMap', 'cm-uid') }, addressType: 'IPv4', endpoints: [] });
    w.store.create(R.endpointslices, 'default', { metadata: { name: 'by-older-service', labels, ownerReferences: owner('Service', 'older-uid') }, addressType: 'IPv4', endpoints: [] });
    w.store.create(R.endpointslices, 'default', { metadata: { name: 'no-owner', labels }, addressType: 'IPv4', endpoints: [] });
    await eventually('the older Service\'s slice deleted', () => !slicesOf(w, 'web').some((s) => s.metadata.name === 'by-older-service'));
    await new Promise((r) => setTimeout(r, 1200));
    t.deepEqual(slicesOf(w, 'web').map((s) => s.metadata.name).sort(), ['by-configmap', 'no-owner'], 'slices another object may own are left alone');
  } finally {
    await w.close();
  }
});

/** A store with ready Nodes, and the EndpointSlice controller running over `wrap(client)`; the queue metrics at hand. */
async function startLocal(t: { teardown(fn: () => unknown): void }, wrap: (c: InProcessClient) => InProcessClient | FaultClient = (c) => c) {
  const store = new MemoryStore();
  const node = (name: string, zone: string) => {
    store.create(R.nodes, undefined, { metadata: { name, labels: { 'topology.kubernetes.io/zone': zone } } });
    const cur = store.get(R.nodes, undefined, name);
    store.update(R.nodes, undefined, name, { ...cur, status: { allocatable: { cpu: '4' }, conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
  };
  node('node-1', 'zone-a');
  const client = wrap(new InProcessClient(store));
  const metrics = createRuntimeMetrics({ processMetrics: false });
  const manager = new Manager({ client, clock: systemClock, random: Math.random, logger: silentLogger, metrics, leaderElection: false, drainTimeoutMs: 2000, controllers: [new EndpointSliceController()] });
  manager.start();
  t.teardown(async () => {
    await manager.stop();
    store.close();
  });
  await manager.whenRunning();
  const pod = (name: string, nodeName: string, ip: string) => {
    store.create(R.pods, 'default', { metadata: { name, labels: { app: 'web' } }, spec: { nodeName, containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] } });
    const cur = store.get(R.pods, 'default', name);
    store.update(R.pods, 'default', name, { ...cur, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
  };
  const slices = () => (store.list(R.endpointslices, { namespace: 'default' }).items as EndpointSlice[]).filter((sl) => sl.metadata.labels?.['kubernetes.io/service-name'] === 'web');
  return { store, manager, registry: metrics.registry, node, pod, slices };
}

async function queueAdds(registry: Registry): Promise<number> {
  const { values } = await registry.getSingleMetric(WorkQueueMetricNames.adds)!.get();
  return values.find((v) => v.labels.name === 'endpoint_slice')?.value ?? 0;
}

test('endpointslice controller › topology: a Node heartbeat requeues nothing; a zone change requeues the Service its hints now overload', async (t) => {
  const { store, manager, registry, node, pod, slices } = await startLocal(t);
  node('node-2', 'zone-b');
  for (const [name, nodeName, ip] of [['a', 'node-1', '10.244.0.1'], ['b', 'node-1', '10.244.0.2'], ['c', 'node-2', '10.244.0.3'], ['d', 'node-2', '10.244.0.4']]) pod(name, nodeName, ip);
  store.create(R.services, 'default', {
    metadata: { name: 'web', annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } },
    spec: { selector: { app: 'web' }, ports: httpPort, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' },
  });
  const zonesOf = () => slices().flatMap((s) => s.endpoints ?? []).map((e) => `${e.zone}:${e.hints?.forZones?.[0]?.name}`).sort().join();
  await eventually('own-zone hints', () => zonesOf() === 'zone-a:zone-a,zone-a:zone-a,zone-b:zone-b,zone-b:zone-b');
  // Let the syncs that pods and slices caused settle (slice echoes are looked at after 1 s).
  await new Promise((r) => setTimeout(r, 1200));
  const before = await queueAdds(registry);
  const nodes = manager.informers.get<Node>('nodes');

  const cur = store.get(R.nodes, undefined, 'node-2') as Node;
  const beat = store.update(R.nodes, undefined, 'node-2', { ...cur, status: { ...cur.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T00:00:10Z' }] } }, { subresource: 'status' }).object as Node;
  await eventually('the heartbeat reached the cache', () => nodes.get('node-2')?.metadata.resourceVersion === beat.metadata.resourceVersion);
  t.is(await queueAdds(registry), before, 'a status-only update requeues no Service');

  const labelled = store.get(R.nodes, undefined, 'node-2') as Node;
  store.update(R.nodes, undefined, 'node-2', { ...labelled, metadata: { ...labelled.metadata, labels: { 'topology.kubernetes.io/zone': 'zone-c' } } });
  await eventually('hints follow the new zone', () => zonesOf() === 'zone-a:zone-a,zone-a:zone-a,zone-c:zone-c,zone-c:zone-c');
  t.is(await queueAdds(registry), before + 1, 'the zone change requeued the Service');
});

test('endpointslice controller › NodeNotFound problems are one FailedToUpdateEndpointSlices event, aggregated as Kubernetes prints them', async (t) => {
  const w = await startWorld([new EndpointSliceController()]);
  try {
    w.pod('a', { node: 'gone' });
    w.pod('b', { node: 'gone' });
    w.pod('c');
    w.service('web', { selector: { app: 'web' }, ports: httpPort });
    const note = await eventually('event', () => serviceEvents(w.store, 'web').find((e) => e.reason === 'FailedToUpdateEndpointSlices')?.note);
    const prefix = 'Error updating Endpoint Slices for Service default/web: [';
    t.true(note.startsWith(prefix) && note.endsWith(']'), note);
    t.deepEqual(note.slice(prefix.length, -1).split(', ').sort(), ['skipping Pod a for Service default/web: Node gone Not Found', 'skipping Pod b for Service default/web: Node gone Not Found']);
    // The pods that could be placed were written all the same.
    await eventually('pod c published', () => sizes(slicesOf(w, 'web'))[0] === 1);
  } finally {
    await w.close();
  }
});

test('endpointslice controller › a failed write is reported in Kubernetes\' words, after the problems, in one event', async (t) => {
  let faults!: FaultClient;
  const { store, pod, slices } = await startLocal(t, (c) => (faults = new FaultClient(c)));
  pod('a', 'node-1', '10.244.0.1');
  pod('b', 'gone', '10.244.0.2');
  faults.failNext({ verb: 'create', resource: 'endpointslices', error: () => internalError('etcd is sad') });
  store.create(R.services, 'default', { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: httpPort, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'] } });
  const note = await eventually('event', () => serviceEvents(store, 'web').find((e) => e.reason === 'FailedToUpdateEndpointSlices')?.note);
  t.is(note, 'Error updating Endpoint Slices for Service default/web: [skipping Pod b for Service default/web: Node gone Not Found, failed to create EndpointSlice for Service default/web: Internal error occurred: etcd is sad]');
  // Retried: the slice is written once the API server takes it.
  await eventually('slice after the retry', () => slices().some((s) => s.endpoints?.length === 1));
});

function serviceEvents(store: MemoryStore, name: string): { reason?: string; note?: string }[] {
  return (store.list(R.events, { namespace: 'default' }).items as { regarding?: { name?: string }; reason?: string; note?: string }[]).filter((e) => e.regarding?.name === name);
}

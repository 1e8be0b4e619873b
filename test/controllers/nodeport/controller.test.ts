import test from 'ava';
import type { Service } from '../../../api-types/core.js';
import { delegatingClient } from '../../helpers/delegating-client.js';
import { R, create, eventually, eventsFor, newStore, nodePortsOf, portMap, read, service, shutdown, startInstance } from './harness.js';

const inRange = (p: number): boolean => p >= 30000 && p <= 32767;

test('nodeport controller › a NodePort Service gets one port per entry, upper band first, claimed in the port map', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  create(store, service('web', { ports: [{ port: 80 }, { port: 443 }] }));
  await eventually('nodePorts', () => nodePortsOf(store, 'web').every((p) => p > 0));
  const [a, b] = nodePortsOf(store, 'web');
  t.true(a !== b && inRange(a ?? 0) && inRange(b ?? 0));
  t.true((a ?? 0) >= 30086 && (b ?? 0) >= 30086, 'automatic ports come from the upper band');
  const map = portMap(store);
  t.deepEqual(map.allocatedPorts(), [a, b].sort());
  t.is(map.ownerOf(a ?? 0)?.key, 'default/web');
  await shutdown(store, inst);
});

test('nodeport controller › 53/TCP and 53/UDP share one nodePort; an explicit sibling value is copied', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  create(store, service('dns', { ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 80 }] }));
  create(store, service('dns2', { ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP', nodePort: 30053 }] }));
  await eventually('nodePorts', () => nodePortsOf(store, 'dns').every((p) => p > 0) && nodePortsOf(store, 'dns2').every((p) => p > 0));
  const [tcp, udp, http] = nodePortsOf(store, 'dns');
  t.is(tcp, udp);
  t.not(tcp, http);
  t.deepEqual(nodePortsOf(store, 'dns2'), [30053, 30053]);
  t.true(portMap(store).isAllocated(30053));
  await shutdown(store, inst);
});

test('nodeport controller › a requested port is honoured; a taken or out-of-range one is reported and the Service left as is', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  create(store, service('a', { ports: [{ port: 80, nodePort: 30080 }] }));
  await eventually('a claimed', () => portMap(store).ownerOf(30080)?.key === 'default/a');
  create(store, service('b', { ports: [{ port: 80, nodePort: 30080 }, { port: 81 }] }));
  create(store, service('c', { ports: [{ port: 80, nodePort: 40000 }] }));
  await eventually('events', () => eventsFor(store, 'b').length > 0 && eventsFor(store, 'c').length > 0);
  t.deepEqual(eventsFor(store, 'b'), ['nodeport-controller: PortAlreadyAllocated: Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated']);
  t.deepEqual(eventsFor(store, 'c'), ['nodeport-controller: PortOutOfRange: Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767']);
  t.deepEqual(nodePortsOf(store, 'b'), [30080, 0], 'left as it is: no automatic port either');
  const text = await inst.metrics.registry.getSingleMetricAsString('svcplane_nodeport_allocator_allocation_errors_total');
  t.regex(text, /scope="static"} 2/);
  // Deleting the holder frees the port and the blocked Service gets it, with its other entry.
  store.delete(R.services, 'default', 'a');
  await eventually('b served', () => portMap(store).ownerOf(30080)?.key === 'default/b' && (nodePortsOf(store, 'b')[1] ?? 0) > 0);
  await shutdown(store, inst);
});

test('nodeport controller › re-applying the manifest without nodePorts keeps them (no new allocation)', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  create(store, service('web', { ports: [{ port: 80 }] }));
  await eventually('port', () => (nodePortsOf(store, 'web')[0] ?? 0) > 0);
  const before = nodePortsOf(store, 'web');
  // A kubectl-style merge patch that omits nodePort (ports replaced as a list). The API server's
  // patchAllocatedValues should keep the value; the controller restores it from its claim if not.
  store.patch(R.services, 'default', 'web', 'application/merge-patch+json', JSON.stringify({ metadata: { labels: { v: '2' } }, spec: { ports: [{ name: 'p0', port: 80 }] } }));
  await eventually('kept', () => read(store, 'web')?.metadata.labels?.v === '2' && nodePortsOf(store, 'web')[0] === before[0]);
  t.deepEqual(portMap(store).allocatedPorts(), before, 'no new port was claimed');
  // A no-op change makes no port map write.
  const writes = inst.controller.portMap?.writes ?? 0;
  store.patch(R.services, 'default', 'web', 'application/merge-patch+json', JSON.stringify({ metadata: { labels: { v: '3' } } }));
  await eventually('labels seen', () => read(store, 'web')?.metadata.labels?.v === '3');
  await new Promise((r) => setTimeout(r, 50));
  t.deepEqual(nodePortsOf(store, 'web'), before);
  t.is(inst.controller.portMap?.writes, writes, 'a no-op sync makes zero port map writes');
  await shutdown(store, inst);
});

test('nodeport controller › type change to ClusterIP drops the ports and releases them; they can be reused', async (t) => {
  const store = newStore();
  const inst = await startInstance(store, { serviceNodePortRange: '30000-30001' });
  create(store, service('a', { ports: [{ port: 80 }, { port: 81 }] }));
  await eventually('a ports', () => nodePortsOf(store, 'a').every((p) => p > 0));
  create(store, service('b', { ports: [{ port: 80 }] }));
  await eventually('b reported full', () => eventsFor(store, 'b').some((e) => e.includes('PortRangeFull: Internal error occurred: failed to allocate a nodePort: range is full')));
  const a = read(store, 'a') as Service;
  // Validation forbids nodePorts on ClusterIP; dropTypeDependentFields clears unchanged ones, and
  // a user may clear them too (done here, so the test holds either way).
  const { externalTrafficPolicy: _etp, ...spec } = a.spec ?? {};
  store.update(R.services, 'default', 'a', { ...a, spec: { ...spec, type: 'ClusterIP', ports: spec.ports?.map(({ nodePort: _n, ...p }) => p) } });
  t.deepEqual(nodePortsOf(store, 'a'), [0, 0]);
  await eventually('b gets a released port', () => (nodePortsOf(store, 'b')[0] ?? 0) > 0);
  await eventually('a released', () => portMap(store, '30000-30001').portsOwnedBy('default/a').length === 0);
  await shutdown(store, inst);
});

test('nodeport controller › deletion releases every port', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  create(store, service('a', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }));
  await eventually('ports', () => (read(store, 'a')?.spec?.healthCheckNodePort ?? 0) > 0 && (nodePortsOf(store, 'a')[0] ?? 0) > 0);
  t.is(portMap(store).allocatedPorts().length, 2);
  store.delete(R.services, 'default', 'a');
  await eventually('released', () => portMap(store).allocatedPorts().length === 0);
  t.deepEqual(portMap(store).allocatedPorts(), []);
  await shutdown(store, inst);
});

test('nodeport controller › healthCheckNodePort: allocated for LoadBalancer+Local, released when the policy becomes Cluster', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  create(store, service('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', ports: [{ port: 80 }] }));
  await eventually('port', () => (nodePortsOf(store, 'lb')[0] ?? 0) > 0);
  t.falsy(read(store, 'lb')?.spec?.healthCheckNodePort);
  let lb = read(store, 'lb') as Service;
  store.update(R.services, 'default', 'lb', { ...lb, spec: { ...lb.spec, externalTrafficPolicy: 'Local' } });
  await eventually('hc', () => (read(store, 'lb')?.spec?.healthCheckNodePort ?? 0) > 0);
  const hc = read(store, 'lb')?.spec?.healthCheckNodePort ?? 0;
  t.true(inRange(hc));
  t.is(portMap(store).ownerOf(hc)?.key, 'default/lb');
  lb = read(store, 'lb') as Service;
  const { healthCheckNodePort: _hc, ...rest } = lb.spec ?? {};
  store.update(R.services, 'default', 'lb', { ...lb, spec: { ...rest, externalTrafficPolicy: 'Cluster' } });
  t.falsy(read(store, 'lb')?.spec?.healthCheckNodePort);
  await eventually('hc released', () => !portMap(store).isAllocated(hc));
  t.true(portMap(store).isAllocated(nodePortsOf(store, 'lb')[0] ?? 0), 'the nodePort stays');
  await shutdown(store, inst);
});

test('nodeport controller › allocateLoadBalancerNodePorts false: no automatic ports, explicit ones honoured, health check still allocated', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  create(store, service('lb', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, externalTrafficPolicy: 'Local', ports: [{ port: 80 }, { port: 81, nodePort: 30081 }] }));
  await eventually('hc', () => (read(store, 'lb')?.spec?.healthCheckNodePort ?? 0) > 0);
  await eventually('claimed', () => portMap(store).ownerOf(30081)?.key === 'default/lb');
  t.deepEqual(nodePortsOf(store, 'lb'), [0, 30081]);
  await shutdown(store, inst);
});

test('nodeport controller › ClusterIP and ExternalName Services get nothing', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  create(store, service('c', { type: 'ClusterIP' }));
  create(store, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'e', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
  create(store, service('n', {}));
  await eventually('n', () => (nodePortsOf(store, 'n')[0] ?? 0) > 0);
  t.deepEqual(nodePortsOf(store, 'c'), [0]);
  t.is(portMap(store).allocatedPorts().length, 1);
  await shutdown(store, inst);
});

test('nodeport controller › rejects invalid options naming the flag', (t) => {
  return import('../../../controllers/nodeport/index.js').then(({ createNodePortController }) => {
    t.throws(() => createNodePortController({ serviceNodePortRange: '30000-x' }), { instanceOf: TypeError, message: /--service-node-port-range/ });
    t.throws(() => createNodePortController({ concurrency: 0 }), { instanceOf: RangeError, message: /--concurrent-nodeport-syncs/ });
    t.throws(() => createNodePortController({ repairIntervalMs: -1 }), { instanceOf: RangeError, message: /--nodeport-repair-interval/ });
  });
});

test('nodeport controller › a type change that leaves the nodePorts in the request: the API server drops them, the controller releases them', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  create(store, service('a', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }));
  await eventually('ports', () => (read(store, 'a')?.spec?.healthCheckNodePort ?? 0) > 0 && (nodePortsOf(store, 'a')[0] ?? 0) > 0);
  const a = read(store, 'a') as Service;
  store.update(R.services, 'default', 'a', { ...a, spec: { ...a.spec, type: 'ClusterIP' } });
  t.deepEqual(nodePortsOf(store, 'a'), [0], 'dropTypeDependentFields');
  t.falsy(read(store, 'a')?.spec?.healthCheckNodePort);
  await eventually('released', () => portMap(store).allocatedPorts().length === 0);
  await shutdown(store, inst);
});

test('nodeport controller › its own Service writes coming back are not new work; others\' changes are', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  const names = ['a', 'b', 'c'];
  for (const n of names) create(store, service(n, {}));
  await eventually('nodePorts', () => names.every((n) => nodePortsOf(store, n).every((p) => p > 0)));
  await new Promise((r) => setTimeout(r, 20));
  const adds = async (): Promise<number> => (await inst.metrics.registry.getSingleMetric('workqueue_adds_total')!.get()).values.find((v) => v.labels.name === 'nodeport')?.value ?? 0;
  t.is(await adds(), names.length, 'one add per created Service');
  const svc = read(store, 'a') as Service;
  store.update(R.services, 'default', 'a', { ...svc, spec: { ...svc.spec, type: 'ClusterIP', ports: svc.spec?.ports?.map((p) => ({ ...p, nodePort: undefined })) } });
  await eventually('released', () => portMap(store).portsOwnedBy('default/a').length === 0);
  t.is(await adds(), names.length + 1);
  await shutdown(store, inst);
});

test('nodeport controller › its write leaves the Service\'s managedFields as they were (they are not sent back)', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  const created = store.create(R.services, 'default', service('web', {}), { fieldManager: 'kubectl' });
  await eventually('nodePorts', () => nodePortsOf(store, 'web').every((p) => p > 0));
  t.deepEqual(read(store, 'web')?.metadata.managedFields, created.metadata.managedFields);
  t.is(read(store, 'web')?.metadata.managedFields?.[0]?.manager, 'kubectl');
  await shutdown(store, inst);
});

test('nodeport controller › allocating turns true only after the start-up repair pass, and false on stop', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  // Polled from the first moment: whenever it reads true, the first repair pass has finished.
  await eventually('allocating', () => {
    if (inst.controller.allocating && inst.controller.repairPasses < 1) throw new Error('allocating before the start-up repair pass');
    return inst.controller.allocating;
  });
  t.true(inst.controller.repairPasses >= 1);
  await shutdown(store, inst);
  t.false(inst.controller.allocating);
});

test('nodeport controller › a claim waits for workers still writing their Services, so the claims they make next share its port map write', async (t) => {
  const store = newStore();
  // The first Service write is held until released: its worker stays busy writing.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let isHolding = false;
  let isFirst = true;
  const inst = await startInstance(store, { concurrency: 2 }, 1, (c) =>
    delegatingClient(c, (inner, ref) =>
      ref.resource !== 'services' ? {} : {
        update: async (obj, o) => {
          if (isFirst) {
            isFirst = false;
            isHolding = true;
            await held;
          }
          return inner.update(obj, o);
        },
      }));
  create(store, service('a', {}));
  await eventually('a claimed, its Service write held', () => isHolding);
  const pm = inst.controller.portMap;
  // The start-up repair's write of the map, then a's claim.
  const before = pm?.writes ?? 0;
  // Worker 2 takes b and claims; c waits in the queue for a free worker.
  create(store, service('b', {}));
  create(store, service('c', {}));
  await new Promise((r) => setTimeout(r, 50));
  t.is(pm?.writes, before, "b's claim waits for the worker writing a, which comes back for c");
  release();
  await eventually('all served', () => ['a', 'b', 'c'].every((n) => (nodePortsOf(store, n)[0] ?? 0) > 0));
  t.is(pm?.writes, before + 1, 'b and c were claimed in one write');
  await shutdown(store, inst);
});

test('nodeport controller › allocation_errors_total counts a refused Service once, not per re-check; a changed request that fails again counts again', async (t) => {
  const store = newStore();
  const inst = await startInstance(store);
  const errors = async (): Promise<number> => (await inst.metrics.registry.getSingleMetric('svcplane_nodeport_allocator_allocation_errors_total')!.get()).values.find((v) => v.labels.scope === 'static')?.value ?? 0;
  // Keys the nodeport queue has finished (each a full sync of one Service).
  const handled = async (): Promise<number> =>
    (await inst.metrics.registry.getSingleMetric('workqueue_work_duration_seconds')!.get()).values.find((v) => v.labels.name === 'nodeport' && (v as { metricName?: string }).metricName?.endsWith('_count'))?.value ?? 0;
  const waitHandled = async (what: string, before: number): Promise<void> => {
    const deadline = Date.now() + 5000;
    while ((await handled()) <= before) {
      if (Date.now() > deadline) throw new Error(`${what} was not handled`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  create(store, service('a', { ports: [{ port: 80, nodePort: 30080 }] }));
  await eventually('a claimed', () => portMap(store).ownerOf(30080)?.key === 'default/a');
  // Two refused ports in one request: one failed attempt, as kube-apiserver stops at the first.
  create(store, service('b', { ports: [{ port: 80, nodePort: 30080 }, { port: 81, nodePort: 40000 }] }));
  await eventually('b refused', () => eventsFor(store, 'b').length >= 2);
  t.is(await errors(), 1);
  // Re-checks of the same request: unrelated changes to b, and a release elsewhere (which looks
  // at refused Services again).
  for (let i = 0; i < 3; i++) {
    const before = await handled();
    const b = read(store, 'b') as Service;
    store.update(R.services, 'default', 'b', { ...b, metadata: { ...b.metadata, labels: { touched: String(i) } } });
    await waitHandled(`label change ${i}`, before);
  }
  create(store, service('x', {}));
  await eventually('x served', () => (nodePortsOf(store, 'x')[0] ?? 0) > 0);
  let before = await handled();
  store.delete(R.services, 'default', 'x');
  await eventually('x released', () => portMap(store).portsOwnedBy('default/x').length === 0);
  await waitHandled('b looked at again after the release', before + 1);
  t.is(await errors(), 1, 'the same refusal, looked at again, is one failed attempt');
  t.deepEqual(nodePortsOf(store, 'b'), [30080, 40000], 'b is still refused');
  // A changed request that fails again is a new attempt.
  before = await handled();
  const b = read(store, 'b') as Service;
  store.update(R.services, 'default', 'b', { ...b, spec: { ...b.spec, ports: [{ name: 'p0', port: 80, protocol: 'TCP', nodePort: 30080 }] } });
  await waitHandled('changed request', before);
  t.is(await errors(), 2);
  await shutdown(store, inst);
});

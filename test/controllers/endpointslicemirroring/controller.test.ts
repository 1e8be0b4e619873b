import test from 'ava';
import type { EndpointSlice } from '../../../api-types/networking.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { startApiServer } from '../../../apiserver/index.js';
import { EndpointsController } from '../../../controllers/endpoints/index.js';
import { EndpointSliceController } from '../../../controllers/endpointslice/index.js';
import { MirroringController } from '../../../controllers/endpointslicemirroring/controller.js';
import { systemClock } from '../../../controllers/runtime/clock.js';
import { silentLogger } from '../../../controllers/runtime/logger.js';
import { Manager } from '../../../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../../../controllers/runtime/metrics.js';
import type { WatchListener } from '../../../controllers/runtime/kube-client.js';
import { WorkQueueMetricNames } from '../../../controllers/runtime/workqueue-metrics.js';
import { MemoryStore } from '../../../apiserver/store.js';
import { FakeTimers } from '../../apiserver/http/fake-timers.js';
import { delegatingClient } from '../../helpers/delegating-client.js';
import { eventually } from '../../helpers/eventually.js';
import { R, startWorld, type World } from '../../helpers/world.js';

const mirrored = (w: World, name: string) =>
  w.list<EndpointSlice>(R.endpointslices).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name && s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslicemirroring-controller.k8s.io');

test('mirroring controller › a selectorless Service\'s Endpoints are mirrored; skip-mirror and a selector remove the slices', async (t) => {
  const w = await startWorld([new MirroringController()]);
  try {
    w.service('ext', { ports: [{ name: 'http', port: 80 }] });
    w.store.create(R.endpoints, 'default', { metadata: { name: 'ext', labels: { team: 'a' } }, subsets: [{ addresses: [{ ip: '192.168.1.1' }, { ip: '192.168.1.2' }], notReadyAddresses: [{ ip: '192.168.1.3' }], ports: [{ name: 'http', port: 8080 }] }] });
    const [slice] = await eventually('mirrored slice', () => mirrored(w, 'ext').length === 1 && mirrored(w, 'ext'));
    t.is(slice.addressType, 'IPv4');
    t.deepEqual(slice.endpoints?.map((e) => `${e.addresses[0]} ${e.conditions?.ready}`).sort(), ['192.168.1.1 true', '192.168.1.2 true', '192.168.1.3 false']);
    t.is(slice.metadata.labels?.team, 'a');
    t.is(slice.metadata.ownerReferences?.[0].kind, 'Endpoints');
    const ep = w.store.get(R.endpoints, 'default', 'ext');
    w.store.update(R.endpoints, 'default', 'ext', { ...ep, metadata: { ...ep.metadata, labels: { ...ep.metadata.labels, 'endpointslice.kubernetes.io/skip-mirror': 'true' } } });
    await eventually('slices removed by skip-mirror', () => mirrored(w, 'ext').length === 0);
    // A Service with a selector is the EndpointSlice controller's: nothing mirrored.
    w.service('sel', { selector: { app: 'x' }, ports: [{ name: 'http', port: 80 }] });
    w.store.create(R.endpoints, 'default', { metadata: { name: 'sel' }, subsets: [{ addresses: [{ ip: '192.168.2.1' }], ports: [{ name: 'http', port: 8080 }] }] });
    w.service('probe', { ports: [{ name: 'http', port: 80 }] });
    w.store.create(R.endpoints, 'default', { metadata: { name: 'probe' }, subsets: [{ addresses: [{ ip: '192.168.3.1' }], ports: [{ name: 'http', port: 8080 }] }] });
    await eventually('probe mirrored', () => mirrored(w, 'probe').length === 1);
    t.is(mirrored(w, 'sel').length, 0);
  } finally {
    await w.close();
  }
});

test('mirroring controller › the API server\'s kubernetes Endpoints (skip-mirror) is not mirrored; the endpoint controllers leave it and its slice alone', async (t) => {
  const server = await startApiServer({ serviceClusterIPRange: '10.0.0.0/24', advertiseAddress: '192.0.2.10', timers: new FakeTimers() });
  t.teardown(() => server.close());
  const store = server.store;
  const rvOf = (r: typeof R.endpoints, name = 'kubernetes') => store.get(r, 'default', name).metadata.resourceVersion;
  const before = { endpoints: rvOf(R.endpoints), slice: rvOf(R.endpointslices) };
  const manager = new Manager({
    client: new InProcessClient(store), clock: systemClock, random: Math.random, logger: silentLogger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: false,
    // One mirroring worker: the kubernetes key, queued by the first list, is synced before the control's.
    controllers: [new MirroringController({ concurrency: 1 }), new EndpointsController(), new EndpointSliceController()],
  });
  manager.start();
  t.teardown(() => manager.stop());
  await manager.whenRunning();
  // The control: a selectorless Service with hand-written Endpoints is mirrored.
  store.create(R.services, 'default', { metadata: { name: 'ext' }, spec: { ports: [{ name: 'http', port: 80 }] } });
  store.create(R.endpoints, 'default', { metadata: { name: 'ext' }, subsets: [{ addresses: [{ ip: '192.168.1.1' }], ports: [{ name: 'http', port: 8080 }] }] });
  const slicesFor = (name: string) => (store.list(R.endpointslices, { namespace: 'default' }).items as EndpointSlice[]).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name);
  const isMirrored = (s: EndpointSlice) => s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslicemirroring-controller.k8s.io';
  await eventually('control mirrored', () => slicesFor('ext').filter(isMirrored).length === 1);
  t.deepEqual(slicesFor('kubernetes').map((s) => s.metadata.name), ['kubernetes'], 'only the API server\'s own slice');
  t.deepEqual({ endpoints: rvOf(R.endpoints), slice: rvOf(R.endpointslices) }, before, 'neither was written');
  // Without the label, the same Endpoints would be mirrored: the label is what keeps it out.
  const ep = store.get(R.endpoints, 'default', 'kubernetes');
  store.update(R.endpoints, 'default', 'kubernetes', { ...ep, metadata: { ...ep.metadata, labels: {} } });
  await eventually('mirrored once unlabelled', () => slicesFor('kubernetes').some(isMirrored));
});

test('mirroring controller › a slice cache that lags the controller\'s own write fails the sync (retried), and no second slice is created', async (t) => {
  const store = new MemoryStore();
  // EndpointSlice watch events are held while `holding`: the informer cache lags the store.
  let holding = false;
  const held: (() => void)[] = [];
  const client = delegatingClient(new InProcessClient(store), (r, ref) => (ref.resource !== 'endpointslices' ? {} : {
    watch: (o, l) => {
      const gated = {
        event: (ev) => (holding ? held.push(() => l.event(ev)) : l.event(ev)),
        end: (err) => l.end(err),
      } as WatchListener<never>;
      return r.watch(o, gated as never);
    },
  }));
  const metrics = createRuntimeMetrics({ processMetrics: false });
  const manager = new Manager({ client, clock: systemClock, random: Math.random, logger: silentLogger, metrics, leaderElection: false, controllers: [new MirroringController({ concurrency: 1 })] });
  manager.start();
  t.teardown(() => manager.stop());
  await manager.whenRunning();
  const retries = async () => (await metrics.registry.getSingleMetric(WorkQueueMetricNames.retries)!.get()).values.find((v) => v.labels.name === 'endpoint_slice_mirroring')?.value ?? 0;
  const mirroredSlices = () => (store.list(R.endpointslices, { namespace: 'default' }).items as EndpointSlice[]).filter((s) => s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslicemirroring-controller.k8s.io');

  store.create(R.services, 'default', { metadata: { name: 'ext' }, spec: { ports: [{ name: 'http', port: 80 }] } });
  holding = true;
  store.create(R.endpoints, 'default', { metadata: { name: 'ext' }, subsets: [{ addresses: [{ ip: '192.168.1.1' }], ports: [{ name: 'http', port: 8080 }] }] });
  await eventually('the first slice written', () => mirroredSlices().length >= 1);
  // A change while the cache still lacks that slice: without the stale check the sync would plan
  // a create for the same key.
  const ep = store.get(R.endpoints, 'default', 'ext');
  store.update(R.endpoints, 'default', 'ext', { ...ep, subsets: [{ addresses: [{ ip: '192.168.1.1' }, { ip: '192.168.1.2' }], ports: [{ name: 'http', port: 8080 }] }] });
  await eventually('the sync failed and was requeued, or wrote a duplicate', async () => (await retries()) >= 1 || mirroredSlices().length > 1);
  t.is(mirroredSlices().length, 1, 'no second slice');
  t.true((await retries()) >= 1, 'the stale sync was retried with rate limiting');

  holding = false;
  for (const deliver of held.splice(0)) deliver();
  const [slice] = await eventually('the retry updated the one slice', () => {
    const all = mirroredSlices();
    return all.length === 1 && all[0].endpoints?.length === 2 && all;
  });
  t.deepEqual(slice.endpoints?.map((e) => e.addresses[0]).sort(), ['192.168.1.1', '192.168.1.2']);
  t.is(mirroredSlices().length, 1);
});

import test from 'ava';
import type { EndpointSlice } from '../../../api-types/networking.js';
import type { WatchEvent } from '../../../api-types/meta.js';
import { EndpointSliceController, validateEndpointSliceOptions } from '../../../controllers/endpointslice/controller.js';
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

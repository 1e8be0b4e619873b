import test from 'ava';
import type { KubeObject } from '../../api-types/meta.js';
import { ApiError } from '../../apiserver/errors.js';
import { InProcessClient } from '../../apiserver/in-process-client.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { FaultClient } from '../../controllers/runtime/fault-client.js';
import { ClusterReader } from '../../status/gather.js';
import { eventually } from '../helpers/eventually.js';
import { FakeClock } from '../helpers/fake-clock.js';

const R = {
  services: resourceFor('', 'services'),
  endpointslices: resourceFor('discovery.k8s.io', 'endpointslices'),
  coreEvents: resourceFor('', 'events'),
  servicecidrs: resourceFor('networking.k8s.io', 'servicecidrs'),
};

function world() {
  const store = new MemoryStore();
  store.create(resourceFor('', 'namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } } as KubeObject);
  const svc = (ns: string, name: string, ip: string) =>
    store.create(R.services, ns, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { clusterIP: ip, clusterIPs: [ip], ports: [{ port: 80 }] } } as KubeObject);
  return { store, svc, client: new FaultClient(new InProcessClient(store)) };
}

const status404 = () => new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });
const status403 = () => new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 403, reason: 'Forbidden', message: 'services is forbidden: User "x" cannot list resource "services"' });

test('ClusterReader › readOnce lists page by page with progress; Services in every namespace, the rest in the one shown', async (t) => {
  const w = world();
  for (let i = 0; i < 5; i++) w.svc('default', `s${i}`, `10.96.0.${10 + i}`);
  w.svc('other', 'x', '10.96.1.1');
  w.store.create(R.endpointslices, 'other', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'x-1', namespace: 'other', labels: { 'kubernetes.io/service-name': 'x' } }, addressType: 'IPv4', endpoints: [] } as KubeObject);
  const progress: string[] = [];
  const reader = await ClusterReader.open({ client: w.client, server: 'https://k', namespace: 'default', clock: new FakeClock(), random: () => 0.5, pageSize: 2, onProgress: (r, n) => progress.push(`${r} ${n}`) });
  await reader.readOnce();
  const snap = reader.snapshot();
  t.is(snap.services.length, 6);
  t.is(snap.slices.length, 0, 'slices of other namespaces are not read');
  t.deepEqual(snap.serviceCIDRs, []);
  t.deepEqual(progress, ['services 2', 'services 4']);
  t.is(w.client.calls.filter((c) => c === 'list services').length, 3, 'three pages of two');
  t.is(snap.events.from, 'events.k8s.io/v1');
});

test('ClusterReader › falls back to core/v1 events when events.k8s.io is not served; no ServiceCIDRs when forbidden', async (t) => {
  const w = world();
  w.store.create(R.coreEvents, 'default', { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'default' }, involvedObject: { kind: 'Service', name: 's' }, type: 'Warning', reason: 'X', source: { component: 'endpoint-controller' } } as KubeObject);
  w.client.failNext({ verb: 'list', resource: 'events', error: status404 });
  w.client.failNext({ verb: 'list', resource: 'servicecidrs', error: status403 });
  const reader = await ClusterReader.open({ client: w.client, server: 'https://k', namespace: 'default', clock: new FakeClock(), random: () => 0.5 });
  t.is(reader.eventsFrom, 'v1');
  await reader.readOnce();
  const snap = reader.snapshot();
  t.is(snap.events.items.length, 1);
  t.is(snap.serviceCIDRs, undefined);
});

test('ClusterReader › other probe failures are thrown as the API answered them', async (t) => {
  const w = world();
  w.client.failNext({ verb: 'list', resource: 'events', error: status403 });
  const err = await t.throwsAsync(ClusterReader.open({ client: w.client, server: 'https://k', clock: new FakeClock(), random: () => 0.5 }), { instanceOf: ApiError });
  t.is(err?.code, 403);
});

test('ClusterReader › start syncs, then tells of every change; a first-list failure fails start', async (t) => {
  const w = world();
  w.svc('default', 'a', '10.96.0.10');
  const reader = await ClusterReader.open({ client: w.client, server: 'https://k', namespace: 'default', clock: new FakeClock(), random: () => 0.5 });
  let changes = 0;
  reader.onChange(() => changes++);
  await reader.start();
  t.teardown(() => reader.stop());
  t.is(reader.snapshot().services.length, 1);
  t.is(changes, 0, 'the first list is not a change');
  w.svc('default', 'b', '10.96.0.11');
  await eventually('the new Service is seen', () => reader.snapshot().services.length === 2 && changes > 0);

  const failing = world();
  const broken = await ClusterReader.open({ client: failing.client, server: 'https://k', clock: new FakeClock(), random: () => 0.5 });
  failing.client.failNext({ verb: 'list', resource: 'services', error: status403 });
  await t.throwsAsync(broken.start(), { message: /reading services: services is forbidden/ });
});

/** The repair side of the controller, against the in-process API server. */
import test from 'ava';
import type { KubeObject } from '../../../api-types/meta.js';
import { ApiError, internalError } from '../../../apiserver/errors.js';
import { FaultClient } from '../../../controllers/runtime/fault-client.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { MemoryStore } from '../../../apiserver/store.js';
import type { KubeClient } from '../../../controllers/runtime/kube-client.js';
import { eventually } from '../../helpers/eventually.js';
import { claims, createService, eventsFor, getService, ipaddresses, services, startServiceIP } from './harness.js';

const ours = 'serviceip-controller.svcplane.io';

function claimFor(ip: string, name: string, managedBy = ours): KubeObject {
  return { metadata: { name: ip, labels: { 'ipaddress.kubernetes.io/ip-family': 'IPv4', 'ipaddress.kubernetes.io/managed-by': managedBy } }, spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name } } };
}

test('repair › a leaked claim (no Service) is deleted only after the grace period, with an event on the IPAddress', async (t) => {
  const store = new MemoryStore();
  store.create(ipaddresses, undefined, claimFor('10.0.0.77', 'ghost'));
  const started = performance.now();
  const c = await startServiceIP(store, { leakGracePeriodMs: 400 });
  await new Promise((r) => setTimeout(r, 100));
  t.true(claims(store).has('10.0.0.77'), 'kept during the grace period');
  await eventually('leak deleted', () => !claims(store).has('10.0.0.77'));
  t.true(performance.now() - started >= 400, 'not before the grace period');
  const ev = await eventually('leak event', () => eventsFor(store, '10.0.0.77')[0]);
  t.deepEqual(ev, { reason: 'IPAddressNotAllocated', note: 'IPAddress: 10.0.0.77 for Service default/ghost appears to have leaked: cleaning up', controller: 'ipallocator-repair-controller' });
  await c.stop();
});

test('repair › claims of kube-apiserver are respected as taken and never deleted', async (t) => {
  const store = new MemoryStore();
  store.create(ipaddresses, undefined, claimFor('10.0.0.78', 'ghost', 'ipallocator.k8s.io'));
  createService(store, 'a', { clusterIP: '10.0.0.78' });
  const c = await startServiceIP(store, { leakGracePeriodMs: 50 });
  await eventually('conflict reported', () => eventsFor(store, 'a').find((e) => e.reason === 'ClusterIPAlreadyAllocated'));
  await new Promise((r) => setTimeout(r, 150));
  t.true(claims(store).has('10.0.0.78'));
  t.is(c.controller.index.ranges.get('IPv4')?.has('10.0.0.78'), true, 'the bitmap holds it');
  await c.stop();
});

test('repair › an allocated Service whose IPAddress vanished gets it back (ClusterIPNotAllocated)', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store);
  createService(store, 'web');
  const ip = await eventually('allocated', () => getService(store, 'web')?.spec?.clusterIP);
  await eventually('claim seen', () => c.controller.index.get(ip));
  store.delete(ipaddresses, undefined, ip);
  const ev = await eventually('repair event', () => eventsFor(store, 'web').find((e) => e.reason === 'ClusterIPNotAllocated'));
  t.is(ev.note, `Cluster IP [IPv4]: ${ip} is not allocated; repairing`);
  t.is(ev.controller, 'ipallocator-repair-controller');
  await eventually('claim back', () => claims(store).get(ip)?.spec.parentRef.name === 'web');
  t.is(getService(store, 'web')?.spec?.clusterIP, ip, 'the IP does not change');
  await c.stop();
});

test('repair › on start, Services listing unclaimed IPs are claimed before any automatic allocation', async (t) => {
  const store = new MemoryStore();
  // A /29 with 6 usable IPs: five listed by old Services without claims, then new ones arrive.
  for (let i = 1; i <= 5; i++) createService(store, `old${i}`, { clusterIP: `10.0.0.${i}`, ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
  createService(store, 'new1');
  const c = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/29' });
  await eventually('all claimed', () => claims(store).size === 6);
  t.is(getService(store, 'new1')?.spec?.clusterIP, '10.0.0.6');
  for (let i = 1; i <= 5; i++) t.is(claims(store).get(`10.0.0.${i}`)?.spec.parentRef.name, `old${i}`);
  await c.stop();
});

test('serviceip › where IPAddress is not served, it warns and allocates from the bitmap alone', async (t) => {
  const store = new MemoryStore();
  const inner = new InProcessClient(store);
  const notServed: KubeClient = {
    resource(ref) {
      if (ref.resource !== 'ipaddresses') return inner.resource(ref);
      const fail = async (): Promise<never> => {
        throw new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
      };
      return { get: fail, list: fail, watch: fail, create: fail, update: fail, updateStatus: fail, patch: fail, delete: fail };
    },
  };
  createService(store, 'old', { clusterIP: '10.0.0.5', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
  const c = await startServiceIP(store, {}, notServed);
  createService(store, 'a');
  createService(store, 'b', { clusterIP: '10.0.0.5' });
  const ip = await eventually('a allocated', () => getService(store, 'a')?.spec?.clusterIP);
  t.not(ip, '10.0.0.5');
  await eventually('b rejected', () => eventsFor(store, 'b').find((e) => e.reason === 'ClusterIPAlreadyAllocated'));
  t.false(c.controller.durable);
  store.delete(services, 'default', 'old');
  // Released in memory, and handed to b, which was waiting for it.
  await eventually('b served from memory', () => c.controller.index.get('10.0.0.5')?.parent === 'default/b' && getService(store, 'b')?.spec?.ipFamilyPolicy);
  await c.stop();
});

test('serviceip › a failing IPAddress probe at start-up is retried, then allocation starts', async (t) => {
  const store = new MemoryStore();
  const faults = new FaultClient(new InProcessClient(store));
  faults.failNext({ verb: 'list', resource: 'ipaddresses', count: 1, error: () => internalError('etcd is down') });
  createService(store, 'web');
  const c = await startServiceIP(store, {}, faults);
  // The probe is retried after 500 ms: until then the controller is not allocating.
  t.false(c.controller.allocating);
  const ip = await eventually('allocated after the retry', () => getService(store, 'web')?.spec?.clusterIP, { timeoutMs: 5000 });
  t.true(c.controller.allocating);
  t.true(c.controller.durable);
  t.is(claims(store).get(ip)?.spec.parentRef.name, 'web');
  await c.stop();
  t.false(c.controller.allocating, 'not after stop');
});

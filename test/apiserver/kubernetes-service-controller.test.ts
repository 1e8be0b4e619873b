import test, { type ExecutionContext } from 'ava';
import { pino } from 'pino';
import type { Endpoints, Service } from '../../api-types/core.js';
import type { KubeObject } from '../../api-types/meta.js';
import type { EndpointSlice, ServiceCIDR } from '../../api-types/networking.js';
import { startApiServer, type StartApiServerOptions } from '../../apiserver/index.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { defaultPublicIP } from '../../apiserver/kubernetes-service.js';
import { call } from './http/api-client.js';
import { FakeTimers } from './http/fake-timers.js';

const R = {
  services: resourceFor('', 'services'),
  endpoints: resourceFor('', 'endpoints'),
  endpointslices: resourceFor('discovery.k8s.io', 'endpointslices'),
  servicecidrs: resourceFor('networking.k8s.io', 'servicecidrs'),
};

/** The four objects named kubernetes, or undefined where one is missing. */
function read(store: MemoryStore) {
  const get = <T extends KubeObject>(r: (typeof R)[keyof typeof R], ns?: string): T | undefined => {
    try {
      return store.get(r, ns, 'kubernetes') as T;
    } catch {
      return undefined;
    }
  };
  return {
    service: get<Service>(R.services, 'default'),
    endpoints: get<Endpoints>(R.endpoints, 'default'),
    slice: get<EndpointSlice>(R.endpointslices, 'default'),
    cidr: get<ServiceCIDR>(R.servicecidrs),
  };
}

async function start(t: ExecutionContext, opts: StartApiServerOptions) {
  const timers = new FakeTimers();
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  const s = await startApiServer({ timers, logger, ...opts });
  t.teardown(() => s.close());
  return { s, timers, lines };
}

test('startApiServer › with serviceClusterIPRange: the kubernetes Service, ServiceCIDR, Endpoints and EndpointSlice, as kube-apiserver writes them', async (t) => {
  const { s } = await start(t, { serviceClusterIPRange: '10.0.0.0/24', advertiseAddress: '192.0.2.10' });
  const { service, endpoints, slice, cidr } = read(s.store);
  t.deepEqual(service?.spec, {
    type: 'ClusterIP', ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: s.port }], clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'],
    ipFamilyPolicy: 'SingleStack', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster',
  });
  t.deepEqual(service?.metadata.labels, { provider: 'kubernetes', component: 'apiserver' });
  t.deepEqual(cidr?.spec, { cidrs: ['10.0.0.0/24'] });
  t.like(cidr?.status?.conditions?.[0], { type: 'Ready', status: 'True', message: 'Kubernetes default Service CIDR is ready' });
  t.deepEqual(endpoints?.metadata.labels, { 'endpointslice.kubernetes.io/skip-mirror': 'true' });
  t.deepEqual(endpoints?.subsets, [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'https', port: s.port, protocol: 'TCP' }] }]);
  t.deepEqual(slice?.metadata.labels, { 'kubernetes.io/service-name': 'kubernetes' });
  t.is(slice?.addressType, 'IPv4');
  t.deepEqual(slice?.endpoints, [{ addresses: ['192.0.2.10'], conditions: { ready: true } }]);
  t.deepEqual(slice?.ports, [{ name: 'https', port: s.port, protocol: 'TCP' }]);
  for (const o of [service, endpoints, slice, cidr]) {
    t.truthy(o?.metadata.uid);
    t.truthy(o?.metadata.resourceVersion);
    t.is(o?.metadata.managedFields?.[o.kind === 'ServiceCIDR' ? 1 : 0]?.manager, 'kube-apiserver', o?.kind);
  }
  t.is(cidr?.metadata.managedFields?.[0]?.manager, 'kubernetes-service-cidr-controller');
  // Served like any object.
  const got = await call(s, 'GET', '/api/v1/namespaces/default/services/kubernetes');
  t.is(got.status, 200);
  t.is(got.json.spec.clusterIP, '10.0.0.1');
});

test('startApiServer › without serviceClusterIPRange: none of them, and no timer', async (t) => {
  const { s, timers } = await start(t, {});
  t.deepEqual(read(s.store), { service: undefined, endpoints: undefined, slice: undefined, cidr: undefined });
  for (const r of Object.values(R)) t.is(s.store.list(r).items.length, 0, r.resource);
  t.is(timers.size(), 0);
});

test('startApiServer › a loopback advertise address: the Endpoints and EndpointSlice are refused by validation, as by kube-apiserver; noted once', async (t) => {
  const { s, timers, lines } = await start(t, { serviceClusterIPRange: '10.0.0.0/24', advertiseAddress: '127.0.0.1' });
  const { service, endpoints, slice, cidr } = read(s.store);
  t.is(service?.spec?.clusterIP, '10.0.0.1');
  t.truthy(cidr);
  t.is(endpoints, undefined);
  t.is(slice, undefined);
  const notes = () => lines.filter((l) => l.msg.includes('may not be in the loopback range'));
  t.is(notes().length, 1);
  t.is(notes()[0].level, 30, 'info, not a warning: expected on a loopback server');
  t.regex(notes()[0].msg, /^unable to sync kubernetes service: Endpoints "kubernetes" is invalid: subsets\[0\]\.addresses\[0\]\.ip: Invalid value: "127\.0\.0\.1"/);
  timers.advance(10_000);
  t.deepEqual(notes().map((l) => l.level), [30, 20], 'tried again; the repeat at debug');
});

test('startApiServer › on loopback without an advertise address the endpoints publish a host interface address of the range family', async (t) => {
  const { s } = await start(t, { serviceClusterIPRange: '10.0.0.0/24' });
  const want = defaultPublicIP('127.0.0.1');
  const { endpoints, slice } = read(s.store);
  if (want === '127.0.0.1') {
    // This host has no such interface: loopback, refused as above.
    t.is(endpoints, undefined);
    return;
  }
  t.deepEqual(endpoints?.subsets?.[0].addresses, [{ ip: want }]);
  t.deepEqual(slice?.endpoints?.[0].addresses, [want]);
});

test('startApiServer › an IPv6 first range: still listens on 127.0.0.1, the Service takes its first IP; dual-stack ServiceCIDR', async (t) => {
  const { s } = await start(t, { serviceClusterIPRange: 'fd00:10:96::/108,10.96.0.0/16', advertiseAddress: 'fd00::10' });
  t.regex(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const { service, slice, cidr } = read(s.store);
  t.is(service?.spec?.clusterIP, 'fd00:10:96::1');
  t.is(service?.spec?.ipFamilyPolicy, 'SingleStack');
  t.deepEqual(cidr?.spec?.cidrs, ['fd00:10:96::/108', '10.96.0.0/16']);
  t.is(slice?.addressType, 'IPv6');
  t.deepEqual(slice?.endpoints?.[0].addresses, ['fd00::10']);
});

test('startApiServer › a bad range or an address of the other family throws before listening', async (t) => {
  await t.throwsAsync(startApiServer({ serviceClusterIPRange: '10.0.0.0/30' }), { instanceOf: RangeError, message: /--service-cluster-ip-range\[0\].*at least 8 IP addresses/ });
  await t.throwsAsync(startApiServer({ serviceClusterIPRange: '10.0.0.1/24' }), { instanceOf: TypeError, message: /--service-cluster-ip-range/ });
  await t.throwsAsync(startApiServer({ serviceClusterIPRange: '10.0.0.0/24', advertiseAddress: 'fd00::1' }), { instanceOf: RangeError, message: 'service IP family "10.0.0.0/24" must match public address family "fd00::1"' });
  // Bound to IPv4 loopback it publishes an IPv4 host address (or, on a bare host, loopback), as kube-apiserver picks it.
  await t.throwsAsync(startApiServer({ serviceClusterIPRange: 'fd00::/108', host: '127.0.0.1' }), { instanceOf: RangeError, message: /must match public address family "\d+\.\d+\.\d+\.\d+"/ });
});

test('startApiServer › every 10 s: what is missing is recreated and the endpoints reset; the Service is never updated; a no-op sync writes nothing', async (t) => {
  const { s, timers } = await start(t, { serviceClusterIPRange: '10.0.0.0/24', advertiseAddress: '192.0.2.10' });
  const writes: string[] = [];
  s.store.onWrite = (w) => void writes.push(`${w.type} ${w.resource.resource}`);
  timers.advance(10_000);
  t.deepEqual(writes, [], 'nothing to do');
  const before = read(s.store);
  s.store.update(R.services, 'default', 'kubernetes', { ...before.service!, spec: { ...before.service!.spec, sessionAffinity: 'ClientIP' } });
  s.store.update(R.endpoints, 'default', 'kubernetes', { ...before.endpoints!, metadata: { ...before.endpoints!.metadata, labels: { team: 'x' } }, subsets: [{ addresses: [{ ip: '192.0.2.99' }], ports: [{ name: 'https', port: 1, protocol: 'TCP' }] }] });
  s.store.delete(R.endpointslices, 'default', 'kubernetes');
  s.store.delete(R.servicecidrs, undefined, 'kubernetes');
  timers.advance(9_999);
  t.is(read(s.store).slice, undefined, 'not before the interval');
  s.store.delete(R.services, 'default', 'kubernetes');
  writes.length = 0;
  timers.advance(1);
  t.deepEqual(writes, ['ADDED servicecidrs', 'MODIFIED servicecidrs', 'ADDED services', 'MODIFIED endpoints', 'ADDED endpointslices']);
  const after = read(s.store);
  t.like(after.cidr?.status?.conditions?.[0], { type: 'Ready', status: 'True' });
  t.is(after.service?.spec?.sessionAffinity, 'None');
  t.deepEqual(after.endpoints?.metadata.labels, { team: 'x', 'endpointslice.kubernetes.io/skip-mirror': 'true' });
  t.deepEqual(after.endpoints?.subsets, before.endpoints?.subsets);
  t.deepEqual(after.slice?.endpoints, before.slice?.endpoints);
  // An edited Service stays as edited: kube-apiserver only creates it.
  s.store.update(R.services, 'default', 'kubernetes', { ...after.service!, spec: { ...after.service!.spec, sessionAffinity: 'ClientIP' } });
  timers.advance(10_000);
  t.is(read(s.store).service?.spec?.sessionAffinity, 'ClientIP');
});

test('startApiServer › close stops the sync; a server on the same store publishes its own port and leaves the Service as it was', async (t) => {
  const store = new MemoryStore();
  const timers = new FakeTimers();
  const first = await startApiServer({ store, timers, serviceClusterIPRange: '10.0.0.0/24', advertiseAddress: '192.0.2.10' });
  const firstPort = first.port;
  await first.close();
  t.is(timers.size(), 0);
  store.delete(R.endpointslices, 'default', 'kubernetes');
  timers.advance(10_000);
  t.is(read(store).slice, undefined, 'no sync after close');
  const second = await startApiServer({ store, timers, serviceClusterIPRange: '10.0.0.0/24', advertiseAddress: '192.0.2.10' });
  t.teardown(() => second.close());
  t.not(second.port, firstPort);
  const { service, endpoints, slice } = read(store);
  t.is(endpoints?.subsets?.[0].ports?.[0].port, second.port);
  t.is(slice?.ports?.[0].port, second.port);
  t.is(service?.spec?.ports?.[0].targetPort, firstPort);
});

test('startApiServer › a server restarted dual-stack on the same store upgrades the single-stack default ServiceCIDR; one with another primary leaves it', async (t) => {
  const store = new MemoryStore();
  const timers = new FakeTimers();
  const single = await startApiServer({ store, timers, serviceClusterIPRange: '10.0.0.0/24', advertiseAddress: '192.0.2.10' });
  await single.close();
  t.deepEqual(read(store).cidr?.spec?.cidrs, ['10.0.0.0/24']);
  const dual = await startApiServer({ store, timers, serviceClusterIPRange: '10.0.0.0/24,fd00::/108', advertiseAddress: '192.0.2.10' });
  t.deepEqual(read(store).cidr?.spec?.cidrs, ['10.0.0.0/24', 'fd00::/108']);
  await dual.close();
  // Another primary is a mismatch: reported, not changed.
  const other = await startApiServer({ store, timers, serviceClusterIPRange: '10.1.0.0/24,fd00::/108', advertiseAddress: '192.0.2.10' });
  t.teardown(() => other.close());
  t.deepEqual(read(store).cidr?.spec?.cidrs, ['10.0.0.0/24', 'fd00::/108']);
});

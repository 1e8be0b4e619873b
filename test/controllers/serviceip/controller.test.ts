import test from 'ava';
import { MemoryStore } from '../../../apiserver/store.js';
import { eventually } from '../../helpers/eventually.js';
import { claims, createService, editService, eventsFor, getService, startServiceIP } from './harness.js';

test('serviceip › single stack: a ClusterIP Service gets an IP from the upper band, claimed by an IPAddress', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store);
  createService(store, 'web');
  const svc = await eventually('web allocated', () => getService(store, 'web')?.spec?.clusterIP && getService(store, 'web'));
  const ip = svc.spec?.clusterIP as string;
  t.deepEqual(svc.spec?.clusterIPs, [ip]);
  t.deepEqual(svc.spec?.ipFamilies, ['IPv4']);
  t.is(svc.spec?.ipFamilyPolicy, 'SingleStack');
  t.true(Number(ip.split('.')[3]) > 16, 'automatic IPs come from above the static band');
  const claim = claims(store).get(ip);
  t.deepEqual(claim?.spec.parentRef, { group: '', resource: 'services', namespace: 'default', name: 'web' });
  t.is(claim?.metadata.labels?.['ipaddress.kubernetes.io/ip-family'], 'IPv4');
  t.is(claim?.metadata.labels?.['ipaddress.kubernetes.io/managed-by'], 'serviceip-controller.svcplane.io');
  await c.stop();
});

test('serviceip › a requested IP in range and free is honoured; a taken one is reported and left alone', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store);
  createService(store, 'a', { clusterIP: '10.0.0.5' });
  await eventually('a allocated', () => getService(store, 'a')?.spec?.ipFamilyPolicy);
  t.deepEqual(getService(store, 'a')?.spec?.clusterIPs, ['10.0.0.5']);
  t.is(claims(store).get('10.0.0.5')?.spec.parentRef.name, 'a');
  createService(store, 'b', { clusterIP: '10.0.0.5' });
  const ev = await eventually('conflict event', () => eventsFor(store, 'b').find((e) => e.reason === 'ClusterIPAlreadyAllocated'));
  t.is(ev.note, 'failed to allocate IP 10.0.0.5: provided IP is already allocated');
  t.is(getService(store, 'b')?.spec?.ipFamilyPolicy, undefined, 'the Service is left as it is');
  t.is(claims(store).get('10.0.0.5')?.spec.parentRef.name, 'a');
  createService(store, 'c', { clusterIP: '10.0.1.5' });
  const out = await eventually('out of range event', () => eventsFor(store, 'c').find((e) => e.reason === 'ClusterIPOutOfRange'));
  t.is(out.note, 'failed to allocate IP 10.0.1.5: the provided IP (10.0.1.5) is not in the valid range. The range of valid IPs is 10.0.0.0/24');
  const metrics = await c.metrics.registry.getSingleMetricAsString('svcplane_clusterip_allocator_allocation_errors_total');
  t.regex(metrics, /allocation_errors_total\{cidr="10.0.0.0\/24",scope="static"\} 2/);
  await c.stop();
});

test('serviceip › dual stack: PreferDualStack and RequireDualStack get two IPs; SingleStack one; IPv6 first when asked', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/24,fd00::/112' });
  createService(store, 'prefer', { ipFamilyPolicy: 'PreferDualStack' });
  createService(store, 'require6', { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6'] });
  createService(store, 'single', {});
  const prefer = await eventually('prefer', () => getService(store, 'prefer')?.spec?.clusterIPs?.length === 2 && getService(store, 'prefer'));
  t.deepEqual(prefer.spec?.ipFamilies, ['IPv4', 'IPv6']);
  t.true(prefer.spec?.clusterIPs?.[1].startsWith('fd00::'));
  const req = await eventually('require6', () => getService(store, 'require6')?.spec?.clusterIPs?.length === 2 && getService(store, 'require6'));
  t.deepEqual(req.spec?.ipFamilies, ['IPv6', 'IPv4']);
  t.is(req.spec?.clusterIP, req.spec?.clusterIPs?.[0]);
  const single = await eventually('single', () => getService(store, 'single')?.spec?.clusterIP && getService(store, 'single'));
  t.deepEqual(single.spec?.ipFamilies, ['IPv4']);
  t.is(claims(store).size, 5);
  await c.stop();
});

test('serviceip › RequireDualStack or an unconfigured family on a single-stack cluster is reported, not written', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store);
  createService(store, 'dual', { ipFamilyPolicy: 'RequireDualStack' });
  createService(store, 'six', { ipFamilies: ['IPv6'] });
  const ev = await eventually('dual event', () => eventsFor(store, 'dual')[0]);
  t.is(ev.note, 'Service "dual" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services');
  t.is(ev.controller, 'serviceip-controller');
  const six = await eventually('six event', () => eventsFor(store, 'six')[0]);
  t.is(six.note, 'Service "six" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster');
  t.is(getService(store, 'dual')?.spec?.clusterIP, undefined);
  t.is(claims(store).size, 0);
  await c.stop();
});

test('serviceip › headless: clusterIPs [None] with families and policy, no IP; selectorless defaults to RequireDualStack', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store);
  createService(store, 'hl', { clusterIP: 'None' });
  store.create((await import('./harness.js')).services, 'default', { metadata: { name: 'bare' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
  const hl = await eventually('hl', () => getService(store, 'hl')?.spec?.ipFamilyPolicy && getService(store, 'hl'));
  t.deepEqual(hl.spec?.clusterIPs, ['None']);
  t.deepEqual(hl.spec?.ipFamilies, ['IPv4']);
  t.is(hl.spec?.ipFamilyPolicy, 'SingleStack');
  const bare = await eventually('bare', () => getService(store, 'bare')?.spec?.ipFamilyPolicy && getService(store, 'bare'));
  t.is(bare.spec?.ipFamilyPolicy, 'RequireDualStack');
  t.deepEqual(bare.spec?.ipFamilies, ['IPv4', 'IPv6'], 'the other family is appended even on a single-stack cluster');
  t.is(claims(store).size, 0);
  await c.stop();
});

test('serviceip › ExternalName gets nothing; to ExternalName releases; back to ClusterIP allocates again', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store);
  createService(store, 'ext', { type: 'ExternalName', externalName: 'example.com', selector: undefined });
  createService(store, 'web');
  const ip = await eventually('web', () => getService(store, 'web')?.spec?.clusterIP);
  t.is(getService(store, 'ext')?.spec?.clusterIP, undefined);
  editService(store, 'web', (s) => {
    s.spec = { ...s.spec, type: 'ExternalName', externalName: 'example.com', clusterIP: undefined, clusterIPs: undefined, ipFamilies: undefined, ipFamilyPolicy: undefined };
  });
  await eventually('released', () => !claims(store).has(ip));
  editService(store, 'web', (s) => {
    s.spec = { ...s.spec, type: 'ClusterIP', externalName: undefined };
  });
  const again = await eventually('reallocated', () => getService(store, 'web')?.spec?.clusterIP);
  t.truthy(claims(store).get(again));
  t.is(claims(store).size, 1);
  await c.stop();
});

test('serviceip › upgrade to dual stack allocates the secondary; downgrade releases it; clusterIPs[0] never changes', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/24,fd00::/112' });
  createService(store, 'web');
  const primary = await eventually('single', () => getService(store, 'web')?.spec?.clusterIP);
  editService(store, 'web', (s) => {
    s.spec = { ...s.spec, ipFamilyPolicy: 'RequireDualStack' };
  });
  const up = await eventually('upgraded', () => getService(store, 'web')?.spec?.clusterIPs?.length === 2 && getService(store, 'web'));
  t.is(up.spec?.clusterIPs?.[0], primary);
  const secondary = up.spec?.clusterIPs?.[1] as string;
  t.truthy(claims(store).get(secondary));
  editService(store, 'web', (s) => {
    s.spec = { ...s.spec, ipFamilyPolicy: 'SingleStack', clusterIPs: [primary], ipFamilies: ['IPv4'] };
  });
  await eventually('secondary released', () => !claims(store).has(secondary));
  t.deepEqual(getService(store, 'web')?.spec?.clusterIPs, [primary]);
  t.truthy(claims(store).get(primary));
  await c.stop();
});

test('serviceip › delete releases; a released IP is reused once its IPAddress is gone', async (t) => {
  const store = new MemoryStore();
  // A /29 has 6 usable addresses and no static band.
  const c = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/29' });
  for (let i = 0; i < 6; i++) createService(store, `s${i}`);
  await eventually('all allocated', () => claims(store).size === 6);
  createService(store, 'late');
  const full = await eventually('full event', () => eventsFor(store, 'late').find((e) => e.reason === 'ServiceCIDRFull'));
  t.is(full.note, 'failed to allocate a serviceIP: range is full');
  const freed = getService(store, 's3')?.spec?.clusterIP as string;
  store.delete((await import('./harness.js')).services, 'default', 's3');
  const got = await eventually('late gets the freed IP', () => getService(store, 'late')?.spec?.clusterIP);
  t.is(got, freed);
  t.is(claims(store).get(freed)?.spec.parentRef.name, 'late');
  await c.stop();
});

test('serviceip › its write leaves the Service\'s managedFields as they were (they are not sent back)', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store);
  const { services } = await import('./harness.js');
  const created = store.create(services, 'default', { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }, { fieldManager: 'kubectl' });
  await eventually('allocated', () => getService(store, 'web')?.spec?.clusterIP);
  t.deepEqual(getService(store, 'web')?.metadata.managedFields, created.metadata.managedFields);
  t.is(getService(store, 'web')?.metadata.managedFields?.[0]?.manager, 'kubectl');
  await c.stop();
});

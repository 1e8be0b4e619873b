import test, { type ExecutionContext } from 'ava';
import type { Service } from '../../../api-types/core.js';
import { MemoryStore } from '../../../apiserver/store.js';
import { eventually } from '../../helpers/eventually.js';
import { claims, createService, editService, eventsFor, getService, ipaddresses, services, startServiceIP } from './harness.js';

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
  t.is(ev.note, 'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: provided IP is already allocated');
  t.is(getService(store, 'b')?.spec?.ipFamilyPolicy, undefined, 'the Service is left as it is');
  t.is(claims(store).get('10.0.0.5')?.spec.parentRef.name, 'a');
  createService(store, 'c', { clusterIP: '10.0.1.5' });
  const out = await eventually('out of range event', () => eventsFor(store, 'c').find((e) => e.reason === 'ClusterIPOutOfRange'));
  t.is(out.note, 'Service "c" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.1.5"}: failed to allocate IP 10.0.1.5: the provided network does not match the current range');
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

test('serviceip › a Service refused for a requested IP another holds gets it once the holder is deleted, without waiting for a repair pass', async (t) => {
  const store = new MemoryStore();
  // A repair pass an hour away: only the release itself can bring the refused Service its IP.
  const c = await startServiceIP(store, { repairIntervalMs: 3_600_000 });
  createService(store, 'holder', { clusterIP: '10.0.0.5' });
  await eventually('holder allocated', () => claims(store).get('10.0.0.5')?.spec.parentRef.name === 'holder');
  createService(store, 'wanting', { clusterIP: '10.0.0.5' });
  await eventually('conflict event', () => eventsFor(store, 'wanting').find((e) => e.reason === 'ClusterIPAlreadyAllocated'));
  store.delete(services, 'default', 'holder');
  const got = await eventually('wanting gets 10.0.0.5', () => getService(store, 'wanting')?.spec?.ipFamilyPolicy && getService(store, 'wanting'));
  t.deepEqual(got.spec?.clusterIPs, ['10.0.0.5']);
  t.is(claims(store).get('10.0.0.5')?.spec.parentRef.name, 'wanting');
  await c.stop();
});

test('serviceip › a waiting Service is woken when another deletes the IPAddress it wants, and stops waiting once served or gone', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store, { repairIntervalMs: 3_600_000 });
  // An IPAddress no Service of ours holds, as another allocator would leave it.
  store.create(ipaddresses, undefined, { metadata: { name: '10.0.0.9', labels: { 'ipaddress.kubernetes.io/managed-by': 'someone.example.com' } }, spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'elsewhere' } } });
  await eventually('indexed', () => c.controller.index.get('10.0.0.9'));
  createService(store, 'wanting', { clusterIP: '10.0.0.9' });
  await eventually('refused', () => eventsFor(store, 'wanting').find((e) => e.reason === 'ClusterIPAlreadyAllocated'));
  t.is(c.controller.waiters.size, 1);
  store.delete(ipaddresses, undefined, '10.0.0.9');
  await eventually('wanting gets 10.0.0.9', () => getService(store, 'wanting')?.spec?.ipFamilyPolicy);
  t.deepEqual(getService(store, 'wanting')?.spec?.clusterIPs, ['10.0.0.9']);
  t.is(c.controller.waiters.size, 0, 'served: it waits no more');
  // A refused Service that is deleted stops waiting too.
  createService(store, 'gone', { clusterIP: '10.0.0.9' });
  await eventually('gone refused', () => eventsFor(store, 'gone').find((e) => e.reason === 'ClusterIPAlreadyAllocated'));
  t.is(c.controller.waiters.size, 1);
  store.delete(services, 'default', 'gone');
  await eventually('forgotten', () => c.controller.waiters.size === 0);
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
  t.is(full.note, 'Internal error occurred: failed to allocate a serviceIP: range is full');
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

const mergePatch = (store: MemoryStore, name: string, body: unknown): Service =>
  store.patch(services, 'default', name, 'application/merge-patch+json', JSON.stringify(body)).object as Service;

test('serviceip › PreferDualStack set on a single-stack Service of a dual-stack cluster upgrades it: secondary IP and claim', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/24,fd00::/120' });
  createService(store, 'single');
  const primary = await eventually('single-stack', () => getService(store, 'single')?.spec?.clusterIP);
  mergePatch(store, 'single', { spec: { ipFamilyPolicy: 'PreferDualStack' } });
  const up = await eventually('upgraded', () => getService(store, 'single')?.spec?.clusterIPs?.length === 2 && getService(store, 'single'));
  t.deepEqual(up.spec?.ipFamilies, ['IPv4', 'IPv6']);
  t.is(up.spec?.clusterIPs?.[0], primary);
  const secondary = up.spec?.clusterIPs?.[1] as string;
  t.true(secondary.startsWith('fd00::'));
  t.is(claims(store).get(secondary)?.spec.parentRef.name, 'single');
  t.deepEqual(eventsFor(store, 'single'), [], 'an upgrade, not a failure or a repair');
  await c.stop();
});

test('serviceip › a PreferDualStack Service created with one family and IP gets the other family on a dual-stack cluster', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/24,fd00::/120' });
  createService(store, 'pref', { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'], clusterIP: '10.0.0.7', clusterIPs: ['10.0.0.7'] });
  const up = await eventually('upgraded', () => getService(store, 'pref')?.spec?.clusterIPs?.length === 2 && getService(store, 'pref'));
  t.deepEqual(up.spec?.ipFamilies, ['IPv4', 'IPv6']);
  t.is(up.spec?.clusterIPs?.[0], '10.0.0.7');
  t.is(claims(store).get('10.0.0.7')?.spec.parentRef.name, 'pref');
  t.is(claims(store).get(up.spec?.clusterIPs?.[1] as string)?.spec.parentRef.name, 'pref');
  await c.stop();
});

// A PreferDualStack Service allocated while the cluster was single-stack; returns its IP.
async function preferOnSingleStackCluster(t: ExecutionContext, store: MemoryStore): Promise<string> {
  const v4 = await startServiceIP(store);
  createService(store, 'pref', { ipFamilyPolicy: 'PreferDualStack' });
  const ip = await eventually('single-stack', () => getService(store, 'pref')?.spec?.clusterIP);
  t.deepEqual(getService(store, 'pref')?.spec?.ipFamilies, ['IPv4']);
  await v4.stop();
  return ip;
}

// Creates a PreferDualStack Service and waits for its two IPs: keys queued before it have been
// handled by then (they make no writes, it makes three).
async function probe(store: MemoryStore, name: string): Promise<void> {
  createService(store, name, { ipFamilyPolicy: 'PreferDualStack' });
  await eventually(`${name} dual-stack`, () => getService(store, name)?.spec?.clusterIPs?.length === 2);
}

test('serviceip › a settled PreferDualStack Service stays single-stack when the cluster becomes dual-stack (restart with two ranges)', async (t) => {
  const store = new MemoryStore();
  const ip = await preferOnSingleStackCluster(t, store);
  const dual = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/24,fd00::/120' });
  mergePatch(store, 'pref', { metadata: { labels: { touched: 'yes' } } });
  await probe(store, 'probe');
  await dual.stop(); // drains the queue
  const pref = getService(store, 'pref');
  t.deepEqual(pref?.spec?.clusterIPs, [ip]);
  t.deepEqual(pref?.spec?.ipFamilies, ['IPv4']);
  t.deepEqual([...claims(store).values()].filter((o) => o.spec.parentRef.name === 'pref').map((o) => o.metadata.name), [ip]);
});

test('serviceip › such a Service set to SingleStack and back to PreferDualStack is upgraded (the old policy is SingleStack)', async (t) => {
  const store = new MemoryStore();
  const ip = await preferOnSingleStackCluster(t, store);
  const c = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/24,fd00::/120' });
  mergePatch(store, 'pref', { spec: { ipFamilyPolicy: 'SingleStack' } });
  await probe(store, 'probe');
  mergePatch(store, 'pref', { spec: { ipFamilyPolicy: 'PreferDualStack' } });
  const up = await eventually('upgraded', () => getService(store, 'pref')?.spec?.clusterIPs?.length === 2 && getService(store, 'pref'));
  t.is(up.spec?.clusterIPs?.[0], ip);
  t.deepEqual(up.spec?.ipFamilies, ['IPv4', 'IPv6']);
  await c.stop();
});

test('serviceip › SingleStack set on a dual-stack Service is accepted, trims it to the primary, and releases the secondary claim', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/24,fd00::/120' });
  createService(store, 'pref', { ipFamilyPolicy: 'PreferDualStack' });
  const dual = await eventually('dual-stack', () => getService(store, 'pref')?.spec?.clusterIPs?.length === 2 && getService(store, 'pref'));
  const [primary, secondary] = dual.spec?.clusterIPs as string[];
  await eventually('secondary claimed', () => claims(store).has(secondary));
  const stored = mergePatch(store, 'pref', { spec: { ipFamilyPolicy: 'SingleStack' } });
  t.deepEqual(stored.spec?.clusterIPs, [primary]);
  t.is(stored.spec?.clusterIP, primary);
  t.deepEqual(stored.spec?.ipFamilies, ['IPv4']);
  await eventually('secondary released', () => !claims(store).has(secondary));
  t.is(claims(store).get(primary)?.spec.parentRef.name, 'pref');
  t.deepEqual(getService(store, 'pref')?.spec?.clusterIPs, [primary]);
  await c.stop();
});

test('serviceip › a requested IPv6 in a non-canonical form is claimed by its canonical name and kept as written; another spelling of it is taken', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store, { serviceClusterIPRange: 'fd00::/112' });
  createService(store, 'upper', { clusterIP: 'FD00::7' });
  await eventually('upper allocated', () => getService(store, 'upper')?.spec?.ipFamilyPolicy);
  t.deepEqual(getService(store, 'upper')?.spec?.clusterIPs, ['FD00::7']);
  t.is(claims(store).get('fd00::7')?.spec.parentRef.name, 'upper');
  createService(store, 'padded', { clusterIP: 'fd00::0:7' });
  const ev = await eventually('conflict event', () => eventsFor(store, 'padded').find((e) => e.reason === 'ClusterIPAlreadyAllocated'));
  t.is(ev.note, 'Service "padded" is invalid: spec.clusterIPs: Invalid value: []string{"fd00::0:7"}: failed to allocate IP fd00::0:7: provided IP is already allocated');
  await c.stop();
});

test('serviceip › allocation_errors_total counts a failing Service once, not per re-check; a changed request that fails again counts again', async (t) => {
  const store = new MemoryStore();
  const c = await startServiceIP(store);
  const errors = async (): Promise<number> => (await c.metrics.registry.getSingleMetric('svcplane_clusterip_allocator_allocation_errors_total')!.get()).values.find((v) => v.labels.scope === 'static')?.value ?? 0;
  // Keys the serviceip queue has finished (each a full reconcile of one Service).
  const handled = async (): Promise<number> =>
    (await c.metrics.registry.getSingleMetric('workqueue_work_duration_seconds')!.get()).values.find((v) => v.labels.name === 'serviceip' && (v as { metricName?: string }).metricName?.endsWith('_count'))?.value ?? 0;
  createService(store, 'a', { clusterIP: '10.0.0.5' });
  await eventually('a allocated', () => getService(store, 'a')?.spec?.ipFamilyPolicy);
  createService(store, 'b', { clusterIP: '10.0.0.5' });
  await eventually('b refused', () => eventsFor(store, 'b').length > 0);
  t.is(await errors(), 1);
  // Re-checks of the same request: three repair passes (they enqueue a and b) and an unrelated
  // change to b (a label). Each is waited for until the queue has handled it.
  for (let i = 0; i < 3; i++) {
    const before = await handled();
    c.controller.fullPass();
    await eventually(`pass ${i} handled`, async () => (await handled()) >= before + 2);
  }
  let before = await handled();
  editService(store, 'b', (s) => {
    s.metadata.labels = { touched: 'yes' };
  });
  await eventually('label change handled', async () => (await handled()) > before);
  t.is(await errors(), 1, 'the same failure, looked at four more times, is one failed attempt');
  t.is(getService(store, 'b')?.spec?.ipFamilyPolicy, undefined, 'b is still refused');
  // A changed request (the policy now explicit) that fails again is a new attempt.
  before = await handled();
  editService(store, 'b', (s) => {
    s.spec = { ...s.spec, ipFamilyPolicy: 'SingleStack' };
  });
  await eventually('changed request handled', async () => (await handled()) > before);
  t.is(await errors(), 2);
  // Once a's IP is freed, b is tried again and served.
  store.delete(services, 'default', 'a');
  await eventually('b served', () => claims(store).get('10.0.0.5')?.spec.parentRef.name === 'b' && getService(store, 'b')?.spec?.ipFamilies?.length === 1);
  t.is(await errors(), 2);
  await c.stop();
});

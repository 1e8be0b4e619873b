/** The serviceip controller's ranges from ServiceCIDR objects, against the in-process API server. */
import test from 'ava';
import { ApiError } from '../../../apiserver/errors.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { MemoryStore } from '../../../apiserver/store.js';
import type { KubeClient } from '../../../controllers/runtime/kube-client.js';
import { eventually } from '../../helpers/eventually.js';
import {
  claims, createService, createServiceCIDR, eventsFor, getService, recordingLogger, servicecidrs, services, setServiceCIDRReady, startServiceIP,
} from './harness.js';

const outOfRange = (name: string, ip: string): string =>
  `Service "${name}" is invalid: spec.clusterIPs: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: the provided network does not match the current range`;

/** The CIDRs of the controller's ranges, the flag's first. */
const rangesOf = (c: Awaited<ReturnType<typeof startServiceIP>>): string[] => c.controller.index.ranges.ranges.map((r) => r.cidr);

test('serviceip › a requested IP inside an added ServiceCIDR is claimed, with no Warning; its CIDR gets metrics', async (t) => {
  const store = new MemoryStore();
  createServiceCIDR(store, 'extra', ['10.200.0.0/24']);
  const c = await startServiceIP(store);
  t.teardown(() => c.stop());
  createService(store, 'web', { clusterIP: '10.200.0.5' });
  const svc = await eventually('web allocated', () => getService(store, 'web')?.spec?.ipFamilyPolicy && getService(store, 'web'));
  t.deepEqual(svc.spec?.clusterIPs, ['10.200.0.5']);
  t.deepEqual(claims(store).get('10.200.0.5')?.spec.parentRef, { group: '', resource: 'services', namespace: 'default', name: 'web' });
  t.deepEqual(eventsFor(store, 'web'), []);
  t.true(c.controller.readsServiceCIDRs);
  const metrics = await c.metrics.registry.metrics();
  t.regex(metrics, /allocated_ips\{cidr="10.200.0.0\/24"\} 1/);
  t.regex(metrics, /available_ips\{cidr="10.200.0.0\/24"\} 253/);
  t.regex(metrics, /allocation_total\{cidr="10.200.0.0\/24",scope="static"\} 1/);
  // The ServiceCIDR goes: so do its gauges, and the repair reports the IP.
  store.delete(servicecidrs, undefined, 'extra');
  await eventually('range dropped', () => !rangesOf(c).includes('10.200.0.0/24'));
  const after = await c.metrics.registry.metrics();
  t.notRegex(after, /allocated_ips\{cidr="10.200.0.0\/24"\}/);
  t.regex(after, /allocated_ips\{cidr="10.0.0.0\/24"\} 0/);
  const ev = await eventually('out of range reported', () => eventsFor(store, 'web').find((e) => e.reason === 'ClusterIPOutOfRange'));
  t.deepEqual(ev, { reason: 'ClusterIPOutOfRange', note: 'Cluster IP [IPv4]: 10.200.0.5 is not within any configured Service CIDR; please recreate service', controller: 'ipallocator-repair-controller' });
});

test('serviceip › once the flag\'s range is full, automatic allocation goes on in an added ServiceCIDR; a Service waiting for a free IP gets one when it is added', async (t) => {
  const store = new MemoryStore();
  // A /29: 6 usable addresses, 10.0.0.1-6.
  const c = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/29' });
  t.teardown(() => c.stop());
  for (let i = 0; i < 6; i++) createService(store, `s${i}`);
  await eventually('the /29 filled', () => claims(store).size === 6);
  createService(store, 'waiting');
  await eventually('waiting reported full', () => eventsFor(store, 'waiting').find((e) => e.reason === 'ServiceCIDRFull'));
  t.is(c.controller.waiters.size, 1);
  createServiceCIDR(store, 'extra', ['10.200.0.0/24']);
  const ip = await eventually('waiting allocated from extra', () => getService(store, 'waiting')?.spec?.clusterIP);
  t.true(ip.startsWith('10.200.0.'), ip);
  createService(store, 'next');
  const next = await eventually('next allocated', () => getService(store, 'next')?.spec?.clusterIP);
  t.true(next.startsWith('10.200.0.'), next);
  t.is(claims(store).get(next)?.spec.parentRef.name, 'next');
});

test('serviceip › a ServiceCIDR that is not Ready, or being deleted, takes no new IPs; once Ready it does', async (t) => {
  const store = new MemoryStore();
  createServiceCIDR(store, 'pending', ['10.201.0.0/24'], { ready: false });
  createServiceCIDR(store, 'leaving', ['10.202.0.0/24'], { finalizers: ['networking.k8s.io/service-cidr-finalizer'] });
  store.delete(servicecidrs, undefined, 'leaving');
  const c = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/30' });
  t.teardown(() => c.stop());
  await eventually('allocating', () => c.controller.allocating);
  t.deepEqual(rangesOf(c), ['10.0.0.0/30', '10.202.0.0/24', '10.201.0.0/24'], 'known, but not ready (same second: by name)');
  t.deepEqual(c.controller.index.ranges.ranges.map((r) => c.controller.index.ranges.isReady(r)), [true, false, false]);
  for (const name of ['s0', 's1']) createService(store, name);
  await eventually('the /30 filled', () => claims(store).size === 2);
  createService(store, 'auto');
  createService(store, 'in-pending', { clusterIP: '10.201.0.5' });
  createService(store, 'in-leaving', { clusterIP: '10.202.0.5' });
  await eventually('auto reported full', () => eventsFor(store, 'auto').find((e) => e.reason === 'ServiceCIDRFull'));
  for (const [name, ip] of [['in-pending', '10.201.0.5'], ['in-leaving', '10.202.0.5']]) {
    const ev = await eventually(`${name} refused`, () => eventsFor(store, name).find((e) => e.reason === 'ClusterIPOutOfRange'));
    t.is(ev.note, outOfRange(name, ip));
  }
  t.is(claims(store).size, 2);
  setServiceCIDRReady(store, 'pending', true);
  const ip = await eventually('auto allocated once pending is Ready', () => getService(store, 'auto')?.spec?.clusterIP);
  t.true(ip.startsWith('10.201.0.'), ip);
  await eventually('in-pending allocated, without waiting for a repair pass', () => getService(store, 'in-pending')?.spec?.ipFamilyPolicy);
  t.is(getService(store, 'in-leaving')?.spec?.ipFamilyPolicy, undefined, 'still refused');
});

test('serviceip › a deleted ServiceCIDR takes no more IPs, and an IP it held is reported out of range only once no other range holds it', async (t) => {
  const store = new MemoryStore();
  createServiceCIDR(store, 'narrow', ['10.203.0.0/24']);
  createServiceCIDR(store, 'wide', ['10.203.0.0/16']);
  const c = await startServiceIP(store);
  t.teardown(() => c.stop());
  createService(store, 'held', { clusterIP: '10.203.0.5' });
  await eventually('held allocated', () => getService(store, 'held')?.spec?.ipFamilyPolicy);
  store.delete(servicecidrs, undefined, 'narrow');
  await eventually('narrow dropped', () => !rangesOf(c).includes('10.203.0.0/24'));
  createService(store, 'still', { clusterIP: '10.203.0.7' });
  await eventually('still allocated from wide', () => getService(store, 'still')?.spec?.ipFamilyPolicy);
  // Every Service was queued again when narrow went; held's look found wide holding its IP.
  await new Promise((r) => setTimeout(r, 150));
  t.deepEqual(eventsFor(store, 'held'), []);
  store.delete(servicecidrs, undefined, 'wide');
  const ev = await eventually('held reported', () => eventsFor(store, 'held').find((e) => e.reason === 'ClusterIPOutOfRange'));
  t.is(ev.note, 'Cluster IP [IPv4]: 10.203.0.5 is not within any configured Service CIDR; please recreate service');
  createService(store, 'late', { clusterIP: '10.203.0.9' });
  const late = await eventually('late refused', () => eventsFor(store, 'late').find((e) => e.reason === 'ClusterIPOutOfRange'));
  t.is(late.note, outOfRange('late', '10.203.0.9'));
  t.is(claims(store).get('10.203.0.5')?.spec.parentRef.name, 'held', 'the claim stays: the Service lists it');
});

test('serviceip › a ServiceCIDR of a family the flag does not configure adds nothing; an IPv6 one shorter than /64 is refused with a log line', async (t) => {
  const store = new MemoryStore();
  createServiceCIDR(store, 'six', ['fd00:1::/112']);
  const single = await startServiceIP(store);
  await eventually('allocating', () => single.controller.allocating);
  t.deepEqual(rangesOf(single), ['10.0.0.0/24']);
  createService(store, 'v6', { clusterIP: 'fd00:1::5' });
  const ev = await eventually('v6 refused', () => eventsFor(store, 'v6')[0]);
  t.is(ev.reason, 'IPFamilyNotConfigured');
  await single.stop();

  const dual = new MemoryStore();
  createServiceCIDR(dual, 'wide6', ['2001:db8::/48']);
  const { logger, lines } = recordingLogger();
  const c = await startServiceIP(dual, { serviceClusterIPRange: '10.0.0.0/24,fd00::/112' }, undefined, logger);
  t.teardown(() => c.stop());
  const line = await eventually('refusal logged', () => lines.find((l) => l.cidr === '2001:db8::/48'));
  t.is(line.msg, 'Service CIDR 2001:db8::/48 cannot be used for ClusterIPs: shortest allowed prefix length for service CIDR is 64, got 48');
  t.is(line.level, 40);
  t.deepEqual(rangesOf(c), ['10.0.0.0/24', 'fd00::/112']);
  createService(dual, 'in-wide', { clusterIP: '2001:db8::5', ipFamilies: ['IPv6'] });
  const refused = await eventually('in-wide refused', () => eventsFor(dual, 'in-wide').find((e) => e.reason === 'ClusterIPOutOfRange'));
  t.is(refused.note, outOfRange('in-wide', '2001:db8::5'));
  t.is(lines.filter((l) => l.cidr === '2001:db8::/48').length, 1, 'logged once');
});

for (const code of [404, 403]) {
  test(`serviceip › where ServiceCIDR answers ${code}, it says so once at info and allocates from the flag's range only`, async (t) => {
    const store = new MemoryStore();
    createServiceCIDR(store, 'extra', ['10.200.0.0/24']);
    const inner = new InProcessClient(store);
    const refusing: KubeClient = {
      resource(ref) {
        if (ref.resource !== 'servicecidrs') return inner.resource(ref);
        const fail = async (): Promise<never> => {
          throw new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', reason: code === 404 ? 'NotFound' : 'Forbidden', code, message: code === 404 ? 'the server could not find the requested resource' : 'servicecidrs.networking.k8s.io is forbidden' });
        };
        return { get: fail, list: fail, watch: fail, create: fail, update: fail, updateStatus: fail, patch: fail, delete: fail };
      },
    };
    const { logger, lines } = recordingLogger();
    const c = await startServiceIP(store, {}, refusing, logger);
    t.teardown(() => c.stop());
    createService(store, 'auto');
    createService(store, 'in-extra', { clusterIP: '10.200.0.5' });
    const ip = await eventually('auto allocated', () => getService(store, 'auto')?.spec?.clusterIP);
    t.true(ip.startsWith('10.0.0.'), ip);
    const ev = await eventually('in-extra refused', () => eventsFor(store, 'in-extra').find((e) => e.reason === 'ClusterIPOutOfRange'));
    t.is(ev.note, outOfRange('in-extra', '10.200.0.5'));
    t.false(c.controller.readsServiceCIDRs);
    t.true(c.controller.durable);
    const said = lines.filter((l) => l.resource === 'servicecidrs.networking.k8s.io');
    t.deepEqual(said.map((l) => [l.level, l.msg]), [[30, 'ServiceCIDR is not served or not readable: ClusterIPs come from --service-cluster-ip-range only']]);
    t.deepEqual(rangesOf(c), ['10.0.0.0/24']);
    t.is(store.list(services, { namespace: 'default' }).items.length, 2);
  });
}

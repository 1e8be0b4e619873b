import test from 'ava';
import type { Endpoints } from '../../api-types/core.js';
import type { EndpointSlice, ServiceCIDR } from '../../api-types/networking.js';
import { parseCIDR } from '../../allocators/ip.js';
import {
  defaultAdvertiseAddress, defaultPublicIP, desiredEndpoints, desiredEndpointSlice, desiredService, endpointSliceAction, firstServiceIP, isEndpointsCurrent,
  kubernetesServiceConfig, parseServiceIPRanges, publicIPProblem, serviceCIDRStatusAction, type KubernetesServiceConfig,
} from '../../apiserver/kubernetes-service.js';
import { deepFreeze } from '../helpers/deep-freeze.js';

const cfg: KubernetesServiceConfig = { cidrs: ['10.0.0.0/24'], serviceIP: '10.0.0.1', publicIP: '192.0.2.10', port: 6443 };

test('parseServiceIPRanges › one or two CIDRs of at least 8 addresses, naming the flag otherwise', (t) => {
  t.deepEqual(parseServiceIPRanges('10.0.0.0/24').map((c) => c.text), ['10.0.0.0/24']);
  t.deepEqual(parseServiceIPRanges('10.96.0.0/29,fd00::/125').map((c) => c.text), ['10.96.0.0/29', 'fd00::/125']);
  for (const [flag, words] of [
    ['10.0.0.0/30', /--service-cluster-ip-range\[0\] "10\.0\.0\.0\/30".*must be at least 8 IP addresses/],
    ['10.0.0.0/24,fd00::/126', /--service-cluster-ip-range\[1\] "fd00::\/126".*must be at least 8 IP addresses/],
    ['10.0.0.1/24', /--service-cluster-ip-range\[0\].*should be 10\.0\.0\.0\/24/],
    ['10.0.0.0/24,10.1.0.0/24', /must be of different IP family/],
    ['', /must contain at least one valid cidr/],
  ] as const) {
    t.throws(() => parseServiceIPRanges(flag), { message: words }, flag);
  }
});

test('firstServiceIP › the address after the network address (ServiceIPRange)', (t) => {
  for (const [cidr, ip] of [['10.0.0.0/24', '10.0.0.1'], ['10.96.0.0/12', '10.96.0.1'], ['fd00:10:96::/108', 'fd00:10:96::1'], ['192.168.7.248/29', '192.168.7.249']]) {
    t.is(firstServiceIP(parseCIDR(cidr)), ip, cidr);
  }
});

test('publicIPProblem › the published address must be of the primary range family, in kube-apiserver words', (t) => {
  t.is(publicIPProblem(parseCIDR('10.0.0.0/24'), '127.0.0.1'), undefined);
  t.is(publicIPProblem(parseCIDR('fd00::/108'), '127.0.0.1'), 'service IP family "fd00::/108" must match public address family "127.0.0.1"');
  t.regex(publicIPProblem(parseCIDR('10.0.0.0/24'), 'localhost') ?? '', /must be an IP address/);
  t.throws(() => kubernetesServiceConfig([parseCIDR('fd00::/108')], '192.0.2.1', 1), { instanceOf: RangeError, message: /must match public address family/ });
  t.deepEqual(kubernetesServiceConfig([parseCIDR('fd00::/108'), parseCIDR('10.0.0.0/24')], '::1', 8443), { cidrs: ['fd00::/108', '10.0.0.0/24'], serviceIP: 'fd00::1', publicIP: '::1', port: 8443 });
});

test('defaultPublicIP › a specific listener is itself; a loopback or every-address one takes a host address of its family (ResolveBindAddress)', (t) => {
  const host = [
    { address: '127.0.0.1', internal: true },
    { address: '::1', internal: true },
    { address: '169.254.3.4', internal: false },
    { address: 'fe80::fc:ff:fe00:1', internal: false },
    { address: 'fd00::2', internal: false },
    { address: '192.0.2.2', internal: false },
  ];
  t.is(defaultPublicIP('192.0.2.7', host), '192.0.2.7');
  t.is(defaultPublicIP('127.0.0.1', host), '192.0.2.2', 'of the listener\'s family, though listed second');
  t.is(defaultPublicIP('0.0.0.0', host), '192.0.2.2');
  t.is(defaultPublicIP('::1', host), 'fd00::2', 'link-local addresses are passed over');
  t.is(defaultPublicIP('::', host), 'fd00::2');
  t.is(defaultPublicIP('127.0.0.1', host.slice(0, 5)), '127.0.0.1', 'never of the other family: loopback then (a test server starts)');
  // A host with nothing but loopback and link-local: the listener's loopback (refused by validation).
  const bare = host.slice(0, 4);
  t.is(defaultPublicIP('127.0.0.1', bare), '127.0.0.1');
  t.is(defaultPublicIP('::', bare), '::1');
});

test('defaultAdvertiseAddress › without --host, a host address of the range family; with one, as kube-apiserver from the listener; none for a host name', (t) => {
  const host = [{ address: '::1', internal: true }, { address: '192.0.2.2', internal: false }, { address: 'fd00::2', internal: false }];
  t.is(defaultAdvertiseAddress(undefined, parseCIDR('fd00::/108'), host), 'fd00::2');
  t.is(defaultAdvertiseAddress(undefined, parseCIDR('10.0.0.0/24'), host), '192.0.2.2');
  t.is(defaultAdvertiseAddress(undefined, parseCIDR('fd00::/108'), host.slice(0, 2)), '::1', 'none of the family: its loopback');
  t.is(defaultAdvertiseAddress('127.0.0.1', parseCIDR('fd00::/108'), host), '192.0.2.2', 'the listener\'s family (the range check then refuses it)');
  t.is(defaultAdvertiseAddress('192.0.2.7', parseCIDR('10.0.0.0/24'), host), '192.0.2.7');
  t.is(defaultAdvertiseAddress('localhost', parseCIDR('10.0.0.0/24'), host), undefined);
});

test('desiredService › selectorless, SingleStack, https 443 to the server port, allocation left to the allocator', (t) => {
  const svc = desiredService(cfg);
  t.deepEqual(svc.metadata, { name: 'kubernetes', namespace: 'default', labels: { provider: 'kubernetes', component: 'apiserver' } });
  t.deepEqual(svc.spec, { type: 'ClusterIP', ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }], clusterIP: '10.0.0.1', ipFamilyPolicy: 'SingleStack', sessionAffinity: 'None' });
});

test('serviceCIDRStatusAction › Ready is set only when missing and the CIDRs match (1.33 syncStatus)', (t) => {
  const cidr = (cidrs: string[], conditions?: ServiceCIDR['status'], deleting = false): ServiceCIDR =>
    deepFreeze({ metadata: { name: 'kubernetes', ...(deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) }, spec: { cidrs }, ...(conditions ? { status: conditions } : {}) });
  const ready = (status: 'True' | 'False' | 'Unknown') => ({ conditions: [{ type: 'Ready', status, reason: '', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }] });
  for (const [name, stored, want] of [
    ['no status, same CIDRs', cidr(['10.0.0.0/24']), 'set-ready'],
    ['no status, other CIDRs', cidr(['10.1.0.0/24']), 'mismatch'],
    ['Ready=True', cidr(['10.0.0.0/24'], ready('True')), 'none'],
    ['Ready=False is reported, not changed', cidr(['10.0.0.0/24'], ready('False')), 'not-ready'],
    ['being deleted', cidr(['10.0.0.0/24'], undefined, true), 'none'],
  ] as const) {
    t.is(serviceCIDRStatusAction(stored, cfg), want, name);
  }
});

test('desiredEndpoints › skip-mirror added to the labels kept; isEndpointsCurrent compares subsets and labels', (t) => {
  const fresh = desiredEndpoints(cfg);
  t.deepEqual(fresh.metadata.labels, { 'endpointslice.kubernetes.io/skip-mirror': 'true' });
  t.deepEqual(fresh.subsets, [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
  const stored = deepFreeze({ ...fresh, metadata: { ...fresh.metadata, resourceVersion: '5', labels: { team: 'x', 'endpointslice.kubernetes.io/skip-mirror': 'true' } } }) as Endpoints;
  t.true(isEndpointsCurrent(stored, cfg));
  t.deepEqual(desiredEndpoints(cfg, stored).metadata, stored.metadata);
  t.false(isEndpointsCurrent({ ...stored, metadata: { ...stored.metadata, labels: { team: 'x' } } }, cfg), 'skip-mirror removed');
  t.false(isEndpointsCurrent({ ...stored, subsets: [{ addresses: [{ ip: '192.0.2.11' }], ports: fresh.subsets![0].ports }] }, cfg), 'another address');
  t.false(isEndpointsCurrent(stored, { ...cfg, port: 6444 }), 'another port');
});

test('endpointSliceAction › none, update (endpoints, ports, labels) or recreate (address type)', (t) => {
  const slice = deepFreeze({ ...desiredEndpointSlice(cfg), metadata: { ...desiredEndpointSlice(cfg).metadata, resourceVersion: '3' } }) as EndpointSlice;
  t.deepEqual(slice.metadata.labels, { 'kubernetes.io/service-name': 'kubernetes' });
  t.deepEqual(slice.endpoints, [{ addresses: ['192.0.2.10'], conditions: { ready: true } }]);
  t.is(slice.addressType, 'IPv4');
  t.is(endpointSliceAction(slice, cfg), 'none');
  t.is(endpointSliceAction({ ...slice, endpoints: [] }, cfg), 'update');
  t.is(endpointSliceAction({ ...slice, ports: [] }, cfg), 'update');
  t.is(endpointSliceAction({ ...slice, metadata: { ...slice.metadata, labels: { 'kubernetes.io/service-name': 'kubernetes', extra: 'y' } } }, cfg), 'update');
  t.is(endpointSliceAction(slice, { ...cfg, publicIP: 'fd00::10' }), 'recreate');
  t.is(desiredEndpointSlice({ ...cfg, publicIP: 'fd00::10' }).addressType, 'IPv6');
});

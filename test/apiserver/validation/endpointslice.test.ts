import test from 'ava';
import type { EndpointSlice, SliceEndpoint } from '../../../api-types/networking.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { defaultObject } from '../../../apiserver/validation/index.js';
import { type Case, runPipeline, tableTest } from './table.js';

const slice = (addressType: string, endpoints: SliceEndpoint[], ports: EndpointSlice['ports'] = [{ name: 'http', port: 80 }]): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abcde', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: addressType as EndpointSlice['addressType'], endpoints, ports,
});
const e = (...addresses: string[]): SliceEndpoint => ({ addresses, conditions: { ready: true } });
const v = (field: string) => ({ field, reason: 'FieldValueInvalid' });

const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const ipv4 = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1 > 255 ? 1 : (i & 255) + 1}`;

const cases: Case[] = [
  { name: 'accepts IPv4, IPv6 and FQDN slices', obj: slice('IPv4', [e('10.0.0.1'), { ...e('10.0.0.2'), nodeName: 'node-1', hostname: 'pod-2', zone: 'a' }]), wantCauses: [] },
  { name: 'accepts an IPv6 slice', obj: slice('IPv6', [e('fd00::1')]), wantCauses: [] },
  { name: 'accepts an FQDN slice', obj: slice('FQDN', [e('db.example.com')]), wantCauses: [] },
  { name: 'accepts an empty slice with no ports', obj: slice('IPv4', [], []), wantCauses: [] },
  { name: 'requires addressType', obj: slice('', []), wantCauses: [{ field: 'addressType', reason: 'FieldValueRequired' }] },
  { name: 'rejects an unknown addressType', obj: slice('IP', [e('10.0.0.1')]), wantCauses: [{ field: 'addressType', reason: 'FieldValueNotSupported' }] },
  { name: 'rejects an address of the other family', obj: slice('IPv4', [e('fd00::1')]), wantCauses: [v('endpoints[0].addresses[0]')] },
  { name: 'rejects a non-IP and a loopback address', obj: slice('IPv4', [e('10.0.0.1.1', '127.0.0.1')]), wantCauses: [v('endpoints[0].addresses[0]'), v('endpoints[0].addresses[1]')] },
  { name: 'rejects a single-label FQDN', obj: slice('FQDN', [e('db')]), wantCauses: [v('endpoints[0].addresses[0]')] },
  { name: 'requires at least one address per endpoint', obj: slice('IPv4', [e()]), wantCauses: [{ field: 'endpoints[0].addresses', reason: 'FieldValueRequired' }] },
  { name: 'rejects more than 100 addresses in an endpoint', obj: slice('IPv4', [e(...many(101, ipv4))]), wantCauses: [{ field: 'endpoints[0].addresses', reason: 'FieldValueTooMany' }] },
  { name: 'accepts exactly 1000 endpoints', obj: slice('IPv4', many(1000, (i) => e(ipv4(i)))), wantCauses: [] },
  { name: 'rejects more than 1000 endpoints', obj: slice('IPv4', many(1001, (i) => e(ipv4(i)))), wantCauses: [{ field: 'endpoints', reason: 'FieldValueTooMany' }] },
  { name: 'rejects more than 100 ports', obj: slice('IPv4', [], many(101, (i) => `p${i}`).map((name, i) => ({ name, port: i + 1 }))), wantCauses: [{ field: 'ports', reason: 'FieldValueTooMany' }] },
  { name: 'rejects duplicate and invalid port names, unnamed ports count as ""', obj: slice('IPv4', [], [{ port: 80 }, { port: 81 }, { name: 'Http', port: 82 }]), wantCauses: [{ field: 'ports[1].name', reason: 'FieldValueDuplicate' }, v('ports[2].name')] },
  { name: 'rejects an unknown protocol', obj: slice('IPv4', [], [{ name: 'a', port: 80, protocol: 'ICMP' as 'TCP' }]), wantCauses: [{ field: 'ports[0].protocol', reason: 'FieldValueNotSupported' }] },
  { name: 'rejects a bad nodeName and hostname', obj: slice('IPv4', [{ ...e('10.0.0.1'), nodeName: 'Node_1', hostname: 'a.b' }]), wantCauses: [v('endpoints[0].nodeName'), v('endpoints[0].hostname')] },
  { name: 'rejects invalid labels', obj: { ...slice('IPv4', []), metadata: { name: 'x', namespace: 'default', labels: { 'bad key!': 'v' } } }, wantCauses: [v('metadata.labels')] },
  { name: 'rejects changing addressType', old: slice('IPv4', []), obj: slice('IPv6', []), wantCauses: [v('addressType')] },
  { name: 'accepts an update that keeps addressType', old: slice('IPv4', []), obj: slice('IPv4', [e('10.0.0.9')]), wantCauses: [] },
];
tableTest('endpointslice validation', 'discovery.k8s.io', 'endpointslices', cases);

test('endpointslice defaulting › ports default to TCP', (t) => {
  const s = slice('IPv4', [], [{ name: 'http', port: 80 }]);
  defaultObject(resourceFor('discovery.k8s.io', 'endpointslices'), s);
  t.deepEqual(s.ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
});

test('endpointslice validation › exact messages for too many and the immutable addressType', (t) => {
  const tooMany = runPipeline('discovery.k8s.io', 'endpointslices', slice('IPv4', many(1001, (i) => e(ipv4(i)))));
  t.is(tooMany[0].message, 'Too many: 1001: must have at most 1000 items');
  const changed = runPipeline('discovery.k8s.io', 'endpointslices', slice('IPv6', []), slice('IPv4', []));
  t.is(changed[0].message, 'Invalid value: "IPv6": field is immutable');
});

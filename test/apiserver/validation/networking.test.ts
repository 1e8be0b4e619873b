import test from 'ava';
import type { IPAddress, ServiceCIDR } from '../../../api-types/networking.js';
import { type Case, runPipeline, tableTest } from './table.js';

const ipa = (name: string, parentRef: Partial<IPAddress['spec']['parentRef']> | undefined = { group: '', resource: 'services', namespace: 'default', name: 'web' }): IPAddress => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'IPAddress', metadata: { name }, spec: { parentRef: parentRef as IPAddress['spec']['parentRef'] },
});
const cidr = (cidrs: string[] | undefined): ServiceCIDR => ({ apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: 'kubernetes' }, spec: { cidrs } });
const v = (field: string) => ({ field, reason: 'FieldValueInvalid' });
const req = (field: string) => ({ field, reason: 'FieldValueRequired' });

const ipCases: Case[] = [
  { name: 'accepts a canonical IPv4 and IPv6 name', obj: ipa('10.96.0.10'), wantCauses: [] },
  { name: 'accepts canonical IPv6', obj: ipa('2001:db8::1'), wantCauses: [] },
  { name: 'rejects a non-canonical IPv6 name', obj: ipa('2001:DB8:0::1'), wantCauses: [v('metadata.name')] },
  { name: 'rejects a name that is not an IP', obj: ipa('web'), wantCauses: [v('metadata.name')] },
  { name: 'rejects leading zeros', obj: ipa('010.96.0.1'), wantCauses: [v('metadata.name')] },
  { name: 'requires parentRef', obj: { ...ipa('10.96.0.10'), spec: {} as IPAddress['spec'] }, wantCauses: [req('spec.parentRef')] },
  { name: 'requires parentRef resource and name', obj: ipa('10.96.0.10', { group: '' }), wantCauses: [req('spec.parentRef.resource'), req('spec.parentRef.name')] },
  { name: 'rejects path-unsafe parentRef names', obj: ipa('10.96.0.10', { resource: 'services', name: 'a/b', namespace: '..' }), wantCauses: [v('spec.parentRef.name'), v('spec.parentRef.namespace')] },
  { name: 'rejects a namespace on a cluster-scoped object', obj: { ...ipa('10.96.0.10'), metadata: { name: '10.96.0.10', namespace: 'default' } }, wantCauses: [{ field: 'metadata.namespace', reason: 'FieldValueForbidden' }] },
  { name: 'forbids changing parentRef', old: ipa('10.96.0.10'), obj: ipa('10.96.0.10', { resource: 'services', namespace: 'default', name: 'other' }), wantCauses: [v('spec.parentRef')] },
  { name: 'allows label changes', old: ipa('10.96.0.10'), obj: { ...ipa('10.96.0.10'), metadata: { name: '10.96.0.10', labels: { a: 'b' } } }, wantCauses: [] },
];
tableTest('ipaddress validation', 'networking.k8s.io', 'ipaddresses', ipCases);

const cidrCases: Case[] = [
  { name: 'accepts one CIDR', obj: cidr(['10.96.0.0/12']), wantCauses: [] },
  { name: 'accepts one CIDR per family', obj: cidr(['10.96.0.0/12', 'fd00:10:96::/108']), wantCauses: [] },
  { name: 'requires a CIDR', obj: cidr([]), wantCauses: [req('spec.cidrs')] },
  { name: 'rejects three CIDRs', obj: cidr(['10.96.0.0/12', 'fd00::/108', '10.0.0.0/24']), wantCauses: [v('spec.cidrs')] },
  { name: 'rejects two CIDRs of one family', obj: cidr(['10.96.0.0/12', '10.0.0.0/24']), wantCauses: [v('spec.cidrs')] },
  { name: 'rejects a CIDR with host bits and a non-CIDR', obj: cidr(['10.96.0.1/12', 'fd00::']), wantCauses: [v('spec.cidrs[0]'), v('spec.cidrs[1]')] },
  { name: 'forbids changing a CIDR', old: cidr(['10.96.0.0/12']), obj: cidr(['10.100.0.0/16']), wantCauses: [v('spec.cidrs[0]')] },
  { name: 'forbids changing the second of two', old: cidr(['10.96.0.0/12', 'fd00::/108']), obj: cidr(['10.96.0.0/12', 'fd00:1::/108']), wantCauses: [v('spec.cidrs[1]')] },
  { name: 'allows a single CIDR to gain one of the other family (single- to dual-stack)', old: cidr(['10.96.0.0/12']), obj: cidr(['10.96.0.0/12', 'fd00::/108']), wantCauses: [] },
  { name: 'forbids gaining a second while changing the first', old: cidr(['10.96.0.0/12']), obj: cidr(['10.100.0.0/16', 'fd00::/108']), wantCauses: [v('spec.cidrs[0]')] },
  { name: 'forbids gaining a second of the same family', old: cidr(['10.96.0.0/12']), obj: cidr(['10.96.0.0/12', '10.0.0.0/24']), wantCauses: [v('spec.cidrs')] },
  { name: 'forbids dropping one of two', old: cidr(['10.96.0.0/12', 'fd00::/108']), obj: cidr(['10.96.0.0/12']), wantCauses: [v('spec.cidrs')] },
  { name: 'status updates leave spec alone', old: cidr(['10.96.0.0/12']), obj: { ...cidr(['10.100.0.0/16']), status: { conditions: [] } }, subresource: 'status', wantCauses: [] },
];
tableTest('servicecidr validation', 'networking.k8s.io', 'servicecidrs', cidrCases);

test('networking validation › exact messages', (t) => {
  t.is(runPipeline('networking.k8s.io', 'ipaddresses', ipa('2001:DB8::1'))[0].message, 'Invalid value: "2001:DB8::1": must be a canonical format IP address');
  t.is(runPipeline('networking.k8s.io', 'servicecidrs', cidr([]))[0].message, 'Required value: at least one CIDR required');
  t.is(runPipeline('networking.k8s.io', 'servicecidrs', cidr(['10.96.0.0/12']), cidr(['10.0.0.0/24']))[0].message, 'Invalid value: "10.96.0.0/12": field is immutable');
  t.is(runPipeline('networking.k8s.io', 'servicecidrs', cidr(['10.96.0.0/12']), cidr(['10.96.0.0/12', 'fd00::/108']))[0].message, 'Invalid value: []string{"10.96.0.0/12"}: field is immutable');
});

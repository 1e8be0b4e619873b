import test from 'ava';
import type { Container, Pod } from '../../../api-types/core.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { defaultObject, validateObject } from '../../../apiserver/validation/index.js';
import { podUpdateForbiddenMessage } from '../../../apiserver/validation/pod.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { type Case, runPipeline, tableTest } from './table.js';

const pod = (containers: Container[], spec: Partial<NonNullable<Pod['spec']>> = {}, name = 'web-0'): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'web' } }, spec: { containers, ...spec },
});
const c = (name: string, extra: Partial<Container> = {}): Container => ({ name, image: 'nginx:1.27', ...extra });
const v = (field: string) => ({ field, reason: 'FieldValueInvalid' });
const req = (field: string) => ({ field, reason: 'FieldValueRequired' });

const cases: Case[] = [
  { name: 'accepts a pod with named ports', obj: pod([c('app', { ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] })]), wantCauses: [] },
  { name: 'requires containers', obj: pod([]), wantCauses: [req('spec.containers')] },
  { name: 'requires a container name and image', obj: pod([{ name: '' }]), wantCauses: [req('spec.containers[0].name'), req('spec.containers[0].image')] },
  { name: 'rejects duplicate and invalid container names', obj: pod([c('app'), c('app'), c('App')]), wantCauses: [{ field: 'spec.containers[1].name', reason: 'FieldValueDuplicate' }, v('spec.containers[2].name')] },
  { name: 'container names are unique across init containers', obj: pod([c('app')], { initContainers: [c('app')] }), wantCauses: [{ field: 'spec.containers[0].name', reason: 'FieldValueDuplicate' }] },
  { name: 'rejects bad port numbers and names', obj: pod([c('app', { ports: [{ containerPort: 0 }, { name: 'http_1', containerPort: 70000 }, { name: 'very-long-port-name', containerPort: 80 }] })]), wantCauses: [req('spec.containers[0].ports[0].containerPort'), v('spec.containers[0].ports[1].name'), v('spec.containers[0].ports[1].containerPort'), v('spec.containers[0].ports[2].name')] },
  { name: 'rejects duplicate port names', obj: pod([c('app', { ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }] })]), wantCauses: [{ field: 'spec.containers[0].ports[1].name', reason: 'FieldValueDuplicate' }] },
  { name: 'rejects an unknown restartPolicy and protocol', obj: pod([c('app', { ports: [{ containerPort: 80, protocol: 'ICMP' as 'TCP' }] })], { restartPolicy: 'Sometimes' as 'Always' }), wantCauses: [{ field: 'spec.restartPolicy', reason: 'FieldValueNotSupported' }, { field: 'spec.containers[0].ports[0].protocol', reason: 'FieldValueNotSupported' }] },
  { name: 'rejects an invalid name', obj: pod([c('app')], {}, 'Web_0'), wantCauses: [v('metadata.name')] },
  { name: 'allows changing a container image', old: pod([c('app')]), obj: pod([c('app', { image: 'nginx:1.28' })]), wantCauses: [] },
  { name: 'allows setting nodeName once (binding)', old: pod([c('app')]), obj: pod([c('app')], { nodeName: 'node-1' }), wantCauses: [] },
  { name: 'forbids moving a bound pod', old: pod([c('app')], { nodeName: 'node-1' }), obj: pod([c('app')], { nodeName: 'node-2' }), wantCauses: [{ field: 'spec', reason: 'FieldValueForbidden' }] },
  { name: 'forbids changing ports', old: pod([c('app')]), obj: pod([c('app', { ports: [{ containerPort: 80 }] })]), wantCauses: [{ field: 'spec', reason: 'FieldValueForbidden' }] },
  { name: 'allows label changes', old: pod([c('app')]), obj: { ...pod([c('app')]), metadata: { name: 'web-0', namespace: 'default', labels: { app: 'other' } } }, wantCauses: [] },
  { name: 'status updates check phase and pod IPs only', old: pod([c('app')]), obj: { ...pod([]), status: { phase: 'Running', podIP: '10.1.0.5', podIPs: [{ ip: '10.1.0.5' }, { ip: 'x' }] } }, subresource: 'status', wantCauses: [v('status.podIPs[1].ip')] },
  { name: 'status updates reject an unknown phase', old: pod([c('app')]), obj: { ...pod([c('app')]), status: { phase: 'Done' as 'Running' } }, subresource: 'status', wantCauses: [{ field: 'status.phase', reason: 'FieldValueNotSupported' }] },
];
tableTest('pod validation', '', 'pods', cases);

test('pod defaulting › fills in the spec defaults and phase Pending', (t) => {
  const p = pod([c('app', { image: 'nginx', ports: [{ containerPort: 80 }] }), c('side', { image: 'reg:5000/x:1.0' })]);
  defaultObject(resourceFor('', 'pods'), p);
  t.is(p.spec?.restartPolicy, 'Always');
  t.is(p.spec?.terminationGracePeriodSeconds, 30);
  t.is(p.spec?.dnsPolicy, 'ClusterFirst');
  t.is(p.spec?.schedulerName, 'default-scheduler');
  t.is(p.spec?.containers[0].ports?.[0].protocol, 'TCP');
  t.is(p.spec?.containers[0].imagePullPolicy, 'Always');
  t.is(p.spec?.containers[1].imagePullPolicy, 'IfNotPresent');
  t.is(p.status?.phase, 'Pending');
});

test('pod validation › the forbidden-update message names the fields that may change', (t) => {
  const causes = runPipeline('', 'pods', pod([c('app', { ports: [{ containerPort: 80 }] })]), pod([c('app')]));
  t.is(causes[0].message, `Forbidden: ${podUpdateForbiddenMessage}`);
  t.true(podUpdateForbiddenMessage.startsWith('pod updates may not change fields other than `spec.containers[*].image`'));
});

test('pod validation › does not mutate frozen inputs', (t) => {
  const r = resourceFor('', 'pods');
  const old = pod([c('app')]);
  defaultObject(r, old);
  t.notThrows(() => validateObject(r, deepFreeze(pod([c('app', { image: 'x:2' })])), deepFreeze(old)));
});

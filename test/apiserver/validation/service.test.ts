import test from 'ava';
import type { Service, ServiceSpec } from '../../../api-types/core.js';
import { invalid as invalidError } from '../../../apiserver/errors.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { defaultObject, prepareForUpdate, validateObject } from '../../../apiserver/validation/index.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { type Case, runPipeline, tableTest } from './table.js';

const svc = (spec: ServiceSpec, name = 'web'): Service => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec,
});
const port80 = { name: 'http', port: 80 };
const v = (field: string) => ({ field, reason: 'FieldValueInvalid' });
const req = (field: string) => ({ field, reason: 'FieldValueRequired' });
const dup = (field: string) => ({ field, reason: 'FieldValueDuplicate' });
const ns = (field: string) => ({ field, reason: 'FieldValueNotSupported' });
const forb = (field: string) => ({ field, reason: 'FieldValueForbidden' });

const createCases: Case[] = [
  { name: 'accepts a ClusterIP Service without a clusterIP (allocated later)', obj: svc({ selector: { app: 'web' }, ports: [port80] }), wantCauses: [] },
  { name: 'accepts a given IPv4 and IPv6 clusterIP', obj: svc({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::10'], ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'], ports: [port80] }), wantCauses: [] },
  { name: 'requires a name', obj: { ...svc({ ports: [port80] }), metadata: { namespace: 'default' } }, wantCauses: [req('metadata.name')] },
  { name: 'accepts generateName with a trailing dash', obj: { ...svc({ ports: [port80] }), metadata: { namespace: 'default', generateName: 'web-' } }, wantCauses: [] },
  { name: 'rejects a name that is not a DNS-1035 label', obj: svc({ ports: [port80] }, '1web'), wantCauses: [v('metadata.name')] },
  { name: 'rejects a dotted name', obj: svc({ ports: [port80] }, 'web.x'), wantCauses: [v('metadata.name')] },
  { name: 'requires ports for a ClusterIP Service', obj: svc({ selector: { app: 'web' } }), wantCauses: [req('spec.ports')] },
  { name: 'allows no ports when headless', obj: svc({ clusterIP: 'None' }), wantCauses: [] },
  { name: 'allows no ports for ExternalName', obj: svc({ type: 'ExternalName', externalName: 'db.example.com.' }), wantCauses: [] },
  { name: 'requires externalName for ExternalName', obj: svc({ type: 'ExternalName' }), wantCauses: [req('spec.externalName')] },
  { name: 'rejects an externalName that is not a DNS subdomain', obj: svc({ type: 'ExternalName', externalName: 'Not_A_Name' }), wantCauses: [v('spec.externalName')] },
  { name: 'forbids clusterIP, families and policy on ExternalName', obj: svc({ type: 'ExternalName', externalName: 'a.b', clusterIP: '10.0.0.1', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' }), wantCauses: [forb('spec.clusterIPs'), forb('spec.ipFamilies'), forb('spec.ipFamilyPolicy')] },
  { name: 'requires port names when there are several', obj: svc({ ports: [{ port: 80 }, { port: 443 }] }), wantCauses: [req('spec.ports[0].name'), req('spec.ports[1].name')] },
  { name: 'rejects duplicate port names', obj: svc({ ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }), wantCauses: [dup('spec.ports[1].name')] },
  { name: 'rejects a port name that is not a DNS-1123 label', obj: svc({ ports: [{ name: 'HTTP', port: 80 }] }), wantCauses: [v('spec.ports[0].name')] },
  { name: 'rejects an unknown protocol', obj: svc({ ports: [{ port: 80, protocol: 'FOO' as 'TCP' }] }), wantCauses: [ns('spec.ports[0].protocol')] },
  { name: 'rejects port 0 and 65536', obj: svc({ ports: [{ name: 'a', port: 0, targetPort: 1 }, { name: 'b', port: 65536, targetPort: 1 }] }), wantCauses: [v('spec.ports[0].port'), v('spec.ports[1].port')] },
  { name: 'rejects a bad targetPort number and name', obj: svc({ ports: [{ name: 'a', port: 80, targetPort: 70000 }, { name: 'b', port: 81, targetPort: 'http--x' }] }), wantCauses: [v('spec.ports[0].targetPort'), v('spec.ports[1].targetPort')] },
  { name: 'accepts an IANA service name targetPort', obj: svc({ ports: [{ port: 80, targetPort: 'http-alt' }] }), wantCauses: [] },
  { name: 'rejects a bad appProtocol', obj: svc({ ports: [{ port: 80, appProtocol: 'a/b/c' }] }), wantCauses: [v('spec.ports[0].appProtocol')] },
  { name: 'rejects an unknown type', obj: svc({ type: 'Foo' as 'ClusterIP', ports: [port80] }), wantCauses: [ns('spec.type')] },
  { name: 'rejects a clusterIP that is not a strict IP', obj: svc({ clusterIP: '010.0.0.1', ports: [port80] }), wantCauses: [v('spec.clusterIPs[0]')] },
  { name: 'rejects clusterIPs[0] different from clusterIP', obj: svc({ clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.2'], ports: [port80] }), wantCauses: [v('spec.clusterIPs')] },
  { name: 'rejects clusterIPs without clusterIP', obj: svc({ clusterIP: '', clusterIPs: ['10.0.0.1'], ports: [port80] }), wantCauses: [v('spec.clusterIPs')] },
  { name: 'rejects more than two clusterIPs', obj: svc({ clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1', 'fd00::1', '10.0.0.2'], ipFamilyPolicy: 'RequireDualStack', ports: [port80] }), wantCauses: [v('spec.clusterIPs')] },
  { name: 'rejects two clusterIPs of one family', obj: svc({ clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1', '10.0.0.2'], ipFamilyPolicy: 'RequireDualStack', ports: [port80] }), wantCauses: [v('spec.clusterIPs')] },
  { name: "rejects 'None' with a second clusterIP", obj: svc({ clusterIP: 'None', clusterIPs: ['None', '10.0.0.1'], ports: [port80] }), wantCauses: [v('spec.clusterIPs')] },
  { name: 'rejects SingleStack with two clusterIPs', obj: svc({ clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1', 'fd00::1'], ipFamilyPolicy: 'SingleStack', ports: [port80] }), wantCauses: [v('spec.ipFamilyPolicy')] },
  { name: 'rejects SingleStack with two families', obj: svc({ ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'SingleStack', ports: [port80] }), wantCauses: [v('spec.ipFamilyPolicy')] },
  { name: 'rejects unknown and duplicate families', obj: svc({ ipFamilies: ['IPv5' as 'IPv4', 'IPv4', 'IPv4'], ipFamilyPolicy: 'RequireDualStack', ports: [port80] }), wantCauses: [ns('spec.ipFamilies[0]'), dup('spec.ipFamilies[2]')] },
  { name: 'rejects an unknown family policy', obj: svc({ ipFamilyPolicy: 'Bogus' as 'SingleStack', ports: [port80] }), wantCauses: [ns('spec.ipFamilyPolicy')] },
  { name: 'rejects a clusterIP of the wrong family', obj: svc({ clusterIP: '10.0.0.1', ipFamilies: ['IPv6'], ports: [port80] }), wantCauses: [v('spec.clusterIPs[0]')] },
  { name: 'rejects headless with NodePort', obj: svc({ type: 'NodePort', clusterIP: 'None', ports: [port80] }), wantCauses: [v('spec.clusterIPs[0]')] },
  { name: 'rejects headless with LoadBalancer', obj: svc({ type: 'LoadBalancer', clusterIP: 'None', ports: [port80] }), wantCauses: [v('spec.clusterIPs[0]')] },
  { name: 'forbids nodePort on a ClusterIP Service', obj: svc({ ports: [{ port: 80, nodePort: 30080 }] }), wantCauses: [forb('spec.ports[0].nodePort')] },
  { name: 'rejects a nodePort out of range', obj: svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 70000 }] }), wantCauses: [v('spec.ports[0].nodePort')] },
  { name: 'rejects a nodePort used twice for one protocol', obj: svc({ type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30080 }] }), wantCauses: [dup('spec.ports[1].nodePort')] },
  { name: 'allows one nodePort for TCP and UDP', obj: svc({ type: 'NodePort', ports: [{ name: 'a', port: 53, nodePort: 30053 }, { name: 'b', port: 53, protocol: 'UDP', nodePort: 30053 }] }), wantCauses: [] },
  { name: 'rejects a port used twice for one protocol', obj: svc({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }), wantCauses: [dup('spec.ports[1]')] },
  { name: 'rejects an unknown sessionAffinity', obj: svc({ sessionAffinity: 'Sticky' as 'None', ports: [port80] }), wantCauses: [ns('spec.sessionAffinity')] },
  { name: 'rejects a ClientIP timeout above a day', obj: svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } }, ports: [port80] }), wantCauses: [v('spec.sessionAffinityConfig.clientIP.timeoutSeconds')] },
  { name: 'rejects externalTrafficPolicy on a ClusterIP Service', obj: svc({ externalTrafficPolicy: 'Local', ports: [port80] }), wantCauses: [v('spec.externalTrafficPolicy')] },
  { name: 'rejects an unknown externalTrafficPolicy', obj: svc({ type: 'NodePort', externalTrafficPolicy: 'Foo' as 'Local', ports: [port80] }), wantCauses: [ns('spec.externalTrafficPolicy')] },
  { name: 'rejects an unknown internalTrafficPolicy', obj: svc({ internalTrafficPolicy: 'Foo' as 'Local', ports: [port80] }), wantCauses: [ns('spec.internalTrafficPolicy')] },
  { name: 'rejects healthCheckNodePort without LoadBalancer and Local', obj: svc({ type: 'NodePort', healthCheckNodePort: 30000, ports: [port80] }), wantCauses: [v('spec.healthCheckNodePort')] },
  { name: 'accepts LoadBalancer+Local without healthCheckNodePort (allocated later)', obj: svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [port80] }), wantCauses: [] },
  { name: 'accepts LoadBalancer+Local with healthCheckNodePort', obj: svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, ports: [port80] }), wantCauses: [] },
  { name: 'forbids allocateLoadBalancerNodePorts off LoadBalancer', obj: svc({ allocateLoadBalancerNodePorts: false, ports: [port80] }), wantCauses: [forb('spec.allocateLoadBalancerNodePorts')] },
  { name: 'rejects invalid selector labels', obj: svc({ selector: { app: 'bad value!' }, ports: [port80] }), wantCauses: [v('spec.selector')] },
  { name: 'rejects a loopback externalIP', obj: svc({ externalIPs: ['127.0.0.1'], ports: [port80] }), wantCauses: [v('spec.externalIPs[0]')] },
  { name: 'rejects an unknown trafficDistribution', obj: svc({ trafficDistribution: 'Anywhere', ports: [port80] }), wantCauses: [ns('spec.trafficDistribution')] },
];
tableTest('service validation', '', 'services', createCases);

const allocated = svc({ selector: { app: 'web' }, ports: [port80], clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
const dual = svc({ ports: [port80], clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::10'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' });
const updateCases: Case[] = [
  { name: 'allows the controller to set clusterIP, families and policy once', old: svc({ ports: [port80] }), obj: allocated, wantCauses: [] },
  { name: 'keeps the allocated clusterIP when an update omits it', old: allocated, obj: svc({ selector: { app: 'web' }, ports: [port80] }), wantCauses: [] },
  { name: 'rejects changing the clusterIP', old: allocated, obj: svc({ ...allocated.spec, clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'] }), wantCauses: [v('spec.clusterIPs[0]')] },
  { name: 'rejects changing the primary family', old: allocated, obj: svc({ ...allocated.spec, ipFamilies: ['IPv6'] }), wantCauses: [v('spec.ipFamilies[0]'), v('spec.clusterIPs[0]')] },
  { name: 'rejects dropping the secondary clusterIP without SingleStack', old: dual, obj: svc({ ...dual.spec, clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'] }), wantCauses: [v('spec.ipFamilyPolicy'), v('spec.ipFamilyPolicy')] },
  { name: 'allows dropping the secondary clusterIP with SingleStack', old: dual, obj: svc({ ...dual.spec, clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' }), wantCauses: [] },
  { name: 'allows SingleStack alone on a dual-stack Service (the lists are trimmed)', old: dual, obj: svc({ ...dual.spec, ipFamilyPolicy: 'SingleStack' }), wantCauses: [] },
  { name: 'allows SingleStack with the secondary clusterIP dropped and the families left as they were', old: dual, obj: svc({ ...dual.spec, clusterIPs: ['10.96.0.10'], ipFamilyPolicy: 'SingleStack' }), wantCauses: [] },
  { name: 'rejects SingleStack with changed clusterIPs still two', old: dual, obj: svc({ ...dual.spec, clusterIPs: ['10.96.0.10', 'fd00::11'], ipFamilyPolicy: 'SingleStack' }), wantCauses: [v('spec.clusterIPs[1]'), v('spec.ipFamilyPolicy')] },
  { name: 'rejects dropping only the secondary family of a headless Service without SingleStack', old: svc({ clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' }), obj: svc({ clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'RequireDualStack' }), wantCauses: [v('spec.ipFamilyPolicy')] },
  { name: 'allows adding a secondary clusterIP', old: allocated, obj: svc({ ...dual.spec, selector: { app: 'web' } }), wantCauses: [] },
  { name: 'allows switching to ExternalName, dropping the unchanged clusterIP', old: allocated, obj: svc({ ...allocated.spec, type: 'ExternalName', externalName: 'db.example.com' }), wantCauses: [] },
  { name: 'allows switching to ExternalName after clearing only clusterIP', old: allocated, obj: svc({ ...allocated.spec, clusterIP: '', type: 'ExternalName', externalName: 'db.example.com' }), wantCauses: [] },
  { name: 'reports a changed clusterIP once, on the primary', old: allocated, obj: svc({ ...allocated.spec, clusterIP: '10.96.0.11' }), wantCauses: [v('spec.clusterIPs[0]')] },
  { name: 'allows switching from ExternalName to ClusterIP', old: svc({ type: 'ExternalName', externalName: 'a.b' }), obj: svc({ ports: [port80] }), wantCauses: [] },
  { name: 'rejects a new name', old: allocated, obj: { ...allocated, metadata: { name: 'other', namespace: 'default' } }, wantCauses: [v('metadata.name')] },
  { name: 'keeps nodePorts an update omits', old: svc({ type: 'NodePort', ports: [{ ...port80, nodePort: 30080 }] }), obj: svc({ type: 'NodePort', ports: [port80] }), wantCauses: [] },
  { name: 'drops unchanged nodePorts when switching to ClusterIP', old: svc({ type: 'NodePort', ports: [{ ...port80, nodePort: 30080 }] }), obj: svc({ type: 'ClusterIP', ports: [{ ...port80, nodePort: 30080 }] }), wantCauses: [] },
  { name: 'rejects changing an allocated healthCheckNodePort', old: svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, ports: [port80] }), obj: svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31001, ports: [port80] }), wantCauses: [forb('spec.healthCheckNodePort')] },
  { name: 'status updates check only the load-balancer status', old: allocated, obj: { ...allocated, spec: { ports: [] }, status: { loadBalancer: { ingress: [{ ip: '1.2.3' }] } } }, subresource: 'status', wantCauses: [v('status.loadBalancer.ingress[0].ip')] },
];
tableTest('service update validation', '', 'services', updateCases);

test('service defaulting › fills in SetDefaults_Service values and nothing allocated', (t) => {
  const s = svc({ type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }, { name: 'x', port: 81, targetPort: 'http' }] });
  defaultObject(resourceFor('', 'services'), s);
  t.deepEqual(s.spec, {
    type: 'LoadBalancer', selector: { app: 'web' }, sessionAffinity: 'None',
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { name: 'x', port: 81, targetPort: 'http', protocol: 'TCP' }],
    externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true,
  });
});

test('service defaulting › ClusterIP gets no externalTrafficPolicy; clusterIPs follows a lone clusterIP', (t) => {
  const a = svc({ ports: [port80], clusterIP: '10.0.0.1' });
  defaultObject(resourceFor('', 'services'), a);
  t.is(a.spec?.type, 'ClusterIP');
  t.is(a.spec?.externalTrafficPolicy, undefined);
  t.deepEqual(a.spec?.clusterIPs, ['10.0.0.1']);
  t.is(a.spec?.ipFamilyPolicy, undefined);
  // The plural alone is not copied to the singular: new clients must set both.
  const b = svc({ ports: [port80], clusterIPs: ['fd00::1'] });
  defaultObject(resourceFor('', 'services'), b);
  t.is(b.spec?.clusterIP, undefined);
  t.deepEqual(runPipeline('', 'services', b).map((c) => c.message), ['Invalid value: []string{"fd00::1"}: must be empty when `clusterIP` is not specified']);
});

test('service defaulting › ClientIP affinity gets the 10800 s timeout', (t) => {
  const s = svc({ ports: [port80], sessionAffinity: 'ClientIP' });
  defaultObject(resourceFor('', 'services'), s);
  t.deepEqual(s.spec?.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
});

test('service update › an update that omits allocated values gets them back', (t) => {
  const r = resourceFor('', 'services');
  const next = svc({ selector: { app: 'web' }, ports: [port80] });
  defaultObject(r, next);
  prepareForUpdate(r, next, deepFreeze(structuredClone(allocated)));
  t.is(next.spec?.clusterIP, '10.96.0.10');
  t.deepEqual(next.spec?.clusterIPs, ['10.96.0.10']);
  t.deepEqual(next.spec?.ipFamilies, ['IPv4']);
  t.is(next.spec?.ipFamilyPolicy, 'SingleStack');
});

test('service update › SingleStack with unchanged lists keeps only their first entries (initIPFamilyFields)', (t) => {
  const r = resourceFor('', 'services');
  const old = deepFreeze(structuredClone(dual));
  const policyOnly = svc({ ...structuredClone(dual.spec), ipFamilyPolicy: 'SingleStack' });
  defaultObject(r, policyOnly);
  prepareForUpdate(r, policyOnly, old);
  t.deepEqual(policyOnly.spec?.clusterIPs, ['10.96.0.10']);
  t.is(policyOnly.spec?.clusterIP, '10.96.0.10');
  t.deepEqual(policyOnly.spec?.ipFamilies, ['IPv4']);
  // A PUT that omits the lists gets them back first, then trimmed.
  const omitted = svc({ ports: [port80], ipFamilyPolicy: 'SingleStack' });
  defaultObject(r, omitted);
  prepareForUpdate(r, omitted, old);
  t.deepEqual([omitted.spec?.clusterIPs, omitted.spec?.ipFamilies], [['10.96.0.10'], ['IPv4']]);
  // Lists the request changed are left for validation to judge; other policies trim nothing.
  const changed = svc({ ...structuredClone(dual.spec), clusterIPs: ['10.96.0.10', 'fd00::11'], ipFamilyPolicy: 'SingleStack' });
  prepareForUpdate(r, changed, old);
  t.deepEqual([changed.spec?.clusterIPs, changed.spec?.ipFamilies], [['10.96.0.10', 'fd00::11'], ['IPv4']]);
  const prefer = svc({ ...structuredClone(dual.spec), ipFamilyPolicy: 'PreferDualStack' });
  prepareForUpdate(r, prefer, old);
  t.deepEqual(prefer.spec?.clusterIPs, ['10.96.0.10', 'fd00::10']);
  // A headless Service's families too.
  const headless = svc({ clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'SingleStack' });
  prepareForUpdate(r, headless, deepFreeze(svc({ clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' })));
  t.deepEqual([headless.spec?.clusterIPs, headless.spec?.ipFamilies], [['None'], ['IPv4']]);
});

test('service update validation › releasing the secondary without SingleStack is refused in initIPFamilyFields\' words', (t) => {
  const causes = runPipeline('', 'services', svc({ ...dual.spec, clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'] }), dual);
  t.deepEqual(causes.map((c) => `${c.field}: ${c.message}`), [
    "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": must be 'SingleStack' to release the secondary cluster IP",
    "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": must be 'SingleStack' to release the secondary IP family",
  ]);
});

test('service validation › messages are Kubernetes field-error bodies', (t) => {
  const causes = runPipeline('', 'services', svc({ ports: [{ name: 'a', port: 0, protocol: 'FOO' as 'TCP', targetPort: 1 }, { name: 'a', port: 81 }] }));
  const byField = Object.fromEntries(causes.map((c) => [c.field, c.message]));
  t.is(byField['spec.ports[0].port'], 'Invalid value: 0: must be between 1 and 65535, inclusive');
  t.is(byField['spec.ports[0].protocol'], 'Unsupported value: "FOO": supported values: "SCTP", "TCP", "UDP"');
  t.is(byField['spec.ports[1].name'], 'Duplicate value: "a"');
  t.is(runPipeline('', 'services', svc({}))[0].message, 'Required value');
  const twice = runPipeline('', 'services', svc({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }));
  t.is(twice[0].message, 'Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}');
  const headless = runPipeline('', 'services', svc({ type: 'NodePort', clusterIP: 'None', ports: [port80] }));
  t.is(headless[0].message, `Invalid value: "None": may not be set to 'None' for NodePort services`);
});

test('service validation › the 422 message reads as kube-apiserver writes it', (t) => {
  const causes = runPipeline('', 'services', svc({ ports: [{ port: 0, targetPort: 80 }] }));
  const err = invalidError(resourceFor('', 'services'), 'web', causes);
  t.is(err.message, 'Service "web" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive');
  t.is(err.status.details?.causes?.[0].reason, 'FieldValueInvalid');
});

test('service validation › validateObject does not mutate its inputs', (t) => {
  const r = resourceFor('', 'services');
  const obj = deepFreeze(svc({ ports: [{ port: 80 }] }));
  t.notThrows(() => validateObject(r, obj, deepFreeze(structuredClone(allocated))));
});

import test from 'ava';
import fc from 'fast-check';
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

// The rule as upstream states it: mask the mutable fields on copies of both specs, then compare.
// The validator walks the specs without copies; this property holds it to the masked comparison.
function maskedSpecsDiffer(next: Record<string, unknown>, prev: Record<string, unknown>): boolean {
  const n = structuredClone(next);
  const p = structuredClone(prev);
  for (const key of ['containers', 'initContainers']) {
    const nl = Array.isArray(n[key]) ? (n[key] as unknown[]) : [];
    const pl = Array.isArray(p[key]) ? (p[key] as unknown[]) : [];
    const isRec = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (nl.length === pl.length) nl.forEach((c, i) => { if (isRec(c)) c.image = isRec(pl[i]) ? pl[i].image : undefined; });
  }
  for (const key of ['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds']) n[key] = p[key];
  if (!p.nodeName) n.nodeName = p.nodeName;
  const same = (a: unknown, b: unknown): boolean => {
    if (a === b) return true;
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    return [...new Set([...Object.keys(ao), ...Object.keys(bo)])].every((k) => same(ao[k], bo[k]));
  };
  return !same(n, p);
}

test('pod validation › a spec update is forbidden exactly when the specs differ outside the mutable fields', (t) => {
  const r = resourceFor('', 'pods');
  const scalar = fc.oneof(fc.constantFrom('a', 'b'), fc.constantFrom(1, 2), fc.constant(undefined), fc.constant(null));
  const port = fc.record({ containerPort: fc.constantFrom(80, 81), name: fc.constantFrom('http', undefined), protocol: fc.constant('TCP') }, { requiredKeys: ['containerPort', 'protocol'] });
  const container = fc.oneof(
    { weight: 9, arbitrary: fc.record({ name: fc.constantFrom('app', 'side'), image: fc.constantFrom('nginx:1', 'nginx:2', undefined), ports: fc.array(port, { maxLength: 2 }), extra: scalar }, { requiredKeys: ['name'] }) },
    { weight: 1, arbitrary: fc.constantFrom(null, 'x', [] as unknown[]) },
  );
  const spec = fc.record({
    containers: fc.array(container, { maxLength: 3 }),
    initContainers: fc.oneof(fc.constant(undefined), fc.array(container, { maxLength: 2 })),
    nodeName: fc.constantFrom(undefined, '', 'node-1', 'node-2', 'Bad_Node'),
    tolerations: fc.array(fc.record({ key: fc.constantFrom('k1', 'k2') }), { maxLength: 2 }),
    activeDeadlineSeconds: fc.constantFrom(undefined, 10, 20),
    terminationGracePeriodSeconds: fc.constantFrom(undefined, 1, 30),
    restartPolicy: fc.constantFrom('Always', 'Never'),
    hostname: scalar,
  }, { requiredKeys: ['containers', 'restartPolicy'] });
  // Pairs that often share most of the spec, so both outcomes are common.
  const pair = spec.chain((prev) => fc.tuple(fc.constant(prev), fc.oneof(spec, fc.record({
    nodeName: fc.constantFrom(undefined, 'node-1', 'Bad_Node'),
    image: fc.constantFrom('nginx:1', 'nginx:3'),
    tolerations: fc.array(fc.record({ key: fc.constant('k3') }), { maxLength: 1 }),
  }).map(({ nodeName, image, tolerations }) => ({
    ...prev,
    nodeName,
    tolerations,
    containers: prev.containers.map((c) => (c !== null && typeof c === 'object' && !Array.isArray(c) ? { ...c, image } : c)),
  })))));
  let forbiddenSeen = 0;
  fc.assert(
    fc.property(pair, ([prevSpec, nextSpec]) => {
      const old = deepFreeze({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: prevSpec } as unknown as Pod);
      const next = deepFreeze({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: nextSpec } as unknown as Pod);
      const causes = validateObject(r, next, old).filter((x) => x.field?.startsWith('spec'));
      const isForbidden = causes.some((x) => x.field === 'spec' && x.reason === 'FieldValueForbidden');
      const wantForbidden = maskedSpecsDiffer(nextSpec as Record<string, unknown>, prevSpec as Record<string, unknown>);
      if (wantForbidden) forbiddenSeen++;
      const wantBadNode = !prevSpec.nodeName && nextSpec.nodeName === 'Bad_Node';
      return isForbidden === wantForbidden && causes.some((x) => x.field === 'spec.nodeName') === wantBadNode;
    }),
    { numRuns: 1000 },
  );
  t.true(forbiddenSeen > 100 && forbiddenSeen < 900, `both outcomes exercised (${forbiddenSeen} forbidden of 1000)`);
});

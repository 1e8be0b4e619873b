import test from 'ava';
import type { KubeObject } from '../../../api-types/meta.js';
import { ApiError } from '../../../apiserver/errors.js';
import { applyPatch } from '../../../apiserver/patch/index.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const services = resourceFor('', 'services');
const now = '2026-03-04T05:06:07Z';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A Service as the server stores it after `kubectl apply` created it (defaults filled in). */
function storedService(): KubeObject {
  const applied = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }] } };
  return deepFreeze({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '5', annotations: { [LAST_APPLIED]: `${JSON.stringify(applied)}\n` } },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.0.0.10',
      clusterIPs: ['10.0.0.10'],
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
      ],
    },
  });
}

test('applyPatch › kubectl apply of an unchanged file (empty patch) changes nothing', (t) => {
  const current = storedService();
  const { object, created } = applyPatch(services, current, 'application/strategic-merge-patch+json', '{}', { now });
  t.deepEqual(object, current);
  t.false(created);
});

test('applyPatch › kubectl apply after removing a port deletes it and keeps server defaults on the rest', (t) => {
  const current = storedService();
  const patch = {
    metadata: { annotations: { [LAST_APPLIED]: '{"new":"config"}\n' } },
    spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ $patch: 'delete', port: 443 }] },
  };
  const { object } = applyPatch(services, current, 'application/strategic-merge-patch+json', JSON.stringify(patch), { now });
  const spec = object.spec as { ports: unknown[]; clusterIP: string };
  t.deepEqual(spec.ports, [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
  t.is(spec.clusterIP, '10.0.0.10');
  t.is(object.metadata.annotations?.[LAST_APPLIED], '{"new":"config"}\n');
});

test('applyPatch › kubectl apply changing a targetPort and adding a label merges by port', (t) => {
  const current = storedService();
  const patch = {
    metadata: { labels: { tier: 'fe' } },
    spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 443 }], ports: [{ port: 80, targetPort: 8081 }] },
  };
  const { object } = applyPatch(services, current, 'application/strategic-merge-patch+json', JSON.stringify(patch), { now });
  t.deepEqual((object.spec as { ports: unknown[] }).ports, [
    { name: 'http', port: 80, targetPort: 8081, protocol: 'TCP' },
    { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
  ]);
  t.deepEqual(object.metadata.labels, { tier: 'fe' });
});

test('applyPatch › a JSON patch edits a copy and leaves the stored object alone', (t) => {
  const current = storedService();
  const { object } = applyPatch(services, current, 'application/json-patch+json',
    '[{"op":"test","path":"/spec/ports/0/port","value":80},{"op":"replace","path":"/spec/ports/0/targetPort","value":9000}]', { now });
  t.is((object.spec as { ports: { targetPort: number }[] }).ports[0].targetPort, 9000);
  t.is((current.spec as { ports: { targetPort: number }[] }).ports[0].targetPort, 8080);
  t.false(Object.isFrozen(object.spec));
});

test('applyPatch › a failed JSON patch test is a 422 Invalid', (t) => {
  const err = t.throws(() => applyPatch(services, storedService(), 'application/json-patch+json',
    '[{"op":"test","path":"/spec/type","value":"NodePort"}]', { now }), { instanceOf: ApiError });
  t.is(err?.code, 422);
  t.is(err?.reason, 'Invalid');
  t.is(err?.message, 'the server rejected our request due to an error in our request');
});

test('applyPatch › a merge patch replaces the ports list whole', (t) => {
  const { object } = applyPatch(services, storedService(), 'application/merge-patch+json', '{"spec":{"ports":[{"port":8080}]},"metadata":{"labels":{"a":"b"}}}', { now });
  t.deepEqual((object.spec as { ports: unknown[] }).ports, [{ port: 8080 }]);
  t.deepEqual(object.metadata.labels, { a: 'b' });
});

const malformed: [string, Parameters<typeof applyPatch>[2], string][] = [
  ['merge patch that is not JSON', 'application/merge-patch+json', '{'],
  ['merge patch that is null', 'application/merge-patch+json', 'null'],
  ['merge patch that is an array', 'application/merge-patch+json', '[1]'],
  ['strategic patch that is an array', 'application/strategic-merge-patch+json', '[]'],
  ['JSON patch that is not JSON', 'application/json-patch+json', 'nope'],
  ['apply body that is not YAML', 'application/apply-patch+yaml', 'a: [1'],
  ['apply body that is a list', 'application/apply-patch+yaml', '- a'],
];

for (const [name, type, body] of malformed) {
  test(`applyPatch › ${name} is a 400`, (t) => {
    const err = t.throws(() => applyPatch(services, storedService(), type, body, { now, fieldManager: 'm' }), { instanceOf: ApiError });
    t.is(err?.code, 400);
    t.is(err?.reason, 'BadRequest');
  });
}

test('applyPatch › an apply patch without fieldManager is a 422 in Kubernetes\' words', (t) => {
  const err = t.throws(() => applyPatch(services, undefined, 'application/apply-patch+yaml', 'apiVersion: v1\nkind: Service\n', { now }), { instanceOf: ApiError });
  t.is(err?.code, 422);
  t.is(err?.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  t.deepEqual(err?.status.details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }]);
});

test('applyPatch › force on a non-apply patch is a 422', (t) => {
  const err = t.throws(() => applyPatch(services, storedService(), 'application/merge-patch+json', '{}', { now, force: true }), { instanceOf: ApiError });
  t.is(err?.code, 422);
  t.is(err?.message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
});

test('applyPatch › an apply patch with the wrong apiVersion is a 400', (t) => {
  const err = t.throws(() => applyPatch(services, undefined, 'application/apply-patch+yaml', 'apiVersion: apps/v1\nkind: Service\n', { now, fieldManager: 'm' }), { instanceOf: ApiError });
  t.is(err?.code, 400);
  t.is(err?.message, 'Incorrect version specified in apply patch. Specified patch version: apps/v1, expected: v1');
});

test('applyPatch › an apply patch creates when there is no object', (t) => {
  const { object, created } = applyPatch(services, undefined, 'application/apply-patch+yaml',
    '{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}}', { now, fieldManager: 'm' });
  t.true(created);
  t.deepEqual(object.spec, { ports: [{ port: 80 }] });
  t.is(object.metadata.managedFields?.[0]?.manager, 'm');
});

test('applyPatch › a non-apply patch without a current object is a programming error', (t) => {
  t.throws(() => applyPatch(services, undefined, 'application/merge-patch+json', '{}', { now }), { instanceOf: TypeError });
});

const protoBodies: [string, Parameters<typeof applyPatch>[2], string][] = [
  ['JSON patch', 'application/json-patch+json', '[{"op":"add","path":"/metadata/labels/__proto__","value":{"polluted":"yes"}}]'],
  ['merge patch', 'application/merge-patch+json', '{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}'],
  ['strategic merge patch', 'application/strategic-merge-patch+json', '{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}'],
  ['apply patch', 'application/apply-patch+yaml', '{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","labels":{"__proto__":{"polluted":"yes"}}}}'],
];

for (const [name, type, body] of protoBodies) {
  test(`applyPatch › a ${name} with a __proto__ key sets an own member and pollutes no prototype`, (t) => {
    const current = deepFreeze({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { a: 'b' } } });
    const { object } = applyPatch(services, current, type, body, { now, fieldManager: 'm' });
    const labels = object.metadata.labels as Record<string, unknown>;
    t.true(Object.prototype.hasOwnProperty.call(labels, '__proto__'));
    t.is(Object.getPrototypeOf(labels), Object.prototype);
    t.is(({} as Record<string, unknown>).polluted, undefined);
  });
}

import test from 'ava';
import fc from 'fast-check';
import { startApiServer, type ApiServerHandle } from '../../../apiserver/index.js';
import { ALL_KINDS } from '../../../apiserver/protobuf/registry.js';
import { RESOURCES, groupVersion } from '../../../apiserver/resources.js';
import { messageArb } from '../../helpers/schema-arbitrary.js';
import { call } from './api-client.js';

// Random requests against every served resource: junk query parameters, bodies of any JSON,
// objects shaped like their kind, every content type. Bad input gets a 4xx; the only 5xx are the
// ones kube-apiserver answers too.
let s: ApiServerHandle;
test.before(async () => {
  s = await startApiServer({ port: 0 });
});
test.after.always(() => s?.close());

/** Objects the random patches and updates find: one of each of the commonly used kinds. */
const SEEDS: [string, object][] = [
  ['/api/v1/namespaces/default/configmaps', { metadata: { name: 'a' }, data: { x: 'y' } }],
  ['/api/v1/namespaces/default/services', { metadata: { name: 'a', labels: { app: 'a' } }, spec: { ports: [{ port: 80, name: 'http' }], selector: { app: 'a' } } }],
  ['/api/v1/namespaces/default/services', { metadata: { name: 'b' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } }],
  ['/api/v1/namespaces/default/pods', { metadata: { name: 'a', labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }], nodeName: 'n1' } }],
  ['/api/v1/namespaces/default/endpoints', { metadata: { name: 'a' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] }],
  ['/api/v1/nodes', { metadata: { name: 'a' } }],
  ['/apis/coordination.k8s.io/v1/namespaces/default/leases', { metadata: { name: 'a' }, spec: { holderIdentity: 'x' } }],
  ['/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', { metadata: { name: 'a' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] }],
];

/**
 * 5xx answers kube-apiserver gives too: a create carrying a resourceVersion, a too-new
 * resourceVersion, apply's typed-object errors, a DeleteOptions body that does not decode, and
 * the strategic merge patch errors interpretStrategicMergePatchError passes through.
 */
function isExpected5xx(method: string, status: number, message: string): boolean {
  if (status === 504) return message.startsWith('Too large resource version');
  if (method === 'DELETE' && message.startsWith('json: cannot unmarshal')) return true;
  if (method === 'PATCH' && status === 500 && STRATEGIC_MERGE_500.some((re) => re.test(message))) return true;
  return message === 'resourceVersion should not be set on objects to be created' || message.startsWith('failed to create typed patch object');
}

/** strategicpatch's errors kube-apiserver answers with a 500 (mergepatch ErrNoMergeKey, ErrBadPatchType, ErrBadArgType, …). */
const STRATEGIC_MERGE_500 = [
  /^map: map\[.*\] does not contain declared merge key: /s,
  /^unknown patch type: .* in map: map\[/s,
  /^expected a \S.*, but received a /,
  /^merging lists cannot yet be specified in the patch$/,
  /^The order in patch list:\n/,
];

const junk = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', '0', '-1', '1e3', '9999999999999999999', '%', 'a=b', 'a!=b', 'a in (b)', '!a', 'metadata.name=x', 'x=y,z', ',', '=', 'true', 'Exact', 'NotOlderThan', 'Strict', 'Ignore', 'All', 'Orphan'));
const params = fc.dictionary(
  fc.constantFrom('labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'timeoutSeconds', 'dryRun', 'fieldManager', 'fieldValidation', 'force', 'propagationPolicy', 'gracePeriodSeconds', 'orphanDependents'),
  junk,
  { maxKeys: 4 },
);
const json = fc.jsonValue({ maxDepth: 4 });
const looseObject = fc.record(
  { apiVersion: fc.constantFrom('v1', 'apps/v1', 'x'), kind: fc.constantFrom('Service', 'Pod', 'Status'), metadata: fc.oneof(json, fc.record({ name: fc.constantFrom('a', 'b', 'A', ''), resourceVersion: fc.constantFrom('1', 'x', ''), labels: json, finalizers: json, generateName: fc.constantFrom('g-', '') }, { requiredKeys: [] })), spec: json, status: json },
  { requiredKeys: [] },
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
  r: fc.constantFrom(...RESOURCES),
  ns: fc.constantFrom('default', 'default', 'kube-system', 'missing'),
  name: fc.constantFrom('a', 'a', 'b'),
  sub: fc.constantFrom(undefined, undefined, 'status', 'finalize', 'x'),
  params,
  body: fc.option(fc.oneof(json, looseObject, fc.string({ maxLength: 20 }))),
  isShaped: fc.boolean(),
  shapeSeed: fc.integer(),
  contentType: fc.constantFrom('application/json', 'application/yaml', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml', 'text/plain', 'application/vnd.kubernetes.protobuf'),
});

test('fuzz › random requests get a 4xx or what kube-apiserver answers, never an unexpected 5xx, and no warning on the server’s stderr', async (t) => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  const unexpected: string[] = [];
  let count = 0;
  await fc.assert(
    fc.asyncProperty(request, async (q) => {
      if (count++ % 40 === 0) for (const [path, body] of SEEDS) await call(s, 'POST', path, { body });
      const base = q.r.group ? `/apis/${groupVersion(q.r)}` : '/api/v1';
      const named = q.method !== 'POST' || q.sub !== undefined;
      let path = `${base}${q.r.namespaced ? `/namespaces/${q.ns}` : ''}/${q.r.resource}${named ? `/${q.name}${q.sub ? `/${q.sub}` : ''}` : ''}`;
      const query = new URLSearchParams(q.params).toString();
      if (query) path += `?${query}`;
      let body: unknown = q.body ?? undefined;
      const key = ALL_KINDS[groupVersion(q.r)]?.[q.r.kind];
      if (q.isShaped && key !== undefined) {
        const shaped = fc.sample(messageArb(key, 3), { seed: q.shapeSeed, numRuns: 1 })[0];
        body = { ...shaped, apiVersion: groupVersion(q.r), kind: q.r.kind, metadata: { name: q.name } };
      }
      const a = await call(s, q.method, path, { body, headers: body === undefined ? {} : { 'content-type': q.contentType } });
      if (a.status >= 500 && !isExpected5xx(q.method, a.status, a.json?.message ?? '')) unexpected.push(`${q.method} ${path} ${q.contentType} -> ${a.status} ${a.text.slice(0, 200)}`);
      t.true(a.status >= 200 && a.status < 600);
    }),
    { numRuns: 600 },
  );
  t.deepEqual(unexpected, []);
  t.deepEqual(warnings, []);
  t.is((await call(s, 'GET', '/readyz')).status, 200);
});

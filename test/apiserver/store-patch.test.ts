import test from 'ava';
import type { KubeObject } from '../../api-types/meta.js';
import { ApiError } from '../../apiserver/errors.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { FakeStoreClock } from '../helpers/fake-store-clock.js';

const configmaps = resourceFor('', 'configmaps');
const services = resourceFor('', 'services');

function setup() {
  const s = new MemoryStore({ clock: new FakeStoreClock() });
  const seen: string[] = [];
  s.watch(configmaps, {}, { event: (e) => seen.push(e.type), end: () => {} });
  const a = s.create(configmaps, 'default', { metadata: { name: 'a', labels: { x: '1' } }, data: { k: 'v' } });
  return { s, a, seen };
}

const MERGE = 'application/merge-patch+json';

test('patch › merge patch is stored like an update (new RV, MODIFIED)', (t) => {
  const { s, a, seen } = setup();
  const { object, created } = s.patch(configmaps, 'default', 'a', MERGE, JSON.stringify({ data: { k: null, n: 'm' } }));
  t.false(created);
  t.deepEqual(object.data, { n: 'm' });
  t.is(Number(object.metadata.resourceVersion), Number(a.metadata.resourceVersion) + 1);
  t.deepEqual(seen, ['ADDED', 'MODIFIED']);
});

test('patch › JSON patch and strategic merge patch', (t) => {
  const { s } = setup();
  const j = s.patch(configmaps, 'default', 'a', 'application/json-patch+json', JSON.stringify([{ op: 'add', path: '/data/j', value: '1' }])).object;
  t.deepEqual(j.data, { k: 'v', j: '1' });
  const sm = s.patch(configmaps, 'default', 'a', 'application/strategic-merge-patch+json', JSON.stringify({ metadata: { labels: { y: '2' } } })).object;
  t.deepEqual(sm.metadata.labels, { x: '1', y: '2' });
});

test('patch › a resourceVersion inside the patch is a precondition (409 when stale)', (t) => {
  const { s, a } = setup();
  s.patch(configmaps, 'default', 'a', MERGE, JSON.stringify({ metadata: { resourceVersion: a.metadata.resourceVersion }, data: { k: 'w' } }));
  const err = t.throws(() => s.patch(configmaps, 'default', 'a', MERGE, JSON.stringify({ metadata: { resourceVersion: a.metadata.resourceVersion }, data: { k: 'z' } })), { instanceOf: ApiError }) as ApiError;
  t.is(err.code, 409);
});

test('patch › a patch that changes nothing is a no-op', (t) => {
  const { s, a, seen } = setup();
  const { object } = s.patch(configmaps, 'default', 'a', MERGE, JSON.stringify({ data: { k: 'v' } }));
  t.is(object.metadata.resourceVersion, a.metadata.resourceVersion);
  t.deepEqual(seen, ['ADDED']);
});

test('patch › missing object: 404 for merge, create (created=true) for apply', (t) => {
  const { s } = setup();
  t.is((t.throws(() => s.patch(configmaps, 'default', 'nope', MERGE, '{}')) as ApiError).code, 404);
  const applied = s.patch(configmaps, 'default', 'b', 'application/apply-patch+yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: v\n', { fieldManager: 'me' });
  t.true(applied.created);
  t.deepEqual(applied.object.data, { k: 'v' });
  t.is(applied.object.metadata.managedFields?.[0]?.manager, 'me');
  t.is(applied.object.metadata.managedFields?.length, 1);
});

test('patch › status subresource: /status patches change status and metadata, never the spec; main patches keep the status', (t) => {
  const { s } = setup();
  s.create(services, 'default', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
  const st = s.patch(services, 'default', 'web', MERGE, JSON.stringify({ metadata: { labels: { a: 'b' } }, spec: { ports: [{ port: 81 }] }, status: { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } } }), { subresource: 'status' }).object;
  t.deepEqual(st.status, { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } });
  t.deepEqual(st.metadata.labels, { a: 'b' }, 'serviceStatusStrategy resets only the spec');
  t.deepEqual((st.spec as { ports: unknown[] }).ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  const main = s.patch(services, 'default', 'web', MERGE, JSON.stringify({ metadata: { labels: { a: 'c' } }, status: { loadBalancer: {} } })).object;
  t.deepEqual(main.metadata.labels, { a: 'c' });
  t.deepEqual(main.status, st.status);
});

test('patch › a malformed patch is the patch engine 400, not a 500', (t) => {
  const { s } = setup();
  const err = t.throws(() => s.patch(configmaps, 'default', 'a', MERGE, '{not json'), { instanceOf: ApiError }) as ApiError;
  t.is(err.code, 400);
});

test('patch › dryRun changes nothing', (t) => {
  const { s, a, seen } = setup();
  const { object } = s.patch(configmaps, 'default', 'a', MERGE, JSON.stringify({ data: { k: 'dry' } }), { dryRun: true });
  t.deepEqual(object.data, { k: 'dry' });
  t.deepEqual(s.get(configmaps, 'default', 'a').data, a.data);
  t.deepEqual(seen, ['ADDED']);
});

test('writes with a fieldManager record managedFields; without one they stay untracked', (t) => {
  const { s } = setup();
  const tracked = s.create(configmaps, 'default', { metadata: { name: 't' }, data: { k: 'v' } }, { fieldManager: 'ctrl' });
  t.is(tracked.metadata.managedFields?.[0]?.manager, 'ctrl');
  t.is(tracked.metadata.managedFields?.[0]?.operation, 'Update');
  const plain: KubeObject = s.get(configmaps, 'default', 'a');
  t.is(plain.metadata.managedFields, undefined);
});

test('an update that leaves managedFields out keeps them; [] clears them', (t) => {
  const { s } = setup();
  s.create(configmaps, 'default', { metadata: { name: 't' }, data: { k: 'v' } }, { fieldManager: 'ctrl' });
  const cur = s.get(configmaps, 'default', 't');
  const kept = s.update(configmaps, 'default', 't', { ...cur, metadata: { ...cur.metadata, managedFields: undefined }, data: { k: 'w' } }).object;
  t.is(kept.metadata.managedFields?.[0]?.manager, 'ctrl');
  const cleared = s.update(configmaps, 'default', 't', { ...kept, metadata: { ...kept.metadata, managedFields: [] } }).object;
  t.deepEqual(cleared.metadata.managedFields ?? [], []);
});

test('patch › a patched object must still name the object on the URL (400, patch.go checkName); nothing is written', (t) => {
  const { s, a, seen } = setup();
  const fail = (type: string, body: unknown) => t.throws(() => s.patch(configmaps, 'default', 'a', type as typeof MERGE, typeof body === 'string' ? body : JSON.stringify(body)), { instanceOf: ApiError }) as ApiError;
  const renamed = fail('application/json-patch+json', [{ op: 'replace', path: '/metadata/name', value: 'c2' }]);
  t.is(renamed.code, 400);
  t.is(renamed.status.message, 'the name of the object (c2) does not match the name on the URL (a)');
  t.is(fail(MERGE, { metadata: { name: 'other' } }).status.message, 'the name of the object (other) does not match the name on the URL (a)');
  const unnamed = fail('application/json-patch+json', [{ op: 'remove', path: '/metadata/name' }]);
  t.is(unnamed.status.message, 'the name of the object (a based on URL) was undeterminable: name must be provided');
  const apply = t.throws(() => s.patch(configmaps, 'default', 'new', 'application/apply-patch+yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: default}\ndata: {k: v}\n', { fieldManager: 'me' }), { instanceOf: ApiError }) as ApiError;
  t.is(apply.code, 400, 'an apply with no name creates nothing');
  t.is(apply.status.message, 'the name of the object (new based on URL) was undeterminable: name must be provided');
  t.is(s.get(configmaps, 'default', 'a').metadata.resourceVersion, a.metadata.resourceVersion);
  t.deepEqual(seen, ['ADDED']);
});

test('patch › a patch that changes the kind no longer decodes into the type: 422 on "patch"', (t) => {
  const { s } = setup();
  const err = t.throws(() => s.patch(configmaps, 'default', 'a', MERGE, JSON.stringify({ kind: 'Secret' })), { instanceOf: ApiError }) as ApiError;
  t.is(err.code, 422);
  t.is(err.status.details?.causes?.[0].field, 'patch');
  t.regex(err.status.message ?? '', /converting \(v1\.Secret\) to \(core\.ConfigMap\): unknown conversion$/);
});

test('patch › an apply to /status records its ownership, so another manager\'s change of those fields conflicts', (t) => {
  const s = new MemoryStore({ clock: new FakeStoreClock() });
  const nodes = resourceFor('', 'nodes');
  s.create(nodes, undefined, { metadata: { name: 'n1' } });
  const cond = (status: string) => `apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus:\n  conditions:\n  - {type: Other3, status: "${status}"}\n`;
  const first = s.patch(nodes, undefined, 'n1', 'application/apply-patch+yaml', cond('True'), { fieldManager: 'ctl3', subresource: 'status' }).object;
  const mine = first.metadata.managedFields?.find((e) => e.manager === 'ctl3');
  t.like(mine, { operation: 'Apply', subresource: 'status' });
  t.deepEqual(Object.keys((mine?.fieldsV1 as { 'f:status': { 'f:conditions': object } })['f:status']['f:conditions']), ['k:{"type":"Other3"}']);
  const err = t.throws(() => s.patch(nodes, undefined, 'n1', 'application/apply-patch+yaml', cond('False'), { fieldManager: 'zzz', subresource: 'status' }), { instanceOf: ApiError }) as ApiError;
  t.is(err.code, 409);
  t.is(err.status.message, 'Apply failed with 1 conflict: conflict with "ctl3" with subresource "status": .status.conditions[type="Other3"].status');
  // A label sent through /status is kept, as the Node status strategy resets only the spec.
  const labelled = s.patch(nodes, undefined, 'n1', MERGE, JSON.stringify({ metadata: { labels: { zone: 'a' } } }), { subresource: 'status' }).object;
  t.deepEqual(labelled.metadata.labels, { zone: 'a' });
  s.close();
});

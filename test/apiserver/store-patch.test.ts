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

test('patch › status subresource: /status patches change only status; main patches keep it', (t) => {
  const { s } = setup();
  s.create(services, 'default', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
  const st = s.patch(services, 'default', 'web', MERGE, JSON.stringify({ metadata: { labels: { a: 'b' } }, status: { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } } }), { subresource: 'status' }).object;
  t.deepEqual(st.status, { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } });
  t.is(st.metadata.labels, undefined);
  const main = s.patch(services, 'default', 'web', MERGE, JSON.stringify({ metadata: { labels: { a: 'b' } }, status: { loadBalancer: {} } })).object;
  t.deepEqual(main.metadata.labels, { a: 'b' });
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

import test from 'ava';
import type { KubeObject, Status, WatchEvent } from '../../api-types/meta.js';
import { ApiError } from '../../apiserver/errors.js';
import { InProcessClient } from '../../apiserver/in-process-client.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import type { WatchListener } from '../../controllers/runtime/kube-client.js';
import { FakeStoreClock } from '../helpers/fake-store-clock.js';

const CM = { group: '', version: 'v1', resource: 'configmaps' };
const SVC = { group: '', version: 'v1', resource: 'services' };

function setup() {
  const clock = new FakeStoreClock();
  const store = new MemoryStore({ clock });
  const client = new InProcessClient(store, { clock });
  return { clock, store, client, cms: client.resource(CM) };
}

/** Collects a watch; `done` resolves at end(). */
function collector() {
  const events: WatchEvent[] = [];
  let resolveEnd: (err: Error | undefined) => void = () => {};
  const done = new Promise<Error | undefined>((res) => { resolveEnd = res; });
  let ends = 0;
  const listener: WatchListener<KubeObject> = {
    event: (ev) => { events.push(ev); },
    end: (err) => { ends++; resolveEnd(err); },
  };
  return { events, done, listener, ends: () => ends };
}

const flush = () => new Promise<void>((res) => setImmediate(res));

test('InProcessClient › create/get/update/list/delete round trip', async (t) => {
  const { cms } = setup();
  const created = await cms.create('default', { metadata: { name: 'a' }, data: { k: 'v' } });
  t.is(created.metadata.namespace, 'default');
  const got = await cms.get('default', 'a');
  t.deepEqual(got.data, { k: 'v' });
  const updated = await cms.update({ ...got, data: { k: 'w' } });
  t.not(updated.metadata.resourceVersion, got.metadata.resourceVersion);
  const list = await cms.list({ namespace: 'default' });
  t.deepEqual(list.items.map((i) => i.metadata.name), ['a']);
  const st = (await cms.delete('default', 'a')) as Status;
  t.is(st.status, 'Success');
  const err = await t.throwsAsync(cms.get('default', 'a'), { instanceOf: ApiError });
  t.is(err?.code, 404);
});

test('InProcessClient › calls complete asynchronously', async (t) => {
  const { cms, store } = setup();
  const p = cms.create('default', { metadata: { name: 'a' } });
  t.is(store.list(resourceFor('', 'configmaps')).items.length, 0);
  await p;
  t.is(store.list(resourceFor('', 'configmaps')).items.length, 1);
});

test('InProcessClient › errors are the store ApiErrors (409 on a stale update)', async (t) => {
  const { cms } = setup();
  const a = await cms.create('default', { metadata: { name: 'a' } });
  await cms.update({ ...a, data: { x: '1' } });
  const err = await t.throwsAsync(cms.update({ ...a, data: { x: '2' } }), { instanceOf: ApiError });
  t.is(err?.code, 409);
  t.is(err?.reason, 'Conflict');
});

test('InProcessClient › updateStatus never changes the spec (metadata is the request\'s, as kube-apiserver\'s status strategy leaves it)', async (t) => {
  const { client } = setup();
  const svcs = client.resource(SVC);
  const s = await svcs.create('default', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
  const st = await svcs.updateStatus({ ...s, metadata: { ...s.metadata, labels: { a: 'b' } }, spec: { ports: [{ port: 81 }] }, status: { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } } });
  t.deepEqual(st.status, { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } });
  t.deepEqual((st.spec as { ports: { port: number }[] }).ports.map((p) => p.port), [80]);
  t.deepEqual(st.metadata.labels, { a: 'b' });
});

test('InProcessClient › unknown resource or version is a 404', async (t) => {
  const { client } = setup();
  const err = await t.throwsAsync(client.resource({ group: 'batch', version: 'v1', resource: 'jobs' }).list(), { instanceOf: ApiError });
  t.is(err?.code, 404);
  t.is(err?.status.message, 'the server could not find the requested resource');
  const wrongVersion = await t.throwsAsync(client.resource({ group: '', version: 'v2', resource: 'configmaps' }).get('default', 'x'), { instanceOf: ApiError });
  t.is(wrongVersion?.code, 404);
});

test('InProcessClient › watch delivers asynchronously and in order, then end() when the store closes it', async (t) => {
  const { cms, store } = setup();
  const c = collector();
  const rv = store.currentResourceVersion();
  await cms.create('default', { metadata: { name: 'a' } });
  await cms.watch({ resourceVersion: rv }, c.listener);
  await flush();
  const before = c.events.length;
  store.create(resourceFor('', 'configmaps'), 'default', { metadata: { name: 'b' } });
  t.is(c.events.length, before, 'nothing is delivered synchronously');
  await cms.delete('default', 'a');
  await flush();
  t.deepEqual(c.events.map((e) => `${e.type} ${(e.object as KubeObject).metadata.name}`), ['ADDED a', 'ADDED b', 'DELETED a']);
  store.closeAllWatches();
  t.is(await c.done, undefined);
  t.is(c.ends(), 1);
});

test('InProcessClient › a 410 at watch start is an ERROR event with the Status, then end()', async (t) => {
  const { cms, store } = setup();
  const old = store.currentResourceVersion();
  await cms.create('default', { metadata: { name: 'a' } });
  store.compact();
  const c = collector();
  await cms.watch({ resourceVersion: old }, c.listener);
  await c.done;
  t.is(c.events.length, 1);
  t.is(c.events[0].type, 'ERROR');
  t.is((c.events[0].object as Status).code, 410);
  t.is((c.events[0].object as Status).reason, 'Expired');
});

test('InProcessClient › other watch start errors reject', async (t) => {
  const { cms } = setup();
  const err = await t.throwsAsync(cms.watch({ labelSelector: 'a in b' }, collector().listener), { instanceOf: ApiError });
  t.is(err?.code, 400);
});

test('InProcessClient › stop() ends delivery without end()', async (t) => {
  const { cms } = setup();
  const c = collector();
  const w = await cms.watch({}, c.listener);
  await cms.create('default', { metadata: { name: 'a' } });
  w.stop();
  await cms.create('default', { metadata: { name: 'b' } });
  await flush();
  t.true(c.events.length <= 1);
  t.false(c.events.some((e) => (e.object as KubeObject).metadata.name === 'b'));
  t.is(c.ends(), 0);
});

test('InProcessClient › timeoutSeconds ends the watch on the clock, after a bookmark if allowed', async (t) => {
  const { cms, clock } = setup();
  const c = collector();
  await cms.watch({ timeoutSeconds: 5, allowWatchBookmarks: true }, c.listener);
  clock.advance(4999);
  await flush();
  t.is(c.ends(), 0);
  clock.advance(1);
  t.is(await c.done, undefined);
  t.deepEqual(c.events.map((e) => e.type), ['BOOKMARK']);
});

test('InProcessClient › a listener that throws ends its watch with that error', async (t) => {
  const { cms } = setup();
  let ended: Error | undefined;
  const done = new Promise<void>((res) => {
    void cms.watch({}, { event: () => { throw new Error('boom'); }, end: (err) => { ended = err; res(); } });
  });
  await flush();
  await cms.create('default', { metadata: { name: 'a' } });
  await done;
  t.is(ended?.message, 'boom');
});

test('InProcessClient › patch passes through to the store (404 for a missing object)', async (t) => {
  const { cms } = setup();
  const err = await t.throwsAsync(cms.patch('default', 'nope', 'application/merge-patch+json', { data: { a: 'b' } }), { instanceOf: ApiError });
  t.is(err?.code, 404);
});

test('InProcessClient › watch listeners share the store\'s frozen event object; editing it fails loudly and changes nothing', async (t) => {
  const { store, cms } = setup();
  const mutator = collector();
  const reader = collector();
  let thrown: unknown;
  await cms.watch({}, {
    event: (ev) => {
      mutator.listener.event(ev);
      try {
        (ev.object as KubeObject).data = { mine: 'yes' };
      } catch (err) {
        thrown = err;
      }
    },
    end: mutator.listener.end,
  });
  await cms.watch({}, reader.listener);
  await cms.create('default', { metadata: { name: 'a' }, data: { k: 'v' } });
  await flush();
  t.true(thrown instanceof TypeError);
  t.is(reader.events.length, 1);
  t.is(reader.events[0].object, mutator.events[0].object);
  t.true(Object.isFrozen(reader.events[0].object));
  t.deepEqual((reader.events[0].object as KubeObject).data, { k: 'v' });
  t.deepEqual(store.get(resourceFor('', 'configmaps'), 'default', 'a').data, { k: 'v' });
});

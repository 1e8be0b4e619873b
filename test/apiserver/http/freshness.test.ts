import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { startApiServer, type ApiServerHandle } from '../../../apiserver/index.js';
import { MemoryStore } from '../../../apiserver/store.js';
import { FRESHNESS_WAIT_MS } from '../../../apiserver/version-waiters.js';
import { FakeStoreClock } from '../../helpers/fake-store-clock.js';
import { call, type Answer } from './api-client.js';

// A read "not older than" a version the server has not reached waits for it, as kube-apiserver's
// watch cache does (watch_cache.go waitUntilFreshAndBlock), up to 3 s, then answers 504.

const clock = new FakeStoreClock();
const store = new MemoryStore({ clock });
let s: ApiServerHandle;
test.before(async () => {
  s = await startApiServer({ port: 0, store });
});
test.after.always(() => s?.close());

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } });

/** Sends `path`; resolves, with the answer to come, once the server has started waiting (its timer is pending). */
async function waiting(path: string): Promise<{ answer: Promise<Answer> }> {
  const before = clock.pendingCount();
  const answer = call(s, 'GET', path);
  for (let i = 0; i < 200 && clock.pendingCount() === before; i++) await sleep(5);
  if (clock.pendingCount() === before) throw new Error(`no wait started for ${path}`);
  return { answer };
}

test.serial('a get and a list from the future are answered when a write reaches their version', async (t) => {
  t.is((await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('f1') })).status, 201);
  const next = String(Number(store.currentResourceVersion()) + 1);
  const get = await waiting(`/api/v1/namespaces/default/configmaps/f1?resourceVersion=${next}`);
  const list = await waiting(`/api/v1/namespaces/default/configmaps?resourceVersion=${next}&resourceVersionMatch=NotOlderThan`);
  t.is((await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('f2') })).status, 201);
  const [g, l] = await Promise.all([get.answer, list.answer]);
  t.is(g.status, 200, g.text);
  t.is(l.status, 200, l.text);
  t.is(l.json.metadata.resourceVersion, next);
  t.deepEqual(l.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['f1', 'f2']);
  t.is(clock.pendingCount(), 0);
});

test.serial('one that is still ahead after the wait is a 504 Too large resource version, retry after 1 s', async (t) => {
  const ahead = String(Number(store.currentResourceVersion()) + 5);
  const { answer } = await waiting(`/api/v1/namespaces/default/configmaps/f1?resourceVersion=${ahead}`);
  let settled = false;
  void answer.then(() => (settled = true));
  clock.advance(FRESHNESS_WAIT_MS - 1);
  await sleep(50);
  t.false(settled);
  clock.advance(1);
  const a = await answer;
  t.is(a.status, 504);
  t.is(a.json.message, `Too large resource version: ${ahead}, current: ${store.currentResourceVersion()}`);
  t.deepEqual(a.json.details.causes, [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
  t.is(a.headers['retry-after'], '1');
});

test.serial('Exact and legacy exact lists, bad requests, and versions already reached do not wait', async (t) => {
  const ahead = String(Number(store.currentResourceVersion()) + 5);
  const list = `/api/v1/namespaces/default/configmaps?resourceVersion=${ahead}`;
  t.is((await call(s, 'GET', `${list}&resourceVersionMatch=Exact`)).status, 504);
  // A limit without a match is a legacy exact list, which kube-apiserver 1.33 hands to etcd.
  t.is((await call(s, 'GET', `${list}&limit=5`)).status, 504);
  // Validated before any wait.
  t.is((await call(s, 'GET', `${list}&labelSelector=a%20in%20b`)).status, 400);
  t.is((await call(s, 'GET', `${list}&resourceVersionMatch=Bogus`)).status, 422);
  const reached = await call(s, 'GET', `/api/v1/namespaces/default/configmaps?resourceVersion=${store.currentResourceVersion()}`);
  t.is(reached.status, 200);
  t.is(clock.pendingCount(), 0);
});

import test, { type ExecutionContext } from 'ava';
import { startApiServer, type ApiServerHandle } from '../../../apiserver/index.js';
import { call, watch } from './api-client.js';
import { FakeTimers } from './fake-timers.js';

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } });

async function server(t: ExecutionContext): Promise<{ s: ApiServerHandle; timers: FakeTimers }> {
  const timers = new FakeTimers();
  const s = await startApiServer({ port: 0, faults: true, timers });
  t.teardown(() => s.close());
  return { s, timers };
}

async function createNamespace(s: ApiServerHandle, name: string): Promise<void> {
  const a = await call(s, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
  if (a.status !== 201) throw new Error(a.text);
}

test('watch › without a resourceVersion: synthetic ADDED for what exists, then live changes, one JSON line each', async (t) => {
  const { s } = await server(t);
  await createNamespace(s, 'w1');
  await call(s, 'POST', '/api/v1/namespaces/w1/configmaps', { body: cm('a') });
  const w = await watch(s, '/api/v1/namespaces/w1/configmaps?watch=true');
  t.is(w.res.statusCode, 200);
  t.is(w.res.headers['content-type'], 'application/json');
  await w.reader.until(() => w.reader.lines.length === 1, 'the synthetic ADDED');
  await call(s, 'POST', '/api/v1/namespaces/w1/configmaps', { body: cm('b') });
  await call(s, 'DELETE', '/api/v1/namespaces/w1/configmaps/a');
  await w.reader.until(() => w.reader.lines.length === 3, 'three events');
  t.deepEqual(w.reader.lines.map((l) => [l.type, (l.object.metadata as { name: string }).name]), [['ADDED', 'a'], ['ADDED', 'b'], ['DELETED', 'a']]);
  w.close();
});

test('watch › from a resourceVersion replays every later change, deletes included', async (t) => {
  const { s } = await server(t);
  await createNamespace(s, 'w2');
  const first = (await call(s, 'POST', '/api/v1/namespaces/w2/configmaps', { body: cm('a') })).json;
  const rv = first.metadata.resourceVersion;
  await call(s, 'PUT', '/api/v1/namespaces/w2/configmaps/a', { body: { ...first, data: { k: 'changed' } } });
  await call(s, 'DELETE', '/api/v1/namespaces/w2/configmaps/a');
  const w = await watch(s, `/api/v1/namespaces/w2/configmaps?watch=1&resourceVersion=${rv}`);
  await w.reader.until(() => w.reader.lines.length === 2, 'the replay');
  t.deepEqual(w.reader.lines.map((l) => l.type), ['MODIFIED', 'DELETED']);
  w.close();
});

test('watch › the deprecated /watch/ path with a name watches that object', async (t) => {
  const { s } = await server(t);
  await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('one') });
  await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('two') });
  const w = await watch(s, '/api/v1/watch/namespaces/default/configmaps/two');
  await w.reader.until(() => w.reader.lines.length >= 1, 'the object');
  await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/one');
  await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/two');
  await w.reader.until(() => w.reader.lines.length === 2, 'its deletion');
  t.deepEqual(w.reader.lines.map((l) => [l.type, (l.object.metadata as { name: string }).name]), [['ADDED', 'two'], ['DELETED', 'two']]);
  w.close();
});

test('watch › a resourceVersion older than the history is one ERROR 410 event, then close', async (t) => {
  const { s } = await server(t);
  const rv = (await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('old') })).json.metadata.resourceVersion;
  await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/old');
  s.faults!.compact();
  const w = await watch(s, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
  t.is(w.res.statusCode, 200);
  await w.reader.until(() => w.reader.ended, 'the close');
  t.is(w.reader.lines.length, 1);
  t.is(w.reader.lines[0].type, 'ERROR');
  t.like(w.reader.lines[0].object, { kind: 'Status', code: 410, reason: 'Expired' });
  t.regex((w.reader.lines[0].object as { message: string }).message, /^too old resource version: /);
});

test('watch › timeoutSeconds closes cleanly, after a BOOKMARK when bookmarks are allowed', async (t) => {
  const { s, timers } = await server(t);
  const w = await watch(s, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=30');
  const rv = (await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('tb') })).json.metadata.resourceVersion;
  await w.reader.until(() => w.reader.lines.length === 1, 'the ADDED');
  timers.advance(29_999);
  t.false(w.reader.ended);
  timers.advance(1);
  await w.reader.until(() => w.reader.ended, 'the timeout close');
  t.deepEqual(w.reader.lines.map((l) => l.type), ['ADDED', 'BOOKMARK']);
  t.is((w.reader.lines[1].object as { kind: string }).kind, 'ConfigMap');
  t.is((w.reader.lines[1].object.metadata as { resourceVersion: string }).resourceVersion, rv);
  await until(() => s.openWatchCount() === 0, 'the stream to be forgotten');
});

test('watch › periodic BOOKMARKs every minute keep an idle watch informed', async (t) => {
  const { s, timers } = await server(t);
  const w = await watch(s, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&allowWatchBookmarks=true');
  timers.advance(60_000);
  timers.advance(60_000);
  await w.reader.until(() => w.reader.lines.length === 2, 'two bookmarks');
  t.true(w.reader.lines.every((l) => l.type === 'BOOKMARK'));
  t.false(w.reader.ended);
  w.close();
});

test('watch › a client disconnect ends the server side', async (t) => {
  const { s } = await server(t);
  const w = await watch(s, '/api/v1/namespaces/default/configmaps?watch=true');
  t.is(s.openWatchCount(), 1);
  w.close();
  await until(() => s.openWatchCount() === 0, 'the stream to be dropped');
  t.is(s.openWatchCount(), 0);
});

test('watch › a bad selector is a plain 400 Status, not a stream', async (t) => {
  const { s } = await server(t);
  const a = await call(s, 'GET', '/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=spec.x%3Dy');
  t.is(a.status, 400);
  t.is(a.json.kind, 'Status');
  t.is(s.openWatchCount(), 0);
});

test('faults › close all watches ends every stream (in-process and over HTTP)', async (t) => {
  const { s } = await server(t);
  const a = await watch(s, '/api/v1/namespaces/default/configmaps?watch=true');
  const b = await watch(s, '/api/v1/pods?watch=true');
  s.faults!.closeAllWatches();
  await a.reader.until(() => a.reader.ended, 'stream a to end');
  await b.reader.until(() => b.reader.ended, 'stream b to end');
  const c = await watch(s, '/api/v1/namespaces/default/configmaps?watch=true');
  const admin = await call(s, 'POST', '/svcplane/faults/close-watches', { body: {} });
  t.is(admin.status, 200);
  await c.reader.until(() => c.reader.ended, 'stream c to end');
});

test('faults › fail the next N matching requests with 429 + Retry-After, 500 and 409', async (t) => {
  const { s } = await server(t);
  s.faults!.failNext({ verb: 'create', resource: 'configmaps', count: 2, code: 429, retryAfterSeconds: 2 });
  for (let i = 0; i < 2; i++) {
    const a = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('f') });
    t.is(a.status, 429);
    t.is(a.headers['retry-after'], '2');
    t.like(a.json, { reason: 'TooManyRequests', details: { retryAfterSeconds: 2 } });
  }
  t.is((await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('f') })).status, 201);
  await call(s, 'POST', '/svcplane/faults/fail', { body: { verb: 'get', resource: '*', code: 500 } });
  const e = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/f');
  t.is(e.status, 500);
  t.is(e.json.reason, 'InternalError');
  s.faults!.failNext({ verb: 'update', resource: 'configmaps', code: 409 });
  const c = await call(s, 'PUT', '/api/v1/namespaces/default/configmaps/f', { body: cm('f') });
  t.like(c.json, { code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on configmaps "f": the object has been modified; please apply your changes to the latest version and try again' });
  const log = (await call(s, 'GET', '/svcplane/faults/requests')).json.items as { verb?: string; code: number; injected: boolean }[];
  t.is(log.filter((l) => l.injected).length, 4);
  t.true(log.some((l) => l.verb === 'create' && l.code === 201 && !l.injected));
});

test('faults › delayed watch delivery holds events for the delay, in order', async (t) => {
  const { s, timers } = await server(t);
  const w = await watch(s, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1');
  await call(s, 'POST', '/svcplane/faults/watch-delay', { body: { ms: 500 } });
  await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('d1') });
  await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('d2') });
  await new Promise((r) => setImmediate(r));
  t.is(w.reader.lines.length, 0);
  timers.advance(500);
  await w.reader.until(() => w.reader.lines.length === 2, 'the delayed events');
  t.deepEqual(w.reader.lines.map((l) => (l.object.metadata as { name: string }).name), ['d1', 'd2']);
  const rv = (await call(s, 'GET', '/svcplane/faults/resource-version')).json.resourceVersion;
  t.is(rv, s.store.currentResourceVersion());
  w.close();
});

async function until(pred: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('watch › a streaming list: initial ADDED events, then the BOOKMARK marking their end', async (t) => {
  const { s } = await server(t);
  await createNamespace(s, 'sl');
  await call(s, 'POST', '/api/v1/namespaces/sl/configmaps', { body: cm('a') });
  await call(s, 'POST', '/api/v1/namespaces/sl/configmaps', { body: cm('b') });
  const w = await watch(s, '/api/v1/namespaces/sl/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
  await w.reader.until(() => w.reader.lines.length === 3, 'the initial events and the bookmark');
  t.deepEqual(w.reader.lines.map((l) => l.type), ['ADDED', 'ADDED', 'BOOKMARK']);
  t.deepEqual((w.reader.lines[2].object.metadata as { annotations?: Record<string, string> }).annotations, { 'k8s.io/initial-events-end': 'true' });
  w.close();
});

test('close › ends open watches and idle keep-alive connections promptly', async (t) => {
  const s = await startApiServer({ port: 0 });
  const w = await watch(s, '/api/v1/pods?watch=true');
  await call(s, 'GET', '/api/v1/namespaces');
  const t0 = Date.now();
  await s.close();
  await w.reader.until(() => w.reader.ended, 'the watch to end');
  t.true(Date.now() - t0 < 5000, "close() does not wait for clients to hang up");
  await t.throwsAsync(call(s, 'GET', '/healthz'));
});

test('watch › while watched, write answers are the stored object (shared with the event line), dry runs their own content', async (t) => {
  const { s } = await server(t);
  const w = await watch(s, '/api/v1/namespaces/default/configmaps?watch=true');
  const created = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('shared') });
  t.is(created.status, 201);
  const got = (await call(s, 'GET', '/api/v1/namespaces/default/configmaps/shared')).json;
  t.deepEqual(created.json, got);
  const updated = await call(s, 'PUT', '/api/v1/namespaces/default/configmaps/shared', { body: { ...got, data: { k: 'two' } } });
  t.is(updated.status, 200);
  t.deepEqual(updated.json, (await call(s, 'GET', '/api/v1/namespaces/default/configmaps/shared')).json);
  await w.reader.until(() => w.reader.lines.length === 2, 'both events');
  t.deepEqual(w.reader.lines.map((l) => l.object), [created.json, updated.json]);
  // A dry run right after a committed write shows its own content, never the cached line.
  const [real, dry] = await Promise.all([
    call(s, 'PUT', '/api/v1/namespaces/default/configmaps/shared', { body: { ...updated.json, data: { k: 'three' } } }),
    call(s, 'PUT', '/api/v1/namespaces/default/configmaps/shared?dryRun=All', { body: { ...updated.json, data: { k: 'dry' } } }),
  ]);
  t.is(real.json.data.k, 'three');
  if (dry.status === 200) t.is(dry.json.data.k, 'dry');
  else t.is(dry.status, 409);
  w.close();
});

import test from 'ava';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { RequestTimeoutError } from '../../../controllers/runtime/abort.js';
import { HttpKubeClient, type HttpKubeClientOptions } from '../../../controllers/runtime/http-client.js';
import { tokenBucketThrottle } from '../../../controllers/runtime/throttle.js';
import { ApiError } from '../../../apiserver/errors.js';
import type { KubeObject, WatchEvent } from '../../../api-types/meta.js';
import { eventually } from '../../helpers/eventually.js';
import { FakeClock } from '../../helpers/fake-clock.js';

interface Seen {
  method: string;
  url: string;
  auth?: string;
  contentType?: string;
  body: string;
}

/** A scripted server: records each request and answers with the handler's reply. */
async function scripted(handler: (req: Seen, res: http.ServerResponse) => void, serverPath = '', options: Partial<HttpKubeClientOptions> = {}) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString() };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}${serverPath}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const client = new HttpKubeClient({ ...options, kubeConfig: kc });
  let connections = 0;
  server.on('connection', () => connections++);
  return {
    seen,
    client,
    connections: () => connections,
    close: async () => {
      client.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function reply(res: http.ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

test('http client › builds core, grouped, namespaced and status paths and sends the bearer token', async (t) => {
  const s = await scripted((_req, res) => reply(res, 200, { metadata: { name: 'x' } }));
  try {
    const svc = s.client.resource({ group: '', version: 'v1', resource: 'services' });
    const slices = s.client.resource({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' });
    await svc.get('default', 'web');
    await svc.list({ labelSelector: 'a in (b,c)', limit: 10, continue: 'tok' });
    await slices.list({ namespace: 'ns1' });
    await svc.updateStatus({ metadata: { name: 'web', namespace: 'default', resourceVersion: '5' } });
    await svc.patch('default', 'web', 'application/merge-patch+json', { spec: { type: 'NodePort' } }, { fieldManager: 'me' });
    await svc.delete('default', 'web', { gracePeriodSeconds: 0 });
    await svc.delete('default', 'web', { dryRun: true, propagationPolicy: 'Orphan' });
    t.deepEqual(s.seen.map((r) => `${r.method} ${r.url}`), [
      'GET /api/v1/namespaces/default/services/web',
      'GET /api/v1/services?labelSelector=a+in+%28b%2Cc%29&limit=10&continue=tok',
      'GET /apis/discovery.k8s.io/v1/namespaces/ns1/endpointslices',
      'PUT /api/v1/namespaces/default/services/web/status',
      'PATCH /api/v1/namespaces/default/services/web?fieldManager=me',
      'DELETE /api/v1/namespaces/default/services/web',
      // A DELETE with a body has its options read from the body only, dryRun too.
      'DELETE /api/v1/namespaces/default/services/web',
    ]);
    t.true(s.seen.every((r) => r.auth === 'Bearer secret-token'));
    t.is(s.seen[4].contentType, 'application/merge-patch+json');
    t.deepEqual(JSON.parse(s.seen[4].body), { spec: { type: 'NodePort' } });
    t.deepEqual(JSON.parse(s.seen[5].body), { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
    t.deepEqual(JSON.parse(s.seen[6].body), { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan', dryRun: ['All'] });
  } finally {
    await s.close();
  }
});

test('http client › a server URL with a path (behind a gateway) prefixes every request; requests without a query end at the path', async (t) => {
  const s = await scripted((_req, res) => reply(res, 200, { metadata: { name: 'x' } }), '/k8s/clusters/c-1/');
  try {
    const svc = s.client.resource({ group: '', version: 'v1', resource: 'services' });
    await svc.get('default', 'web');
    await svc.create('default', { metadata: { name: 'web' } }, { dryRun: true });
    await svc.list({});
    t.deepEqual(s.seen.map((r) => `${r.method} ${r.url}`), [
      'GET /k8s/clusters/c-1/api/v1/namespaces/default/services/web',
      'POST /k8s/clusters/c-1/api/v1/namespaces/default/services?dryRun=All',
      'GET /k8s/clusters/c-1/api/v1/services',
    ]);
  } finally {
    await s.close();
  }
});

test('http client › a Status answer becomes an ApiError with its code, reason and causes', async (t) => {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Conflict', code: 409, message: 'Operation cannot be fulfilled', details: { name: 'web', kind: 'services' } };
  const s = await scripted((req, res) => (req.url.includes('plain') ? (res.writeHead(503), res.end('busy')) : reply(res, 409, status)));
  try {
    const svc = s.client.resource({ group: '', version: 'v1', resource: 'services' });
    const err = await t.throwsAsync(svc.update({ metadata: { name: 'web', namespace: 'default' } }), { instanceOf: ApiError });
    t.is(err?.code, 409);
    t.is(err?.reason, 'Conflict');
    t.is(err?.status.details?.name, 'web');
    const plain = await t.throwsAsync(svc.get('plain', 'x'), { instanceOf: ApiError });
    t.is(plain?.code, 503);
  } finally {
    await s.close();
  }
});

test('http client › a watch delivers NDJSON events split across chunks, then end() on close', async (t) => {
  const s = await scripted((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    const a = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '2' } } });
    const b = JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'a', resourceVersion: '3' } } });
    res.write(a.slice(0, 10));
    setImmediate(() => {
      res.write(`${a.slice(10)}\n${b}\n`);
      res.end();
    });
  });
  try {
    const pods = s.client.resource({ group: '', version: 'v1', resource: 'pods' });
    const events: WatchEvent[] = [];
    const ended = new Promise<Error | undefined>((resolve) => {
      void pods.watch({ namespace: 'default', resourceVersion: '1', allowWatchBookmarks: true, timeoutSeconds: 300 }, { event: (e) => events.push(e), end: resolve });
    });
    t.is(await ended, undefined);
    t.deepEqual(events.map((e) => `${e.type} ${(e.object as KubeObject).metadata.resourceVersion}`), ['ADDED 2', 'DELETED 3']);
    t.regex(s.seen[0].url, /^\/api\/v1\/namespaces\/default\/pods\?watch=true&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=300$/);
  } finally {
    await s.close();
  }
});

test('http client › a watch the server refuses rejects with the ApiError', async (t) => {
  const s = await scripted((_req, res) => reply(res, 410, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (5)' }));
  try {
    const pods = s.client.resource({ group: '', version: 'v1', resource: 'pods' });
    const err = await t.throwsAsync(pods.watch({ resourceVersion: '1' }, { event: () => {}, end: () => {} }), { instanceOf: ApiError });
    t.is(err?.code, 410);
  } finally {
    await s.close();
  }
});

test('http client › requests share at most maxSockets connections; watches hold their own, outside the limit', async (t) => {
  const s = await scripted((req, res) => {
    // Watches stay open until the client closes.
    if (req.url.includes('watch=true')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      return;
    }
    reply(res, 200, { metadata: { name: 'x' } });
  }, '', { maxSockets: 3 });
  try {
    const pods = s.client.resource({ group: '', version: 'v1', resource: 'pods' });
    // More open watches than the limit: requests must still flow.
    for (let i = 0; i < 4; i++) await pods.watch({ namespace: 'default' }, { event: () => {}, end: () => {} });
    const got = await Promise.all(Array.from({ length: 40 }, (_, i) => pods.get('default', `p${i}`)));
    t.is(got.length, 40);
    t.true(s.connections() <= 4 + 3, `${s.connections()} connections for 4 watches and 40 concurrent requests`);
  } finally {
    await s.close();
  }
});

test('http client › maxSockets must be an integer of at least 1', (t) => {
  const kubeConfig = new KubeConfig();
  t.throws(() => new HttpKubeClient({ kubeConfig, maxSockets: 0 }), { instanceOf: RangeError, message: /maxSockets: expected an integer >= 1, got 0/ });
  t.throws(() => new HttpKubeClient({ kubeConfig, maxSockets: 1.5 }), { instanceOf: RangeError });
});

test('http client › plain http without insecure-skip-tls-verify is refused, as client-node refuses it', async (t) => {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: 'http://127.0.0.1:1' }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  const client = new HttpKubeClient({ kubeConfig: kc });
  await t.throwsAsync(client.resource({ group: '', version: 'v1', resource: 'pods' }).get('default', 'p'), { message: /HTTP protocol is not allowed/ });
});

test('http client › a request with no answer fails at requestTimeoutMs (on the clock); the wait in the rate limit does not count', async (t) => {
  const clock = new FakeClock();
  // The server reads every request and answers none (a stopped proxy).
  const s = await scripted(() => {}, '', { requestTimeoutMs: 5_000, clock, throttle: tokenBucketThrottle(1, 1, clock) });
  try {
    const svc = s.client.resource({ group: '', version: 'v1', resource: 'services' });
    const outcomes: string[] = [];
    const errors: unknown[] = [];
    const failed = (name: string) => (err: unknown) => {
      errors.push(err);
      outcomes.push(`${name} ${(err as RequestTimeoutError).code}`);
    };
    const first = svc.get('default', 'a').catch(failed('a'));
    const second = svc.get('default', 'b').catch(failed('b'));
    await eventually('the first request reached the server', () => s.seen.length === 1);
    clock.advance(1_000);
    // The second left the rate limit 1 s later: its timeout runs from then.
    await eventually('the second request reached the server', () => s.seen.length === 2);
    clock.advance(3_999);
    await new Promise((r) => setImmediate(r));
    t.deepEqual(outcomes, []);
    clock.advance(1);
    await first;
    t.deepEqual(outcomes, ['a RequestTimeout']);
    clock.advance(1_000);
    await second;
    t.deepEqual(outcomes, ['a RequestTimeout', 'b RequestTimeout']);
    t.true(errors[0] instanceof RequestTimeoutError);
    t.regex((errors[0] as Error).message, /^GET \/api\/v1\/namespaces\/default\/services\/a: no answer within 5000ms/);
  } finally {
    await s.close();
  }
});

test('http client › requestTimeoutMs does not cut a watch', async (t) => {
  const clock = new FakeClock();
  const s = await scripted((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
  }, '', { requestTimeoutMs: 1_000, clock });
  try {
    let ended = false;
    const w = await s.client.resource({ group: '', version: 'v1', resource: 'pods' }).watch({}, { event: () => {}, end: () => (ended = true) });
    clock.advance(60_000);
    await new Promise((r) => setImmediate(r));
    t.false(ended);
    w.stop();
  } finally {
    await s.close();
  }
});

test('http client › withSignal: an abort ends a wait in the rate limit (the request is never sent) and tears down a request on the wire', async (t) => {
  const clock = new FakeClock();
  const s = await scripted(() => {}, '', { clock, throttle: tokenBucketThrottle(1, 1, clock) });
  try {
    const abort = new AbortController();
    const svc = s.client.withSignal(abort.signal).resource({ group: '', version: 'v1', resource: 'services' });
    const onWire = svc.get('default', 'a');
    const throttled = svc.update({ metadata: { name: 'b', namespace: 'default' } });
    await eventually('the first request reached the server', () => s.seen.length === 1);
    const reason = new Error('stopping');
    abort.abort(reason);
    t.is(await t.throwsAsync(onWire), reason);
    t.is(await t.throwsAsync(throttled), reason);
    clock.advance(10_000);
    await new Promise((r) => setImmediate(r));
    t.is(s.seen.length, 1, 'the throttled request was never sent');
    t.is(await t.throwsAsync(svc.get('default', 'c')), reason, 'nor is any later one');
    t.is(s.seen.length, 1);
  } finally {
    await s.close();
  }
});

import test, { type ExecutionContext } from 'ava';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WatchEvent } from '../../../api-types/meta.js';
import { WatchFlusher } from '../../../apiserver/http/watch-flush.js';
import { EventLineCache, WatchStream, type WatchStreamOptions } from '../../../apiserver/http/watch-stream.js';
import { rememberJsonBeforeFreeze, storedJsonBytes } from '../../../apiserver/json-text.js';
import { freezeJson } from '../../../apiserver/store-meta.js';
import { FakeTimers } from './fake-timers.js';
import { NdjsonReader as LineReader } from './ndjson-reader.js';

interface Harness {
  server: Server;
  timers: FakeTimers;
  stream: WatchStream;
  reader: LineReader;
  res: IncomingMessage;
  stopped: () => boolean;
  done: () => boolean;
}

async function open(t: ExecutionContext, opts: Partial<WatchStreamOptions> = {}, startWith: WatchEvent[] = []): Promise<Harness> {
  const timers = new FakeTimers();
  let stream!: WatchStream;
  let stopped = false;
  let done = false;
  const server = createServer((_req, res) => {
    stream = new WatchStream(res, {
      kind: 'Pod',
      apiVersion: 'v1',
      timers,
      timeoutMs: 10_000,
      allowBookmarks: false,
      bookmarkResourceVersion: () => '42',
      onDone: () => (done = true),
      ...opts,
    });
    for (const ev of startWith) stream.event(ev);
    stream.begin({ stop: () => (stopped = true) });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const res = await new Promise<IncomingMessage>((resolve) => get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, resolve));
  return { server, timers, stream, reader: new LineReader(res), res, stopped: () => stopped, done: () => done };
}

const pod = (name: string, rv: string): WatchEvent => ({ type: 'ADDED', object: { metadata: { name, resourceVersion: rv } } });

test('WatchStream › headers arrive before any event, as JSON', async (t) => {
  const h = await open(t);
  t.is(h.res.statusCode, 200);
  t.is(h.res.headers['content-type'], 'application/json');
  t.is(h.res.headers['transfer-encoding'], 'chunked');
  t.is(h.reader.lines.length, 0);
});

test('WatchStream › events queued during the replay come first, one JSON line each', async (t) => {
  const h = await open(t, {}, [pod('a', '1'), pod('b', '2')]);
  h.stream.event({ type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '3' } } });
  await h.reader.until(() => h.reader.lines.length === 3, 'three events');
  t.deepEqual(h.reader.lines.map((l) => [l.type, l.object.metadata?.resourceVersion]), [['ADDED', '1'], ['ADDED', '2'], ['MODIFIED', '3']]);
});

/** A stream whose response counts its writes (each write is one chunk). */
async function openCounting(t: ExecutionContext, opts: Partial<WatchStreamOptions> = {}): Promise<{ stream: WatchStream; reader: LineReader; writes: () => number }> {
  const timers = new FakeTimers();
  let writes = 0;
  let stream!: WatchStream;
  const server = createServer((_req, res) => {
    const write = res.write.bind(res) as (chunk: unknown) => boolean;
    res.write = ((chunk: unknown) => {
      writes++;
      return write(chunk);
    }) as typeof res.write;
    stream = new WatchStream(res, { kind: 'Pod', apiVersion: 'v1', timers, timeoutMs: 10_000, allowBookmarks: false, bookmarkResourceVersion: () => '1', ...opts });
    stream.begin({ stop: () => {} });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const res = await new Promise<IncomingMessage>((resolve) => get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, resolve));
  return { stream, reader: new LineReader(res), writes: () => writes };
}

const added = (i: number): WatchEvent => ({ type: 'ADDED', object: { metadata: { name: `p${i}`, uid: `u${i}`, resourceVersion: String(i) } } });
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

test('WatchStream › events of one turn leave as one chunk (one response write), in order', async (t) => {
  const { stream, reader, writes } = await openCounting(t, { lineCache: new EventLineCache() });
  for (let i = 1; i <= 3; i++) stream.event(added(i));
  await reader.until(() => reader.lines.length === 3, 'three events');
  t.is(writes(), 1);
  stream.event(pod('p4', '4'));
  await reader.until(() => reader.lines.length === 4, 'the fourth event');
  t.is(writes(), 2);
  t.deepEqual(reader.lines.map((l) => l.object.metadata?.resourceVersion), ['1', '2', '3', '4']);
});

test('WatchStream › with a paced flusher, events of several turns within the interval leave as one chunk; close sends at once', async (t) => {
  const pacing = new FakeTimers();
  const flusher = new WatchFlusher(5, pacing, () => pacing.now());
  const { stream, reader, writes } = await openCounting(t, { lineCache: new EventLineCache(), flusher });
  stream.event(added(1));
  await reader.until(() => reader.lines.length === 1, 'the first event, at the end of its turn');
  t.is(writes(), 1);
  for (let i = 2; i <= 4; i++) {
    stream.event(added(i));
    await nextTurn();
  }
  t.is(writes(), 1, 'held while within the interval');
  t.is(reader.lines.length, 1);
  pacing.advance(5);
  await reader.until(() => reader.lines.length === 4, 'the held events');
  t.is(writes(), 2, 'three events of three turns in one chunk');
  // A held line is not lost when the stream ends before the paced send.
  pacing.advance(1);
  stream.event(added(5));
  await nextTurn();
  stream.event(added(6));
  stream.close();
  await reader.until(() => reader.ended, 'the end of the stream');
  t.deepEqual(reader.lines.map((l) => l.object.metadata?.resourceVersion), ['1', '2', '3', '4', '5', '6']);
  pacing.advance(10);
  t.is(writes(), 3);
});

test('WatchStream › timeoutSeconds ends the stream cleanly, with a BOOKMARK first when allowed', async (t) => {
  const h = await open(t, { allowBookmarks: true, timeoutMs: 5000 });
  h.timers.advance(4999);
  t.false(h.done());
  h.timers.advance(1);
  await h.reader.until(() => h.reader.ended, 'the end of the stream');
  t.deepEqual(h.reader.lines, [{ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '42' } } }]);
  t.true(h.stopped());
  t.true(h.done());
  t.is(h.timers.size(), 0);
});

test('WatchStream › without bookmarks the timeout close sends nothing', async (t) => {
  const h = await open(t, { timeoutMs: 1000 });
  h.timers.advance(1000);
  await h.reader.until(() => h.reader.ended, 'the end of the stream');
  t.deepEqual(h.reader.lines, []);
});

test('WatchStream › periodic BOOKMARKs when allowed, the stream stays open', async (t) => {
  const h = await open(t, { allowBookmarks: true, bookmarkIntervalMs: 60_000, timeoutMs: 600_000 });
  h.timers.advance(60_000);
  h.timers.advance(60_000);
  await h.reader.until(() => h.reader.lines.length === 2, 'two bookmarks');
  t.true(h.reader.lines.every((l) => l.type === 'BOOKMARK'));
  t.false(h.reader.ended);
});

test('WatchStream › a store handle with bookmark() supplies the BOOKMARK', async (t) => {
  const timers = new FakeTimers();
  let asked = 0;
  const server = createServer((_req, res) => {
    const stream = new WatchStream(res, { kind: 'Pod', apiVersion: 'v1', timers, timeoutMs: 1000, allowBookmarks: true, bookmarkResourceVersion: () => 'unused' });
    stream.begin({
      stop: () => {},
      bookmark: () => {
        asked++;
        stream.event({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '7' } } });
      },
    } as never);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const res = await new Promise<IncomingMessage>((resolve) => get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, resolve));
  const reader = new LineReader(res);
  timers.advance(1000);
  await reader.until(() => reader.ended, 'the end');
  t.is(asked, 1);
  t.is(reader.lines[0].object.metadata?.resourceVersion, '7');
});

test('WatchStream › a client disconnect stops the store watch', async (t) => {
  const h = await open(t);
  h.res.destroy();
  await h.reader.until(() => h.stopped(), 'the store watch to stop');
  t.true(h.done());
  t.is(h.timers.size(), 0);
});

test('WatchStream › the store ending the watch ends the response', async (t) => {
  const h = await open(t);
  h.stream.event(pod('a', '5'));
  h.stream.end();
  await h.reader.until(() => h.reader.ended, 'the end');
  t.is(h.reader.lines.length, 1);
});

test('WatchStream › delayed delivery keeps order and holds events until the delay passes', async (t) => {
  let delay = 100;
  const h = await open(t, { delayMs: () => delay });
  h.stream.event(pod('a', '1'));
  delay = 0;
  h.stream.event(pod('b', '2'));
  h.timers.advance(50);
  // Nothing may overtake the delayed first event.
  await new Promise((r) => setImmediate(r));
  t.is(h.reader.lines.length, 0);
  h.timers.advance(50);
  await h.reader.until(() => h.reader.lines.length === 2, 'both events');
  t.deepEqual(h.reader.lines.map((l) => (l.object.metadata as { name?: string }).name), ['a', 'b']);
});

test('WatchStream › a client that stops reading is cut off with a 410 ERROR, not buffered forever', async (t) => {
  const h = await open(t, { maxBufferedBytes: 64 * 1024 });
  h.res.pause();
  const big = 'x'.repeat(8 * 1024);
  for (let i = 0; i < 5000 && !h.done(); i++) h.stream.event({ type: 'ADDED', object: { metadata: { name: `p${i}`, resourceVersion: String(i) }, data: big } });
  t.true(h.done(), 'the stream gave up before 5000 events (40 MB)');
  t.true(h.stopped());
  h.res.resume();
  await h.reader.until(() => h.reader.ended, 'the end');
  const last = h.reader.lines[h.reader.lines.length - 1];
  t.is(last.type, 'ERROR');
  t.like(last.object, { kind: 'Status', code: 410, reason: 'Expired' });
});

test('WatchStream › failAtStart sends one ERROR event and closes', async (t) => {
  const timers = new FakeTimers();
  const server = createServer((_req, res) => {
    new WatchStream(res, { kind: 'Pod', apiVersion: 'v1', timers, timeoutMs: 1000, allowBookmarks: false, bookmarkResourceVersion: () => '1' }).failAtStart({
      apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410,
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const res = await new Promise<IncomingMessage>((resolve) => get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, resolve));
  const reader = new LineReader(res);
  await reader.until(() => reader.ended, 'the end');
  t.is(res.statusCode, 200);
  t.deepEqual(reader.lines.map((l) => l.type), ['ERROR']);
  t.like(reader.lines[0].object, { code: 410, message: 'too old resource version: 1 (5)' });
});

test('EventLineCache › one serialisation per change, shared by watchers; distinct events stay distinct', async (t) => {
  const cache = new EventLineCache();
  const obj = () => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', uid: 'u1', resourceVersion: '5' }, spec: { n: 1 } });
  const a = cache.lineFor({ type: 'MODIFIED', object: obj() });
  t.is(a, JSON.stringify({ type: 'MODIFIED', object: obj() }) + '\n');
  // A copy with the same identity and resourceVersion is the same line (the same string object).
  t.is(cache.lineFor({ type: 'MODIFIED', object: obj() }), a);
  t.is(cache.lineFor({ type: 'ADDED', object: obj() }), JSON.stringify({ type: 'ADDED', object: obj() }) + '\n');
  const bookmark = { type: 'BOOKMARK' as const, object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '5' } } };
  t.is(cache.lineFor(bookmark), JSON.stringify(bookmark) + '\n');
  // Entries last only for the current delivery.
  await Promise.resolve();
  const changed = { ...obj(), spec: { n: 2 } };
  t.is(cache.lineFor({ type: 'MODIFIED', object: changed }), JSON.stringify({ type: 'MODIFIED', object: changed }) + '\n');
});

test('EventLineCache › the bytes of a line are encoded once and shared by every watcher of the change', (t) => {
  const cache = new EventLineCache();
  const obj = () => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ä', uid: 'u1', resourceVersion: '5' } });
  const a = cache.chunkFor({ type: 'MODIFIED', object: obj() });
  t.is(a.toString('utf8'), cache.lineFor({ type: 'MODIFIED', object: obj() }));
  t.is(cache.chunkFor({ type: 'MODIFIED', object: obj() }), a);
  t.not(cache.chunkFor({ type: 'ADDED', object: obj() }), a);
});

test('EventLineCache › one event object handed to every watcher is one line; a stored object\'s line carries the answer\'s bytes', async (t) => {
  const cache = new EventLineCache();
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ä', uid: 'u1', resourceVersion: '5' }, spec: { n: 1 } };
  rememberJsonBeforeFreeze(object);
  freezeJson(object);
  const ev = { type: 'ADDED' as const, object };
  const line = cache.chunkFor(ev);
  t.is(line.toString('utf8'), JSON.stringify(ev) + '\n');
  t.is(cache.chunkFor(ev), line);
  t.is(cache.lineFor(ev), JSON.stringify(ev) + '\n');
  // The object's part is the very bytes a write's answer sends.
  const answer = storedJsonBytes(object);
  t.is(line.subarray(line.length - answer.length - 2, line.length - 2).compare(answer), 0);
  // After the delivery, a new event of another type is its own line.
  await Promise.resolve();
  const deleted = { type: 'DELETED' as const, object };
  t.is(cache.chunkFor(deleted).toString('utf8'), JSON.stringify(deleted) + '\n');
});

test('EventLineCache › join concatenates a batch once and hands the same bytes to every batch of the same lines', (t) => {
  const cache = new EventLineCache();
  const a = cache.chunkFor({ type: 'ADDED', object: { metadata: { name: 'a', uid: 'u1', resourceVersion: '1' } } });
  const b = cache.chunkFor({ type: 'ADDED', object: { metadata: { name: 'b', uid: 'u2', resourceVersion: '2' } } });
  const joined = cache.join([a, b, 'tail\n']);
  t.is(joined.toString('utf8'), a.toString('utf8') + b.toString('utf8') + 'tail\n');
  t.is(cache.join([a, b, 'tail\n']), joined);
  t.not(cache.join([a, b]), joined);
  t.is(cache.join([a, b]).toString('utf8'), a.toString('utf8') + b.toString('utf8'));
});

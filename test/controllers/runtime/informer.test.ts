import test from 'ava';
import fc from 'fast-check';
import { MemoryStore } from '../../../apiserver/store.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { tooManyRequests, internalError } from '../../../apiserver/errors.js';
import { FaultClient } from '../../../controllers/runtime/fault-client.js';
import { Informer, keyOf, mustRelist } from '../../../controllers/runtime/informer.js';
import type { KubeObject } from '../../../api-types/meta.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';

const configmaps = resourceFor('', 'configmaps');
const ref = { group: '', version: 'v1', resource: 'configmaps' };

function world(opts: { pageSize?: number } = {}) {
  const store = new MemoryStore();
  const faults = new FaultClient(new InProcessClient(store));
  const clock = new FakeClock(1_000_000);
  const relists: string[] = [];
  const informer = new Informer<KubeObject>({
    client: faults.resource(ref),
    name: 'configmaps',
    clock,
    random: () => 0.5,
    pageSize: opts.pageSize ?? 3,
    indexers: { byNamespace: (o) => [o.metadata.namespace ?? ''] },
    onRelist: (n) => relists.push(n),
  });
  const seen: string[] = [];
  informer.addHandler({
    onAdd: (o) => seen.push(`add ${keyOf(o)}`),
    onUpdate: (_old, o) => seen.push(`update ${keyOf(o)} ${o.data ? JSON.stringify(o.data) : ''}`),
    onDelete: (o) => seen.push(`delete ${keyOf(o)}`),
  });
  const put = (ns: string, name: string, v: string) => {
    try {
      const cur = store.get(configmaps, ns, name);
      store.update(configmaps, ns, name, { ...cur, data: { v } });
    } catch {
      store.create(configmaps, ns, { metadata: { name }, data: { v } });
    }
  };
  const del = (ns: string, name: string) => store.delete(configmaps, ns, name);
  /** The informer's cache equals the server's list. */
  const inSync = () => {
    const server = store.list(configmaps).items.map((o) => `${keyOf(o)}@${o.metadata.resourceVersion}`).sort();
    const cached = informer.list().map((o) => `${keyOf(o)}@${o.metadata.resourceVersion}`).sort();
    return { server, cached };
  };
  return { store, faults, clock, informer, seen, relists, put, del, inSync, close: () => (informer.stop(), store.close()) };
}

test('informer › lists every page, syncs, then follows adds, updates and deletes', async (t) => {
  const w = world({ pageSize: 2 });
  for (let i = 0; i < 5; i++) w.put('default', `c${i}`, 'a');
  w.informer.start();
  await w.informer.waitForSync();
  t.true(w.informer.hasSynced());
  t.is(w.informer.size, 5);
  t.is(w.faults.calls.filter((c) => c === 'list configmaps').length, 3, 'five items in pages of two');
  w.put('default', 'c1', 'b');
  w.del('default', 'c2');
  w.put('kube-system', 'x', 'a');
  await settle(10);
  t.deepEqual(w.inSync().cached, w.inSync().server);
  t.true(w.seen.includes('update default/c1 {"v":"b"}'));
  t.true(w.seen.includes('delete default/c2'));
  t.deepEqual(w.informer.byIndex('byNamespace', 'kube-system').map(keyOf), ['kube-system/x']);
  t.is(w.informer.byIndex('byNamespace', 'default').length, 4);
  w.close();
});

test('informer › a closed watch resumes from the last resourceVersion without relisting and misses nothing', async (t) => {
  const w = world();
  w.informer.start();
  await w.informer.waitForSync();
  w.put('default', 'a', '1');
  await settle(10);
  w.store.closeAllWatches();
  await settle(10);
  // Changes while no watch is open are replayed from history when the watch resumes.
  w.put('default', 'a', '2');
  w.put('default', 'b', '1');
  w.del('default', 'a');
  await settle(10);
  w.clock.advance(60_000);
  await settle(20);
  t.deepEqual(w.relists, ['configmaps'], 'only the first list');
  t.deepEqual(w.inSync().cached, w.inSync().server);
  t.true(w.seen.includes('delete default/a'));
  w.close();
});

test('informer › after compaction the watch gets 410 and the informer relists, seeing the gap as changes', async (t) => {
  const w = world();
  w.put('default', 'keep', '1');
  w.put('default', 'gone', '1');
  w.informer.start();
  await w.informer.waitForSync();
  w.faults.closeWatches();
  await settle(5);
  w.del('default', 'gone');
  w.put('default', 'keep', '2');
  w.store.compact();
  w.clock.advance(60_000);
  await settle(30);
  t.deepEqual(w.relists, ['configmaps', 'configmaps']);
  t.deepEqual(w.inSync().cached, w.inSync().server);
  t.true(w.seen.includes('delete default/gone'));
  t.true(w.seen.includes('update default/keep {"v":"2"}'));
  w.close();
});

test('informer › 500s and 429s back off with growing delays, sending nothing while waiting, and recover', async (t) => {
  const w = world();
  w.put('default', 'a', '1');
  w.faults.failNext({ verb: 'list', resource: 'configmaps', count: 3, error: () => internalError('etcd is sad') });
  w.informer.start();
  await settle(5);
  t.false(w.informer.hasSynced());
  const sentAfterFirst = w.informer.requests;
  // base 800 ms, jitter factor 1.0 (random 0.5): 800, 1600, 3200 ms.
  w.clock.advance(799);
  await settle(5);
  t.is(w.informer.requests, sentAfterFirst, 'nothing sent before the first backoff ends');
  w.clock.advance(1);
  await settle(5);
  t.is(w.informer.requests, sentAfterFirst + 1);
  w.clock.advance(1599);
  await settle(5);
  t.is(w.informer.requests, sentAfterFirst + 1, 'the second wait is twice as long');
  w.clock.advance(1);
  await settle(5);
  t.false(w.informer.hasSynced(), 'the third list failed too');
  w.clock.advance(3200);
  await settle(10);
  t.true(w.informer.hasSynced());
  // A 429 on watch is honoured: Retry-After 10 s beats the jittered backoff.
  w.faults.failNext({ verb: 'watch', resource: 'configmaps', count: 1, error: () => tooManyRequests(10) });
  w.faults.closeWatches();
  await settle(10);
  const before = w.informer.requests;
  w.put('default', 'b', '1');
  w.clock.advance(800);
  await settle(5);
  t.is(w.informer.requests, before + 1, 'the re-watch after a quiet close waits 800 ms and is answered 429');
  w.clock.advance(9_999);
  await settle(5);
  t.is(w.informer.requests, before + 1, 'no request inside Retry-After');
  w.clock.advance(1);
  await settle(10);
  t.is(w.informer.requests, before + 2);
  t.deepEqual(w.inSync().cached, w.inSync().server);
  w.close();
});

test('informer › a server that closes every watch at once cannot make it spin', async (t) => {
  const w = world();
  w.informer.start();
  await w.informer.waitForSync();
  const before = w.informer.requests;
  for (let i = 0; i < 20; i++) {
    w.faults.closeWatches();
    await settle(3);
  }
  // Without events, each immediate close waits a backoff: with the clock frozen, at most one re-watch.
  t.true(w.informer.requests - before <= 1, `re-watched ${w.informer.requests - before} times with no time passing`);
  w.close();
});

test('informer › a throwing handler is contained and later events still arrive', async (t) => {
  const w = world();
  let calls = 0;
  w.informer.addHandler({ onAdd: () => { calls++; throw new Error('boom'); } });
  w.informer.start();
  await w.informer.waitForSync();
  w.put('default', 'a', '1');
  w.put('default', 'b', '1');
  await settle(10);
  t.is(calls, 2);
  t.is(w.informer.size, 2);
  w.close();
});

test('informer › property: after any interleaving of writes and faults, the cache equals the server once faults stop', async (t) => {
  type Op = { k: 'put'; ns: number; n: number; v: number } | { k: 'del'; ns: number; n: number } | { k: 'close' } | { k: 'compact' } | { k: 'fail'; verb: 'list' | 'watch'; code: 500 | 429 } | { k: 'tick'; ms: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ k: fc.constant('put' as const), ns: fc.nat(1), n: fc.nat(4), v: fc.nat(3) }),
    fc.record({ k: fc.constant('del' as const), ns: fc.nat(1), n: fc.nat(4) }),
    fc.constant({ k: 'close' as const }),
    fc.constant({ k: 'compact' as const }),
    fc.record({ k: fc.constant('fail' as const), verb: fc.constantFrom('list' as const, 'watch' as const), code: fc.constantFrom(500 as const, 429 as const) }),
    fc.record({ k: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
  );
  await t.notThrowsAsync(fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
      const w = world();
      w.informer.start();
      await settle(3);
      for (const o of ops) {
        if (o.k === 'put') w.put(`ns${o.ns}`.replace('ns0', 'default').replace('ns1', 'kube-system'), `c${o.n}`, String(o.v));
        else if (o.k === 'del') {
          try { w.del(o.ns ? 'kube-system' : 'default', `c${o.n}`); } catch { /* not there */ }
        } else if (o.k === 'close') w.store.closeAllWatches();
        else if (o.k === 'compact') w.store.compact();
        else if (o.k === 'fail') w.faults.failNext({ verb: o.verb, resource: 'configmaps', error: () => (o.code === 500 ? internalError('x') : tooManyRequests(1)) });
        else w.clock.advance(o.ms);
        await settle(2);
      }
      w.faults.clearFaults();
      for (let i = 0; i < 8; i++) {
        w.clock.advance(40_000);
        await settle(6);
      }
      const { server, cached } = w.inSync();
      w.close();
      return JSON.stringify(server) === JSON.stringify(cached);
    }),
    { numRuns: 200 },
  ));
});

test('informer › an update that changes an index value moves the object; one that keeps it leaves the index alone', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const informer = new Informer<KubeObject>({
    client: new InProcessClient(store).resource(ref),
    name: 'configmaps',
    clock,
    random: () => 0.5,
    indexers: { byTier: (o) => (o.metadata.labels?.tier ? [o.metadata.labels.tier] : []) },
  });
  store.create(configmaps, 'default', { metadata: { name: 'a', labels: { tier: 'web' } }, data: { v: '1' } });
  informer.start();
  await informer.waitForSync();
  t.deepEqual(informer.byIndex('byTier', 'web').map(keyOf), ['default/a']);
  const cur = store.get(configmaps, 'default', 'a');
  store.update(configmaps, 'default', 'a', { ...cur, data: { v: '2' } });
  await settle(10);
  t.deepEqual(informer.byIndex('byTier', 'web').map((o) => o.data), [{ v: '2' }], 'same index value: the entry now yields the new object');
  const cur2 = store.get(configmaps, 'default', 'a');
  store.update(configmaps, 'default', 'a', { ...cur2, metadata: { ...cur2.metadata, labels: { tier: 'db' } } });
  await settle(10);
  t.deepEqual(informer.byIndex('byTier', 'web'), []);
  t.deepEqual(informer.byIndex('byTier', 'db').map(keyOf), ['default/a']);
  store.delete(configmaps, 'default', 'a');
  await settle(10);
  t.deepEqual(informer.byIndex('byTier', 'db'), []);
  informer.stop();
  store.close();
});

test('informer › a server whose history went back (504 Too large resource version) makes it relist, not re-watch forever', async (t) => {
  const before = new MemoryStore();
  for (let i = 0; i < 20; i++) before.create(configmaps, 'default', { metadata: { name: `old-${i}` } });
  let target = before;
  // One client whose server is swapped for an empty one, as after a restore or a test server's restart.
  const swappable = {
    resource: () => {
      const r = () => new InProcessClient(target).resource<KubeObject>(ref);
      return { list: (o: never) => r().list(o), watch: (o: never, l: never) => r().watch(o, l) };
    },
  };
  const relists: string[] = [];
  const clock = new FakeClock(1_000_000);
  const informer = new Informer<KubeObject>({
    client: swappable.resource() as never, name: 'configmaps', clock, random: () => 0.5, onRelist: (n) => relists.push(n),
  });
  informer.start();
  await informer.waitForSync();
  await settle(5);
  t.is(informer.size, 20);
  const after = new MemoryStore();
  after.create(configmaps, 'default', { metadata: { name: 'new' } });
  target = after;
  before.closeAllWatches();
  for (let i = 0; i < 10 && relists.length < 2; i++) {
    clock.advance(60_000);
    await settle(10);
  }
  t.deepEqual(relists, ['configmaps', 'configmaps']);
  t.deepEqual(informer.list().map((o) => o.metadata.name), ['new']);
  informer.stop();
  before.close();
  after.close();
});

test('informer › mustRelist: 410, Expired and Gone, and only the 504 of a too large resourceVersion', (t) => {
  t.true(mustRelist({ code: 410 }));
  t.true(mustRelist({ code: 500, reason: 'Expired' }));
  t.true(mustRelist({ code: 504, reason: 'Timeout', message: 'Too large resource version: 9, current: 4', details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] } }));
  t.true(mustRelist({ code: 504, message: 'Too large resource version: 9, current: 4' }));
  t.false(mustRelist({ code: 504, reason: 'Timeout', message: 'the server was unable to return a response in the time allotted' }));
  t.false(mustRelist({ code: 500, reason: 'InternalError' }));
});

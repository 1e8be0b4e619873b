import test from 'ava';
import fc from 'fast-check';
import { ItemExponentialFailureRateLimiter } from '../../../controllers/runtime/rate-limiter.js';
import { WorkQueue } from '../../../controllers/runtime/work-queue.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';

function newQueue(clock = new FakeClock()) {
  return { clock, q: new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1_000_000) }) };
}

/** Tracks whether a pending promise has settled, without awaiting it. */
function track<T>(p: Promise<T>): { settled: boolean; value?: T } {
  const s: { settled: boolean; value?: T } = { settled: false };
  void p.then((v) => { s.settled = true; s.value = v; });
  return s;
}

test('WorkQueue › dedupes a key added again before it is processed, keeping FIFO order', async (t) => {
  const { q } = newQueue();
  for (const k of ['a', 'b', 'a', 'c', 'b', 'a']) q.add(k);
  t.is(q.len, 3);
  t.deepEqual([await q.get(), await q.get(), await q.get()], ['a', 'b', 'c']);
  t.is(q.len, 0);
});

test('WorkQueue › never hands a processing key to a second worker; re-adds it once after done', async (t) => {
  const { q } = newQueue();
  q.add('a');
  t.is(await q.get(), 'a');
  q.add('a');
  q.add('a');
  t.is(q.len, 0, 'a dirtied while processing waits behind its own run');
  const second = track(q.get());
  await settle();
  t.false(second.settled);
  q.done('a');
  await settle();
  t.deepEqual(second, { settled: true, value: 'a' });
  q.done('a');
  t.is(q.len, 0, 'no third run: both adds during processing collapsed into one');
});

test('WorkQueue › done without a dirty re-add leaves the key gone; done of an unknown key is a no-op', async (t) => {
  const { q } = newQueue();
  q.add('a');
  await q.get();
  q.done('a');
  q.done('a');
  q.done('never-added');
  t.is(q.len, 0);
  q.add('a');
  t.is(q.len, 1, 'a finished key can be added again');
});

test('WorkQueue › a waiting get resolves on the next add, one key per getter', async (t) => {
  const { q } = newQueue();
  const g1 = track(q.get());
  const g2 = track(q.get());
  await settle();
  t.false(g1.settled);
  q.add('x');
  q.add('x'); // x is processing now (handed to g1): only dirties it
  await settle();
  t.deepEqual(g1, { settled: true, value: 'x' });
  t.false(g2.settled);
  q.add('y');
  await settle();
  t.deepEqual(g2, { settled: true, value: 'y' });
});

test('WorkQueue › keeps FIFO order across many keys (storage compaction)', async (t) => {
  const { q } = newQueue();
  const keys = Array.from({ length: 5000 }, (_, i) => `k${i}`);
  for (const k of keys.slice(0, 3000)) q.add(k);
  const got: string[] = [];
  for (let i = 0; i < 2500; i++) got.push((await q.get())!);
  for (const k of keys.slice(3000)) q.add(k);
  while (q.len > 0) got.push((await q.get())!);
  t.deepEqual(got, keys);
});

test('WorkQueue › addAfter adds only once the delay has passed on the injected clock', (t) => {
  const { q, clock } = newQueue();
  q.addAfter('a', 100);
  clock.advance(99);
  t.is(q.len, 0);
  clock.advance(1);
  t.is(q.len, 1);
  t.is(clock.pendingTimers, 0);
});

test('WorkQueue › addAfter coalesces per key: the earliest ready time wins', (t) => {
  const { q, clock } = newQueue();
  q.addAfter('a', 100);
  q.addAfter('a', 50);
  q.addAfter('a', 80);
  t.is(clock.pendingTimers, 1);
  clock.advance(50);
  t.is(q.len, 1);
  clock.advance(1000);
  t.is(q.len, 1, 'the later requests were folded into the first firing');
  q.addAfter('b', 30);
  q.addAfter('b', 300);
  clock.advance(30);
  t.is(q.len, 2);
  t.is(clock.pendingTimers, 0);
});

test('WorkQueue › addAfter with a delay <= 0 adds at once; NaN is refused', (t) => {
  const { q, clock } = newQueue();
  q.addAfter('a', 0);
  q.addAfter('b', -5);
  t.is(q.len, 2);
  t.is(clock.pendingTimers, 0);
  t.throws(() => q.addAfter('c', Number.NaN), { instanceOf: RangeError });
});

test('WorkQueue › addRateLimited backs off 5, 10, 20 ms per key and forget resets it', (t) => {
  const { q, clock } = newQueue();
  const readyAfter = (key: string): number => {
    const start = clock.now();
    q.addRateLimited(key);
    const due = clock.nextTimerAt()!;
    clock.advance(due - start);
    t.is(q.len, 1);
    void q.get();
    q.done(key);
    return due - start;
  };
  t.deepEqual([readyAfter('a'), readyAfter('a'), readyAfter('a')], [5, 10, 20]);
  t.is(q.numRequeues('a'), 3);
  q.forget('a');
  t.is(q.numRequeues('a'), 0);
  t.is(readyAfter('a'), 5);
});

test('WorkQueue › the default rate limiter is 5 ms–1000 s with the shared bucket, and maxRetries defaults to 15', (t) => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock });
  t.is(q.maxRetries, 15);
  q.addRateLimited('a');
  t.is(clock.nextTimerAt(), 5);
  t.throws(() => new WorkQueue({ clock, maxRetries: -1 }), { instanceOf: RangeError });
});

test('WorkQueue › after shutDown: adds ignored, delayed adds dropped, queued keys still served, then undefined', async (t) => {
  const { q, clock } = newQueue();
  q.add('a');
  q.addAfter('later', 10);
  q.shutDown();
  t.true(q.isShuttingDown);
  t.is(clock.pendingTimers, 0);
  q.add('b');
  q.addAfter('c', 0);
  q.addRateLimited('d');
  clock.advance(1000);
  t.is(await q.get(), 'a');
  t.is(await q.get(), undefined);
});

test('WorkQueue › shutDown releases waiting getters with undefined', async (t) => {
  const { q } = newQueue();
  const g = q.get();
  q.shutDown();
  t.is(await g, undefined);
});

test('WorkQueue › shutDownWithDrain resolves true once in-flight work is done', async (t) => {
  const { q } = newQueue();
  q.add('a');
  await q.get();
  const drained = track(q.shutDownWithDrain(1000));
  await settle();
  t.false(drained.settled);
  q.done('a');
  await settle();
  t.deepEqual(drained, { settled: true, value: true });
});

test('WorkQueue › shutDownWithDrain waits for keys already queued, including ones dirtied in flight', async (t) => {
  const { q } = newQueue();
  q.add('a');
  await q.get();
  q.add('a');
  const drained = track(q.shutDownWithDrain(1000));
  q.done('a'); // 'a' goes back on the queue: not drained yet
  await settle();
  t.false(drained.settled);
  t.is(await q.get(), 'a');
  q.done('a');
  await settle();
  t.deepEqual(drained, { settled: true, value: true });
});

test('WorkQueue › shutDownWithDrain resolves false when work outlasts the timeout, true at once when idle', async (t) => {
  const { q, clock } = newQueue();
  t.true(await new WorkQueue({ clock }).shutDownWithDrain(0));
  q.add('stuck');
  await q.get();
  const drained = track(q.shutDownWithDrain(500));
  clock.advance(499);
  await settle();
  t.false(drained.settled);
  clock.advance(1);
  await settle();
  t.deepEqual(drained, { settled: true, value: false });
  t.is(clock.pendingTimers, 0);
});

test('WorkQueue › shutDown during a drain ends it with false', async (t) => {
  const { q, clock } = newQueue();
  q.add('a');
  await q.get();
  const drained = q.shutDownWithDrain(500);
  q.shutDown();
  t.false(await drained);
  t.is(clock.pendingTimers, 0);
});

type Op = { kind: 'add'; key: string } | { kind: 'addAfter'; key: string; ms: number } | { kind: 'get' } | { kind: 'done'; index: number } | { kind: 'tick'; ms: number };

test('WorkQueue › property: every added key is processed after its last add, never concurrently', async (t) => {
  const key = fc.constantFrom('a', 'b', 'c', 'd');
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), key }),
    fc.record({ kind: fc.constant('addAfter' as const), key, ms: fc.integer({ min: 0, max: 50 }) }),
    fc.record({ kind: fc.constant('get' as const) }),
    fc.record({ kind: fc.constant('done' as const), index: fc.nat() }),
    fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 30 }) }),
  );
  await t.notThrowsAsync(fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock });
    const inFlight: string[] = [];
    let step = 0;
    const lastAdd = new Map<string, number>(); // step at which the key last became due
    const lastStart = new Map<string, number>();
    const pendingDue = new Map<string, number>(); // key -> fake time its delayed add is due
    const start = (k: string): void => {
      if (inFlight.includes(k)) throw new Error(`${k} handed out while in flight`);
      inFlight.push(k);
      lastStart.set(k, ++step);
    };
    const fireDue = (): void => {
      for (const [k, due] of pendingDue) if (due <= clock.now()) { lastAdd.set(k, ++step); pendingDue.delete(k); }
    };
    for (const o of ops) {
      if (o.kind === 'add') { q.add(o.key); lastAdd.set(o.key, ++step); }
      if (o.kind === 'addAfter') {
        if (o.ms <= 0) { q.addAfter(o.key, o.ms); lastAdd.set(o.key, ++step); continue; }
        const due = clock.now() + o.ms;
        pendingDue.set(o.key, Math.min(due, pendingDue.get(o.key) ?? Infinity));
        q.addAfter(o.key, o.ms);
      }
      if (o.kind === 'get' && q.len > 0) start((await q.get())!);
      if (o.kind === 'done' && inFlight.length > 0) q.done(inFlight.splice(o.index % inFlight.length, 1)[0]!);
      if (o.kind === 'tick') { clock.advance(o.ms); fireDue(); }
    }
    // Let every delayed add fire, then run workers until nothing is left.
    clock.advance(1000);
    fireDue();
    for (;;) {
      if (q.len > 0) start((await q.get())!);
      else if (inFlight.length > 0) q.done(inFlight.shift()!);
      else break;
    }
    for (const [k, added] of lastAdd) {
      if (!((lastStart.get(k) ?? -1) > added)) return false;
    }
    return true;
  }), { numRuns: 1000 }));
});

import test from 'ava';
import fc from 'fast-check';
import { ItemExponentialFailureRateLimiter } from '../../../controllers/runtime/rate-limiter.js';
import { ApiError } from '../../../api-types/api-error.js';
import { WorkQueue } from '../../../controllers/runtime/work-queue.js';
import { TerminalError, isTerminalError, runWorkers, type FailureOutcome, type ReconcileResult } from '../../../controllers/runtime/worker-pool.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';

interface Call {
  key: string;
  signal: AbortSignal;
  resolve(r?: ReconcileResult): void;
  reject(err: unknown): void;
}

/** A reconcile whose calls the test finishes by hand, recording concurrency as it goes. */
function gatedReconcile() {
  const running: Call[] = [];
  const started: string[] = [];
  let maxConcurrent = 0;
  const perKey = new Map<string, number>();
  let overlap = false;
  const reconcile = (key: string, { signal }: { signal: AbortSignal }): Promise<ReconcileResult> => new Promise((resolve, reject) => {
    started.push(key);
    const n = (perKey.get(key) ?? 0) + 1;
    if (n > 1) overlap = true;
    perKey.set(key, n);
    const call: Call = {
      key, signal,
      resolve: (r) => { finish(); resolve(r); },
      reject: (e) => { finish(); reject(e); },
    };
    function finish(): void {
      running.splice(running.indexOf(call), 1);
      perKey.set(key, perKey.get(key)! - 1);
    }
    running.push(call);
    maxConcurrent = Math.max(maxConcurrent, running.length);
  });
  return { reconcile, running, started, get maxConcurrent() { return maxConcurrent; }, get overlap() { return overlap; } };
}

function setup(maxRetries = 15) {
  const clock = new FakeClock();
  const queue = new WorkQueue<string>({ name: 'test', clock, maxRetries, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1_000_000) });
  return { clock, queue };
}

test('runWorkers › never runs more than `concurrency` reconciles at once, and runs every key', async (t) => {
  const { queue } = setup();
  const g = gatedReconcile();
  const pool = runWorkers(queue, { concurrency: 3, reconcile: g.reconcile });
  for (let i = 0; i < 10; i++) queue.add(`k${i}`);
  await settle();
  t.is(g.running.length, 3);
  t.is(pool.inFlight, 3);
  t.is(queue.len, 7, 'keys stay queued (deduplicable) until a worker is free');
  while (g.running.length > 0) {
    g.running[0]!.resolve();
    await settle();
  }
  t.is(g.maxConcurrent, 3);
  t.deepEqual([...g.started].sort(), Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
  await pool.stop();
});

test('runWorkers › a key dirtied while reconciling runs again afterwards, never alongside itself', async (t) => {
  const { queue } = setup();
  const g = gatedReconcile();
  const pool = runWorkers(queue, { concurrency: 4, reconcile: g.reconcile });
  queue.add('a');
  await settle();
  queue.add('a');
  queue.add('a');
  await settle();
  t.deepEqual(g.started, ['a']);
  g.running[0]!.resolve();
  await settle();
  t.deepEqual(g.started, ['a', 'a']);
  g.running[0]!.resolve();
  await settle();
  t.deepEqual(g.started, ['a', 'a'], 'the two adds during the first run collapsed into one');
  t.false(g.overlap);
  await pool.stop();
});

test('runWorkers › a thrown error requeues with backoff; success forgets the failures', async (t) => {
  const { clock, queue } = setup();
  const outcomes: FailureOutcome[] = [];
  const g = gatedReconcile();
  const pool = runWorkers(queue, { concurrency: 1, reconcile: g.reconcile, onError: (_k, _e, o) => outcomes.push(o) });
  queue.add('a');
  await settle();
  g.running[0]!.reject(new Error('conflict'));
  await settle();
  t.is(queue.numRequeues('a'), 1);
  t.is(g.running.length, 0);
  clock.advance(4);
  await settle();
  t.is(g.running.length, 0, 'first retry waits 5 ms');
  clock.advance(1);
  await settle();
  t.is(g.running.length, 1);
  g.running[0]!.reject(new Error('conflict'));
  await settle();
  t.is(clock.nextTimerAt(), 15, 'second retry waits 10 ms');
  clock.advance(10);
  await settle();
  g.running[0]!.resolve();
  await settle();
  t.is(queue.numRequeues('a'), 0);
  t.deepEqual(outcomes, ['requeued', 'requeued']);
  await pool.stop();
});

test('runWorkers › drops a key after maxRetries (15) failed retries, forgetting it and reporting the error', async (t) => {
  const { clock, queue } = setup();
  const drops: [string, unknown][] = [];
  const logs: string[] = [];
  let calls = 0;
  const boom = new Error('apiserver unavailable');
  const pool = runWorkers(queue, {
    concurrency: 2,
    reconcile: async () => { calls++; throw boom; },
    onDrop: (k, e) => drops.push([k, e]),
    logger: { info: (_o, msg) => logs.push(`info:${msg}`), error: (_o, msg) => logs.push(`error:${msg}`) },
  });
  queue.add('a');
  for (let i = 0; i < 40 && drops.length === 0; i++) {
    await settle();
    const next = clock.nextTimerAt();
    if (next !== undefined) clock.advance(next - clock.now());
  }
  t.is(calls, 16, 'the first attempt plus 15 retries');
  t.deepEqual(drops, [['a', boom]]);
  t.is(queue.numRequeues('a'), 0);
  t.is(clock.pendingTimers, 0);
  t.is(logs.filter((l) => l === 'info:Error syncing key, retrying').length, 15);
  t.deepEqual(logs.slice(-1), ['error:Dropping key out of the queue']);
  await pool.stop();
});

test('runWorkers › a terminal error is not retried', async (t) => {
  const { clock, queue } = setup();
  const seen: [string, FailureOutcome][] = [];
  const drops: string[] = [];
  let calls = 0;
  const pool = runWorkers(queue, {
    concurrency: 1,
    reconcile: async (key) => {
      calls++;
      if (key === 'plain') throw Object.assign(new Error('bad spec'), { terminal: true });
      throw new TerminalError('Service default/web: invalid selector');
    },
    onError: (k, _e, o) => seen.push([k, o]),
    onDrop: (k) => drops.push(k),
  });
  queue.add('typed');
  queue.add('plain');
  await settle();
  clock.advance(10_000);
  await settle();
  t.is(calls, 2);
  t.deepEqual(seen, [['typed', 'terminal'], ['plain', 'terminal']]);
  t.deepEqual(drops, ['typed', 'plain']);
  t.is(clock.pendingTimers, 0);
  t.is(new TerminalError('x').code, 'Terminal');
  t.false(isTerminalError(new Error('x')));
  await pool.stop();
});

test('runWorkers › requeueAfterMs forgets failures and adds the key after that delay', async (t) => {
  const { clock, queue } = setup();
  const g = gatedReconcile();
  const pool = runWorkers(queue, { concurrency: 1, reconcile: g.reconcile });
  queue.add('a');
  await settle();
  g.running[0]!.reject(new Error('once'));
  await settle();
  clock.advance(5);
  await settle();
  g.running[0]!.resolve({ requeueAfterMs: 30_000 });
  await settle();
  t.is(queue.numRequeues('a'), 0);
  t.is(clock.nextTimerAt(), clock.now() + 30_000);
  clock.advance(30_000);
  await settle();
  t.deepEqual(g.started, ['a', 'a', 'a']);
  g.running[0]!.resolve();
  await pool.stop();
});

test('runWorkers › stop aborts running reconciles, abandons queued keys and waits for the running ones', async (t) => {
  const { queue } = setup();
  const g = gatedReconcile();
  const pool = runWorkers(queue, { concurrency: 1, reconcile: g.reconcile });
  queue.add('a');
  queue.add('b');
  await settle();
  const running = g.running[0]!;
  let stopped = false;
  const stopping = pool.stop().then(() => { stopped = true; });
  await settle();
  t.true(running.signal.aborted);
  t.false(stopped, 'stop waits for the running reconcile');
  running.resolve();
  await stopping;
  t.deepEqual(g.started, ['a']);
  t.true(queue.isShuttingDown);
});

test('runWorkers › drain finishes queued and running work, then resolves true', async (t) => {
  const { queue } = setup();
  const g = gatedReconcile();
  const pool = runWorkers(queue, { concurrency: 1, reconcile: g.reconcile });
  queue.add('a');
  queue.add('b');
  await settle();
  let result: boolean | undefined;
  const draining = pool.drain(1000).then((r) => { result = r; });
  queue.add('c'); // refused: the queue is shutting down
  g.running[0]!.resolve();
  await settle();
  t.is(result, undefined);
  t.deepEqual(g.started, ['a', 'b']);
  t.false(g.running[0]!.signal.aborted);
  g.running[0]!.resolve();
  await draining;
  t.true(result);
  await pool.done;
});

test('runWorkers › drain that outlasts its timeout aborts the work and resolves false', async (t) => {
  const { clock, queue } = setup();
  const g = gatedReconcile();
  const pool = runWorkers(queue, { concurrency: 2, reconcile: g.reconcile });
  queue.add('slow');
  await settle();
  let result: boolean | undefined;
  const draining = pool.drain(500).then((r) => { result = r; });
  clock.advance(500);
  await settle();
  t.true(g.running[0]!.signal.aborted);
  t.is(result, undefined, 'resolves only once the aborted reconcile has settled');
  g.running[0]!.reject(new Error('aborted'));
  await draining;
  t.false(result);
});

test('runWorkers › refuses a concurrency below 1', (t) => {
  const { queue } = setup();
  t.throws(() => runWorkers(queue, { concurrency: 0, reconcile: async () => {} }), { instanceOf: RangeError });
});

test('runWorkers › property: at most N at once, never a key alongside itself, every key run after its last add', async (t) => {
  type Step = { kind: 'add'; key: string } | { kind: 'finish'; index: number; fail: boolean };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), key: fc.constantFrom('a', 'b', 'c', 'd', 'e') }),
    fc.record({ kind: fc.constant('finish' as const), index: fc.nat(), fail: fc.boolean() }),
  );
  await t.notThrowsAsync(fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(step, { maxLength: 25 }), async (concurrency, steps) => {
    const clock = new FakeClock();
    const queue = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(1, 1) });
    const g = gatedReconcile();
    const pool = runWorkers(queue, { concurrency, reconcile: g.reconcile });
    const lastAdd = new Map<string, number>();
    const finish = async (index: number, fail: boolean): Promise<void> => {
      const call = g.running[index % g.running.length]!;
      if (fail) call.reject(new Error('x'));
      else call.resolve();
      await settle(2);
      clock.advance(1); // let a failed key's 1 ms retry fire
      await settle(2);
    };
    for (const s of steps) {
      if (s.kind === 'add') {
        queue.add(s.key);
        lastAdd.set(s.key, g.started.length);
        await settle(2);
      } else if (g.running.length > 0) {
        await finish(s.index, s.fail);
      }
    }
    // Finish everything, successfully, until the pool is idle.
    for (let guard = 0; guard < 200 && (g.running.length > 0 || queue.len > 0); guard++) {
      if (g.running.length > 0) await finish(0, false);
      else await settle(2);
    }
    const ok = g.maxConcurrent <= concurrency && !g.overlap && g.running.length === 0 &&
      [...lastAdd].every(([k, startedBefore]) => g.started.slice(startedBefore).includes(k));
    await pool.stop();
    return ok;
  }), { numRuns: 1000 }));
});

test('runWorkers › reconciles that fail once stopped are cut short: no retry, no onError, one log line for all', async (t) => {
  const { clock, queue } = setup();
  const g = gatedReconcile();
  const lines: string[] = [];
  const errors: string[] = [];
  const logger = { info: (o: object, m: string) => lines.push(`${m} ${JSON.stringify(o)}`), error: (_o: object, m: string) => lines.push(m) };
  const pool = runWorkers(queue, { concurrency: 3, reconcile: g.reconcile, logger, onError: (k) => errors.push(k) });
  for (const k of ['a', 'b', 'c']) queue.add(k);
  await settle();
  const draining = pool.drain(500);
  clock.advance(500);
  await settle();
  // Their requests are aborted: each reconcile rejects.
  for (const call of [...g.running]) call.reject(new Error('stopping'));
  t.false(await draining);
  t.deepEqual(errors, []);
  t.deepEqual(lines, ['Reconciles cut short by shutdown {"queue":"test","count":3}']);
  t.is(queue.len, 0);
});

test('runWorkers › a server\'s Retry-After is waited out before the retry, when longer than the backoff', async (t) => {
  const { clock, queue } = setup();
  const g = gatedReconcile();
  const pool = runWorkers(queue, { concurrency: 1, reconcile: g.reconcile });
  queue.add('a');
  await settle();
  const throttled = new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 2 } });
  g.running[0]!.reject(throttled);
  await settle();
  t.is(clock.nextTimerAt(), 2000, 'not after the 5 ms backoff');
  t.is(queue.numRequeues('a'), 1, 'it still counts as a retry');
  clock.advance(1999);
  await settle();
  t.is(g.running.length, 0);
  clock.advance(1);
  await settle();
  t.is(g.running.length, 1);
  g.running[0]!.resolve();
  await settle();
  await pool.stop();
});

test('runWorkers › a Retry-After carried by a wrapped error (cause) is waited out too', async (t) => {
  const { clock, queue } = setup();
  const g = gatedReconcile();
  const pool = runWorkers(queue, { concurrency: 1, reconcile: g.reconcile });
  queue.add('a');
  await settle();
  const throttled = new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
  g.running[0]!.reject(new Error('failed to update x EndpointSlice for Endpoints default/x: Too many requests', { cause: throttled }));
  await settle();
  t.is(clock.nextTimerAt(), 3000, 'not after the 5 ms backoff');
  clock.advance(3000);
  await settle();
  t.is(g.running.length, 1);
  g.running[0]!.resolve();
  await settle();
  await pool.stop();
});

import test from 'ava';
import fc from 'fast-check';
import {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
  type RateLimiter,
} from '../../../controllers/runtime/rate-limiter.js';
import { FakeClock } from '../../helpers/fake-clock.js';

test('ItemExponentialFailureRateLimiter › doubles from the base per failure and caps at the max', (t) => {
  const rl = new ItemExponentialFailureRateLimiter(5, 1_000_000);
  const delays = Array.from({ length: 20 }, () => rl.when('a'));
  t.deepEqual(delays.slice(0, 5), [5, 10, 20, 40, 80]);
  t.is(delays[17], 5 * 2 ** 17); // 655.36 s, still under the cap
  t.is(delays[18], 1_000_000);
  t.is(delays[19], 1_000_000);
  t.is(rl.numRequeues('a'), 20);
});

test('ItemExponentialFailureRateLimiter › tracks keys separately and forget resets one key', (t) => {
  const rl = new ItemExponentialFailureRateLimiter(1000, 1_000_000);
  rl.when('a');
  rl.when('a');
  t.is(rl.when('b'), 1000);
  t.is(rl.numRequeues('a'), 2);
  rl.forget('a');
  t.is(rl.numRequeues('a'), 0);
  t.is(rl.when('a'), 1000);
  t.is(rl.numRequeues('b'), 1);
});

test('ItemExponentialFailureRateLimiter › never exceeds the cap, even after thousands of failures', (t) => {
  t.notThrows(() => fc.assert(fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 2000 }), (baseMs, n) => {
    const rl = new ItemExponentialFailureRateLimiter(baseMs, 1_000_000);
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const d = rl.when('k');
      if (d > 1_000_000 || d < prev) return false;
      prev = d;
    }
    return true;
  }), { numRuns: 1000 }));
});

test('ItemExponentialFailureRateLimiter › rejects negative or non-finite durations', (t) => {
  t.throws(() => new ItemExponentialFailureRateLimiter(-1, 10), { instanceOf: RangeError });
  t.throws(() => new ItemExponentialFailureRateLimiter(5, Number.NaN), { instanceOf: RangeError });
});

test('BucketRateLimiter › allows the burst at once, then one token per 1/qps', (t) => {
  const clock = new FakeClock();
  const rl = new BucketRateLimiter(10, 100, clock);
  const delays = Array.from({ length: 103 }, (_, i) => rl.when(`k${i}`));
  t.deepEqual(delays.slice(0, 100), Array.from({ length: 100 }, () => 0));
  // Each further request reserves a future token: 100 ms, 200 ms, 300 ms.
  t.deepEqual(delays.slice(100).map((d) => Math.round(d)), [100, 200, 300]);
});

test('BucketRateLimiter › refills with time, never beyond the burst', (t) => {
  const clock = new FakeClock();
  const rl = new BucketRateLimiter(10, 100, clock);
  for (let i = 0; i < 100; i++) rl.when('k');
  clock.advance(500); // five tokens back
  const delays = Array.from({ length: 6 }, () => rl.when('k'));
  t.deepEqual(delays.slice(0, 5), [0, 0, 0, 0, 0]);
  t.is(Math.round(delays[5]!), 100);
  clock.advance(3_600_000); // an hour: full again, but only 100
  let free = 0;
  while (rl.when('k') === 0) free++;
  t.is(free, 100);
});

test('BucketRateLimiter › keeps 10/s over a long run of requests spaced 50 ms apart', (t) => {
  const clock = new FakeClock();
  const rl = new BucketRateLimiter(10, 100, clock);
  let last = 0;
  for (let i = 0; i < 1000; i++) {
    last = rl.when('k');
    clock.advance(50);
  }
  // Before request 999 (at 49.95 s): 100 + 0.5 * 999 - 999 = -399.5 tokens; it reserves one
  // more, so it waits for 400.5 tokens at 10/s.
  t.is(Math.round(last), 40_050);
  t.is(rl.numRequeues('k'), 0);
});

test('BucketRateLimiter › rejects a non-positive rate or burst', (t) => {
  const clock = new FakeClock();
  t.throws(() => new BucketRateLimiter(0, 1, clock), { instanceOf: RangeError });
  t.throws(() => new BucketRateLimiter(10, 0, clock), { instanceOf: RangeError });
  t.throws(() => new BucketRateLimiter(10, 1.5, clock), { instanceOf: RangeError });
});

test('MaxOfRateLimiter › returns the largest delay and the largest requeue count; forget reaches all', (t) => {
  const calls: string[] = [];
  const fixed = (ms: number, n: number): RateLimiter => ({
    when: () => { calls.push(`when${ms}`); return ms; },
    forget: () => { calls.push(`forget${ms}`); },
    numRequeues: () => n,
  });
  const rl = new MaxOfRateLimiter(fixed(3, 7), fixed(9, 2), fixed(1, 0));
  t.is(rl.when('k'), 9);
  t.is(rl.numRequeues('k'), 7);
  rl.forget('k');
  t.deepEqual(calls, ['when3', 'when9', 'when1', 'forget3', 'forget9', 'forget1']);
  t.throws(() => new MaxOfRateLimiter(), { instanceOf: RangeError });
});

test('defaultControllerRateLimiter › per-key backoff dominates until the shared bucket runs dry', (t) => {
  const clock = new FakeClock();
  const rl = defaultControllerRateLimiter(clock);
  t.deepEqual([rl.when('a'), rl.when('a'), rl.when('a')], [5, 10, 20]);
  // 97 more distinct keys use up the burst of 100; the 101st request waits on the bucket.
  for (let i = 0; i < 97; i++) t.is(rl.when(`k${i}`), 5);
  t.is(Math.round(rl.when('fresh')), 100);
  rl.forget('a');
  t.is(rl.numRequeues('a'), 0);
});

test('defaultControllerRateLimiter › takes the EndpointSlice numbers (1 s to 1000 s)', (t) => {
  const rl = defaultControllerRateLimiter(new FakeClock(), { baseMs: 1000, maxMs: 1_000_000 });
  const delays = Array.from({ length: 12 }, () => rl.when('svc'));
  t.deepEqual(delays.slice(0, 4), [1000, 2000, 4000, 8000]);
  t.is(delays[9], 512_000);
  t.is(delays[10], 1_000_000);
  t.is(rl.numRequeues('svc'), 12);
});

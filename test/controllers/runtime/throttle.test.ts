import test from 'ava';
import { tokenBucketThrottle } from '../../../controllers/runtime/throttle.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';

test('throttle › a burst passes at once, then requests are spaced 1/qps apart', async (t) => {
  const clock = new FakeClock();
  const throttle = tokenBucketThrottle(20, 30, clock);
  let passed = 0;
  for (let i = 0; i < 40; i++) void throttle.acquire().then(() => passed++);
  await settle(3);
  t.is(passed, 30, 'the burst');
  clock.advance(49);
  await settle(3);
  t.is(passed, 30);
  clock.advance(1);
  await settle(3);
  t.is(passed, 31, 'one more after 50 ms at 20 qps');
  clock.advance(450);
  await settle(3);
  t.is(passed, 40);
});

test('throttle › an abort ends the wait with the signal\'s reason and cancels its timer', async (t) => {
  const clock = new FakeClock();
  const throttle = tokenBucketThrottle(1, 1, clock);
  await throttle.acquire();
  const abort = new AbortController();
  const waiting = throttle.acquire(abort.signal);
  t.is(clock.pendingTimers, 1);
  const reason = new Error('stopping');
  abort.abort(reason);
  t.is(await t.throwsAsync(waiting), reason);
  t.is(clock.pendingTimers, 0);
  t.is(await t.throwsAsync(throttle.acquire(abort.signal)), reason, 'an aborted signal does not wait at all');
});

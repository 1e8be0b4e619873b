import test from 'ava';
import { WatchFlusher, type Flushable } from '../../../apiserver/http/watch-flush.js';
import { FakeTimers } from './fake-timers.js';

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/** A stream that counts its sends. */
function counter(): Flushable & { sends: number } {
  return {
    sends: 0,
    flush() {
      this.sends++;
    },
  };
}

function setup(intervalMs: number) {
  const timers = new FakeTimers();
  return { timers, flusher: new WatchFlusher(intervalMs, timers, () => timers.now()) };
}

test('WatchFlusher › the first send after a quiet spell leaves at the end of the turn', async (t) => {
  const { flusher } = setup(5);
  const a = counter();
  flusher.request(a);
  t.is(a.sends, 0, 'not within the turn that asked');
  await nextTurn();
  t.is(a.sends, 1);
});

test('WatchFlusher › during a burst, streams send together at most once per interval', async (t) => {
  const { timers, flusher } = setup(5);
  const a = counter();
  const b = counter();
  flusher.request(a);
  await nextTurn();
  t.is(a.sends, 1);
  // More events within the interval: held until 5 ms after the last send, asked for many times.
  timers.advance(1);
  flusher.request(a);
  flusher.request(b);
  flusher.request(a);
  await nextTurn();
  t.deepEqual([a.sends, b.sends], [1, 0]);
  timers.advance(3);
  t.deepEqual([a.sends, b.sends], [1, 0], 'still within the interval');
  timers.advance(1);
  t.deepEqual([a.sends, b.sends], [2, 1], 'one send each, at the end of the interval');
  // Quiet again: the next one leaves at the end of its turn.
  timers.advance(50);
  flusher.request(b);
  await nextTurn();
  t.is(b.sends, 2);
  t.is(timers.size(), 0);
});

test('WatchFlusher › a cancelled stream is not sent to; interval 0 sends every turn', async (t) => {
  const { timers, flusher } = setup(0);
  const a = counter();
  const b = counter();
  for (let turn = 1; turn <= 3; turn++) {
    flusher.request(a);
    flusher.request(b);
    flusher.cancel(b);
    await nextTurn();
    t.deepEqual([a.sends, b.sends], [turn, 0]);
  }
  t.is(timers.size(), 0, 'no timer with interval 0');
});

test('WatchFlusher › a negative or non-numeric interval is a RangeError', (t) => {
  const timers = new FakeTimers();
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => new WatchFlusher(bad, timers), { instanceOf: RangeError, message: /watch flush interval/ });
  }
});

import test from 'ava';
import { FreeIPWaiters } from '../../../controllers/serviceip/waiters.js';

test('waiters › a freed IP wakes those waiting for it and those waiting for any IP, once', (t) => {
  const w = new FreeIPWaiters();
  w.wait('default/full');
  w.wait('default/a', '10.0.0.5');
  w.wait('default/b', '10.0.0.5');
  w.wait('default/c', '10.0.0.6');
  t.is(w.size, 4);
  t.deepEqual(w.freed('10.0.0.5').sort(), ['default/a', 'default/b', 'default/full']);
  t.deepEqual(w.freed('10.0.0.5'), [], 'woken once');
  t.deepEqual(w.freed('10.0.0.6'), ['default/c']);
  t.is(w.size, 0);
});

test('waiters › a Service waits for one thing at a time, and forgetting it leaves nothing behind', (t) => {
  const w = new FreeIPWaiters();
  w.wait('default/a', '10.0.0.5');
  w.wait('default/a', '10.0.0.7');
  t.is(w.size, 1);
  t.deepEqual(w.freed('10.0.0.5'), [], 'it no longer waits for the IP it asked for before');
  w.wait('default/a');
  t.deepEqual(w.freed('10.0.0.7'), ['default/a'], 'now it waits for any IP');
  w.wait('default/b', '10.0.0.9');
  w.forget('default/b');
  w.forget('default/never');
  t.is(w.size, 0);
  t.deepEqual(w.freed('10.0.0.9'), []);
});

test('waiters › anyFreed wakes only those waiting for any IP', (t) => {
  const w = new FreeIPWaiters();
  w.wait('default/full');
  w.wait('default/a', '10.0.0.5');
  t.deepEqual(w.anyFreed(), ['default/full']);
  t.deepEqual(w.anyFreed(), []);
  t.is(w.size, 1);
});

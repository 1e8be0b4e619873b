import test from 'ava';
import { progressLine } from '../../status/progress.js';

test('progressLine › on a terminal: one line rewritten in place, wiped when done', (t) => {
  let out = '';
  const p = progressLine({ write: (s) => (out += s), isTTY: true });
  p.update('services', 500);
  p.update('endpointslices', 3500);
  p.update('services', 1000);
  p.done();
  p.done();
  t.is(out, '\r\x1b[Klisting services… 500\r\x1b[Klisting services… 500  endpointslices… 3,500\r\x1b[Klisting services… 1,000  endpointslices… 3,500\r\x1b[K');
});

test('progressLine › off a terminal: nothing at all', (t) => {
  let out = '';
  const p = progressLine({ write: (s) => (out += s), isTTY: false });
  p.update('services', 500);
  p.done();
  t.is(out, '');
});

import test from 'ava';
import { DistinctFailures } from '../../../controllers/runtime/metrics.js';

test('DistinctFailures › a failure counts once per key until it changes or the key is cleared', (t) => {
  const f = new DistinctFailures();
  t.true(f.isNew('default/b', 'taken 10.0.0.5'), 'first failure');
  t.false(f.isNew('default/b', 'taken 10.0.0.5'), 'a re-check');
  t.false(f.isNew('default/b', 'taken 10.0.0.5'), 'another re-check');
  t.true(f.isNew('default/c', 'taken 10.0.0.5'), 'another key is its own');
  t.true(f.isNew('default/b', 'out of range 10.0.1.5'), 'a new failure of the key');
  t.true(f.isNew('default/b', 'taken 10.0.0.5'), 'only the last failure is remembered');
  t.is(f.size, 2);
  f.clear('default/b');
  t.is(f.size, 1);
  t.true(f.isNew('default/b', 'taken 10.0.0.5'), 'after success or deletion the same failure counts again');
});

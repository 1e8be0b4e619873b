import test from 'ava';
import { IndexedCache } from '../../../controllers/runtime/indexed-cache.js';

interface Obj {
  node: string;
  labels: string[];
}

const cache = () => new IndexedCache<Obj>('pods', { byNode: (o) => [o.node], byLabel: (o) => o.labels });

test('IndexedCache › objects are filed under every value of every index, and moved when their values change', (t) => {
  const c = cache();
  c.put('ns/a', { node: 'n1', labels: ['x', 'y'] });
  c.put('ns/b', { node: 'n1', labels: ['y'] });
  t.deepEqual(c.byIndex('byNode', 'n1').length, 2);
  t.deepEqual(c.byIndex('byLabel', 'y').length, 2);
  c.put('ns/a', { node: 'n2', labels: ['z'] }, c.get('ns/a'));
  t.deepEqual(c.byIndex('byNode', 'n1'), [{ node: 'n1', labels: ['y'] }]);
  t.deepEqual(c.byIndex('byNode', 'n2'), [{ node: 'n2', labels: ['z'] }]);
  t.deepEqual(c.byIndex('byLabel', 'x'), []);
  t.is(c.size, 2);
});

test('IndexedCache › remove takes an object off the cache and every index; an unknown index is a TypeError', (t) => {
  const c = cache();
  const a = { node: 'n1', labels: ['x'] };
  c.put('ns/a', a);
  c.remove('ns/a', a);
  t.is(c.get('ns/a'), undefined);
  t.deepEqual(c.byIndex('byNode', 'n1'), []);
  t.deepEqual([...c.entries()], []);
  t.throws(() => c.byIndex('byZone', 'z'), { instanceOf: TypeError, message: 'informer pods has no index "byZone"' });
});

import test from 'ava';
import { deepFreeze } from './deep-freeze.js';

test('deepFreeze › freezes nested objects and arrays so writes throw in strict mode', (t) => {
  const o = deepFreeze({ a: { b: [1, { c: 2 }] } });
  t.throws(() => { (o.a.b[1] as { c: number }).c = 3; }, { instanceOf: TypeError });
  t.throws(() => { (o.a.b as unknown[]).push(4); }, { instanceOf: TypeError });
  t.true(Object.isFrozen(o.a));
});

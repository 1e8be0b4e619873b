import test from 'ava';
import { formatGoValue, goTypeName } from '../../../apiserver/patch/go-format.js';

// What Go's fmt prints with %v for the same decoded JSON (int64 for integral numbers, as
// sigs.k8s.io/json's PreserveInts decodes them, float64 otherwise).
const values: [string, unknown, string][] = [
  ['a map: keys sorted, values bare, null as <nil>', { b: 1, a: 'x y', c: null, $patch: 'merge' }, 'map[$patch:merge a:x y b:1 c:<nil>]'],
  ['nested lists and maps', { d: [1, 'y', true, [], {}], e: { z: 1.5 } }, 'map[d:[1 y true [] map[]] e:map[z:1.5]]'],
  ['an int64', -42, '-42'],
  ['an int64 past 2^53', 2 ** 60, '1152921504606846976'],
  ['a float in fixed form', 123456.7, '123456.7'],
  ['a small float in fixed form', 0.0001, '0.0001'],
  ['a float below 1e-4 in exponent form', 0.00001, '1e-05'],
  ['a float from 1e6 in exponent form', 1234567.5, '1.2345675e+06'],
  ['a negative float in exponent form', -2.5e-7, '-2.5e-07'],
  ['an integral number past int64 is a float64', 2 ** 63, '9.223372036854776e+18'],
  ['a three-digit exponent', 1e300, '1e+300'],
];

for (const [name, value, want] of values) {
  test(`formatGoValue › ${name}`, (t) => {
    t.is(formatGoValue(value), want);
  });
}

test('goTypeName › the reflect type names of decoded JSON', (t) => {
  t.deepEqual(
    [{}, [], 's', 1, 1.5, 2 ** 63, true, null].map(goTypeName),
    ['map[string]interface {}', '[]interface {}', 'string', 'int64', 'float64', 'float64', 'bool', '%!s(<nil>)'],
  );
});

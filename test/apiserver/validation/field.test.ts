import test from 'ava';
import { FieldPath, duplicate, forbidden, formatValue, immutable, invalid, notSupported, required, tooLong, tooMany } from '../../../apiserver/validation/field.js';

test('field › paths print as Kubernetes prints them', (t) => {
  t.is(FieldPath.root('spec', 'ports').index(0).child('name').toString(), 'spec.ports[0].name');
  t.is(FieldPath.root('data').key('a.b').toString(), 'data[a.b]');
  t.is(FieldPath.root('').child('x').toString(), 'x');
});

test('field › error bodies match field.Error.ErrorBody', (t) => {
  const p = FieldPath.root('spec', 'x');
  t.deepEqual(invalid(p, 0, 'must be between 1 and 65535, inclusive'), { reason: 'FieldValueInvalid', field: 'spec.x', message: 'Invalid value: 0: must be between 1 and 65535, inclusive' });
  t.is(invalid(p, 'a"b', 'bad').message, 'Invalid value: "a\\"b": bad');
  t.is(invalid(p, null, 'bad').message, 'Invalid value: "null": bad');
  t.is(invalid(p, ['a', 'b'], 'bad').message, 'Invalid value: []string{"a", "b"}: bad');
  t.is(required(p).message, 'Required value');
  t.is(required(p, 'why').message, 'Required value: why');
  t.is(duplicate(p, 'http').message, 'Duplicate value: "http"');
  t.is(notSupported(p, 'FOO', ['SCTP', 'TCP', 'UDP']).message, 'Unsupported value: "FOO": supported values: "SCTP", "TCP", "UDP"');
  t.is(forbidden(p, 'nope').message, 'Forbidden: nope');
  // apimachinery v0.33 field.TooLong.
  t.is(tooLong(p, 10).message, 'Too long: may not be more than 10 bytes');
  t.is(tooMany(p, 1001, 1000).message, 'Too many: 1001: must have at most 1000 items');
  t.is(formatValue(true), 'true');
});

test('field › immutable reports only a change', (t) => {
  t.deepEqual(immutable(FieldPath.root('a'), { x: [1] }, { x: [1] }), []);
  t.is(immutable(FieldPath.root('a'), 'b', 'c')[0].message, 'Invalid value: "b": field is immutable');
});


import test from 'ava';
import { isServiceOverloaded, overloadedServices } from '../../../controllers/endpointslice/topology-hints.js';

const ratios = new Map([['a', 0.5], ['b', 0.5]]);

test('isServiceOverloaded › a zone below ceil(share / 1.2) or missing is overloaded', (t) => {
  t.false(isServiceOverloaded(new Map([['a', 5], ['b', 5]]), ratios));
  t.true(isServiceOverloaded(new Map([['a', 6], ['b', 4]]), ratios), 'b needs ceil(10 × 0.5 / 1.2) = 5');
  t.false(isServiceOverloaded(new Map([['a', 7], ['b', 5]]), ratios), 'b needs ceil(12 × 0.5 / 1.2) = 5');
  t.true(isServiceOverloaded(new Map([['a', 10]]), ratios), 'zone b missing');
});

test('isServiceOverloaded › no hints is never overloaded; hints without node information always are', (t) => {
  t.false(isServiceOverloaded(new Map(), ratios));
  t.true(isServiceOverloaded(new Map([['a', 1]]), null));
});

test('overloadedServices › only Services whose hints the new ratios overload, in any address type', (t) => {
  const hints = new Map([
    ['default/balanced', { IPv4: new Map([['a', 5], ['b', 5]]) }],
    ['default/lopsided', { IPv4: new Map([['a', 5], ['b', 5]]), IPv6: new Map([['a', 9], ['b', 1]]) }],
    ['default/gone-zone', { IPv4: new Map([['a', 5], ['c', 5]]) }],
    ['default/none', {}],
  ]);
  t.deepEqual(overloadedServices(hints, ratios), ['default/lopsided', 'default/gone-zone']);
  t.deepEqual(overloadedServices(hints, null), ['default/balanced', 'default/lopsided', 'default/gone-zone'], 'no usable node information: every Service with hints, so they are removed');
  t.deepEqual(overloadedServices(new Map(), null), []);
});

import test from 'ava';
import { isServiceOverloaded } from '../../../controllers/endpointslice/topology-hints.js';

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

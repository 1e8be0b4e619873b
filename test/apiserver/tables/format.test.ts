import test from 'ava';
import { formatLabels, humanDuration, listWithMore, selectorString, since } from '../../../apiserver/tables/format.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

// Each threshold of apimachinery pkg/util/duration HumanDuration, either side.
const durations: [number, string][] = [
  [-2 * S, '<invalid>'], [-1500, '0s'], [0, '0s'], [1 * S, '1s'], [119 * S, '119s'], [2 * M, '2m'], [3 * M + 20 * S, '3m20s'],
  [9 * M + 59 * S, '9m59s'], [10 * M, '10m'], [10 * M + 30 * S, '10m'], [179 * M, '179m'], [3 * H, '3h'], [4 * H + 10 * M, '4h10m'],
  [8 * H, '8h'], [47 * H + 59 * M, '47h'], [48 * H, '2d'], [3 * D + 4 * H, '3d4h'], [8 * D, '8d'], [729 * D, '729d'],
  [730 * D, '2y'], [800 * D, '2y70d'], [8 * 365 * D, '8y'], [9 * 365 * D + 40 * D, '9y'],
];

for (const [ms, want] of durations) {
  test(`humanDuration › ${ms}ms is ${want}`, (t) => {
    t.is(humanDuration(ms), want);
  });
}

test('since › the zero time (absent or unparsable) is <unknown>', (t) => {
  t.is(since(undefined, 0), '<unknown>');
  t.is(since('', 0), '<unknown>');
  t.is(since('not a time', 0), '<unknown>');
  t.is(since('2026-01-02T03:04:05Z', Date.parse('2026-01-02T03:09:05Z')), '5m');
});

test('formatLabels › sorted k=v, <none> when empty', (t) => {
  t.is(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  t.is(formatLabels({}), '<none>');
  t.is(formatLabels(null), '<none>');
});

test('selectorString › requirements by key, values sorted, all four operators; empty is empty', (t) => {
  t.is(selectorString({ matchLabels: { z: '1' }, matchExpressions: [{ key: 'b', operator: 'NotIn', values: ['y', 'x'] }, { key: 'a', operator: 'Exists' }] }), 'a,b notin (x,y),z=1');
  t.is(selectorString({}), '');
  t.is(selectorString(undefined), '');
  t.is(selectorString({ matchExpressions: [{ key: 'a', operator: 'Bogus' as 'In' }] }), undefined);
});

test('listWithMore › three then + N more..., <unset> when nothing shows', (t) => {
  t.is(listWithMore(['a', 'b', 'c']), 'a,b,c');
  t.is(listWithMore(['a', 'b', 'c', 'd', 'e']), 'a,b,c + 2 more...');
  t.is(listWithMore([]), '<unset>');
});

import test from 'ava';
import { formatTimestamp } from '../../apiserver/store-meta.js';

test('store-meta › formatTimestamp writes RFC 3339 at second precision, for every instant asked, cached or not', (t) => {
  t.is(formatTimestamp(new Date('2026-01-02T03:04:05.678Z')), '2026-01-02T03:04:05Z');
  // The same second again (the cached text), then another second, then back.
  t.is(formatTimestamp(new Date('2026-01-02T03:04:05.001Z')), '2026-01-02T03:04:05Z');
  t.is(formatTimestamp(new Date('2026-01-02T03:04:06Z')), '2026-01-02T03:04:06Z');
  t.is(formatTimestamp(new Date('2026-01-02T03:04:05.999Z')), '2026-01-02T03:04:05Z');
  t.is(formatTimestamp(new Date(0)), '1970-01-01T00:00:00Z');
  t.is(formatTimestamp(new Date(-1)), '1969-12-31T23:59:59Z', 'before the epoch the second rounds down too');
  t.throws(() => formatTimestamp(new Date(Number.NaN)), { instanceOf: RangeError });
});

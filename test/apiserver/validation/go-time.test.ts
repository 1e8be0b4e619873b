import test from 'ava';
import { decodeGoTime, goQuote, type GoTimeKind } from '../../../apiserver/validation/go-time.js';

const TIME = '"2006-01-02T15:04:05Z07:00"';
const MICRO = '"2006-01-02T15:04:05.000000Z07:00"';

// What kube-apiserver stores and answers for each value (metav1.Time / MicroTime UnmarshalJSON,
// then MarshalJSON), or the words of Go's time.Parse when it refuses it.
const cases: { value: string; kind: GoTimeKind; want: string | null | { error: string } }[] = [
  { value: '2026-01-01T00:00:00Z', kind: 'Time', want: '2026-01-01T00:00:00Z' },
  { value: '2026-01-01T00:00:00.123Z', kind: 'Time', want: '2026-01-01T00:00:00Z' },
  { value: '2026-01-01T00:00:00.999999999999Z', kind: 'Time', want: '2026-01-01T00:00:00Z' },
  { value: '2026-01-01T00:00:00,5Z', kind: 'Time', want: '2026-01-01T00:00:00Z' },
  { value: '2026-01-01T01:00:00+01:00', kind: 'Time', want: '2026-01-01T00:00:00Z' },
  { value: '2025-12-31T23:30:00-01:00', kind: 'Time', want: '2026-01-01T00:30:00Z' },
  { value: '2026-01-01T1:02:03Z', kind: 'Time', want: '2026-01-01T01:02:03Z' },
  { value: '2024-02-29T00:00:00Z', kind: 'Time', want: '2024-02-29T00:00:00Z' },
  { value: '0001-01-01T00:00:00Z', kind: 'Time', want: null },
  { value: '0001-01-01T01:00:00+01:00', kind: 'Time', want: null },
  { value: 'yesterday', kind: 'Time', want: { error: `parsing time "yesterday" as ${TIME}: cannot parse "yesterday" as "2006"` } },
  { value: '', kind: 'Time', want: { error: `parsing time "" as ${TIME}: cannot parse "" as "2006"` } },
  { value: '2026-01-01 00:00:00Z', kind: 'Time', want: { error: `parsing time "2026-01-01 00:00:00Z" as ${TIME}: cannot parse " 00:00:00Z" as "T"` } },
  { value: '2026-01-01T00:00:00', kind: 'Time', want: { error: `parsing time "2026-01-01T00:00:00" as ${TIME}: cannot parse "" as "Z07:00"` } },
  { value: '2026-01-01T00:00:00+0100', kind: 'Time', want: { error: `parsing time "2026-01-01T00:00:00+0100" as ${TIME}: cannot parse "+0100" as "Z07:00"` } },
  { value: '2026-13-01T00:00:00Z', kind: 'Time', want: { error: 'parsing time "2026-13-01T00:00:00Z": month out of range' } },
  { value: '2026-01-01T24:00:00Z', kind: 'Time', want: { error: 'parsing time "2026-01-01T24:00:00Z": hour out of range' } },
  { value: '2026-02-29T00:00:00Z', kind: 'Time', want: { error: 'parsing time "2026-02-29T00:00:00Z": day out of range' } },
  { value: '2026-01-01T00:00:00Zabc', kind: 'Time', want: { error: 'parsing time "2026-01-01T00:00:00Zabc": extra text: "abc"' } },
  { value: '0001-01-01T00:00:00.5Z', kind: 'Time', want: null },
  { value: '0000-01-01T00:00:00+01:00', kind: 'Time', want: '-0001-12-31T23:00:00Z' },
  { value: '2026-01-01T00:00:00+25:a0', kind: 'Time', want: { error: 'parsing time "2026-01-01T00:00:00+25:a0": time zone offset hour out of range' } },
  { value: '2026-01-01T00:00:00+01:a0', kind: 'Time', want: { error: `parsing time "2026-01-01T00:00:00+01:a0" as ${TIME}: cannot parse "+01:a0" as "Z07:00"` } },
  { value: '2026-01-01T00:00:00.123456Z', kind: 'MicroTime', want: '2026-01-01T00:00:00.123456Z' },
  { value: '2026-01-01T00:00:00.+12345Z', kind: 'MicroTime', want: '2026-01-01T00:00:00.012345Z' },
  { value: '2026-01-01T00:00:00.-12345Z', kind: 'MicroTime', want: { error: 'parsing time "2026-01-01T00:00:00.-12345Z": fractional second out of range' } },
  { value: '2026-01-01T01:00:00.123456+01:00', kind: 'MicroTime', want: '2026-01-01T00:00:00.123456Z' },
  { value: '0001-01-01T00:00:00.000000Z', kind: 'MicroTime', want: null },
  { value: '2026-01-01T00:00:00.123Z', kind: 'MicroTime', want: { error: `parsing time "2026-01-01T00:00:00.123Z" as ${MICRO}: cannot parse ".123Z" as ".000000"` } },
  { value: '2026-01-01T00:00:00.123456789Z', kind: 'MicroTime', want: { error: `parsing time "2026-01-01T00:00:00.123456789Z" as ${MICRO}: cannot parse "789Z" as "Z07:00"` } },
  { value: '2026-01-01T00:00:00Z', kind: 'MicroTime', want: { error: `parsing time "2026-01-01T00:00:00Z" as ${MICRO}: cannot parse "Z" as ".000000"` } },
];

for (const c of cases) {
  test(`decodeGoTime › ${c.kind} ${JSON.stringify(c.value)}`, (t) => {
    const got = decodeGoTime(c.value, c.kind);
    if (c.want !== null && typeof c.want === 'object') t.deepEqual(got, c.want);
    else t.deepEqual(got, { text: c.want });
  });
}

test('goQuote › quotes and escapes as Go\'s time package does', (t) => {
  t.is(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  t.is(goQuote('\n'), '"\\x0a"');
  t.is(goQuote('é'), '"\\xc3\\xa9"');
});

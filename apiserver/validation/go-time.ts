/**
 * metav1.Time and metav1.MicroTime as kube-apiserver decodes and writes them. Decoding is Go's
 * `time.Parse` with the RFC 3339 layout (Time) or the RFC 3339 layout with exactly six fractional
 * digits (MicroTime) (apimachinery pkg/apis/meta/v1 time.go and micro_time.go, UnmarshalJSON);
 * writing is the instant in UTC, to the second for Time (fractions dropped, `t.UTC()` formatted
 * with RFC3339) and to the microsecond for MicroTime, and `null` for Go's zero time. So a client's
 * `2026-01-01T01:00:00.123+01:00` is stored and answered as `2026-01-01T00:00:00Z`.
 *
 * Parsing follows Go's general `time.Parse` (time/format.go `parse`) element by element, so a
 * value it refuses gets its words: `parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot
 * parse "x" as "2006"`, `parsing time "…": month out of range`, `…: extra text: "…"`.
 */

/** Which of the two apimachinery time types. */
export type GoTimeKind = 'Time' | 'MicroTime';

/** The Go layouts the two types parse with (time.RFC3339, metav1.RFC3339Micro). */
export const GO_TIME_LAYOUTS: Readonly<Record<GoTimeKind, string>> = {
  Time: '2006-01-02T15:04:05Z07:00',
  MicroTime: '2006-01-02T15:04:05.000000Z07:00',
};

/** A decoded value: its canonical text (null for Go's zero time), or Go's parse error. */
export type GoTimeResult = { text: string | null } | { error: string };

/** A time already written as kube-apiserver writes a Time; checked for range below. */
const canonicalTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
/** The same for a MicroTime. */
const canonicalMicroTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;

/** One layout element: the literal before it, and what it parses. */
type Element = readonly [prefix: string, std: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'frac6' | 'zone'];

const ELEMENTS: Readonly<Record<GoTimeKind, readonly Element[]>> = {
  Time: [['', 'year'], ['-', 'month'], ['-', 'day'], ['T', 'hour'], [':', 'minute'], [':', 'second'], ['', 'zone']],
  MicroTime: [['', 'year'], ['-', 'month'], ['-', 'day'], ['T', 'hour'], [':', 'minute'], [':', 'second'], ['', 'frac6'], ['', 'zone']],
};

/** The layout text of each element, as Go's errors name it. */
const STD_TEXT: Readonly<Record<Element[1], string>> = {
  year: '2006', month: '01', day: '02', hour: '15', minute: '04', second: '05', frac6: '.000000', zone: 'Z07:00',
};

class BadElement extends Error {}

/** Go's zero time, 0001-01-01T00:00:00Z, which both types write as null (IsZero). */
const ZERO_TIME_MS = new Date(0).setUTCFullYear(1, 0, 1);

/**
 * Decodes `value` as kube-apiserver decodes a `kind` field, returning the text it would store
 * and answer, or Go's error.
 */
export function decodeGoTime(value: string, kind: GoTimeKind): GoTimeResult {
  // The common case: already as kube-apiserver writes it.
  const m = (kind === 'Time' ? canonicalTime : canonicalMicroTime).exec(value);
  if (m !== null && isInRange(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6])) {
    return { text: value.startsWith('0001-01-01T00:00:00') && isZeroText(value) ? null : value };
  }
  return parseSlowly(value, kind);
}

function isInRange(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, year) && hour < 24 && minute < 60 && second < 60;
}

function isZeroText(value: string): boolean {
  return value === '0001-01-01T00:00:00Z' || value === '0001-01-01T00:00:00.000000Z';
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const isDigit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** Go's getnum: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigit(s, 0)) throw new BadElement();
  if (!isDigit(s, 1)) {
    if (fixed) throw new BadElement();
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + s.charCodeAt(1) - 48, s.slice(2)];
}

/**
 * Go's parseNanoseconds over `value[0:n]`: a separator, then what Go's atoi reads (a sign may
 * lead) from at most 9 characters, scaled by how many there are; a negative value is a range
 * error ("fractional second").
 */
function nanoseconds(value: string, n: number): { nanos: number; rangeError: string } {
  if (value[0] !== '.' && value[0] !== ',') throw new BadElement();
  const digits = value.slice(1, Math.min(n, 10));
  if (!/^[+-]?\d+$/.test(digits)) throw new BadElement();
  const nanos = Number(digits.padEnd(9, '0'));
  return nanos < 0 ? { nanos: 0, rangeError: 'fractional second' } : { nanos, rangeError: '' };
}

/** Go's time.quote: double quotes, `"` and `\` escaped, bytes outside printable ASCII as \xNN. */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0) ?? 0;
    if (code < 0x20 || code >= 0x80) {
      for (const b of Buffer.from(c, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      out += c === '"' || c === '\\' ? `\\${c}` : c;
    }
  }
  return out + '"';
}

/**
 * Go's general parse of `whole` with the layout of `kind`.
 * 1. Each element: its literal prefix must match (else "cannot parse <rest> as <prefix>"), then
 *    its value (else "cannot parse <rest> as <element>", or "<element> out of range").
 * 2. Seconds followed by a fraction the layout does not have: the fraction is read, up to 9 digits kept.
 * 3. Text left over: "extra text"; then the day must exist in its month.
 * 4. The instant, moved to UTC by the zone offset, written as kube-apiserver writes it.
 */
function parseSlowly(whole: string, kind: GoTimeKind): GoTimeResult {
  const layout = GO_TIME_LAYOUTS[kind];
  const cannot = (rest: string, elem: string): GoTimeResult => ({ error: `parsing time ${goQuote(whole)} as ${goQuote(layout)}: cannot parse ${goQuote(rest)} as ${goQuote(elem)}` });
  const message = (text: string): GoTimeResult => ({ error: `parsing time ${goQuote(whole)}${text}` });
  let value = whole;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let offsetMinutes = 0;
  const elements = ELEMENTS[kind];
  // 1.
  for (let i = 0; i < elements.length; i++) {
    const [prefix, std] = elements[i];
    if (prefix !== '') {
      if (value[0] !== prefix) return cannot(value, prefix);
      value = value.slice(1);
    }
    const hold = value;
    let rangeError = '';
    try {
      switch (std) {
        case 'year': {
          if (value.length < 4 || !isDigit(value, 0) || !/^\d{4}$/.test(value.slice(0, 4))) throw new BadElement();
          year = Number(value.slice(0, 4));
          value = value.slice(4);
          break;
        }
        case 'month':
          [month, value] = getnum(value, true);
          if (month <= 0 || month > 12) rangeError = 'month';
          break;
        case 'day':
          // Any one or two digits here; the date is checked once whole (3.).
          [day, value] = getnum(value, true);
          break;
        case 'hour':
          [hour, value] = getnum(value, false);
          if (hour >= 24) rangeError = 'hour';
          break;
        case 'minute':
          [minute, value] = getnum(value, true);
          if (minute >= 60) rangeError = 'minute';
          break;
        case 'second': {
          [second, value] = getnum(value, true);
          if (second >= 60) {
            rangeError = 'second';
            break;
          }
          // 2.
          const layoutHasFraction = elements[i + 1]?.[1] === 'frac6';
          if (!layoutHasFraction && value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigit(value, 1)) {
            let n = 2;
            while (isDigit(value, n)) n++;
            ({ nanos, rangeError } = nanoseconds(value, n));
            value = value.slice(n);
          }
          break;
        }
        case 'frac6':
          if (value.length < 7) throw new BadElement();
          ({ nanos, rangeError } = nanoseconds(value, 7));
          value = value.slice(7);
          break;
        case 'zone': {
          if (value[0] === 'Z') {
            value = value.slice(1);
            break;
          }
          if (value.length < 6 || value[3] !== ':') throw new BadElement();
          const [sign, hh, mm] = [value[0], value.slice(1, 3), value.slice(4, 6)];
          value = value.slice(6);
          // Go reads the minutes only when the hours read, then checks the ranges, then the
          // sign: a range error wins over bad digits or a bad sign.
          let isBad = false;
          let hr = 0;
          let mn = 0;
          try {
            [hr] = getnum(hh, true);
            [mn] = getnum(mm, true);
          } catch {
            isBad = true;
          }
          if (hr > 24) rangeError = 'time zone offset hour';
          if (mn > 60) rangeError = 'time zone offset minute';
          if (sign !== '+' && sign !== '-') isBad = true;
          if (isBad && rangeError === '') throw new BadElement();
          offsetMinutes = (sign === '-' ? -1 : 1) * (hr * 60 + mn);
          break;
        }
      }
    } catch (e) {
      if (!(e instanceof BadElement)) throw e;
      return cannot(hold, STD_TEXT[std]);
    }
    if (rangeError !== '') return message(`: ${rangeError} out of range`);
  }
  // 3.
  if (value !== '') return message(`: extra text: ${goQuote(value)}`);
  if (day < 1 || day > daysIn(month, year)) return message(': day out of range');
  // 4.
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute - offsetMinutes, second, 0);
  // A Time is stored to the second (protobuf's ProtoTime keeps no nanoseconds), so a zero
  // second with a fraction is the zero time too; a MicroTime keeps its fraction.
  if ((kind === 'Time' || nanos === 0) && t.getTime() === ZERO_TIME_MS) return { text: null };
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const y = t.getUTCFullYear();
  // Go writes a year below 0 with its sign before four digits (-0001).
  const base = `${y < 0 ? `-${pad(-y, 4)}` : pad(y, 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  return { text: kind === 'Time' ? `${base}Z` : `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` };
}

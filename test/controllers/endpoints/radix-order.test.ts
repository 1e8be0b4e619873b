import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { lowestByIPThenUID, orderByIPThenUID } from '../../../controllers/endpoints/radix-order.js';

function reference(ips: string[], uids: string[]): number[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return ips.map((_, i) => i).sort((a, b) => cmp(ips[a], ips[b]) || cmp(uids[a], uids[b]) || a - b);
}

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((p) => p.map((x) => x.toString(16)).join(':'));
const smallV4 = fc.tuple(fc.nat(12), fc.nat(12)).map(([a, b]) => `10.0.${a}.${b}`);

/** Property: orderByIPThenUID equals the reference for lists of IPs drawn from `ip`. */
function ordersAsReference(t: ExecutionContext, ip: fc.Arbitrary<string>, maxLength: number): void {
  fc.assert(
    fc.property(fc.array(fc.tuple(ip, fc.constantFrom('', 'a', 'b', 'c')), { maxLength }), (pairs) => {
      const ips = pairs.map((p) => p[0]);
      const uids = pairs.map((p) => p[1]);
      t.deepEqual(Array.from(orderByIPThenUID(ips, uids)), reference(ips, uids));
    }),
    { numRuns: 1000 },
  );
}

/** Property: lowestByIPThenUID equals the first k of the reference, for IPs drawn from `ip`. */
function selectsAsReference(t: ExecutionContext, ip: fc.Arbitrary<string>, maxLength: number): void {
  fc.assert(
    fc.property(fc.array(fc.tuple(ip, fc.constantFrom('', 'a', 'b')), { maxLength }), fc.nat(maxLength + 10), fc.boolean(), (pairs, k, odd) => {
      const ips = pairs.map((p) => p[0]);
      const uids = pairs.map((p) => p[1]);
      const ids = ips.map((_, i) => i).filter((i) => !odd || i % 2 === 1).reverse();
      const want = reference(ips, uids).filter((i) => ids.includes(i)).slice(0, k);
      t.deepEqual(Array.from(lowestByIPThenUID(ips, uids, ids, k)), want);
    }),
    { numRuns: 1000 },
  );
}

test('orderByIPThenUID › equals a comparison sort by (IP text, UID), stable', (t) => {
  ordersAsReference(t, fc.oneof(ipv4, ipv6, smallV4), 60);
});

test('orderByIPThenUID › a prefix sorts first; non-ASCII text falls back to the comparison sort', (t) => {
  t.deepEqual(Array.from(orderByIPThenUID(['10.0.0.10', '10.0.0.1', '10.0.0.9', '10.0.0.1'], ['', 'b', '', 'a'])), [3, 1, 0, 2]);
  t.deepEqual(Array.from(orderByIPThenUID(['é', 'a', 'z'], ['', '', ''])), [1, 2, 0]);
  t.deepEqual(Array.from(orderByIPThenUID([], [])), []);
});

test('lowestByIPThenUID › equals the first k of the full order, for any subset of candidates', (t) => {
  selectsAsReference(t, fc.oneof(ipv4, ipv6, smallV4), 60);
});

test('lowestByIPThenUID › identical IPs are decided by UID; non-IP text takes the comparison path', (t) => {
  t.deepEqual(Array.from(lowestByIPThenUID(['10.0.0.1', '10.0.0.1', '10.0.0.1', '1.0.0.0'], ['c', 'a', 'b', 'z'], [0, 1, 2, 3], 2)), [3, 1]);
  t.deepEqual(Array.from(lowestByIPThenUID(['b!', 'a!', 'c!'], ['', '', ''], [0, 1, 2], 2)), [1, 0]);
  t.deepEqual(Array.from(lowestByIPThenUID(['1.1.1.1'], [''], [0], 0)), []);
});

// Canonical IPv4 text alone takes the 32-bit key path; a few octets drawn often make ties and
// shared prefixes ("1" < "10" < "100" < "2") common.
const octet = fc.oneof(fc.nat(255), fc.constantFrom(0, 1, 2, 10, 19, 100, 199, 2, 25, 255));
const v4Only = fc.tuple(octet, octet, octet, octet).map((p) => p.join('.'));

test('orderByIPThenUID › canonical IPv4 text alone: equals a comparison sort by (IP text, UID)', (t) => {
  ordersAsReference(t, fc.oneof(v4Only, smallV4), 80);
});

test('lowestByIPThenUID › canonical IPv4 text alone: equals the first k of the full order', (t) => {
  selectsAsReference(t, fc.oneof(v4Only, smallV4), 80);
});

test('lowestByIPThenUID › IPv4 octets order as text: a shorter octet that is a prefix first', (t) => {
  const ips = ['10.0.2.1', '10.0.10.1', '10.0.1.5', '10.0.100.0', '1.2.3.40', '1.2.3.4', '1.2.3.5', '10.0.1.5'];
  const uids = ['', '', 'b', '', '', '', '', 'a'];
  t.deepEqual(Array.from(orderByIPThenUID(ips, uids)), [5, 4, 6, 7, 2, 1, 3, 0]);
  t.deepEqual(Array.from(lowestByIPThenUID(ips, uids, [0, 1, 2, 3, 4, 5, 6, 7], 4)), [5, 4, 6, 7]);
});

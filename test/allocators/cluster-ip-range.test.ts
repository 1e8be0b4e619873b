import test from 'ava';
import fc from 'fast-check';
import {
  ClusterIPRange,
  parseServiceClusterIPRanges,
  staticBandSizeOf,
  type IPv6Sizing,
} from '../../allocators/cluster-ip-range.js';
import { ClusterIPRanges } from '../../allocators/cluster-ip-ranges.js';
import { isAllocatorError, type AllocatorErrorCode } from '../../allocators/errors.js';
import { parseCIDR, parseIP } from '../../allocators/ip.js';
import { firstFree, seededRandom } from '../../allocators/random.js';

const sizes: { cidr: string; sizing?: IPv6Sizing; want: bigint }[] = [
  { cidr: '192.168.1.0/24', want: 254n },
  { cidr: '10.0.0.0/30', want: 2n },
  { cidr: '10.0.0.0/31', want: 0n },
  { cidr: '10.0.0.1/32', want: 0n },
  { cidr: '10.0.0.0/15', want: 131070n },
  { cidr: '10.0.0.0/8', want: 2n ** 24n - 2n },
  { cidr: '2001:db8:1::/48', sizing: 'kubernetes', want: 65535n },
  { cidr: '2001:db8::/112', sizing: 'kubernetes', want: 65535n },
  { cidr: '2001:db8::/112', want: 65535n },
  { cidr: '2001:db8::/126', want: 3n },
  { cidr: '2001:db8::/64', want: 2n ** 64n - 1n },
  { cidr: '2001:db8::/100', want: 2n ** 28n - 1n },
  { cidr: '2001:db8::/100', sizing: 'kubernetes', want: 65535n },
];
for (const { cidr, sizing, want } of sizes) {
  test(`cluster-ip-range › ${cidr}${sizing ? ` (${sizing} sizing)` : ''} has ${want} usable addresses`, (t) => {
    const r = new ClusterIPRange({ cidr, ipv6Sizing: sizing, random: firstFree });
    t.is(r.size, want);
    t.is(r.free, want);
    t.is(r.used, 0);
  });
}

const bands: [string, number][] = [
  ['10.0.0.0/24', 16], ['10.0.0.0/25', 16], ['10.0.0.0/23', 32], ['10.0.0.0/22', 64], ['10.0.0.0/21', 128],
  ['10.0.0.0/20', 256], ['10.96.0.0/12', 256], ['10.0.0.0/27', 16], ['10.0.0.0/28', 0], ['10.0.0.0/32', 0],
  ['2001:db8::/64', 256], ['2001:db8::/124', 0], ['2001:db8::/123', 16],
];
for (const [cidr, want] of bands) {
  test(`cluster-ip-range › static band of ${cidr} is ${want}`, (t) => {
    t.is(staticBandSizeOf(parseCIDR(cidr)), want);
    t.is(new ClusterIPRange({ cidr, random: firstFree }).staticBandSize, want);
  });
}

test('cluster-ip-range › IPv4 /32 is full at once and its only address is not in range', (t) => {
  const r = new ClusterIPRange({ cidr: '10.0.0.1/32', random: firstFree });
  const full = t.throws(() => r.allocateNext());
  t.true(isAllocatorError(full, 'RangeFull'));
  t.is(full.message, 'range is full');
  const e = t.throws(() => r.allocate('10.0.0.1'));
  t.true(isAllocatorError(e, 'NotInRange'));
  t.is(e.message, 'the provided IP (10.0.0.1) is not in the valid range. The range of valid IPs is 10.0.0.1/32');
});

test('cluster-ip-range › network and broadcast are NotInRange, not AlreadyAllocated', (t) => {
  const r = new ClusterIPRange({ cidr: '192.168.1.0/24', random: firstFree });
  for (const ip of ['192.168.1.0', '192.168.1.255', '192.168.2.1', '2001:db8::1']) {
    const e = t.throws(() => r.allocate(ip));
    t.true(isAllocatorError(e, 'NotInRange'), ip);
    t.false(r.contains(ip));
  }
  t.is(r.allocate('192.168.1.254'), '192.168.1.254');
  t.is(r.allocate('192.168.1.1'), '192.168.1.1');
  const taken = t.throws(() => r.allocate('192.168.1.1'));
  t.true(isAllocatorError(taken, 'AlreadyAllocated'));
  t.is(taken.message, 'provided IP is already allocated');
});

test('cluster-ip-range › the /25 band: automatic allocations take .17-.126 first, then the static band', (t) => {
  const r = new ClusterIPRange({ cidr: '192.168.1.0/25', random: seededRandom(3) });
  const got = Array.from({ length: 110 }, () => r.allocateNext());
  const want = Array.from({ length: 110 }, (_, i) => `192.168.1.${i + 17}`);
  t.deepEqual(sortIPs(got), want);
  t.is(r.free, 16n);
  for (let i = 1; i <= 16; i++) r.allocate(`192.168.1.${i}`);
  t.is(r.free, 0n);
  t.true(isAllocatorError(t.throws(() => r.allocateNext()), 'RangeFull'));
  r.release('192.168.1.10');
  t.is(r.allocateNext(), '192.168.1.10');
});

test('cluster-ip-range › 10.96.0.0/12 keeps 10.96.0.1-10.96.1.0 while the upper band has room', (t) => {
  const r = new ClusterIPRange({ cidr: '10.96.0.0/12', random: seededRandom(11) });
  const lastStatic = parseIP('10.96.1.0').value;
  for (let i = 0; i < 5000; i++) t.true(parseIP(r.allocateNext()).value > lastStatic);
  t.true(r.isInStaticBand('10.96.0.1'));
  t.true(r.isInStaticBand('10.96.1.0'));
  t.false(r.isInStaticBand('10.96.1.1'));
  t.is(r.allocate('10.96.0.1'), '10.96.0.1');
});

test('cluster-ip-range › a small range falls back to the static band once the upper band is full', (t) => {
  const r = new ClusterIPRange({ cidr: '10.0.0.0/27', random: seededRandom(5) });
  const upper = Array.from({ length: 14 }, () => r.allocateNext());
  t.true(upper.every((ip) => Number(ip.split('.')[3]) >= 17));
  t.is(Number(r.allocateNext().split('.')[3]) <= 16, true);
});

test('cluster-ip-range › IPv6 Kubernetes sizing caps at 65535 addresses after the network', (t) => {
  const r = new ClusterIPRange({ cidr: '2001:db8:1::/48', ipv6Sizing: 'kubernetes', random: firstFree });
  t.true(r.contains('2001:db8:1::ffff'));
  t.false(r.contains('2001:db8:1::1:0'));
  const e = t.throws(() => r.allocate('2001:db8:1::1:0'));
  t.true(isAllocatorError(e, 'NotInRange'));
  t.is(e.message, 'the provided IP (2001:db8:1::1:0) is not in the valid range. The range of valid IPs is 2001:db8:1::/48');
});

test('cluster-ip-range › IPv6 full sizing accepts a /64, the all-ones address included, and refuses shorter prefixes', (t) => {
  const r = new ClusterIPRange({ cidr: '2001:db8::/64', random: seededRandom(9) });
  t.is(r.allocate('2001:db8::ffff:ffff:ffff:ffff'), '2001:db8::ffff:ffff:ffff:ffff');
  t.false(r.contains('2001:db8::'));
  t.false(r.contains('2001:db8:0:1::'));
  const next = r.allocateNext();
  t.true(r.has(next));
  t.true(parseIP(next).value - parseIP('2001:db8::').value > 256n);
  t.is(r.free, 2n ** 64n - 3n);
  const e = t.throws(() => new ClusterIPRange({ cidr: '2001:db8::/48', random: firstFree }), { instanceOf: RangeError });
  t.regex(e.message, /shortest allowed prefix length for service CIDR is 64, got 48/);
});

test('cluster-ip-range › small IPv6 ranges allocate the all-ones address', (t) => {
  const r = new ClusterIPRange({ cidr: '2001:db8::/126', random: firstFree });
  t.deepEqual([r.allocateNext(), r.allocateNext(), r.allocateNext()].sort(), ['2001:db8::1', '2001:db8::2', '2001:db8::3']);
});

test('cluster-ip-range › input is parsed strictly and normalised; invalid text is a TypeError', (t) => {
  const r = new ClusterIPRange({ cidr: '2001:db8::/112', random: firstFree });
  t.is(r.allocate('2001:DB8:0::1'), '2001:db8::1');
  t.true(r.has('2001:db8::1'));
  const v4 = new ClusterIPRange({ cidr: '10.0.0.0/24', random: firstFree });
  for (const bad of ['010.0.0.1', '0x0a.0.0.1', '10.0.1', 'fe80::1%eth0', '', 'ten']) {
    t.throws(() => v4.allocate(bad), { instanceOf: TypeError }, bad);
    t.throws(() => v4.release(bad), { instanceOf: TypeError }, bad);
    t.throws(() => v4.has(bad), { instanceOf: TypeError }, bad);
  }
});

test('cluster-ip-range › release outside the range or of a free address is a no-op', (t) => {
  const r = new ClusterIPRange({ cidr: '10.0.0.0/24', random: firstFree });
  r.allocate('10.0.0.5');
  r.release('10.0.0.0');
  r.release('10.0.1.5');
  r.release('2001:db8::5');
  r.release('10.0.0.6');
  t.is(r.used, 1);
  r.release('10.0.0.5');
  t.is(r.used, 0);
});

test('cluster-ip-range › offsetOf, ipAt and forEach ascending', (t) => {
  const r = new ClusterIPRange({ cidr: '10.0.0.0/24', random: firstFree });
  t.is(r.offsetOf('10.0.0.1'), 0n);
  t.is(r.offsetOf('10.0.0.254'), 253n);
  t.is(r.offsetOf('10.0.0.255'), undefined);
  t.is(r.ipAt(0n), '10.0.0.1');
  t.throws(() => r.ipAt(254n), { instanceOf: RangeError });
  t.throws(() => r.ipAt(-1n), { instanceOf: RangeError });
  for (const ip of ['10.0.0.200', '10.0.0.3', '10.0.0.40']) r.allocate(ip);
  const seen: string[] = [];
  r.forEach((ip) => seen.push(ip));
  t.deepEqual(seen, ['10.0.0.3', '10.0.0.40', '10.0.0.200']);
});

test('cluster-ip-range › snapshot/restore round-trips; another network is MismatchedNetwork and leaves state alone', (t) => {
  for (const cidr of ['10.0.0.0/24', '2001:db8::/64']) {
    const r = new ClusterIPRange({ cidr, random: seededRandom(1) });
    const ips = Array.from({ length: 20 }, () => r.allocateNext());
    const copy = ClusterIPRange.fromSnapshot(structuredClone(r.snapshot()), { random: seededRandom(2) });
    const seen: string[] = [];
    copy.forEach((ip) => seen.push(ip));
    t.deepEqual(seen, sortIPs(ips));
    t.is(copy.used, 20);
  }
  const a = new ClusterIPRange({ cidr: '10.0.0.0/24', random: firstFree });
  a.allocate('10.0.0.9');
  const b = new ClusterIPRange({ cidr: '10.0.1.0/24', random: firstFree });
  const e = t.throws(() => b.restore(a.snapshot()));
  t.true(isAllocatorError(e, 'MismatchedNetwork'));
  t.is(e.message, 'the provided network does not match the current range');
  t.is(b.used, 0);
  const full = new ClusterIPRange({ cidr: '2001:db8::/100', random: firstFree });
  const capped = new ClusterIPRange({ cidr: '2001:db8::/100', ipv6Sizing: 'kubernetes', random: firstFree });
  t.true(isAllocatorError(t.throws(() => capped.restore(full.snapshot())), 'MismatchedNetwork'));
});

test('cluster-ip-range › IPv4 larger than /8 is refused', (t) => {
  t.throws(() => new ClusterIPRange({ cidr: '10.0.0.0/7', random: firstFree }), { instanceOf: RangeError, message: /mask must be >= 8/ });
});

const flags: { flag: string; want: string[] }[] = [
  { flag: '10.96.0.0/12', want: ['10.96.0.0/12'] },
  { flag: '10.96.0.0/12,2001:db8::/108', want: ['10.96.0.0/12', '2001:db8::/108'] },
  { flag: '2001:DB8::/64,10.0.0.0/24', want: ['2001:db8::/64', '10.0.0.0/24'] },
];
for (const { flag, want } of flags) {
  test(`cluster-ip-range › flag ${JSON.stringify(flag)} parses to ${want.join(' + ')}`, (t) => {
    t.deepEqual(parseServiceClusterIPRanges(flag).map((c) => c.text), want);
  });
}

const badFlags: { flag: string; error: typeof TypeError; why: RegExp; sizing?: IPv6Sizing }[] = [
  { flag: '', error: TypeError, why: /at least one valid cidr/ },
  { flag: '10.96.0.1/12', error: TypeError, why: /should be 10\.96\.0\.0\/12/ },
  { flag: '010.96.0.0/12', error: TypeError, why: /leading 0s/ },
  { flag: '0x0a.0.0.0/8', error: TypeError, why: /valid IP/ },
  { flag: '10.96.0/24', error: TypeError, why: /valid IP/ },
  { flag: 'fe80::%eth0/64', error: TypeError, why: /zone/ },
  { flag: '10.0.0.0/24,', error: TypeError, why: /\[1\]/ },
  { flag: '10.0.0.0/24, 2001:db8::/64', error: TypeError, why: /\[1\]/ },
  { flag: '10.0.0.0/24,2001:db8::/64,10.1.0.0/24', error: RangeError, why: /must not contain more than two entries/ },
  { flag: '10.0.0.0/24,10.1.0.0/24', error: RangeError, why: /must be of different IP family/ },
  { flag: '10.0.0.0/7', error: RangeError, why: /mask must be >= 8/ },
  { flag: '10.0.0.0/24,2001:db8::/48', error: RangeError, why: /shortest allowed prefix length for service CIDR is 64, got 48/ },
];
for (const { flag, error, why, sizing } of badFlags) {
  test(`cluster-ip-range › flag ${JSON.stringify(flag)} is rejected naming the flag and the value`, (t) => {
    const e = t.throws(() => parseServiceClusterIPRanges(flag, { ipv6Sizing: sizing }), { instanceOf: error });
    t.regex(e.message, why);
    t.true(e.message.includes('--service-cluster-ip-range'));
    t.true(e.message.includes(JSON.stringify(flag)));
  });
}

test('cluster-ip-range › Kubernetes sizing accepts IPv6 prefixes shorter than /64 in the flag', (t) => {
  t.deepEqual(parseServiceClusterIPRanges('2001:db8:1::/48', { ipv6Sizing: 'kubernetes' }).map((c) => c.text), ['2001:db8:1::/48']);
});

test('cluster-ip-range › ClusterIPRanges pairs the families and the first sets the default', (t) => {
  const pair = ClusterIPRanges.fromFlag('2001:db8::/112,10.0.0.0/24', { random: firstFree });
  t.is(pair.defaultFamily, 'IPv6');
  t.deepEqual(pair.families, ['IPv6', 'IPv4']);
  t.is(pair.get('IPv4')?.cidr, '10.0.0.0/24');
  t.is(pair.readyRangeFor('10.0.0.7')?.cidr, '10.0.0.0/24');
  t.is(pair.readyRangeFor('2001:db8::7')?.cidr, '2001:db8::/112');
  t.deepEqual(pair.ranges.map((r) => r.cidr), ['2001:db8::/112', '10.0.0.0/24']);
  const single = ClusterIPRanges.fromFlag('10.0.0.0/24', { random: firstFree });
  t.is(single.get('IPv6'), undefined);
  t.is(single.readyRangeFor('2001:db8::1'), undefined);
  const v4 = new ClusterIPRange({ cidr: '10.0.0.0/24', random: firstFree });
  t.throws(() => new ClusterIPRanges([v4, new ClusterIPRange({ cidr: '10.1.0.0/24', random: firstFree })]), { instanceOf: RangeError });
  t.throws(() => new ClusterIPRanges([]), { instanceOf: RangeError });
});

type Op = { kind: 'next' } | { kind: 'alloc' | 'release'; at: number };
const cidrArb = fc.constantFrom('10.0.0.0/26', '10.0.0.0/27', '10.0.0.0/28', '10.0.0.0/30', '10.0.0.4/32', '2001:db8::/122', '2001:db8::/127', '2001:db8::/64');
const scenario = fc.tuple(
  cidrArb,
  fc.integer(),
  fc.array(fc.oneof(fc.constant<Op>({ kind: 'next' }), fc.record({ kind: fc.constantFrom<'alloc' | 'release'>('alloc', 'release'), at: fc.integer({ min: -2, max: 70 }) })), { maxLength: 90 }),
);

test('cluster-ip-range › property: allocateNext returns free usable IPs, upper band first, counts agree', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(scenario, ([cidr, seed, ops]) => {
      const r = new ClusterIPRange({ cidr, random: seededRandom(seed) });
      const parsed = parseCIDR(cidr);
      const band = BigInt(r.staticBandSize);
      const model = new Map<string, bigint>();
      for (const op of ops) {
        if (op.kind === 'next') {
          const upperUsed = [...model.values()].filter((o) => o >= band).length;
          if (BigInt(model.size) === r.size) {
            if (!throwsCode(() => r.allocateNext(), 'RangeFull')) return false;
            continue;
          }
          const ip = r.allocateNext();
          const offset = r.offsetOf(ip);
          if (offset === undefined || model.has(ip)) return false;
          if (BigInt(upperUsed) < r.size - band && offset < band) return false;
          model.set(ip, offset);
          continue;
        }
        // Offsets from -2 reach the network address and the addresses before it; with `at` past
        // the end they reach broadcast and beyond.
        const ip = ipAtValue(parsed.network + 1n + BigInt(op.at), parsed.family);
        const offset = BigInt(op.at);
        const usable = offset >= 0n && offset < r.size;
        if (op.kind === 'alloc') {
          const want = !usable ? 'NotInRange' : model.has(ip) ? 'AlreadyAllocated' : undefined;
          if (want) {
            if (!throwsCode(() => r.allocate(ip), want)) return false;
          } else {
            r.allocate(ip);
            model.set(ip, offset);
          }
        } else {
          r.release(ip);
          model.delete(ip);
        }
        if (r.used !== model.size || r.free !== r.size - BigInt(model.size)) return false;
      }
      const listed: string[] = [];
      r.forEach((ip) => listed.push(ip));
      const want = [...model.entries()].sort((a, b) => (a[1] < b[1] ? -1 : 1)).map(([ip]) => ip);
      return JSON.stringify(listed) === JSON.stringify(want);
    }),
    { numRuns: 1000 },
  ));
});

test('cluster-ip-range › property: snapshot then restore gives the same allocations', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(cidrArb, fc.integer(), fc.nat({ max: 40 }), (cidr, seed, n) => {
      const r = new ClusterIPRange({ cidr, random: seededRandom(seed) });
      for (let i = 0; i < n && r.free > 0n; i++) r.allocateNext();
      const copy = ClusterIPRange.fromSnapshot(structuredClone(r.snapshot()), { random: seededRandom(seed + 1) });
      const a: string[] = [];
      const b: string[] = [];
      r.forEach((ip) => a.push(ip));
      copy.forEach((ip) => b.push(ip));
      return copy.used === r.used && copy.free === r.free && JSON.stringify(a) === JSON.stringify(b);
    }),
    { numRuns: 1000 },
  ));
});

function sortIPs(ips: string[]): string[] {
  return [...ips].sort((a, b) => (parseIP(a).value < parseIP(b).value ? -1 : 1));
}

function ipAtValue(value: bigint, family: 'IPv4' | 'IPv6'): string {
  const bits = family === 'IPv4' ? 32n : 128n;
  const wrapped = ((value % (1n << bits)) + (1n << bits)) % (1n << bits);
  return parseIP(family === 'IPv4' ? v4Text(wrapped) : v6Text(wrapped)).text;
}

function v4Text(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
}

function v6Text(v: bigint): string {
  return Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
}

function throwsCode(fn: () => unknown, code: AllocatorErrorCode): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    return isAllocatorError(e, code);
  }
}

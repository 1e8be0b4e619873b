import test from 'ava';
import fc from 'fast-check';
import { ClusterIPRanges, type ServiceCIDRView } from '../../allocators/cluster-ip-ranges.js';
import { firstFree, seededRandom } from '../../allocators/random.js';

const sc = (name: string, cidrs: string[], isReady = true): ServiceCIDRView => ({ name, cidrs, isReady });
const cidrsOf = (r: ClusterIPRanges): string[] => r.ranges.map((x) => x.cidr);

test('cluster-ip-ranges › a ServiceCIDR adds one range per new CIDR of a served family, after the flag\'s', (t) => {
  const r = ClusterIPRanges.fromFlag('10.0.0.0/24', { random: firstFree });
  const change = r.sync([sc('kubernetes', ['10.0.0.0/24']), sc('extra', ['10.200.0.0/24', 'fd00::/112']), sc('again', ['10.200.0.0/24'])]);
  t.deepEqual(change.added.map((x) => x.cidr), ['10.200.0.0/24'], 'the flag\'s CIDR and a duplicate are one range; IPv6 is not served');
  t.deepEqual(cidrsOf(r), ['10.0.0.0/24', '10.200.0.0/24']);
  t.deepEqual(r.rangesOf('IPv6'), []);
  t.is(r.get('IPv4')?.cidr, '10.0.0.0/24', 'get is the flag\'s range');
  t.deepEqual(r.sync([sc('extra', ['10.200.0.0/24'])]), { added: [], removed: [], readied: [], unreadied: [], refused: [] }, 'a sync that changes nothing says so');
});

test('cluster-ip-ranges › CIDRs are keyed by canonical text', (t) => {
  const r = ClusterIPRanges.fromFlag('fd00::/112', { random: firstFree });
  t.deepEqual(r.sync([sc('upper', ['FD00::/112', 'FD01::/112'])]).added.map((x) => x.cidr), ['fd01::/112']);
});

test('cluster-ip-ranges › a range is ready while one ServiceCIDR naming it is ready; the flag\'s always is', (t) => {
  const r = ClusterIPRanges.fromFlag('10.0.0.0/24', { random: firstFree });
  r.sync([sc('kubernetes', ['10.0.0.0/24'], false), sc('a', ['10.1.0.0/24'], false), sc('b', ['10.1.0.0/24'], true)]);
  const [flag, extra] = r.ranges;
  t.true(r.isReady(flag), 'the flag\'s range stands for the default ServiceCIDR, whatever its object says');
  t.true(r.isReady(extra));
  const down = r.sync([sc('a', ['10.1.0.0/24'], false), sc('b', ['10.1.0.0/24'], false)]);
  t.deepEqual(down.unreadied, [extra]);
  t.false(r.isReady(extra));
  t.is(r.readyRangeFor('10.1.0.5'), undefined, 'a requested IP needs a ready range: ErrMismatchedNetwork');
  t.true(r.isWithinAnyCIDR('10.1.0.5'), 'the repair still counts it');
  const up = r.sync([sc('a', ['10.1.0.0/24'], true)]);
  t.deepEqual(up.readied, [extra]);
  t.is(r.readyRangeFor('10.1.0.5'), extra);
});

test('cluster-ip-ranges › a requested IP takes the first ready range holding it; network and broadcast are in none', (t) => {
  const r = ClusterIPRanges.fromFlag('10.0.0.0/24', { random: firstFree });
  r.sync([sc('wide', ['10.0.0.0/16'], false), sc('wider', ['10.0.0.0/8'])]);
  t.is(r.readyRangeFor('10.0.0.5')?.cidr, '10.0.0.0/24');
  t.is(r.readyRangeFor('10.0.9.5')?.cidr, '10.0.0.0/8', 'the /16 holds it too, but is not ready');
  t.deepEqual(r.containing('10.0.0.5').map((x) => x.cidr), ['10.0.0.0/24', '10.0.0.0/16', '10.0.0.0/8']);
  t.is(r.readyRangeFor('10.0.0.255')?.cidr, '10.0.0.0/8', 'the /24\'s broadcast is a usable address of the /8');
  t.is(r.readyRangeFor('11.0.0.1'), undefined);
  t.false(r.isWithinAnyCIDR('10.0.0.0'), 'a network address is in no range');
  t.false(r.isWithinAnyCIDR('10.255.255.255'));
});

test('cluster-ip-ranges › automatic allocation fills the flag\'s range first, then the ready ranges in ServiceCIDR order, skipping full and not-ready ones', (t) => {
  const r = ClusterIPRanges.fromFlag('10.0.0.0/30', { random: firstFree });
  t.deepEqual([r.allocateNext('IPv4'), r.allocateNext('IPv4'), r.allocateNext('IPv4')], ['10.0.0.1', '10.0.0.2', undefined]);
  t.false(r.hasFree('IPv4'));
  r.sync([sc('later', ['10.2.0.0/30']), sc('off', ['10.1.0.0/30'], false)]);
  t.true(r.hasFree('IPv4'));
  t.deepEqual([r.allocateNext('IPv4'), r.allocateNext('IPv4'), r.allocateNext('IPv4')], ['10.2.0.1', '10.2.0.2', undefined]);
  t.is(r.allocateNext('IPv6'), undefined, 'a family the cluster does not serve');
});

test('cluster-ip-ranges › an IP is one IP in overlapping ranges: taken, drawn and released in every range holding it', (t) => {
  const r = ClusterIPRanges.fromFlag('10.0.0.0/29', { random: firstFree });
  r.sync([sc('wide', ['10.0.0.0/28'], false)]);
  const [flag, wide] = r.ranges;
  r.take('10.0.0.3');
  t.true(flag.has('10.0.0.3') && wide.has('10.0.0.3'), 'taken in both');
  const drawn = r.allocateNext('IPv4') as string;
  t.is(drawn, '10.0.0.1');
  t.true(wide.has(drawn), 'drawn from the flag\'s range, marked in the overlapping one');
  r.release('10.0.0.3');
  t.false(flag.has('10.0.0.3') || wide.has('10.0.0.3'), 'released in both, the not-ready one included');
});

test('cluster-ip-ranges › property: overlapping ranges never hand out one IP twice', (t) => {
  const cidrs = ['10.0.0.0/28', '10.0.0.0/27', '10.0.0.8/29', '10.0.0.16/28', '10.0.0.0/26'];
  const op = fc.oneof(
    fc.constant<{ kind: 'next' }>({ kind: 'next' }),
    fc.record({ kind: fc.constant<'release'>('release'), at: fc.nat(40) }),
    fc.record({ kind: fc.constant<'sync'>('sync'), on: fc.array(fc.boolean(), { minLength: cidrs.length, maxLength: cidrs.length }) }),
  );
  t.notThrows(() => fc.assert(
    fc.property(fc.integer(), fc.array(op, { maxLength: 120, size: 'max' }), (seed, ops) => {
      const r = ClusterIPRanges.fromFlag('10.0.0.0/29', { random: seededRandom(seed) });
      const held: string[] = [];
      for (const o of ops) {
        if (o.kind === 'next') {
          const ip = r.allocateNext('IPv4');
          if (ip === undefined) continue;
          if (held.includes(ip)) throw new Error(`${ip} handed out twice`);
          held.push(ip);
        } else if (o.kind === 'release') {
          const [ip] = held.splice(o.at % Math.max(held.length, 1), 1);
          if (ip) r.release(ip);
        } else {
          const added = r.sync(cidrs.map((c, i) => sc(`sc${i}`, [c], o.on[i]))).added;
          // A new range starts from the claims, as the claim index fills it.
          for (const range of added) for (const ip of held) if (range.contains(ip)) range.allocate(ip);
        }
      }
    }),
    { numRuns: 200 },
  ));
});

test('cluster-ip-ranges › a CIDR no range can be built for is refused once, and still counts for the repair', (t) => {
  const r = ClusterIPRanges.fromFlag('10.0.0.0/24,fd00::/112', { random: firstFree });
  const first = r.sync([sc('wide6', ['2001:db8::/48']), sc('wide4', ['10.0.0.0/7'])]);
  t.deepEqual(first.refused, [
    { cidr: '2001:db8::/48', names: ['wide6'], reason: 'shortest allowed prefix length for service CIDR is 64, got 48' },
    { cidr: '10.0.0.0/7', names: ['wide4'], reason: 'the range is too large; for 32-bit addresses, the mask must be >= 8' },
  ]);
  t.deepEqual(first.added, []);
  t.deepEqual(r.sync([sc('wide6', ['2001:db8::/48']), sc('wide4', ['10.0.0.0/7'])]).refused, [], 'reported once');
  t.is(r.refused.length, 2);
  t.is(r.readyRangeFor('2001:db8::5'), undefined);
  t.true(r.isWithinAnyCIDR('2001:db8::5'));
  t.true(r.isWithinAnyCIDR('11.0.0.5'));
  r.sync([]);
  t.false(r.isWithinAnyCIDR('2001:db8::5'), 'gone with its ServiceCIDR');
  t.deepEqual(r.sync([sc('wide6', ['2001:db8::/48'])]).refused.map((x) => x.cidr), ['2001:db8::/48'], 'refused again when it comes back');
});

test('cluster-ip-ranges › a range no ServiceCIDR names any more is dropped; the flag\'s stays', (t) => {
  const r = ClusterIPRanges.fromFlag('10.0.0.0/24', { random: firstFree });
  r.sync([sc('kubernetes', ['10.0.0.0/24']), sc('extra', ['10.200.0.0/24'])]);
  const extra = r.ranges[1];
  const change = r.sync([sc('extra2', ['10.201.0.0/24'])]);
  t.deepEqual(change.removed, [extra]);
  t.deepEqual(cidrsOf(r), ['10.0.0.0/24', '10.201.0.0/24']);
  t.false(r.isReady(extra), 'a dropped range is no range of these');
  t.is(r.readyRangeFor('10.200.0.5'), undefined);
  t.deepEqual(r.sync([]).removed.map((x) => x.cidr), ['10.201.0.0/24']);
  t.deepEqual(cidrsOf(r), ['10.0.0.0/24']);
});

test('cluster-ip-ranges › ServiceCIDR ranges are tried in the order the ServiceCIDRs are given', (t) => {
  const r = ClusterIPRanges.fromFlag('10.0.0.0/32', { random: firstFree });
  r.sync([sc('b', ['10.2.0.0/30']), sc('a', ['10.1.0.0/30'])]);
  t.is(r.allocateNext('IPv4'), '10.2.0.1');
  r.sync([sc('a', ['10.1.0.0/30']), sc('b', ['10.2.0.0/30'])]);
  t.is(r.allocateNext('IPv4'), '10.1.0.1');
});

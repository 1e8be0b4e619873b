import test from 'ava';
import fc from 'fast-check';
import { parseCIDR, parseIP } from '../../../allocators/ip.js';
import { NodeCIDRSet, PodIPPool } from '../../../controllers/kubelet-sim/ipam.js';

test('NodeCIDRSet › cuts /24s from an IPv4 /16 in order, as node IPAM does', (t) => {
  const set = new NodeCIDRSet(parseCIDR('10.244.0.0/16'), 24);
  t.deepEqual([set.allocateNext(), set.allocateNext(), set.allocateNext()], ['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24']);
});

test('NodeCIDRSet › cuts /64s from an IPv6 /56', (t) => {
  const set = new NodeCIDRSet(parseCIDR('fd00:10:244::/56'), 64);
  t.deepEqual([set.allocateNext(), set.allocateNext()], ['fd00:10:244::/64', 'fd00:10:244:1::/64']);
});

test('NodeCIDRSet › occupied slices are skipped; foreign CIDRs are refused; a full set answers undefined', (t) => {
  const set = new NodeCIDRSet(parseCIDR('10.244.0.0/23'), 24);
  t.true(set.occupy('10.244.0.0/24'));
  t.false(set.occupy('10.245.0.0/24'), 'another network');
  t.false(set.occupy('10.244.0.0/25'), 'another size');
  t.false(set.occupy('fd00::/64'), 'another family');
  t.is(set.allocateNext(), '10.244.1.0/24');
  t.is(set.allocateNext(), undefined);
  set.release('10.244.0.0/24');
  t.is(set.allocateNext(), '10.244.0.0/24');
});

test('PodIPPool › skips the network and gateway addresses and goes round-robin', (t) => {
  const pool = new PodIPPool('10.244.1.0/24');
  t.is(pool.allocateNext(), '10.244.1.2');
  t.is(pool.allocateNext(), '10.244.1.3');
  pool.release('10.244.1.2');
  t.is(pool.allocateNext(), '10.244.1.4', 'a released IP waits until the pool wraps');
  t.is(pool.used + pool.free, 253, '.2 to .254: not the broadcast address');
});

test('PodIPPool › a released IP comes back only after the rest of the pool is used', (t) => {
  const pool = new PodIPPool('10.244.0.0/29');
  const all = [pool.allocateNext(), pool.allocateNext(), pool.allocateNext(), pool.allocateNext(), pool.allocateNext()];
  t.deepEqual(all, ['10.244.0.2', '10.244.0.3', '10.244.0.4', '10.244.0.5', '10.244.0.6']);
  t.is(pool.allocateNext(), undefined, 'full');
  pool.release('10.244.0.4');
  t.is(pool.allocateNext(), '10.244.0.4');
});

test('PodIPPool › IPv6 pools hold 253 addresses from ::2', (t) => {
  const pool = new PodIPPool('fd00:10:244:1::/64');
  t.is(pool.allocateNext(), 'fd00:10:244:1::2');
  t.is(pool.used + pool.free, 253);
  t.true(pool.occupy('fd00:10:244:1::ff') === false, 'outside the pool');
  t.true(pool.occupy('fd00:10:244:1::fe'));
  t.true(pool.has('fd00:10:244:1::fe'));
});

test('PodIPPool › property: any mix of allocations and releases never hands out an IP in use, stays inside the CIDR, and fills all 13 of a /28', (t) => {
  const cidr = parseCIDR('10.244.7.0/28');
  t.notThrows(() => fc.assert(
    fc.property(fc.array(fc.oneof({ arbitrary: fc.constant(-1), weight: 3 }, { arbitrary: fc.nat(20), weight: 1 }), { maxLength: 40 }), (ops) => {
      const pool = new PodIPPool(cidr.text);
      const held: string[] = [];
      for (const op of ops) {
        if (op === -1 || held.length === 0) {
          const ip = pool.allocateNext();
          if (ip === undefined) {
            if (held.length !== 13) return false;
            continue;
          }
          if (held.includes(ip)) return false;
          const v = parseIP(ip).value;
          if (v < cidr.network + 2n || v > cidr.network + 14n) return false;
          held.push(ip);
        } else {
          const [ip] = held.splice(op % held.length, 1);
          pool.release(ip);
        }
      }
      return pool.used === held.length;
    }),
    { numRuns: 1000 },
  ));
});

import test from 'ava';
import { parseCIDR, parseIP } from '../../../allocators/ip.js';
import type { ServiceCIDR } from '../../../api-types/networking.js';
import { cidrsOf, containsAddress, containsPrefix, overlappingServiceCIDRs, overlaps, serviceCIDRsContaining } from '../../../controllers/servicecidrs/containment.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const sc = (name: string, ...cidrs: string[]): ServiceCIDR => deepFreeze({ metadata: { name }, spec: { cidrs } });

for (const { name, prefix, ip, want } of [
  { name: 'an address inside', prefix: '10.0.0.0/24', ip: '10.0.0.7', want: true },
  { name: 'the IPv4 network address', prefix: '10.0.0.0/24', ip: '10.0.0.0', want: false },
  { name: 'the IPv4 broadcast address', prefix: '10.0.0.0/24', ip: '10.0.0.255', want: false },
  { name: 'the last address before broadcast', prefix: '10.0.0.0/24', ip: '10.0.0.254', want: true },
  { name: 'an address outside', prefix: '10.0.0.0/24', ip: '10.0.1.1', want: false },
  { name: 'the other family', prefix: '10.0.0.0/24', ip: 'fd00::1', want: false },
  { name: 'the IPv6 subnet-router address', prefix: 'fd00::/64', ip: 'fd00::', want: false },
  { name: 'the IPv6 all-ones address (no broadcast in IPv6)', prefix: 'fd00::/64', ip: 'fd00::ffff:ffff:ffff:ffff', want: true },
  { name: 'a /32 holds nothing', prefix: '10.0.0.1/32', ip: '10.0.0.1', want: false },
]) {
  test(`containsAddress › ${name}`, (t) => {
    t.is(containsAddress(parseCIDR(prefix), parseIP(ip)), want);
  });
}

test('containsPrefix › the same prefix and a longer one inside, not a shorter one or a neighbour', (t) => {
  const p = (s: string) => parseCIDR(s);
  t.true(containsPrefix(p('10.0.0.0/16'), p('10.0.0.0/16')));
  t.true(containsPrefix(p('10.0.0.0/16'), p('10.0.4.0/24')));
  t.false(containsPrefix(p('10.0.4.0/24'), p('10.0.0.0/16')));
  t.false(containsPrefix(p('10.0.0.0/24'), p('10.0.1.0/24')));
  t.false(containsPrefix(p('::/0'), p('10.0.0.0/8')));
  t.true(overlaps(p('10.0.4.0/24'), p('10.0.0.0/16')));
  t.false(overlaps(p('10.0.0.0/24'), p('10.0.1.0/24')));
});

test('overlappingServiceCIDRs › itself and every ServiceCIDR sharing an address, of either family', (t) => {
  const all = [sc('a', '10.0.0.0/24', 'fd00::/64'), sc('wide', '10.0.0.0/16'), sc('v6', 'fd00::/48'), sc('apart', '10.1.0.0/16'), sc('broken', 'nonsense')];
  t.deepEqual(overlappingServiceCIDRs(all[0], all).sort(), ['a', 'v6', 'wide']);
  t.deepEqual(cidrsOf(all[4]), [], 'a CIDR that does not parse is skipped');
});

test('serviceCIDRsContaining › the ServiceCIDRs that could have allocated the address', (t) => {
  const all = [sc('a', '10.0.0.0/24'), sc('wide', '10.0.0.0/16'), sc('apart', '10.1.0.0/16')];
  t.deepEqual(serviceCIDRsContaining(parseIP('10.0.0.9'), all).map((s) => s.metadata.name), ['a', 'wide']);
  t.deepEqual(serviceCIDRsContaining(parseIP('10.0.0.255'), all).map((s) => s.metadata.name), ['wide'], 'a\'s broadcast address is wide\'s host');
});

import test from 'ava';
import { canonicalIP, cidrProblem, familyOf, formatIP, ipProblem, parseCIDR, parseIP } from '../../allocators/ip.js';

const rejected: [string, RegExp][] = [
  ['010.0.0.1', /leading 0s/],
  ['0x0a.0.0.1', /valid IP/],
  ['1.2.3', /valid IP/],
  ['256.1.1.1', /valid IP/],
  ['fe80::1%eth0', /zone/],
  ['::ffff:1.2.3.4', /IPv4-mapped/],
  ['', /valid IP/],
  ['10.0.0.1 ', /valid IP/],
];
for (const [s, why] of rejected) {
  test(`ip › rejects ${JSON.stringify(s)}`, (t) => {
    t.regex(ipProblem(s) ?? '', why);
    t.throws(() => parseIP(s), { instanceOf: TypeError });
  });
}

test('ip › parses IPv4 and IPv6 to canonical text and value', (t) => {
  t.deepEqual(parseIP('10.96.0.1'), { family: 'IPv4', text: '10.96.0.1', value: 0x0a600001n });
  const v6 = parseIP('2001:DB8:0:0::1');
  t.is(v6.family, 'IPv6');
  t.is(v6.text, '2001:db8::1');
  t.is(formatIP(v6.value, 'IPv6'), '2001:db8::1');
  t.is(familyOf('::1'), 'IPv6');
  t.is(familyOf('1.2.3'), undefined);
});

test('ip › CIDR with host bits set is rejected with the network form proposed', (t) => {
  t.regex(cidrProblem('10.96.0.1/12') ?? '', /should be 10\.96\.0\.0\/12/);
  t.regex(cidrProblem('2001:db8::1/64') ?? '', /should be 2001:db8::\/64/);
  t.truthy(cidrProblem('10.0.0.0/33'));
  t.truthy(cidrProblem('10.0.0.0/08'));
  t.truthy(cidrProblem('10.0.0.0'));
  const c = parseCIDR('10.96.0.0/12');
  t.is(c.text, '10.96.0.0/12');
  t.is(c.bits, 32);
  t.is(c.prefixLength, 12);
  t.is(parseCIDR('2001:db8:1::/48').text, '2001:db8:1::/48');
});

test('ip › IPv6 with a dotted IPv4 tail keeps its value (regression: ipaddr.js read ::1.2.3.4 as ::ffff:1.2.3.4)', (t) => {
  t.deepEqual(parseIP('::1.2.3.4'), { family: 'IPv6', text: '::102:304', value: 0x01020304n });
  t.is(parseIP('64:ff9b::192.0.2.1').text, '64:ff9b::c000:201');
  t.is(parseIP('1:2:3:4:5:6:1.2.3.4').text, '1:2:3:4:5:6:102:304');
  t.regex(ipProblem('::ffff:1.2.3.4') ?? '', /IPv4-mapped/);
  t.regex(ipProblem('::ffff:102:304') ?? '', /IPv4-mapped/);
  t.regex(ipProblem('::1.2.3.04') ?? '', /valid IP/);
  t.regex(ipProblem('::1.2.3') ?? '', /valid IP/);
  t.regex(ipProblem('1.2.3.4::') ?? '', /valid IP/);
  t.regex(ipProblem('1:2:3:4:5:6:7:1.2.3.4') ?? '', /valid IP/);
  t.is(parseCIDR('::1.2.3.0/120').text, '::102:300/120');
});

test('canonicalIP › strict IPs in their canonical text; anything else as it is', (t) => {
  t.is(canonicalIP('FD00::7'), 'fd00::7');
  t.is(canonicalIP('fd00::0:5'), 'fd00::5');
  t.is(canonicalIP('2001:db8:0:0:0:0:0:1'), '2001:db8::1');
  t.is(canonicalIP('10.0.0.5'), '10.0.0.5');
  t.is(canonicalIP('010.0.0.5'), '010.0.0.5', 'not a strict IP: left for validation to refuse');
  t.is(canonicalIP('None'), 'None');
  t.is(canonicalIP(''), '');
});

import test from 'ava';
import { parseIPSloppy } from '../../../controllers/endpointslicemirroring/parse-ip-sloppy.js';
import { ipProblem } from '../../../allocators/ip.js';

// Cases from k8s.io/utils' forked Go 1.16 parser tests (internal/third_party/forked/golang/net)
// and Go's String() forms; undefined where ParseIPSloppy returns nil.
const cases: { in: string; want: ReturnType<typeof parseIPSloppy> }[] = [
  { in: '127.0.1.2', want: { family: 'IPv4', text: '127.0.1.2' } },
  { in: '010.001.002.004', want: { family: 'IPv4', text: '10.1.2.4' } },
  { in: '127.010.020.030', want: { family: 'IPv4', text: '127.10.20.30' } },
  { in: '0123.0.0.1', want: { family: 'IPv4', text: '123.0.0.1' } },
  { in: '::ffff:10.1.2.5', want: { family: 'IPv4', text: '10.1.2.5' } },
  { in: '::ffff:127.001.002.003', want: { family: 'IPv4', text: '127.1.2.3' } },
  { in: '::ffff:7f01:0203', want: { family: 'IPv4', text: '127.1.2.3' } },
  { in: '0:0:0:0:000000:ffff:127.1.2.3', want: { family: 'IPv4', text: '127.1.2.3' } },
  { in: '0:0:0:0::ffff:127.1.2.3', want: { family: 'IPv4', text: '127.1.2.3' } },
  { in: '2001:4860:0000:2001:0000:0000:0000:0068', want: { family: 'IPv6', text: '2001:4860:0:2001::68' } },
  { in: '2001:DB8::1', want: { family: 'IPv6', text: '2001:db8::1' } },
  { in: '1:0:0:1:0:0:0:1', want: { family: 'IPv6', text: '1:0:0:1::1' } },
  { in: '::10.1.2.5', want: { family: 'IPv6', text: '::a01:205' } },
  { in: '1:2:3:4:5:6:7::', want: { family: 'IPv6', text: '1:2:3:4:5:6:7:0' } },
  { in: '::', want: { family: 'IPv6', text: '::' } },
  { in: '-0.0.0.0', want: undefined },
  { in: '127.0.0.256', want: undefined },
  { in: '1.2.3', want: undefined },
  { in: '1.2..4', want: undefined },
  { in: '0x0a.0.0.1', want: undefined },
  { in: '1.2.3.4:80', want: undefined },
  { in: 'abc', want: undefined },
  { in: '123:', want: undefined },
  { in: 'fe80::1%lo0', want: undefined },
  { in: '', want: undefined },
  { in: 'a1:a2:a3:a4::b1:b2:b3:b4', want: undefined },
  { in: '::ffff:1.2.3', want: undefined },
];

for (const c of cases) {
  test(`parseIPSloppy › ${JSON.stringify(c.in)}`, (t) => {
    t.deepEqual(parseIPSloppy(c.in), c.want);
  });
}

test('parseIPSloppy › the strict parser still refuses what the mirroring controller accepts', (t) => {
  t.truthy(ipProblem('010.001.002.004'));
  t.truthy(ipProblem('::ffff:10.1.2.5'));
});

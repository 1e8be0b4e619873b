import test from 'ava';
import fc from 'fast-check';
import { familyOf, ipProblem, parseIP } from '../../../allocators/ip.js';
import { ipFamilyOf, ipProblemOf, isCanonicalIPv4 } from '../../../apiserver/validation/ip-rules.js';

test('ip-rules › isCanonicalIPv4: canonical dotted decimal only', (t) => {
  for (const ok of ['0.0.0.0', '10.96.0.1', '255.255.255.255', '1.2.3.4']) t.true(isCanonicalIPv4(ok), ok);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.256', '1.2.3.4 ', '1..3.4', '.1.2.3', '1.2.3.', '::1', '1.2.3.0x4', '1000.2.3.4', '١.2.3.4']) {
    t.false(isCanonicalIPv4(bad), bad);
  }
});

// The fast path must agree with the strict parser on everything, not only on what it accepts.
const ipLike = fc.oneof(
  fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((p) => p.join('.')),
  fc.array(fc.constantFrom('0', '1', '2', '5', '9', '.', '00', '25', ':', 'a', 'x'), { maxLength: 12 }).map((a) => a.join('')),
  fc.ipV4(),
  fc.ipV6(),
);

test('ip-rules › the canonical-IPv4 fast path agrees with the strict parser', (t) => {
  t.notThrows(() => fc.assert(fc.property(ipLike, (s) => {
    if (ipProblemOf(s) !== ipProblem(s)) return false;
    if (ipFamilyOf(s) !== familyOf(s)) return false;
    return !isCanonicalIPv4(s) || (familyOf(s) === 'IPv4' && parseIP(s).text === s);
  }), { numRuns: 5000 }));
});

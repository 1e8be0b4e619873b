/**
 * IP checks shared by Services, Endpoints and EndpointSlices, after ValidateNonSpecialIP in
 * pkg/apis/core/validation/validation.go. Parsing itself is allocators/ip.ts' strict parser.
 */
import { ipProblem, parseIP } from '../../allocators/ip.js';
import { type FieldCause, type FieldPath, invalid } from './field.js';

/** Rejects an endpoint IP that is unspecified, loopback, link-local or link-local multicast. */
export function validateNonSpecialIP(ip: string, path: FieldPath): FieldCause[] {
  const why = ipProblem(ip);
  if (why) return [invalid(path, ip, why)];
  const { family, value } = parseIP(ip);
  const errs: FieldCause[] = [];
  if (family === 'IPv4') {
    const top8 = Number(value >> 24n);
    if (value === 0n) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
    if (top8 === 127) errs.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
    if (value >> 16n === 0xa9fen) errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
    if (value >> 8n === 0xe00000n) errs.push(invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  } else {
    const top16 = Number(value >> 112n);
    if (value === 0n) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
    if (value === 1n) errs.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
    if ((top16 & 0xffc0) === 0xfe80) errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
    // Go's IsLinkLocalMulticast: ff02::/16 with any flags nibble (ffX2::).
    if ((top16 & 0xff0f) === 0xff02) errs.push(invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

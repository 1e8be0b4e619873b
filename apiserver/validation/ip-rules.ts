/**
 * IP checks shared by Services, Endpoints and EndpointSlices, after ValidateNonSpecialIP in
 * pkg/apis/core/validation/validation.go. Parsing itself is allocators/ip.ts' strict parser.
 */
import type { IPFamily } from '../../api-types/core.js';
import { cidrProblem, familyOf, ipProblem, parseIP } from '../../allocators/ip.js';
import { type FieldCause, type FieldPath, invalid } from './field.js';
import { str } from './meta.js';

/**
 * True when `s` is an IPv4 address in canonical dotted decimal (four 0–255 parts without
 * leading zeros), as nearly every IP the API is sent is. Such a string is a strict IP of family
 * IPv4 and its own canonical text, so the full parser need not look at it.
 */
export function isCanonicalIPv4(s: string): boolean {
  let parts = 0;
  let i = 0;
  const n = s.length;
  while (i < n) {
    const start = i;
    let value = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || value > 255 || (len > 1 && s.charCodeAt(start) === 48)) return false;
    parts++;
    if (i === n) return parts === 4;
    if (s.charCodeAt(i) !== 46 || parts === 4) return false;
    i++;
  }
  return false;
}

/** Why `s` is not a strict IP (allocators/ip.ts' words), or undefined; canonical IPv4 skips the parser. */
export function ipProblemOf(s: string): string | undefined {
  return isCanonicalIPv4(s) ? undefined : ipProblem(s);
}

/** The family of a strict IP, or undefined; canonical IPv4 skips the parser. */
export function ipFamilyOf(s: string): IPFamily | undefined {
  return isCanonicalIPv4(s) ? 'IPv4' : familyOf(s);
}

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

/**
 * Checks each CIDR of a list (ServiceCIDR spec.cidrs, Node spec.podCIDRs) with the strict parser,
 * appending an Invalid cause at `path[i]` for each bad one; returns true when every one parsed.
 */
export function pushCIDRCauses(errs: FieldCause[], path: FieldPath, cidrs: readonly unknown[]): boolean {
  let valid = true;
  cidrs.forEach((c, i) => {
    const why = cidrProblem(str(c));
    if (why) {
      valid = false;
      errs.push(invalid(path.index(i), c, why));
    }
  });
  return valid;
}

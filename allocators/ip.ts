/**
 * Strict IP and CIDR parsing on top of ipaddr.js. ipaddr.js accepts forms Kubernetes rejects
 * (octal `010.0.0.1`, hex `0x0a.0.0.1`, 3-part `1.2.3`, zone IDs `fe80::1%eth0`, IPv4-mapped
 * IPv6 `::ffff:1.2.3.4`); these functions refuse them, so an address means one thing only.
 */
import ipaddr from 'ipaddr.js';
import type { IPFamily } from '../api-types/core.js';

/** A parsed address: ipaddr.js' object plus its family and canonical text. */
export interface ParsedIP {
  family: IPFamily;
  /** Canonical text: dotted decimal for IPv4, RFC 5952 for IPv6 (the IPAddress object name). */
  text: string;
  /** The address as an unsigned integer (32 or 128 bits). */
  value: bigint;
}

/** A parsed CIDR in network form. */
export interface ParsedCIDR {
  family: IPFamily;
  /** Canonical `network/prefix`. */
  text: string;
  network: bigint;
  prefixLength: number;
  /** Address bits: 32 or 128. */
  bits: 32 | 128;
}

/** Why a string is not a strict IP; undefined when it is one. */
export function ipProblem(s: string): string | undefined {
  if (typeof s !== 'string' || s === '') return 'must be a valid IP address';
  if (s.includes('%')) return 'must not have a zone index';
  if (s.includes(':')) {
    const hex = embeddedIPv4AsHex(s);
    if (hex === undefined || !ipaddr.IPv6.isValid(hex)) return 'must be a valid IP address';
    if (ipaddr.IPv6.parse(hex).isIPv4MappedAddress()) return 'must not be an IPv4-mapped IPv6 address';
    return undefined;
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(s)) {
    return /(^|\.)0\d/.test(s) ? 'must not have leading 0s' : 'must be a valid IP address';
  }
  return undefined;
}

/** Parses a strict IP; throws a TypeError naming the value otherwise. */
export function parseIP(s: string): ParsedIP {
  const problem = ipProblem(s);
  if (problem) throw new TypeError(`"${s}": ${problem}`);
  const addr = s.includes(':') ? ipaddr.IPv6.parse(embeddedIPv4AsHex(s) as string) : ipaddr.IPv4.parse(s);
  return { family: addr.kind() === 'ipv4' ? 'IPv4' : 'IPv6', text: addr.toString(), value: bytesToBigInt(addr.toByteArray()) };
}

/**
 * The canonical text of a strict IP (`FD01::7` → `fd01::7`), the name of the IPAddress that
 * claims it, as Kubernetes' allocator names it (`ip.String()`); any other text comes back as it
 * is. A Service may list an IP in a non-canonical form, which kube-apiserver 1.33 accepts with a
 * warning.
 */
export function canonicalIP(s: string): string {
  // A strict IPv4 (no leading zeros, no other forms) is written one way only; it is every
  // ClusterIP of an IPv4 cluster, read on each sync, so it is not parsed.
  if (!s.includes(':')) return s;
  return isIP(s) ? parseIP(s).text : s;
}

/** True when `s` is a strict IP. */
export function isIP(s: string): boolean {
  return ipProblem(s) === undefined;
}

/** The family of a strict IP, or undefined when `s` is not one. */
export function familyOf(s: string): IPFamily | undefined {
  if (!isIP(s)) return undefined;
  return s.includes(':') ? 'IPv6' : 'IPv4';
}

/** Why a string is not a strict CIDR in network form; undefined when it is one. */
export function cidrProblem(s: string): string | undefined {
  if (typeof s !== 'string') return 'must be a valid CIDR value';
  const slash = s.indexOf('/');
  if (slash < 0) return 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
  const addrPart = s.slice(0, slash);
  const lenPart = s.slice(slash + 1);
  const ipWhy = ipProblem(addrPart);
  if (ipWhy) return ipWhy;
  const bits = addrPart.includes(':') ? 128 : 32;
  if (!/^(0|[1-9]\d{0,2})$/.test(lenPart) || Number(lenPart) > bits) return 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
  const parsed = toCIDR(addrPart, Number(lenPart));
  if (parsed.network !== parseIP(addrPart).value) return `must be a valid CIDR value (should be ${parsed.text})`;
  return undefined;
}

/** Parses a strict CIDR in network form; throws a TypeError naming the value otherwise. */
export function parseCIDR(s: string): ParsedCIDR {
  const problem = cidrProblem(s);
  if (problem) throw new TypeError(`"${s}": ${problem}`);
  const slash = s.indexOf('/');
  return toCIDR(s.slice(0, slash), Number(s.slice(slash + 1)));
}

/** The canonical text of an address value of the given family. */
export function formatIP(value: bigint, family: IPFamily): string {
  const len = family === 'IPv4' ? 4 : 16;
  const bytes = new Array<number>(len);
  let v = value;
  for (let i = len - 1; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/**
 * Rewrites an IPv6 text whose last 32 bits are written as dotted decimal (`::1.2.3.4`) into
 * plain hex groups (`::102:304`); returns other text unchanged, and undefined when the dotted
 * part is not strict four-part decimal. ipaddr.js reads `::1.2.3.4` as `::ffff:1.2.3.4`, which
 * is another address (Go's netip.ParseAddr keeps it as ::102:304), so the dotted part is never
 * handed to it.
 */
function embeddedIPv4AsHex(s: string): string | undefined {
  if (!s.includes('.')) return s;
  const colon = s.lastIndexOf(':');
  const tail = s.slice(colon + 1);
  if (!ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
  const [a, b, c, d] = tail.split('.').map(Number);
  return `${s.slice(0, colon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

function toCIDR(addrText: string, prefixLength: number): ParsedCIDR {
  const ip = parseIP(addrText);
  const bits = ip.family === 'IPv4' ? 32 : 128;
  const hostBits = BigInt(bits - prefixLength);
  const network = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, network, prefixLength, bits, text: `${formatIP(network, ip.family)}/${prefixLength}` };
}

function bytesToBigInt(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * The lenient IP parsing the mirroring controller applies to hand-written Endpoints, as
 * Kubernetes' `addressToEndpoint` (`pkg/controller/endpointslicemirroring/utils.go`) does with
 * `netutils.ParseIPSloppy` (k8s.io/utils/net: Go 1.16's `net.ParseIP`, forked in
 * `internal/third_party/forked/golang/net/ip.go` so that data stored before Go 1.17 still
 * parses). Unlike allocators/ip.ts, which stays strict for everything the API validates, it
 * accepts leading zeros (decimal, not octal: `010.001.002.004` is 10.1.2.4) and IPv4-mapped
 * IPv6 (`::ffff:10.1.2.5` is the IPv4 address 10.1.2.5). Zones (`%eth0`), hex or octal IPv4
 * and fewer than four IPv4 parts are still refused. Pure.
 */
import type { IPFamily } from '../../api-types/core.js';

/** An address as the mirroring controller writes it into a slice. */
export interface SloppyIP {
  /** IPv4 when the address is IPv4 or IPv4-mapped IPv6 (Go's `To4() != nil`), else IPv6. */
  family: IPFamily;
  /** Go's `ip.String()`: dotted decimal, or RFC 5952 text for IPv6. */
  text: string;
}

/** A run of digits in `base` from `start`: its value and where it ends; undefined when empty or huge (Go's dtoi/xtoi stop at 0xFFFFFF). */
function digitRun(s: string, start: number, base: 10 | 16): { value: number; end: number } | undefined {
  let value = 0;
  let i = start;
  for (; i < s.length; i++) {
    const d = Number.parseInt(s[i], base);
    if (Number.isNaN(d)) break;
    value = value * base + d;
    if (value >= 0xffffff) return undefined;
  }
  return i === start ? undefined : { value, end: i };
}

/** Four dot-separated decimal parts from `start` to the end of `s` (Go 1.16's parseIPv4, leading zeros allowed). */
function parseIPv4Bytes(s: string, start: number): number[] | undefined {
  const out: number[] = [];
  let i = start;
  for (let part = 0; part < 4; part++) {
    if (i >= s.length) return undefined;
    if (part > 0) {
      if (s[i] !== '.') return undefined;
      i++;
    }
    const run = digitRun(s, i, 10);
    if (!run || run.value > 0xff) return undefined;
    out.push(run.value);
    i = run.end;
  }
  return i === s.length ? out : undefined;
}

/**
 * The 16 bytes of an IPv6 text (Go 1.16's parseIPv6): hex groups of any length up to 0xFFFF, at
 * most one `::`, optionally ending in dotted IPv4 (leading zeros allowed there too).
 */
function parseIPv6Bytes(s: string): number[] | undefined {
  const ip = new Array<number>(16).fill(0);
  let ellipsis = -1;
  let i = 0;
  if (s.startsWith('::')) {
    ellipsis = 0;
    i = 2;
    if (i === s.length) return ip;
  }
  let n = 0;
  while (n < 16) {
    const run = digitRun(s, i, 16);
    if (!run || run.value > 0xffff) return undefined;
    if (run.end < s.length && s[run.end] === '.') {
      // Trailing IPv4: only in the last 32 bits, or anywhere an ellipsis can make room.
      if ((ellipsis < 0 && n !== 12) || n + 4 > 16) return undefined;
      const v4 = parseIPv4Bytes(s, i);
      if (!v4) return undefined;
      ip.splice(n, 4, ...v4);
      n += 4;
      i = s.length;
      break;
    }
    ip[n] = run.value >> 8;
    ip[n + 1] = run.value & 0xff;
    n += 2;
    i = run.end;
    if (i === s.length) break;
    if (s[i] !== ':' || i + 1 === s.length) return undefined;
    i++;
    if (s[i] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = n;
      i++;
      if (i === s.length) break;
    }
  }
  if (i !== s.length) return undefined;
  if (n < 16) {
    if (ellipsis < 0) return undefined;
    const shift = 16 - n;
    for (let j = n - 1; j >= ellipsis; j--) ip[j + shift] = ip[j];
    for (let j = ellipsis + shift - 1; j >= ellipsis; j--) ip[j] = 0;
  } else if (ellipsis >= 0) {
    // An ellipsis must stand for at least one zero group.
    return undefined;
  }
  return ip;
}

/** Go's IPv6 text (netip's string6): lowercase hex groups, the first longest run of two or more zero groups as `::`. */
function formatIPv6(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let g = 0; g < 8; g++) groups.push((bytes[2 * g] << 8) | bytes[2 * g + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let g = 0; g < 8;) {
    let end = g;
    while (end < 8 && groups[end] === 0) end++;
    if (end - g > bestLen) [bestStart, bestLen] = [g, end - g];
    g = end > g ? end : g + 1;
  }
  if (bestLen < 2) return groups.map((x) => x.toString(16)).join(':');
  const head = groups.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = groups.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}

/**
 * Parses an address as ParseIPSloppy does and prints it as Go's `ip.String()`; undefined when
 * it is not an IP. The family is what `addressToEndpoint` picks: IPv4 when `ip.To4()` is not nil,
 * so an IPv4-mapped IPv6 address is IPv4.
 */
export function parseIPSloppy(s: string): SloppyIP | undefined {
  // As Go's ParseIP: the first '.' or ':' decides which parser reads the whole text.
  let kind: '.' | ':' | undefined;
  for (const c of s) {
    if (c === '.' || c === ':') {
      kind = c;
      break;
    }
  }
  if (kind === undefined) return undefined;
  if (kind === '.') {
    const v4 = parseIPv4Bytes(s, 0);
    return v4 ? { family: 'IPv4', text: v4.join('.') } : undefined;
  }
  const bytes = parseIPv6Bytes(s);
  if (!bytes) return undefined;
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return { family: 'IPv4', text: bytes.slice(12).join('.') };
  return { family: 'IPv6', text: formatIPv6(bytes) };
}

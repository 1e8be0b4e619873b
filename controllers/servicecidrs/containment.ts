/**
 * Which ServiceCIDRs hold an address or a prefix, by kube-controller-manager's rules
 * (pkg/api/servicecidr/servicecidr.go: `OverlapsPrefix`, `ContainsPrefix`, `ContainsAddress`,
 * `PrefixContainsIP`). Pure; a CIDR that does not parse is skipped, as there.
 */
import { cidrProblem, ipProblem, parseCIDR, parseIP, type ParsedCIDR, type ParsedIP } from '../../allocators/ip.js';
import type { ServiceCIDR } from '../../api-types/networking.js';

// Informer objects are replaced, never edited, on every change: a parse per object is enough,
// and the IPAddress handlers, called for every IPAddress, ask for the same objects again and again.
const parsedByObject = new WeakMap<ServiceCIDR, readonly ParsedCIDR[]>();

/** The CIDRs of a ServiceCIDR that parse (spec.cidrs, at most one per family). */
export function cidrsOf(sc: ServiceCIDR): readonly ParsedCIDR[] {
  let parsed = parsedByObject.get(sc);
  if (!parsed) {
    parsed = (sc.spec?.cidrs ?? []).filter((c) => cidrProblem(c) === undefined).map(parseCIDR);
    parsedByObject.set(sc, parsed);
  }
  return parsed;
}

/** The address of an IPAddress name, or undefined when the name is not an IP. */
export function addressOf(name: string | undefined): ParsedIP | undefined {
  return name !== undefined && ipProblem(name) === undefined ? parseIP(name) : undefined;
}

/** The mask of a prefix length over `bits` address bits. */
function maskOf(prefixLength: number, bits: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefixLength)) - 1n);
}

/** Whether two prefixes share at least one address (netip `Prefix.Overlaps`). */
export function overlaps(a: ParsedCIDR, b: ParsedCIDR): boolean {
  if (a.family !== b.family) return false;
  const mask = maskOf(Math.min(a.prefixLength, b.prefixLength), a.bits);
  return (a.network & mask) === (b.network & mask);
}

/** Whether `outer` holds every address of `inner` (the same prefix included). */
export function containsPrefix(outer: ParsedCIDR, inner: ParsedCIDR): boolean {
  return overlaps(outer, inner) && outer.prefixLength <= inner.prefixLength;
}

/**
 * Whether a ServiceCIDR with `prefix` could have allocated `ip`: inside it, and neither its
 * network address nor, for IPv4, its broadcast address, which no allocator hands out.
 */
export function containsAddress(prefix: ParsedCIDR, ip: ParsedIP): boolean {
  if (prefix.family !== ip.family) return false;
  const mask = maskOf(prefix.prefixLength, prefix.bits);
  if ((ip.value & mask) !== prefix.network || ip.value === prefix.network) return false;
  const broadcast = prefix.network | (((1n << BigInt(prefix.bits)) - 1n) ^ mask);
  return prefix.family === 'IPv6' || ip.value !== broadcast;
}

/** The names of the ServiceCIDRs with a CIDR that overlaps one of `sc`'s (`sc` itself included). */
export function overlappingServiceCIDRs(sc: ServiceCIDR, all: Iterable<ServiceCIDR>): string[] {
  const mine = cidrsOf(sc);
  const names = new Set<string>();
  for (const other of all) {
    if (cidrsOf(other).some((p) => mine.some((m) => overlaps(p, m)))) names.add(other.metadata.name ?? '');
  }
  return [...names];
}

/** The ServiceCIDRs with a CIDR that could have allocated `ip`. */
export function serviceCIDRsContaining(ip: ParsedIP, all: Iterable<ServiceCIDR>): ServiceCIDR[] {
  const out: ServiceCIDR[] = [];
  for (const sc of all) if (cidrsOf(sc).some((p) => containsAddress(p, ip))) out.push(sc);
  return out;
}

/** The ServiceCIDRs with a CIDR that holds all of `prefix`. */
export function serviceCIDRsContainingPrefix(prefix: ParsedCIDR, all: Iterable<ServiceCIDR>): ServiceCIDR[] {
  const out: ServiceCIDR[] = [];
  for (const sc of all) if (cidrsOf(sc).some((p) => containsPrefix(p, prefix))) out.push(sc);
  return out;
}

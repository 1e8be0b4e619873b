/**
 * How full each range is: the ClusterIP CIDRs (from `--service-cluster-ip-range` or ServiceCIDR
 * objects) and the NodePort range, counted from the Services' own fields as the API shows them,
 * not from any allocator's private state. Pure.
 */
import type { Service } from '../api-types/core.js';
import { ClusterIPRange } from '../allocators/cluster-ip-range.js';
import { isIP, parseIP } from '../allocators/ip.js';
import { formatPortRange, staticPortBandSizeOf, type PortRange } from '../allocators/node-port-range.js';
import type { RangeUse } from './model.js';

/** Returns the Service's ClusterIPs that are addresses (not `None`, not empty), in spec order. */
export function clusterIPsOf(svc: Service): string[] {
  const spec = svc.spec ?? {};
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => isIP(ip));
}

/** Returns the Service's nodePorts and healthCheckNodePort: distinct, ascending. */
export function nodePortsOf(svc: Service): number[] {
  const ports = new Set<number>();
  for (const p of svc.spec?.ports ?? []) if (typeof p.nodePort === 'number' && p.nodePort > 0) ports.add(p.nodePort);
  const hc = svc.spec?.healthCheckNodePort;
  if (typeof hc === 'number' && hc > 0) ports.add(hc);
  return [...ports].sort((a, b) => a - b);
}

/**
 * Returns the use of one ClusterIP CIDR by `ips` (each address counted once, whatever its
 * spelling). Throws a TypeError for a malformed CIDR and a RangeError for one the allocator
 * refuses (IPv4 shorter than /8, IPv6 shorter than /64).
 */
export function clusterIPRangeUse(cidr: string, source: string, ips: Iterable<string>): RangeUse {
  const range = new ClusterIPRange({ cidr });
  const seen = new Set<string>();
  let inBand = 0;
  for (const ip of ips) {
    if (!isIP(ip)) continue;
    const text = parseIP(ip).text;
    if (seen.has(text) || !range.contains(text)) continue;
    seen.add(text);
    if (range.isInStaticBand(text)) inBand++;
  }
  const bandSize = range.staticBandSize;
  return {
    kind: 'ClusterIP',
    range: range.cidr,
    family: range.family,
    source,
    size: range.size,
    used: seen.size,
    staticBand: bandSize > 0 ? { first: range.ipAt(0n), last: range.ipAt(BigInt(bandSize - 1)), size: bandSize, used: inBand } : undefined,
  };
}

/** Returns the use of the NodePort range by `ports` (each port counted once). */
export function nodePortRangeUse(range: PortRange, source: string, ports: Iterable<number>): RangeUse {
  const bandSize = staticPortBandSizeOf(range.size);
  const seen = new Set<number>();
  let inBand = 0;
  for (const port of ports) {
    if (seen.has(port) || port < range.base || port >= range.base + range.size) continue;
    seen.add(port);
    if (port < range.base + bandSize) inBand++;
  }
  return {
    kind: 'NodePort',
    range: formatPortRange(range),
    source,
    size: BigInt(range.size),
    used: seen.size,
    staticBand: bandSize > 0 ? { first: String(range.base), last: String(range.base + bandSize - 1), size: bandSize, used: inBand } : undefined,
  };
}

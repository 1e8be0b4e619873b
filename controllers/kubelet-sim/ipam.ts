/**
 * The simulation's address management, synchronous and without I/O:
 * - {@link NodeCIDRSet}: cuts the cluster CIDR into per-node podCIDRs, as the node IPAM
 *   controller's range allocator does (pkg/controller/nodeipam/ipam/cidrset/cidr_set.go): slice
 *   i of a /16 cut into /24s is `x.y.i.0/24`.
 * - {@link PodIPPool}: hands out pod IPs inside one node's podCIDR the way the host-local CNI
 *   IPAM plugin does: the network address and the first address (the gateway) are reserved, and
 *   allocation goes round-robin from the last address given, so a released IP is reused only once
 *   the pool has wrapped around.
 * Both sit on the allocators' Bitmap.
 */
import { Bitmap } from '../../allocators/bitmap.js';
import { formatIP, parseCIDR, parseIP, type ParsedCIDR } from '../../allocators/ip.js';
import type { RandomSource } from '../../allocators/random.js';

/** Bitmap's scan start, steered to the offset after the last one allocated (round-robin). */
class Cursor implements RandomSource {
  next = 0;
  intBelow(n: number): number {
    return this.next % n;
  }
}

function cidrText(network: bigint, prefixLength: number, c: ParsedCIDR): string {
  return `${formatIP(network, c.family)}/${prefixLength}`;
}

/** Per-node podCIDRs of one family, cut from the cluster CIDR. */
export class NodeCIDRSet {
  /** The cluster CIDR. */
  readonly cluster: ParsedCIDR;
  /** The prefix length of each node's slice. */
  readonly nodeMaskSize: number;
  readonly #map: Bitmap;
  readonly #cursor = new Cursor();

  /** Creates an empty set; the mask must be in [cluster prefix, cluster prefix + 16] (see options.ts). */
  constructor(cluster: ParsedCIDR, nodeMaskSize: number) {
    if (!Number.isInteger(nodeMaskSize) || nodeMaskSize < cluster.prefixLength || nodeMaskSize > cluster.bits || nodeMaskSize - cluster.prefixLength > 16) {
      throw new RangeError(`node CIDR mask size: expected an integer in [${cluster.prefixLength}, ${Math.min(cluster.bits, cluster.prefixLength + 16)}] for ${cluster.text}, got ${nodeMaskSize}`);
    }
    this.cluster = cluster;
    this.nodeMaskSize = nodeMaskSize;
    this.#map = new Bitmap({ size: 2 ** (nodeMaskSize - cluster.prefixLength), random: this.#cursor });
  }

  /** How many slices are taken. */
  get used(): number {
    return this.#map.used;
  }

  /** Takes the next free slice and returns its CIDR, or undefined when every slice is taken. */
  allocateNext(): string | undefined {
    const i = this.#map.allocateNext();
    if (i === undefined) return undefined;
    this.#cursor.next = i + 1;
    return this.#text(i);
  }

  /**
   * Marks `cidr` as taken (a node that already has it) and returns true; false when it is not
   * one of this set's slices (another family, another network, another size).
   */
  occupy(cidr: string): boolean {
    const i = this.#indexOf(cidr);
    if (i === undefined) return false;
    this.#map.allocate(i);
    return true;
  }

  /** Frees `cidr`; a no-op when it is not one of this set's slices. */
  release(cidr: string): void {
    const i = this.#indexOf(cidr);
    if (i !== undefined) this.#map.release(i);
  }

  #text(i: number): string {
    const shift = BigInt(this.cluster.bits - this.nodeMaskSize);
    return cidrText(this.cluster.network + (BigInt(i) << shift), this.nodeMaskSize, this.cluster);
  }

  #indexOf(cidr: string): number | undefined {
    let c: ParsedCIDR;
    try {
      c = parseCIDR(cidr);
    } catch {
      return undefined;
    }
    if (c.family !== this.cluster.family || c.prefixLength !== this.nodeMaskSize) return undefined;
    const shift = BigInt(this.cluster.bits - this.cluster.prefixLength);
    if (c.network >> shift !== this.cluster.network >> shift) return undefined;
    return Number((c.network - this.cluster.network) >> BigInt(this.cluster.bits - this.nodeMaskSize));
  }
}

/** The most addresses a node's pool holds: a /24's worth, far above kubelet's default 110 pods. */
export const MAX_POOL_SIZE = 256;

/** Pod IPs inside one node's podCIDR, one family. */
export class PodIPPool {
  /** The node's podCIDR. */
  readonly cidr: ParsedCIDR;
  readonly #map: Bitmap;
  readonly #cursor = new Cursor();
  readonly #first: number;

  /** Creates an empty pool over `cidr` (a podCIDR with room for at least 4 addresses). */
  constructor(cidr: string) {
    this.cidr = parseCIDR(cidr);
    const hostBits = this.cidr.bits - this.cidr.prefixLength;
    if (hostBits < 2) throw new RangeError(`pod IP pool: ${cidr} is too small (needs at least a /${this.cidr.bits - 2})`);
    const span = hostBits >= 8 ? MAX_POOL_SIZE : 2 ** hostBits;
    // Offsets 0 (network) and 1 (gateway) are reserved; the last of an IPv4 span is broadcast.
    this.#first = 2;
    const size = span - this.#first - 1;
    this.#map = new Bitmap({ size, random: this.#cursor });
  }

  /** How many addresses are taken. */
  get used(): number {
    return this.#map.used;
  }

  /** How many addresses are free. */
  get free(): number {
    return this.#map.free;
  }

  /** Takes the next free address round-robin and returns it, or undefined when the pool is full. */
  allocateNext(): string | undefined {
    const i = this.#map.allocateNext();
    if (i === undefined) return undefined;
    this.#cursor.next = i + 1;
    return formatIP(this.cidr.network + BigInt(i + this.#first), this.cidr.family);
  }

  /** Marks `ip` taken (a pod that already has it); false when it is outside the pool. */
  occupy(ip: string): boolean {
    const i = this.#offsetOf(ip);
    if (i === undefined) return false;
    this.#map.allocate(i);
    return true;
  }

  /** True when `ip` is taken. */
  has(ip: string): boolean {
    const i = this.#offsetOf(ip);
    return i !== undefined && this.#map.has(i);
  }

  /** Frees `ip`; a no-op when it is outside the pool or free. */
  release(ip: string): void {
    const i = this.#offsetOf(ip);
    if (i !== undefined) this.#map.release(i);
  }

  #offsetOf(ip: string): number | undefined {
    let v: bigint;
    try {
      const p = parseIP(ip);
      if (p.family !== this.cidr.family) return undefined;
      v = p.value;
    } catch {
      return undefined;
    }
    const i = v - this.cidr.network - BigInt(this.#first);
    return i >= 0n && i < BigInt(this.#map.size) ? Number(i) : undefined;
  }
}

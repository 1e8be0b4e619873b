/**
 * ClusterIP ranges: `--service-cluster-ip-range` parsing and one allocator per CIDR over a bitmap
 * (cluster-ip-ranges.ts holds a cluster's set of them).
 * Ported behaviour: pkg/registry/core/service/ipallocator/bitmap.go (offsets, sizes,
 * `calculateRangeOffset`, errors) and ipallocator.go (IPv6 up to /64, KEP-1880), plus the flag
 * checks of cmd/kube-apiserver/app/options/validation.go (`validateClusterIPFlags`).
 */
import type { IPFamily } from '../api-types/core.js';
import { Bitmap, type BitmapSnapshot } from './bitmap.js';
import { AlreadyAllocatedError, MismatchedRangeError, NotInRangeError, RangeFullError } from './errors.js';
import { cidrProblem, formatIP, parseCIDR, parseIP, type ParsedCIDR } from './ip.js';
import { systemRandom, type RandomSource } from './random.js';
import { SparseBitmap, type SparseBitmapSnapshot } from './sparse-bitmap.js';

const FLAG = '--service-cluster-ip-range';

/**
 * How large an IPv6 range may be. `full`: every address but the network one, as Kubernetes'
 * IPAddress allocator (KEP-1880) counts them, with prefixes down to /64. `kubernetes`: the legacy
 * bitmap's cap of 65,535 usable addresses (the lowest ones after the network address), any prefix.
 */
export type IPv6Sizing = 'full' | 'kubernetes';

/** Options of {@link ClusterIPRange}. */
export interface ClusterIPRangeOptions {
  /** The range, in strict network form (`10.96.0.0/12`). */
  cidr: string | ParsedCIDR;
  /** Where automatic allocation draws its scan start. @default systemRandom */
  random?: RandomSource;
  /** IPv6 sizing; ignored for IPv4. @default 'full' */
  ipv6Sizing?: IPv6Sizing;
}

/** Options of {@link parseServiceClusterIPRanges} (and of `ClusterIPRanges.fromFlag`). */
export interface ClusterIPFlagOptions {
  /** IPv6 sizing, which decides the shortest IPv6 prefix accepted. @default 'full' */
  ipv6Sizing?: IPv6Sizing;
}

/** A saved allocation state: the CIDR it belongs to and the bitmap behind it. */
export interface ClusterIPRangeSnapshot {
  /** The CIDR in canonical text, as Kubernetes' `RangeAllocation.range`. */
  range: string;
  /** Dense bitmap for ranges up to 2^24 addresses, sparse bitmap beyond. */
  bitmap: BitmapSnapshot | SparseBitmapSnapshot;
}

/** The most usable addresses the dense bitmap takes; larger (IPv6) ranges go sparse. */
const DENSE_LIMIT = 2n ** 24n;
/** The legacy bitmap's IPv6 cap: 2^16 positions, the network address excluded. */
const KUBERNETES_IPV6_POSITIONS = 2n ** 16n;
/** IPv4 ranges may be at most a /8 (2^24 addresses). */
const SHORTEST_IPV4_PREFIX = 8;
/** IPv6 ranges may be at most a /64 under `full` sizing (ipallocator.go). */
const SHORTEST_IPV6_PREFIX = 64;

/**
 * Returns why `cidr` cannot back a service range under `sizing`, or undefined. The IPv6 words are
 * Kubernetes' (ipallocator.go `NewIPAllocator`); the IPv4 ones follow `validateMaxCIDRRange`.
 */
export function sizeProblem(cidr: ParsedCIDR, sizing: IPv6Sizing = 'full'): string | undefined {
  if (cidr.family === 'IPv4' && cidr.prefixLength < SHORTEST_IPV4_PREFIX) {
    return `the range is too large; for 32-bit addresses, the mask must be >= ${SHORTEST_IPV4_PREFIX}`;
  }
  if (cidr.family === 'IPv6' && sizing === 'full' && cidr.prefixLength < SHORTEST_IPV6_PREFIX) {
    return `shortest allowed prefix length for service CIDR is ${SHORTEST_IPV6_PREFIX}, got ${cidr.prefixLength}`;
  }
  return undefined;
}

/**
 * Returns the number of usable addresses of `cidr`: IPv4 excludes the network and broadcast
 * addresses, IPv6 only the network address (ipallocator/bitmap.go `NewAllocatorCIDRRange`).
 */
export function usableSize(cidr: ParsedCIDR, sizing: IPv6Sizing = 'full'): bigint {
  const total = 1n << BigInt(cidr.bits - cidr.prefixLength);
  if (cidr.family === 'IPv4') return total > 2n ? total - 2n : 0n;
  if (sizing === 'kubernetes' && total > KUBERNETES_IPV6_POSITIONS) return KUBERNETES_IPV6_POSITIONS - 1n;
  return total - 1n;
}

/**
 * Returns the KEP-3070 static band size: `min(max(16, cidrSize/16), 256)`, 0 when the full CIDR
 * size (network and broadcast included) is at most 16 (ipallocator/bitmap.go `calculateRangeOffset`).
 */
export function staticBandSizeOf(cidr: ParsedCIDR): number {
  const total = 1n << BigInt(cidr.bits - cidr.prefixLength);
  if (total <= 16n) return 0;
  const step = total / 16n;
  return step < 16n ? 16 : step > 256n ? 256 : Number(step);
}

/**
 * Parses and validates the whole `--service-cluster-ip-range` flag: one or two comma-separated
 * strict CIDRs in network form, at most one per family; the first sets the default family.
 * Throws a TypeError (malformed) or RangeError (too many, same family, too large) naming the flag
 * and quoting the value.
 */
export function parseServiceClusterIPRanges(flag: string, options: ClusterIPFlagOptions = {}): ParsedCIDR[] {
  const sizing = options.ipv6Sizing ?? 'full';
  const quoted = JSON.stringify(flag);
  if (typeof flag !== 'string' || flag === '') throw new TypeError(`${FLAG} must contain at least one valid cidr, got ${quoted}`);
  const entries = flag.split(',');
  if (entries.length > 2) throw new RangeError(`${FLAG} must not contain more than two entries, got ${quoted}`);
  const cidrs = entries.map((entry, i) => {
    const problem = cidrProblem(entry);
    if (problem) throw new TypeError(`${FLAG}[${i}] ${JSON.stringify(entry)} (in ${quoted}): ${problem}`);
    const cidr = parseCIDR(entry);
    const tooLarge = sizeProblem(cidr, sizing);
    if (tooLarge) throw new RangeError(`${FLAG}[${i}] ${JSON.stringify(entry)} (in ${quoted}): ${tooLarge}`);
    return cidr;
  });
  if (cidrs.length === 2 && cidrs[0].family === cidrs[1].family) {
    throw new RangeError(`${FLAG}[0] and ${FLAG}[1] must be of different IP family, got ${quoted}`);
  }
  return cidrs;
}

/** The offset-addressed store behind a range: one interface over the dense and sparse bitmaps. */
interface OffsetMap {
  allocate(offset: bigint): boolean;
  allocateNext(): bigint | undefined;
  release(offset: bigint): void;
  has(offset: bigint): boolean;
  readonly used: number;
  forEach(fn: (offset: bigint) => void): void;
  snapshot(): BitmapSnapshot | SparseBitmapSnapshot;
}

function denseMap(bitmap: Bitmap): OffsetMap {
  return {
    allocate: (o) => bitmap.allocate(Number(o)),
    allocateNext: () => {
      const o = bitmap.allocateNext();
      return o === undefined ? undefined : BigInt(o);
    },
    release: (o) => bitmap.release(Number(o)),
    has: (o) => bitmap.has(Number(o)),
    get used() {
      return bitmap.used;
    },
    forEach: (fn) => bitmap.forEach((o) => fn(BigInt(o))),
    snapshot: () => bitmap.snapshot(),
  };
}

function sparseMap(bitmap: SparseBitmap): OffsetMap {
  return {
    allocate: (o) => bitmap.allocate(o),
    allocateNext: () => bitmap.allocateNext(),
    release: (o) => bitmap.release(o),
    has: (o) => bitmap.has(o),
    get used() {
      return bitmap.used;
    },
    forEach: (fn) => bitmap.forEach(fn),
    snapshot: () => bitmap.snapshot(),
  };
}

/**
 * One ClusterIP range over one CIDR. Offset 0 is the network address + 1; automatic allocation
 * draws from the upper band first and falls back to the static band (KEP-3070). IPs go in and
 * out as text; input is parsed strictly and may be non-canonical (`2001:DB8::1`), output is
 * canonical. Unparseable text throws a TypeError in every method.
 */
export class ClusterIPRange {
  /** The address family of the range. */
  readonly family: IPFamily;
  /** The CIDR in canonical text. */
  readonly cidr: string;
  /** Usable addresses (bigint: an IPv6 /64 holds 2^64 - 1). */
  readonly size: bigint;
  /** The KEP-3070 static band: the lowest `staticBandSize` usable addresses. */
  readonly staticBandSize: number;
  /** The IPv6 sizing the range was built with. */
  readonly ipv6Sizing: IPv6Sizing;
  readonly #first: bigint;
  readonly #random: RandomSource;
  #map: OffsetMap;

  /** Builds an empty range; throws a TypeError for a malformed CIDR, a RangeError for one too large. */
  constructor(options: ClusterIPRangeOptions) {
    const parsed = typeof options.cidr === 'string' ? parseCIDR(options.cidr) : options.cidr;
    this.ipv6Sizing = options.ipv6Sizing ?? 'full';
    const tooLarge = sizeProblem(parsed, this.ipv6Sizing);
    if (tooLarge) throw new RangeError(`service CIDR "${parsed.text}": ${tooLarge}`);
    this.family = parsed.family;
    this.cidr = parsed.text;
    this.size = usableSize(parsed, this.ipv6Sizing);
    this.staticBandSize = staticBandSizeOf(parsed);
    this.#first = parsed.network + 1n;
    this.#random = options.random ?? systemRandom;
    this.#map = this.#emptyMap();
  }

  /** Allocated addresses. */
  get used(): number {
    return this.#map.used;
  }

  /** Free usable addresses: `size - used`. */
  get free(): bigint {
    return this.size - BigInt(this.#map.used);
  }

  /**
   * Allocates `ip` and returns its canonical text. Throws NotInRangeError when it is not a usable
   * address of this range (network, broadcast, other family), AlreadyAllocatedError when taken.
   */
  allocate(ip: string): string {
    const parsed = parseIP(ip);
    const offset = this.#offsetOfValue(parsed.family, parsed.value);
    if (offset === undefined) throw new NotInRangeError('IP', { value: parsed.text, validRange: this.cidr });
    if (!this.#map.allocate(offset)) throw new AlreadyAllocatedError('IP');
    return parsed.text;
  }

  /** Allocates a free address (upper band first) and returns it; throws RangeFullError when none is left. */
  allocateNext(): string {
    const offset = this.#map.allocateNext();
    if (offset === undefined) throw new RangeFullError('IP');
    return formatIP(this.#first + offset, this.family);
  }

  /** Releases `ip`; a free address or one outside the range is a silent no-op, as upstream. */
  release(ip: string): void {
    const parsed = parseIP(ip);
    const offset = this.#offsetOfValue(parsed.family, parsed.value);
    if (offset !== undefined) this.#map.release(offset);
  }

  /** True when `ip` is allocated here (so `allocate(ip)` would throw AlreadyAllocatedError). */
  has(ip: string): boolean {
    const parsed = parseIP(ip);
    const offset = this.#offsetOfValue(parsed.family, parsed.value);
    return offset !== undefined && this.#map.has(offset);
  }

  /** True when `ip` is a usable address of this range, allocated or not. */
  contains(ip: string): boolean {
    return this.offsetOf(ip) !== undefined;
  }

  /** True when `ip` is a usable address inside the static band (KEP-3070). */
  isInStaticBand(ip: string): boolean {
    const offset = this.offsetOf(ip);
    return offset !== undefined && offset < BigInt(this.staticBandSize);
  }

  /** The bitmap offset of `ip` (0 is network + 1), or undefined when `ip` is not usable here. */
  offsetOf(ip: string): bigint | undefined {
    const parsed = parseIP(ip);
    return this.#offsetOfValue(parsed.family, parsed.value);
  }

  /** The canonical text of the address at `offset`; throws a RangeError outside `[0, size)`. */
  ipAt(offset: bigint): string {
    if (offset < 0n || offset >= this.size) throw new RangeError(`offset ${offset} out of range [0, ${this.size}) of ${this.cidr}`);
    return formatIP(this.#first + offset, this.family);
  }

  /** Calls `fn` with every allocated address, in ascending order. */
  forEach(fn: (ip: string) => void): void {
    this.#map.forEach((offset) => fn(formatIP(this.#first + offset, this.family)));
  }

  /** Saves the allocation state. */
  snapshot(): ClusterIPRangeSnapshot {
    return { range: this.cidr, bitmap: this.#map.snapshot() };
  }

  /**
   * Replaces the allocation state with `snap`. Throws MismatchedRangeError when it was taken of
   * another CIDR or with another sizing; the state is unchanged then.
   */
  restore(snap: ClusterIPRangeSnapshot): void {
    const sparse = 'pages' in snap.bitmap;
    const sameShape = snap.range === this.cidr && String(snap.bitmap.size) === String(this.size) && sparse === this.size > DENSE_LIMIT;
    if (!sameShape) throw new MismatchedRangeError('IP', { snapshotRange: snap.range, currentRange: this.cidr });
    this.#map = sparse
      ? sparseMap(SparseBitmap.restore(snap.bitmap as SparseBitmapSnapshot, this.#random))
      : denseMap(Bitmap.restore(snap.bitmap as BitmapSnapshot, this.#random));
  }

  /** Builds a range holding the state of `snap` (its CIDR taken from the snapshot). */
  static fromSnapshot(snap: ClusterIPRangeSnapshot, options: Omit<ClusterIPRangeOptions, 'cidr'> = {}): ClusterIPRange {
    const range = new ClusterIPRange({ ...options, cidr: snap.range });
    range.restore(snap);
    return range;
  }

  #emptyMap(): OffsetMap {
    if (this.size > DENSE_LIMIT) {
      return sparseMap(new SparseBitmap({ size: this.size, staticBandSize: this.staticBandSize, random: this.#random }));
    }
    return denseMap(new Bitmap({ size: Number(this.size), staticBandSize: this.staticBandSize, random: this.#random }));
  }

  #offsetOfValue(family: IPFamily, value: bigint): bigint | undefined {
    if (family !== this.family) return undefined;
    const offset = value - this.#first;
    return offset >= 0n && offset < this.size ? offset : undefined;
  }
}

/**
 * NodePort ranges: `--service-node-port-range` parsing and the port allocator over a bitmap.
 * Ported behaviour: pkg/registry/core/service/portallocator/allocator.go (offset = port - base,
 * errors, `calculateRangeOffset` of KEP-3668) and the flag grammar of
 * staging/src/k8s.io/apimachinery/pkg/util/net/port_range.go (`PortRange.Set`).
 */
import { Bitmap, type BitmapSnapshot } from './bitmap.js';
import { AlreadyAllocatedError, MismatchedRangeError, NotInRangeError, RangeFullError } from './errors.js';
import { systemRandom, type RandomSource } from './random.js';

const FLAG = '--service-node-port-range';
const MAX_PORT = 65535;

/** A contiguous range of ports: `base` up to `base + size - 1`. */
export interface PortRange {
  /** The first port. */
  base: number;
  /** The number of ports, at least 1. */
  size: number;
}

/** Options of {@link NodePortRange}. */
export interface NodePortRangeOptions extends PortRange {
  /** Where automatic allocation draws its scan start. @default systemRandom */
  random?: RandomSource;
}

/** A saved allocation state: the port range it belongs to and the bitmap behind it. */
export interface NodePortRangeSnapshot {
  /** The range as `base-last`, as Kubernetes' `RangeAllocation.range` (`30000-32767`). */
  range: string;
  /** The bitmap; bit i is port base + i. */
  bitmap: BitmapSnapshot;
}

/** Formats a port range as Kubernetes prints it: `base-(base+size-1)`. */
export function formatPortRange(range: PortRange): string {
  return `${range.base}-${range.base + range.size - 1}`;
}

/**
 * Parses `--service-node-port-range`: `min-max` (inclusive), `base+size`, or a single port (size
 * 1, as `PortRange.Set` does), surrounding whitespace trimmed as it does; only decimal digits.
 * Throws a TypeError (malformed, empty) or RangeError (beyond 65535, inverted, size 0) whose
 * message names the flag and quotes the value. Kubernetes leaves `base+size` as a TODO in
 * `PortRange.Set`; svcplane accepts it.
 */
export function parseNodePortRange(flag: string): PortRange {
  const quoted = JSON.stringify(flag);
  const fail = (Err: typeof TypeError, why: string): never => {
    throw new Err(`${FLAG} ${quoted}: ${why}`);
  };
  if (typeof flag !== 'string') return fail(TypeError, 'expected a string');
  // PortRange.Set trims surrounding whitespace before parsing; so does this.
  const m = /^(\d+)(?:([-+])(\d+))?$/.exec(flag.trim());
  if (!m) return fail(TypeError, 'unable to parse port range, expected "min-max", "base+size" or a single port number');
  const base = Number(m[1]);
  if (base > MAX_PORT) return fail(RangeError, `the port range cannot be greater than ${MAX_PORT}`);
  if (m[2] === undefined) return { base, size: 1 };
  const n = Number(m[3]);
  if (m[2] === '-') {
    if (n > MAX_PORT) return fail(RangeError, `the port range cannot be greater than ${MAX_PORT}`);
    if (n < base) return fail(RangeError, 'end port cannot be less than start port');
    return { base, size: n - base + 1 };
  }
  if (n < 1) return fail(RangeError, 'the size of the port range must be at least 1');
  if (base + n - 1 > MAX_PORT) return fail(RangeError, `the port range cannot be greater than ${MAX_PORT}`);
  return { base, size: n };
}

/**
 * Returns the KEP-3668 static band size of a port range: `min(max(16, size/32), 128)`, 0 when
 * `size <= 16` (portallocator/allocator.go `calculateRangeOffset`).
 */
export function staticPortBandSizeOf(size: number): number {
  if (size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / 32)), 128);
}

/**
 * One NodePort range. Automatic allocation draws from the upper band first and falls back to the
 * static band (`30000-30085` for the default range) when the upper band is full.
 */
export class NodePortRange {
  /** The first port. */
  readonly base: number;
  /** The number of ports. */
  readonly size: number;
  /** The KEP-3668 static band: the lowest `staticBandSize` ports. */
  readonly staticBandSize: number;
  readonly #random: RandomSource;
  #bitmap: Bitmap;

  /** Builds an empty range; throws a RangeError unless base and size are integers within 0..65535. */
  constructor(options: NodePortRangeOptions) {
    const { base, size } = options;
    if (!Number.isInteger(base) || !Number.isInteger(size) || base < 0 || size < 1 || base + size - 1 > MAX_PORT) {
      throw new RangeError(`port range: expected integers with 0 <= base and 1 <= size and base+size-1 <= ${MAX_PORT}, got base ${base}, size ${size}`);
    }
    this.base = base;
    this.size = size;
    this.staticBandSize = staticPortBandSizeOf(size);
    this.#random = options.random ?? systemRandom;
    this.#bitmap = new Bitmap({ size, staticBandSize: this.staticBandSize, random: this.#random });
  }

  /** Parses `--service-node-port-range` and builds the range (see {@link parseNodePortRange}). */
  static fromFlag(flag: string, random?: RandomSource): NodePortRange {
    return new NodePortRange({ ...parseNodePortRange(flag), random });
  }

  /** Allocated ports. */
  get used(): number {
    return this.#bitmap.used;
  }

  /** Free ports: `size - used`. */
  get free(): number {
    return this.#bitmap.free;
  }

  /**
   * Allocates `port`. Throws NotInRangeError outside the range, AlreadyAllocatedError when taken,
   * and a TypeError when `port` is not an integer.
   */
  allocate(port: number): void {
    if (!this.contains(port)) throw new NotInRangeError('port', { value: port, validRange: this.toString() });
    if (!this.#bitmap.allocate(port - this.base)) throw new AlreadyAllocatedError('port');
  }

  /** Allocates a free port (upper band first) and returns it; throws RangeFullError when none is left. */
  allocateNext(): number {
    const offset = this.#bitmap.allocateNext();
    if (offset === undefined) throw new RangeFullError('port');
    return this.base + offset;
  }

  /** Releases `port`; a free port or one outside the range is a silent no-op, as upstream. */
  release(port: number): void {
    if (this.contains(port)) this.#bitmap.release(port - this.base);
  }

  /** True when `port` is allocated (so `allocate(port)` would throw AlreadyAllocatedError). */
  has(port: number): boolean {
    return this.contains(port) && this.#bitmap.has(port - this.base);
  }

  /** True when `port` lies in the range, allocated or not; throws a TypeError for a non-integer. */
  contains(port: number): boolean {
    if (!Number.isInteger(port)) throw new TypeError(`expected an integer port, got ${port}`);
    return port >= this.base && port - this.base < this.size;
  }

  /** True when `port` lies inside the static band (KEP-3668). */
  isInStaticBand(port: number): boolean {
    return this.contains(port) && port - this.base < this.staticBandSize;
  }

  /** Calls `fn` with every allocated port, in ascending order. */
  forEach(fn: (port: number) => void): void {
    this.#bitmap.forEach((offset) => fn(this.base + offset));
  }

  /** Saves the allocation state. */
  snapshot(): NodePortRangeSnapshot {
    return { range: this.toString(), bitmap: this.#bitmap.snapshot() };
  }

  /**
   * Replaces the allocation state with `snap`. Throws MismatchedRangeError when it was taken of
   * another port range; the state is unchanged then.
   */
  restore(snap: NodePortRangeSnapshot): void {
    if (snap.range !== this.toString() || snap.bitmap.size !== this.size) {
      throw new MismatchedRangeError('port', { snapshotRange: snap.range, currentRange: this.toString() });
    }
    this.#bitmap = Bitmap.restore(snap.bitmap, this.#random);
  }

  /** Builds a range holding the state of `snap` (its range taken from the snapshot). */
  static fromSnapshot(snap: NodePortRangeSnapshot, random?: RandomSource): NodePortRange {
    const range = NodePortRange.fromFlag(snap.range, random);
    range.restore(snap);
    return range;
  }

  /** The range as Kubernetes prints it: `30000-32767`. */
  toString(): string {
    return formatPortRange(this);
  }
}

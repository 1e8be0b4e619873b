/**
 * The port map: the NodePort allocation state every replica shares, kept in ONE ConfigMap and
 * changed only by compare-and-swap on its resourceVersion, as kube-apiserver keeps its
 * `RangeAllocation` at `/ranges/servicenodeports` (pkg/registry/core/service/allocator/storage/
 * storage.go). The ConfigMap holds:
 *
 * - `range`: the port range as Kubernetes prints it (`30000-32767`);
 * - `data`: base64 of the bitmap (bit i = port base + i, LSB-first bytes), the RangeAllocation
 *   snapshot;
 * - `owners`: JSON `{ "<port>": "<namespace>/<name> <uid> <resourceVersion>" }`, which Service a
 *   port was claimed for and the newest Service resourceVersion a claim was based on. Kubernetes
 *   needs no owners because one apiserver runs each allocation and release in a transaction;
 *   svcplane's replicas all watch every Service, and the owners let a release be exact (see
 *   docs/decisions/005-nodeport-port-map.md).
 *
 * This module is pure: decoding, encoding and the in-memory state.
 */
import { NodePortRange, parseNodePortRange, formatPortRange, type PortRange } from '../../allocators/node-port-range.js';
import type { RandomSource } from '../../allocators/random.js';

/** Who a port was claimed for. */
export interface PortOwner {
  /** The Service's `namespace/name`. */
  key: string;
  /** The Service's uid. */
  uid: string;
  /** The newest Service resourceVersion a claim of this port was based on. */
  rv: string;
}

/** The ConfigMap data keys of the port map. */
export const PortMapKeys = { range: 'range', data: 'data', owners: 'owners' } as const;

/** Compares two resourceVersions numerically; undefined when either is not a decimal integer. */
export function compareResourceVersions(a: string, b: string): number | undefined {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The allocation state: the bitmap (through NodePortRange) plus the owner of each port. */
export class PortMapState {
  /** The range and its bitmap. */
  readonly range: NodePortRange;
  readonly #owners = new Map<number, PortOwner>();
  readonly #byKey = new Map<string, Set<number>>();
  /** Each owned port's `"port":"key uid rv"` JSON member, kept so that encoding is a join. */
  readonly #members = new Map<number, string>();

  /** An empty state over `range`. */
  constructor(range: PortRange, random?: RandomSource) {
    this.range = new NodePortRange({ ...range, random });
  }

  /** The range as Kubernetes prints it. */
  get rangeText(): string {
    return this.range.toString();
  }

  /** The owner of `port`, if it is allocated and its owner is known. */
  ownerOf(port: number): PortOwner | undefined {
    return this.#owners.get(port);
  }

  /** Whether `port` lies in the configured range. */
  inRange(port: number): boolean {
    return this.range.contains(port);
  }

  /** Whether `port` is allocated (owned or not). */
  isAllocated(port: number): boolean {
    return this.range.contains(port) && this.range.has(port);
  }

  /** The ports whose owner is the Service `key` (any uid), ascending. */
  portsOwnedBy(key: string): number[] {
    return [...(this.#byKey.get(key) ?? [])].sort((a, b) => a - b);
  }

  /** Every allocated port, ascending. */
  allocatedPorts(): number[] {
    const out: number[] = [];
    this.range.forEach((p) => out.push(p));
    return out;
  }

  /**
   * Records `owner` for an allocated port, keeping the newest resourceVersion when the same uid
   * claims it again (an older in-flight claim must never make the port look releasable sooner).
   */
  setOwner(port: number, owner: PortOwner): void {
    const prev = this.#owners.get(port);
    let rv = owner.rv;
    if (prev && prev.uid === owner.uid && (compareResourceVersions(prev.rv, rv) ?? 0) > 0) rv = prev.rv;
    if (prev) this.#byKey.get(prev.key)?.delete(port);
    this.#owners.set(port, { key: owner.key, uid: owner.uid, rv });
    this.#members.set(port, `"${port}":${JSON.stringify(`${owner.key} ${owner.uid} ${rv}`)}`);
    let set = this.#byKey.get(owner.key);
    if (!set) this.#byKey.set(owner.key, (set = new Set()));
    set.add(port);
  }

  /** The owners as the JSON of the ConfigMap's `owners` key, ascending by port. */
  ownersJSON(): string {
    const parts: string[] = [];
    this.range.forEach((port) => {
      const m = this.#members.get(port);
      if (m) parts.push(m);
    });
    return `{${parts.join(',')}}`;
  }

  /** Allocates `port` for `owner`; throws the allocator's NotInRange/AlreadyAllocated errors. */
  claim(port: number, owner: PortOwner): void {
    this.range.allocate(port);
    this.setOwner(port, owner);
  }

  /** Allocates a free port (upper band first) for `owner`; throws RangeFullError. */
  claimNext(owner: PortOwner): number {
    const port = this.range.allocateNext();
    this.setOwner(port, owner);
    return port;
  }

  /** Frees `port` and forgets its owner. */
  release(port: number): void {
    this.range.release(port);
    const prev = this.#owners.get(port);
    if (prev) {
      this.#owners.delete(port);
      this.#members.delete(port);
      const set = this.#byKey.get(prev.key);
      set?.delete(port);
      if (set?.size === 0) this.#byKey.delete(prev.key);
    }
  }
}

/**
 * Decodes a port map ConfigMap's data for the configured range. A missing or empty `range` is
 * an uninitialised map (empty state), as the repair treats an empty RangeAllocation. A map of
 * another range (the flag changed) keeps the ports that still fit; the repair reports Services
 * whose ports fall outside. Throws a TypeError on data that does not decode.
 */
export function decodePortMap(data: Readonly<Record<string, string>> | undefined, range: PortRange, random?: RandomSource): PortMapState {
  const state = new PortMapState(range, random);
  const stored = data?.[PortMapKeys.range];
  if (!stored) return state;
  const storedRange = parseNodePortRange(stored);
  const bytes = Buffer.from(data?.[PortMapKeys.data] ?? '', 'base64');
  const owners = parseOwners(data?.[PortMapKeys.owners]);
  for (let i = 0; i < storedRange.size; i++) {
    if (((bytes[i >> 3] ?? 0) & (1 << (i & 7))) === 0) continue;
    const port = storedRange.base + i;
    if (!state.range.contains(port)) continue;
    state.range.allocate(port);
    const owner = owners.get(port);
    if (owner) state.setOwner(port, owner);
  }
  return state;
}

/** Encodes the state as the ConfigMap's data. */
export function encodePortMap(state: PortMapState): Record<string, string> {
  const { base, size } = state.range;
  const bytes = new Uint8Array(Math.ceil(size / 8));
  state.range.forEach((port) => {
    const i = port - base;
    bytes[i >> 3] |= 1 << (i & 7);
  });
  return {
    [PortMapKeys.range]: formatPortRange({ base, size }),
    [PortMapKeys.data]: Buffer.from(bytes).toString('base64'),
    [PortMapKeys.owners]: state.ownersJSON(),
  };
}

function parseOwners(text: string | undefined): Map<number, PortOwner> {
  const out = new Map<number, PortOwner>();
  if (!text) return out;
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) throw new TypeError(`port map owners: expected a JSON object, got ${text.slice(0, 40)}`);
  for (const [port, v] of Object.entries(parsed as Record<string, unknown>)) {
    const parts = typeof v === 'string' ? v.split(' ') : [];
    if (parts.length !== 3 || !/^\d+$/.test(port)) throw new TypeError(`port map owners: bad entry ${port}: ${JSON.stringify(v)}`);
    out.set(Number(port), { key: parts[0] ?? '', uid: parts[1] ?? '', rv: parts[2] ?? '' });
  }
  return out;
}

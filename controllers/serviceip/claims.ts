/**
 * The claim index: every IPAddress the informer shows, by IP and by parent Service, kept in step
 * with the ClusterIP bitmaps. The IPAddress objects are the truth (their names are unique in the
 * API, so a create is an atomic claim); the bitmaps are only the index that makes choosing a
 * free IP cheap. A bit is set while any IPAddress holds the IP or a claim on it is in flight, and
 * cleared only once neither is true, so an IP is never offered again while an object holds it.
 * With ServiceCIDRs the ranges may overlap: the bit is set in every range holding the IP, and a
 * range added at run time starts with the bits of every claim it holds.
 */
import type { IPFamily } from '../../api-types/core.js';
import type { IPAddress } from '../../api-types/networking.js';
import { Labels } from '../../api-types/well-known.js';
import type { ClusterIPRanges, RangesChange, ServiceCIDRView } from '../../allocators/index.js';
import { isIP } from '../../allocators/ip.js';
import type { ClaimView } from './reconcile.js';

/** A claim as indexed: the view plus when this process first saw it. */
export interface IndexedClaim extends ClaimView {
  /** Controller-clock time this index first saw the object (the leak grace counts from here). */
  seenAtMs: number;
}

/** The parent key of an IPAddress, or undefined when parentRef is not a core Service. */
export function parentKeyOf(obj: IPAddress): string | undefined {
  const ref = obj.spec?.parentRef;
  if (!ref || (ref.group ?? '') !== '' || ref.resource !== 'services') return undefined;
  return `${ref.namespace ?? ''}/${ref.name}`;
}

/** Indexes claims and mirrors them into the bitmaps. */
export class ClaimIndex {
  readonly ranges: ClusterIPRanges;
  readonly #byIP = new Map<string, IndexedClaim>();
  readonly #byParent = new Map<string, Set<string>>();
  /** IPs whose claim is being created here, with the Service key claiming each (if given). */
  readonly #inFlight = new Map<string, string | undefined>();

  /** Indexes into `ranges` (their bitmaps are taken over: start them empty). */
  constructor(ranges: ClusterIPRanges) {
    this.ranges = ranges;
  }

  /** The number of claims indexed. */
  get size(): number {
    return this.#byIP.size;
  }

  /** The claim on `ip`, if any. */
  get(ip: string): IndexedClaim | undefined {
    return this.#byIP.get(ip);
  }

  /** Every claim whose parent is `key`. */
  ofParent(key: string): IndexedClaim[] {
    const ips = this.#byParent.get(key);
    return ips ? [...ips].map((ip) => this.#byIP.get(ip) as IndexedClaim) : [];
  }

  /** Every claim. */
  all(): IndexedClaim[] {
    return [...this.#byIP.values()];
  }

  /** The Service key whose claim on `ip` is being created here right now, if any. */
  claimantOf(ip: string): string | undefined {
    return this.#inFlight.get(ip);
  }

  /**
   * True when the entry of `name` already matches `obj` (same uid, parent and managed-by; or no
   * entry and no object), so syncing it would change nothing.
   */
  matches(name: string, obj: IPAddress | undefined): boolean {
    const cur = this.#byIP.get(name);
    if (!obj || !cur) return !obj && !cur;
    return cur.uid === obj.metadata.uid && cur.parent === parentKeyOf(obj) && cur.managedBy === obj.metadata.labels?.[Labels.ipAddressManagedBy];
  }

  /**
   * Makes the entry of `name` match `obj` (the informer's current object, or undefined when it is
   * gone). Returns the parent keys before and after, which the caller enqueues.
   */
  sync(name: string, obj: IPAddress | undefined, nowMs: number): string[] {
    const old = this.#byIP.get(name);
    const parents = old?.parent ? [old.parent] : [];
    if (old) this.#unlink(old);
    if (!obj) {
      this.#byIP.delete(name);
      this.#freeIfUnheld(name);
      return parents;
    }
    const claim: IndexedClaim = {
      ip: name,
      parent: parentKeyOf(obj),
      managedBy: obj.metadata.labels?.[Labels.ipAddressManagedBy],
      uid: obj.metadata.uid,
      seenAtMs: old && old.uid === obj.metadata.uid ? old.seenAtMs : nowMs,
    };
    this.#byIP.set(name, claim);
    if (claim.parent) {
      let set = this.#byParent.get(claim.parent);
      if (!set) this.#byParent.set(claim.parent, (set = new Set()));
      set.add(name);
      if (!parents.includes(claim.parent)) parents.push(claim.parent);
    }
    // The bit is already set while an object holds the IP or a claim on it is in flight.
    if (!old && !this.#inFlight.has(name)) this.#take(name);
    return parents;
  }

  /**
   * Picks a free IP of `family` from the bitmaps (the flag's range first, then the ready
   * ServiceCIDR ranges) and marks it in flight for `claimant` (a Service key); undefined when
   * every ready range of the family is full (or the family is not configured).
   */
  pickNext(family: IPFamily, claimant?: string): string | undefined {
    const ip = this.ranges.allocateNext(family);
    if (ip !== undefined) this.#inFlight.set(ip, claimant);
    return ip;
  }

  /** Marks a requested IP in flight for `claimant` (its bit set) before the claim is created. */
  hold(ip: string, claimant?: string): void {
    this.#inFlight.set(ip, claimant);
    this.#take(ip);
  }

  /** Ends an in-flight claim; the bit stays while an object holds the IP or `stillHeld` says so. */
  settle(ip: string, stillHeld: boolean): void {
    this.#inFlight.delete(ip);
    // An indexed object holds the IP, so its bit is set and stays.
    if (this.#byIP.has(ip)) return;
    if (stillHeld) this.#take(ip);
    else this.#freeIfUnheld(ip);
  }

  /**
   * Rebuilds every bitmap from the index and the claims in flight (the repair pass): bits whose
   * only holder was a lost in-flight claim come back.
   */
  rebuildBitmaps(): void {
    for (const range of this.ranges.ranges) {
      const stale: string[] = [];
      range.forEach((ip) => {
        if (!this.#byIP.has(ip) && !this.#inFlight.has(ip)) stale.push(ip);
      });
      for (const ip of stale) range.release(ip);
    }
    for (const ip of [...this.#byIP.keys(), ...this.#inFlight.keys()]) this.#take(ip);
  }

  /**
   * Makes the ranges match the ServiceCIDRs (see `ClusterIPRanges.sync`) and gives each range
   * added the bits of every claim, indexed or in flight, that it holds. Returns what changed.
   */
  syncRanges(serviceCIDRs: readonly ServiceCIDRView[]): RangesChange {
    const change = this.ranges.sync(serviceCIDRs);
    for (const range of change.added) {
      for (const ip of [...this.#byIP.keys(), ...this.#inFlight.keys()]) if (isIP(ip) && range.contains(ip) && !range.has(ip)) range.allocate(ip);
    }
    return change;
  }

  #take(ip: string): void {
    // Claims are named by IP, but an object's name is not checked here: text that is no IP holds no bit.
    if (isIP(ip)) this.ranges.take(ip);
  }

  #freeIfUnheld(ip: string): void {
    if (this.#byIP.has(ip) || this.#inFlight.has(ip)) return;
    if (isIP(ip)) this.ranges.release(ip);
  }

  #unlink(c: IndexedClaim): void {
    if (!c.parent) return;
    const set = this.#byParent.get(c.parent);
    set?.delete(c.ip);
    if (set?.size === 0) this.#byParent.delete(c.parent);
  }
}

/**
 * The ClusterIP ranges of a cluster: the families and one range each from
 * `--service-cluster-ip-range`, plus one range per CIDR of the ServiceCIDR objects of those
 * families (KEP-1880). Ported behaviour: pkg/registry/core/service/ipallocator/cidrallocator.go
 * (`MetaAllocator`: `syncAllocators`, `deleteServiceCIDR`, `getAllocator`, `AllocateNextService`,
 * `isReady`) and pkg/api/servicecidr/servicecidr.go (`PrefixContainsIP`, as the repair's
 * `ContainsIP` uses it). Pure and synchronous: the caller hands in what the ServiceCIDRs say.
 *
 * One range per distinct CIDR, whichever ServiceCIDRs name it (overlaps and duplicates are
 * allowed). A range is ready, so usable for new allocations, when it is the flag's or when at
 * least one ServiceCIDR naming it is ready; a range no ServiceCIDR names any more (and not the
 * flag's) is dropped. An IP inside several ranges is one IP: {@link ClusterIPRanges.take} and
 * {@link ClusterIPRanges.release} set and clear its bit in every range that holds it, and
 * {@link ClusterIPRanges.allocateNext} marks the IP it draws in the others too.
 */
import type { IPFamily } from '../api-types/core.js';
import { ClusterIPRange, parseServiceClusterIPRanges, sizeProblem, type ClusterIPFlagOptions } from './cluster-ip-range.js';
import { cidrProblem, parseCIDR, parseIP, type ParsedCIDR, type ParsedIP } from './ip.js';
import { systemRandom, type RandomSource } from './random.js';

/** What the ranges need to know of one ServiceCIDR object. */
export interface ServiceCIDRView {
  /** The object's name. */
  name: string;
  /** `spec.cidrs`, as written. */
  cidrs: readonly string[];
  /**
   * Whether new IPs may come from its CIDRs: Ready=True or no Ready condition, and not being
   * deleted (cidrallocator.go `syncAllocators` with `isReady`).
   */
  isReady: boolean;
}

/** A CIDR of a ServiceCIDR that no range can be built for. */
export interface RefusedCIDR {
  /** The CIDR in canonical text (or as written, when it does not parse). */
  cidr: string;
  /** The ServiceCIDRs naming it. */
  names: string[];
  /** Why, in the allocator's words (e.g. `shortest allowed prefix length for service CIDR is 64, got 48`). */
  reason: string;
}

/** What one {@link ClusterIPRanges.sync} changed. */
export interface RangesChange {
  /** Ranges built for CIDRs seen for the first time (their bitmaps start empty: fill them). */
  added: ClusterIPRange[];
  /** Ranges dropped: no ServiceCIDR names their CIDR any more. */
  removed: ClusterIPRange[];
  /** Ranges that were known and turned ready. */
  readied: ClusterIPRange[];
  /** Ranges that were known and are no longer ready. */
  unreadied: ClusterIPRange[];
  /** CIDRs refused by this sync that were not refused before (report each once). */
  refused: RefusedCIDR[];
}

/** Options of {@link ClusterIPRanges}. */
export interface ClusterIPRangesOptions {
  /** Where ranges built for ServiceCIDRs draw their scan start. @default systemRandom */
  random?: RandomSource;
}

interface Entry {
  readonly range: ClusterIPRange;
  readonly fromFlag: boolean;
  /** The flag's, or at least one ServiceCIDR naming the CIDR is ready. */
  isReady: boolean;
}

interface Refused {
  readonly parsed: ParsedCIDR | undefined;
  readonly refused: RefusedCIDR;
}

/** True when `ip` is a usable address of `cidr`: not the network address, nor IPv4's broadcast. */
function holdsUsable(cidr: ParsedCIDR, ip: ParsedIP): boolean {
  if (cidr.family !== ip.family) return false;
  const last = cidr.network + (1n << BigInt(cidr.bits - cidr.prefixLength)) - 1n;
  return ip.value > cidr.network && (cidr.family === 'IPv6' ? ip.value <= last : ip.value < last);
}

/**
 * The one or two families of a cluster with their flag ranges (the first range sets the default
 * family, as the first `--service-cluster-ip-range` entry does), and the ranges of the
 * ServiceCIDRs of those families. The flag's range stands for the default `kubernetes`
 * ServiceCIDR, which kube-apiserver creates from the same flag: it is always there and always
 * ready. ServiceCIDR ranges are always sized as the IPAddress allocator sizes them (IPv6 down
 * to /64), whatever sizing the flag's ranges were built with.
 */
export class ClusterIPRanges {
  /** The family of the first flag range: the family of single-stack Services by default. */
  readonly defaultFamily: IPFamily;
  /** The families served, default first. ServiceCIDRs of other families add nothing. */
  readonly families: readonly IPFamily[];
  readonly #random: RandomSource;
  /** Every range by canonical CIDR. */
  readonly #entries = new Map<string, Entry>();
  /** Per family, the order automatic allocation tries the ranges in: the flag's first. */
  #byFamily = new Map<IPFamily, Entry[]>();
  #all: ClusterIPRange[] = [];
  #refused = new Map<string, Refused>();

  /** Takes 1–2 flag ranges of distinct families; throws a RangeError otherwise. */
  constructor(ranges: readonly ClusterIPRange[], options: ClusterIPRangesOptions = {}) {
    if (ranges.length < 1 || ranges.length > 2) throw new RangeError(`expected one or two ClusterIP ranges, got ${ranges.length}`);
    if (ranges.length === 2 && ranges[0].family === ranges[1].family) {
      throw new RangeError(`expected ClusterIP ranges of different IP families, got ${ranges[0].cidr} and ${ranges[1].cidr}`);
    }
    this.defaultFamily = ranges[0].family;
    this.families = ranges.map((r) => r.family);
    this.#random = options.random ?? systemRandom;
    for (const range of ranges) this.#entries.set(range.cidr, { range, fromFlag: true, isReady: true });
    this.#order([]);
  }

  /** Parses `--service-cluster-ip-range` and builds its ranges (see {@link parseServiceClusterIPRanges}). */
  static fromFlag(flag: string, options: ClusterIPFlagOptions & ClusterIPRangesOptions = {}): ClusterIPRanges {
    const cidrs = parseServiceClusterIPRanges(flag, options);
    return new ClusterIPRanges(cidrs.map((cidr) => new ClusterIPRange({ ...options, cidr })), options);
  }

  /** Every range, ready or not, family by family (default first): the flag's, then the ServiceCIDRs' in allocation order. */
  get ranges(): readonly ClusterIPRange[] {
    return this.#all;
  }

  /** The flag's range of `family`, or undefined when the cluster does not serve the family. */
  get(family: IPFamily): ClusterIPRange | undefined {
    return this.#byFamily.get(family)?.[0]?.range;
  }

  /** The ranges of `family`, ready or not, in the order automatic allocation tries them. */
  rangesOf(family: IPFamily): ClusterIPRange[] {
    return (this.#byFamily.get(family) ?? []).map((e) => e.range);
  }

  /** Whether new IPs may come from `range` (false for a range these ranges do not hold). */
  isReady(range: ClusterIPRange): boolean {
    const entry = this.#entries.get(range.cidr);
    return entry !== undefined && entry.range === range && entry.isReady;
  }

  /** The CIDRs of ServiceCIDRs no range could be built for, as of the last sync. */
  get refused(): RefusedCIDR[] {
    return [...this.#refused.values()].map((r) => r.refused);
  }

  /**
   * The range an explicitly requested `ip` is allocated from: the first ready range holding it
   * as a usable address (`getAllocator` with ready set), or undefined, which Kubernetes answers
   * with ErrMismatchedNetwork. Throws a TypeError for text that is not a strict IP.
   */
  readyRangeFor(ip: string): ClusterIPRange | undefined {
    const parsed = parseIP(ip);
    return this.#byFamily.get(parsed.family)?.find((e) => e.isReady && e.range.contains(parsed.text))?.range;
  }

  /** Every range holding `ip` as a usable address, ready or not. */
  containing(ip: string): ClusterIPRange[] {
    const parsed = parseIP(ip);
    const out: ClusterIPRange[] = [];
    for (const e of this.#byFamily.get(parsed.family) ?? []) if (e.range.contains(parsed.text)) out.push(e.range);
    return out;
  }

  /**
   * True when `ip` is a usable address of any range or of any ServiceCIDR CIDR of a served
   * family, ready or not, refused ones included: what the repair checks before it reports an IP
   * as `not within any configured Service CIDR` (repairip.go `isIPOutOfRange`).
   */
  isWithinAnyCIDR(ip: string): boolean {
    const parsed = parseIP(ip);
    if ((this.#byFamily.get(parsed.family) ?? []).some((e) => e.range.contains(parsed.text))) return true;
    for (const r of this.#refused.values()) if (r.parsed && holdsUsable(r.parsed, parsed)) return true;
    return false;
  }

  /** True when a ready range of `family` has a free address. */
  hasFree(family: IPFamily): boolean {
    return (this.#byFamily.get(family) ?? []).some((e) => e.isReady && e.range.free > 0n);
  }

  /**
   * Draws a free IP of `family` and returns it, or undefined when every ready range of the
   * family is full (or there is none). The ranges are tried in order, the flag's first, skipping
   * full and not-ready ones (`AllocateNextService`); the IP drawn is marked taken in every other
   * range that holds it, so no overlapping range offers it again.
   */
  allocateNext(family: IPFamily): string | undefined {
    const entries = this.#byFamily.get(family) ?? [];
    for (const e of entries) {
      if (!e.isReady || e.range.free === 0n) continue;
      const ip = e.range.allocateNext();
      // Only another range of the family can hold it too; with the flag's alone there is none.
      if (entries.length > 1) this.take(ip);
      return ip;
    }
    return undefined;
  }

  /** Marks `ip` taken in every range holding it (no-op where it already is, or where none holds it). */
  take(ip: string): void {
    for (const range of this.containing(ip)) if (!range.has(ip)) range.allocate(ip);
  }

  /** Frees `ip` in every range holding it, ready or not (`Release` finds any allocator). */
  release(ip: string): void {
    for (const range of this.containing(ip)) range.release(ip);
  }

  /**
   * Makes the ServiceCIDR ranges match `serviceCIDRs` (all of them, as the informer holds them;
   * their order decides the order ranges are tried in after the flag's) and says what changed.
   * Level-based, where cidrallocator.go reacts to events:
   *
   * 1. Collect the CIDRs of served families by canonical text, each with the ServiceCIDRs that
   *    name it and whether each is ready; CIDRs of other families are skipped (the
   *    meta-allocator of each family skips them).
   * 2. Known CIDRs have their readiness recomputed. New ones get an empty range, or are refused
   *    when no range can be built (IPv6 shorter than /64, IPv4 shorter than /8; NewIPAllocator
   *    fails and syncAllocators logs and skips such a CIDR).
   * 3. Ranges no ServiceCIDR names any more are dropped; the flag's stay, ready.
   * 4. The allocation order is rebuilt.
   */
  sync(serviceCIDRs: readonly ServiceCIDRView[]): RangesChange {
    const change: RangesChange = { added: [], removed: [], readied: [], unreadied: [], refused: [] };
    // 1.
    const wanted = new Map<string, { parsed: ParsedCIDR | undefined; names: Map<string, boolean> }>();
    for (const sc of serviceCIDRs) {
      for (const text of sc.cidrs) {
        const problem = cidrProblem(text);
        const parsed = problem ? undefined : parseCIDR(text);
        if (parsed && !this.families.includes(parsed.family)) continue;
        const key = parsed?.text ?? text;
        let w = wanted.get(key);
        if (!w) wanted.set(key, (w = { parsed, names: new Map() }));
        w.names.set(sc.name, sc.isReady);
      }
    }
    // 2.
    const refused = new Map<string, Refused>();
    const order: Entry[] = [];
    for (const [key, w] of wanted) {
      const isReady = [...w.names.values()].some(Boolean);
      const entry = this.#entries.get(key);
      if (entry) {
        const wasReady = entry.isReady;
        entry.isReady = entry.fromFlag || isReady;
        if (wasReady !== entry.isReady) (entry.isReady ? change.readied : change.unreadied).push(entry.range);
        order.push(entry);
        continue;
      }
      const built = this.#build(key, w.parsed);
      if (typeof built === 'string') {
        const r: RefusedCIDR = { cidr: key, names: [...w.names.keys()], reason: built };
        refused.set(key, { parsed: w.parsed, refused: r });
        if (!this.#refused.has(key)) change.refused.push(r);
        continue;
      }
      const added: Entry = { range: built, fromFlag: false, isReady };
      this.#entries.set(key, added);
      change.added.push(built);
      order.push(added);
    }
    // 3.
    for (const [key, entry] of [...this.#entries]) {
      if (wanted.has(key) || entry.fromFlag) continue;
      this.#entries.delete(key);
      change.removed.push(entry.range);
    }
    this.#refused = refused;
    // 4.
    this.#order(order);
    return change;
  }

  /** A new range for a ServiceCIDR's CIDR, or why none can be built. */
  #build(key: string, parsed: ParsedCIDR | undefined): ClusterIPRange | string {
    if (!parsed) return cidrProblem(key) ?? 'must be a valid CIDR value';
    return sizeProblem(parsed, 'full') ?? new ClusterIPRange({ cidr: parsed, random: this.#random, ipv6Sizing: 'full' });
  }

  /** Rebuilds the per-family order: the flag's range, then `order` (ServiceCIDR order). */
  #order(order: readonly Entry[]): void {
    const byFamily = new Map<IPFamily, Entry[]>();
    for (const e of this.#entries.values()) if (e.fromFlag) byFamily.set(e.range.family, [e]);
    for (const e of order) if (!e.fromFlag) byFamily.get(e.range.family)?.push(e);
    this.#byFamily = byFamily;
    this.#all = this.families.flatMap((f) => (byFamily.get(f) ?? []).map((e) => e.range));
  }
}

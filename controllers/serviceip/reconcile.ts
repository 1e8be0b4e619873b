/**
 * The serviceip reconciler: from a snapshot of one Service and the IPAddress claims around it,
 * the plan that gives it its ClusterIPs (kubernetes-behaviour.md §1.6–1.8), or releases them.
 * Pure: no client, clock, logger or randomness. Automatic IPs are chosen by apply.ts (the bitmap
 * and the API decide); the plan only says which slots need one.
 *
 * Ported behaviour: pkg/registry/core/service/storage/alloc.go (`allocClusterIPs`,
 * `updateClusterIPs`: ExternalName transitions, upgrade, downgrade, clusterIPs[0] kept) and the
 * Service sync of pkg/registry/core/service/ipallocator/controller/repairip.go (missing claims,
 * duplicates, out-of-range IPs on a Service that is already allocated).
 */
import type { IPFamily, IPFamilyPolicy, Service } from '../../api-types/core.js';
import { EventReasons, ManagedBy } from '../../api-types/well-known.js';
import { canonicalIP, familyOf } from '../../allocators/ip.js';
import { ClusterIPNone, initIPFamilyFields, isHeadless } from './families.js';
import { AllocatorErrors, invalidServiceNote, requestedIPNote } from './failures.js';
import type { SettledState } from './settled.js';

/** What the reconciler needs to know of one IPAddress. */
export interface ClaimView {
  /** The IP, canonical text (the object's name). */
  ip: string;
  /** The parent Service key `namespace/name`, or undefined when parentRef is not a core Service. */
  parent: string | undefined;
  /** The managed-by label. */
  managedBy: string | undefined;
  /** The object's uid (a delete precondition, so a claim re-made by someone else is never deleted). */
  uid: string | undefined;
}

/** The cluster's ranges, as far as the reconciler reads them (ClusterIPRanges satisfies it). */
export interface RangesView {
  /** The configured families, default first. */
  readonly families: readonly IPFamily[];
  /** The ready range a requested IP is claimed in, if any (undefined: ErrMismatchedNetwork). */
  readyRangeFor(ip: string): { readonly cidr: string } | undefined;
  /** Whether any range or ServiceCIDR, ready or not, holds the IP (the repair's range check). */
  isWithinAnyCIDR(ip: string): boolean;
}

/** Everything one reconcile reads. */
export interface ServiceIPSnapshot {
  /** `namespace/name`. */
  key: string;
  /** The Service, or undefined when it is gone. */
  service: Service | undefined;
  /** The configured families and ranges: the flag's and the ServiceCIDRs'. */
  ranges: RangesView;
  /** The claim on an IP, if any. */
  claimOf(ip: string): ClaimView | undefined;
  /** Every claim whose parentRef is this Service. */
  ownClaims: readonly ClaimView[];
  /** Whether the Service `key` exists and lists `ip` (undefined: it does not exist). */
  serviceListsIP(key: string, ip: string): boolean | undefined;
  /**
   * The Service's fields when this controller last settled it (settled.ts): the "old" object
   * of the family rules. Undefined, or of another uid: none, so the Service reads as a create.
   */
  previous?: SettledState;
}

/** Allocation scope, as the metrics label it. */
export type Scope = 'static' | 'dynamic';

/** One IP to claim before the Service is written. */
export interface ClaimStep {
  /** The slot in `clusterIPs`. */
  index: number;
  family: IPFamily;
  /** The IP to claim; undefined: choose one automatically. */
  ip?: string;
  scope: Scope;
  /** The Service already listed the IP as allocated: the claim repairs a missing IPAddress. */
  repair: boolean;
}

/** A failure to report (Warning event, log, error metric) instead of writing. */
export interface PlanFailure {
  reason: string;
  note: string;
  scope: Scope;
  /** The family whose range the error is counted against, when one applies. */
  family?: IPFamily;
  /** A requested IP another Service holds (canonical): the Service is tried again once it is freed. */
  takenIP?: string;
}

/** A repair finding to report on the Service; nothing is changed for it. */
export interface RepairFinding {
  reason: string;
  note: string;
  /** The `clusterip_repair_ip_errors_total` type. */
  type: 'outOfRange' | 'duplicate' | 'invalid';
}

/** The fields the controller writes. Empty strings in `clusterIPs` are slots still to fill. */
export interface ServiceIPFields {
  clusterIPs: string[];
  ipFamilies: IPFamily[];
  ipFamilyPolicy: IPFamilyPolicy;
}

/** What to do for one Service. */
export interface ServiceIPPlan {
  /** The fields wanted; undefined when the Service is gone, ExternalName, or failed. */
  fields?: ServiceIPFields;
  /**
   * The Service's `clusterIPs` as requested, one per family, "" in each slot to fill: how
   * Kubernetes shows the list in the 422 of a requested IP it refuses (failures.ts). Set with
   * `fields` when the Service gets IPs.
   */
  requested?: string[];
  /** Whether the Service must be written (fields differ from what is stored). */
  needsWrite: boolean;
  /** IPs to claim first. */
  claims: ClaimStep[];
  /** Own claims (managed by svcplane) to delete once the Service no longer needs them. */
  release: ClaimView[];
  failure?: PlanFailure;
  findings: RepairFinding[];
}

function isOurs(c: ClaimView): boolean {
  return c.managedBy === ManagedBy.svcplaneIPAllocator;
}

function releaseAll(s: ServiceIPSnapshot): ServiceIPPlan {
  return { needsWrite: false, claims: [], release: s.ownClaims.filter(isOurs), findings: [] };
}

function sameList<T>(a: readonly T[] | undefined, b: readonly T[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** True when the Service already carries a complete allocation (so a gap is a repair case). */
function looksAllocated(svc: Service): boolean {
  const spec = svc.spec ?? {};
  const ips = spec.clusterIPs ?? [];
  return spec.ipFamilyPolicy !== undefined && (spec.ipFamilies?.length ?? 0) > 0 && ips.length === spec.ipFamilies?.length && ips.every((ip) => ip !== '');
}

/**
 * Plans one Service:
 *
 * 1. Gone or ExternalName: release every own claim (case B of `updateClusterIPs`).
 * 2. Families and policy by §1.7, against the previous settled state of this very Service (same
 *    uid) as the old object; a problem is a failure, and nothing is written or released.
 * 3. Headless: `clusterIPs: ["None"]`, families and policy; no IP; own claims released.
 * 4. Each family slot: a listed IP must be in range (requested: in a ready range; on an
 *    allocated Service: in any range or ServiceCIDR) and claimed by this Service (claim it if
 *    free; taken by another is a failure, or a duplicate finding on an allocated Service); an
 *    empty slot reuses an unlisted own claim of its family (a crash between claim and write) or
 *    asks for an automatic IP.
 * 5. Own claims the result does not list are released (downgrade, leftovers).
 */
export function reconcileServiceIP(s: ServiceIPSnapshot): ServiceIPPlan {
  const svc = s.service;
  // 1.
  if (!svc || svc.spec?.type === 'ExternalName') return releaseAll(s);
  const spec = svc.spec ?? {};
  // 2.
  const old = s.previous !== undefined && s.previous.uid === svc.metadata.uid ? s.previous : undefined;
  const families = initIPFamilyFields(spec, s.ranges.families, old);
  if (!families.ok) {
    return {
      needsWrite: false, claims: [], release: [], findings: [],
      failure: { reason: EventReasons.ipFamilyNotConfigured, note: invalidServiceNote(svc.metadata.name ?? '', families.problems), scope: 'static' },
    };
  }
  const { ipFamilies, ipFamilyPolicy } = families.fields;
  const stored = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
  // 3.
  if (isHeadless(spec)) {
    const fields: ServiceIPFields = { clusterIPs: [ClusterIPNone], ipFamilies, ipFamilyPolicy };
    const plan = releaseAll(s);
    plan.fields = fields;
    plan.needsWrite = !sameFields(spec, fields);
    return plan;
  }
  // 4.
  const allocated = looksAllocated(svc);
  const clusterIPs: string[] = [];
  const claims: ClaimStep[] = [];
  const findings: RepairFinding[] = [];
  const kept = new Set<string>();
  // Claims are named by canonical text; the Service keeps the text it was given.
  const storedCanonical = stored.map(canonicalIP);
  const spare = s.ownClaims.filter((c) => isOurs(c) && !storedCanonical.includes(c.ip));
  const requested = ipFamilies.map((_, i) => stored[i] ?? '');
  const refused = (given: string, why: string): string => requestedIPNote(svc.metadata.name ?? '', requested, given, why);
  for (let i = 0; i < ipFamilies.length; i++) {
    const family = ipFamilies[i];
    const given = stored[i] ?? '';
    const ip = storedCanonical[i] ?? '';
    if (ip === '') {
      const reuse = spare.find((c) => familyOf(c.ip) === family && !kept.has(c.ip));
      if (reuse) {
        kept.add(reuse.ip);
        clusterIPs.push(reuse.ip);
      } else {
        clusterIPs.push('');
        claims.push({ index: i, family, scope: 'dynamic', repair: false });
      }
      continue;
    }
    clusterIPs.push(given);
    kept.add(ip);
    const ofFamily = familyOf(ip) === family;
    // An allocated Service is checked as the repair checks it: against every ServiceCIDR, ready
    // or not (repairip.go isIPOutOfRange); a request, as the allocator takes it: in a ready one.
    if (allocated && !(ofFamily && s.ranges.isWithinAnyCIDR(ip))) {
      findings.push({ type: 'outOfRange', reason: EventReasons.clusterIPOutOfRange, note: `Cluster IP [${family}]: ${ip} is not within any configured Service CIDR; please recreate service` });
      continue;
    }
    if (!allocated && !(ofFamily && s.ranges.readyRangeFor(ip))) {
      // The ServiceCIDR allocator's words (1.33: MetaAllocator.getAllocator finds no ready CIDR
      // that holds the IP, ErrMismatchedNetwork), as svcplane's IPAddress claims follow that allocator.
      return failed({ reason: EventReasons.clusterIPOutOfRange, note: refused(given, AllocatorErrors.mismatchedNetwork), scope: 'static', family });
    }
    const claim = s.claimOf(ip);
    if (!claim) {
      claims.push({ index: i, family, ip, scope: 'static', repair: allocated });
      continue;
    }
    if (claim.parent === s.key) continue;
    if (!allocated) {
      return failed({ reason: EventReasons.clusterIPAlreadyAllocated, note: refused(given, AllocatorErrors.allocated), scope: 'static', family, takenIP: ip });
    }
    if (claim.parent !== undefined && s.serviceListsIP(claim.parent, ip) === true) {
      findings.push({ type: 'duplicate', reason: EventReasons.clusterIPAlreadyAllocated, note: `Cluster IP [${family}]:${ip} was assigned to multiple services; please recreate service` });
    }
  }
  // 5.
  const release = s.ownClaims.filter((c) => isOurs(c) && !kept.has(c.ip));
  const fields: ServiceIPFields = { clusterIPs, ipFamilies, ipFamilyPolicy };
  return { fields, requested, needsWrite: claims.some((c) => !c.repair) || !sameFields(spec, fields), claims, release, findings };
}

function failed(failure: PlanFailure): ServiceIPPlan {
  return { needsWrite: false, claims: [], release: [], findings: [], failure };
}

function sameFields(spec: NonNullable<Service['spec']>, f: ServiceIPFields): boolean {
  return spec.clusterIP === f.clusterIPs[0] && sameList(spec.clusterIPs, f.clusterIPs) && sameList(spec.ipFamilies, f.ipFamilies) && spec.ipFamilyPolicy === f.ipFamilyPolicy;
}

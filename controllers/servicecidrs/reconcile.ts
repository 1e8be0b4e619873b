/**
 * What the ServiceCIDR controller does about one ServiceCIDR, decided from a snapshot of the
 * caches (kube-controller-manager 1.33, pkg/controller/servicecidrs/servicecidrs_controller.go,
 * `sync` and `canDeleteCIDR`). Pure: no client, clock or logger.
 *
 * 1. Gone from the cache: nothing to do.
 * 2. Being deleted: may it go without leaving IPAddresses that no ServiceCIDR holds?
 *    a. Every CIDR is held by another ServiceCIDR: yes. Any other ServiceCIDR in the cache
 *       counts, one being deleted too, as upstream counts it.
 *    b. Otherwise no, if an IPAddress of the CIDR's family, managed by kube-apiserver's allocator
 *       (`ipallocator.k8s.io`) or by svcplane's serviceip controller, lies in this ServiceCIDR
 *       and in no other: Ready=False (Terminating), and a check again later.
 *    c. Otherwise yes.
 *    When it may go, the finalizer stays until the grace period after the deletionTimestamp
 *    has passed (the allocators must have seen the deletion), then it is removed.
 * 3. Otherwise: the finalizer added if missing, then Ready=True.
 *
 * The condition is written only when its status, reason or message differ from the stored one
 * (upstream `updateConditionIfNeeded`), so a sync of a settled ServiceCIDR writes nothing.
 */
import type { Condition } from '../../api-types/meta.js';
import type { IPAddress, ServiceCIDR } from '../../api-types/networking.js';
import { Finalizers, Labels, ManagedBy, ServiceCIDRControllerNames as Names } from '../../api-types/well-known.js';
import { addressOf, cidrsOf, containsAddress, serviceCIDRsContaining, serviceCIDRsContainingPrefix } from './containment.js';

/** What a sync looks at. */
export interface ServiceCIDRSnapshot {
  /** The ServiceCIDR to sync, or undefined once it is gone. */
  serviceCIDR: ServiceCIDR | undefined;
  /** Every cached ServiceCIDR (this one included). */
  serviceCIDRs: readonly ServiceCIDR[];
  /** Every cached IPAddress (looked at only when the ServiceCIDR is being deleted). */
  ipAddresses: readonly IPAddress[];
  /** Now, in ms since the epoch (what deletionTimestamps are read against). */
  nowMs: number;
}

/** Options of {@link reconcileServiceCIDR}. */
export interface ServiceCIDRReconcileOptions {
  /** How long a deletion blocked by IPAddresses waits before it is checked again. */
  blockedRecheckMs: number;
  /** How long after its deletionTimestamp a ServiceCIDR keeps its finalizer. @default 10000 */
  deletionGracePeriodMs?: number;
}

/** Why a ServiceCIDR being deleted may go, or what holds it. */
export type DeletionCheck =
  | { verdict: 'contained' }
  | { verdict: 'no-orphans' }
  | { verdict: 'blocked'; ipAddress: string };

/** What to write about one ServiceCIDR, in this order: the finalizer, then the condition. */
export interface ServiceCIDRPlan {
  finalizer: 'add' | 'remove' | 'none';
  /** The Ready condition to apply to status, when the stored one differs. */
  readyCondition?: Condition;
  /** Sync again after this long: the rest of the grace period, or the next check of a blocked deletion. */
  requeueAfterMs?: number;
  /** For a ServiceCIDR being deleted: whether it may go (the controller logs it). */
  deletion?: DeletionCheck;
}

/** The managers whose IPAddresses hold a ServiceCIDR back: kube-apiserver's allocator and svcplane's. */
const protectingManagers: ReadonlySet<string> = new Set([ManagedBy.kubeIPAllocator, ManagedBy.svcplaneIPAllocator]);

/** Whether an IPAddress is one whose ServiceCIDRs the controller protects. */
export function isProtectingIPAddress(ip: IPAddress): boolean {
  return protectingManagers.has(ip.metadata.labels?.[Labels.ipAddressManagedBy] ?? '');
}

/** 1–3. Decides what to write about the snapshot's ServiceCIDR. */
export function reconcileServiceCIDR(s: ServiceCIDRSnapshot, o: ServiceCIDRReconcileOptions): ServiceCIDRPlan {
  const sc = s.serviceCIDR;
  // 1.
  if (!sc) return { finalizer: 'none' };
  const hasFinalizer = (sc.metadata.finalizers ?? []).includes(Finalizers.serviceCIDR);
  const deletionTimestamp = sc.metadata.deletionTimestamp;
  // 3.
  if (!deletionTimestamp) {
    const ready = conditionIfChanged(sc, { status: 'True', reason: '', message: Names.readyMessage }, s.nowMs);
    return { finalizer: hasFinalizer ? 'none' : 'add', ...(ready && { readyCondition: ready }) };
  }
  // 2.
  const deletion = checkDeletion(sc, s.serviceCIDRs, s.ipAddresses);
  if (deletion.verdict === 'blocked') {
    const notReady = conditionIfChanged(sc, { status: 'False', reason: Names.terminatingReason, message: Names.terminatingMessage }, s.nowMs);
    return { finalizer: 'none', ...(notReady && { readyCondition: notReady }), requeueAfterMs: o.blockedRecheckMs, deletion };
  }
  const deletedAtMs = Date.parse(deletionTimestamp);
  // An unreadable timestamp waits the whole period rather than none of it.
  const elapsedMs = Number.isNaN(deletedAtMs) ? 0 : s.nowMs - deletedAtMs;
  const remainingMs = (o.deletionGracePeriodMs ?? Names.deletionGracePeriodMs) - elapsedMs;
  if (remainingMs > 0) return { finalizer: 'none', requeueAfterMs: remainingMs, deletion };
  return { finalizer: hasFinalizer ? 'remove' : 'none', deletion };
}

/** 2a–c. Whether `sc` may go without orphaning an IPAddress. */
export function checkDeletion(sc: ServiceCIDR, all: readonly ServiceCIDR[], ipAddresses: readonly IPAddress[]): DeletionCheck {
  const name = sc.metadata.name;
  const cidrs = cidrsOf(sc);
  // a. (With no CIDR that parses there is nothing to orphan either.)
  const isHeldElsewhere = (prefix: (typeof cidrs)[number]) => serviceCIDRsContainingPrefix(prefix, all).some((other) => other.metadata.name !== name);
  if (cidrs.every(isHeldElsewhere)) return { verdict: 'contained' };
  // b. Only an IP in this ServiceCIDR can have it as its only holder.
  for (const ip of ipAddresses) {
    if (!isProtectingIPAddress(ip)) continue;
    const address = addressOf(ip.metadata.name);
    // Upstream lists IPAddresses by their family label: one without it is not looked at.
    if (!address || ip.metadata.labels?.[Labels.ipAddressFamily] !== address.family) continue;
    if (!cidrs.some((p) => containsAddress(p, address))) continue;
    const holders = serviceCIDRsContaining(address, all);
    if (holders.length === 1 && holders[0].metadata.name === name) return { verdict: 'blocked', ipAddress: address.text };
  }
  // c.
  return { verdict: 'no-orphans' };
}

/**
 * The Ready condition to apply, stamped `nowMs`, or undefined when the stored one already has
 * this status, reason and message.
 */
function conditionIfChanged(sc: ServiceCIDR, want: Pick<Condition, 'status' | 'reason' | 'message'>, nowMs: number): Condition | undefined {
  const cur = sc.status?.conditions?.find((c) => c.type === 'Ready');
  if (cur && cur.status === want.status && (cur.reason ?? '') === want.reason && (cur.message ?? '') === want.message) return undefined;
  return { type: 'Ready', ...want, lastTransitionTime: new Date(nowMs).toISOString().replace(/\.\d+Z$/, 'Z') };
}

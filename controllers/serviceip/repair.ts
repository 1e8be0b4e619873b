/**
 * The IPAddress side of the ClusterIP repair (kubernetes-behaviour.md §2.3,
 * pkg/registry/core/service/ipallocator/controller/repairip.go `syncIPAddress`), for claims svcplane
 * manages. Claims of kube-apiserver's allocator (`ipallocator.k8s.io`) are only respected as taken.
 *
 * svcplane claims an IP before it writes the Service, so a claim whose parent does not list it
 * yet is normal for a moment, whether the parent is being created or being updated. Unlike
 * repairip.go, which deletes a wrongly referenced IPAddress at once, both the leaked and the
 * wrong-reference cases wait out the grace period, counted from when this process first saw the
 * claim (the controller clock, not creationTimestamp: the two clocks may differ). Then the parent
 * is read live and planned again; the claim is deleted only if that plan releases it.
 */
import type { ClaimView } from './reconcile.js';
import type { IndexedClaim } from './claims.js';
import { ManagedBy, EventReasons } from '../../api-types/well-known.js';

/** What the repair does with one claim. */
export type ClaimRepair =
  | { action: 'keep' }
  | { action: 'wait'; afterMs: number }
  | { action: 'confirm-and-delete'; reason: string; note: string };

/** Where the claim's parent stands in the informer cache. */
export type ParentState = 'missing' | 'lists' | 'unlisted';

/**
 * Decides about one claim. Pure.
 *
 * 1. Not managed by svcplane: keep (someone else's; respected as taken).
 * 2. Not referencing a core Service: delete (IPAddressNotAllocated).
 * 3. Parent lists the IP: keep.
 * 4. Younger than the grace period: wait for the rest of it.
 * 5. Parent missing: delete as leaked (IPAddressNotAllocated); parent not listing it: delete as
 *    wrongly referenced (IPAddressWrongReference). Both after a live check by the caller.
 */
export function planClaimRepair(claim: IndexedClaim, parent: ParentState, nowMs: number, gracePeriodMs: number): ClaimRepair {
  // 1.
  if (claim.managedBy !== ManagedBy.svcplaneIPAllocator) return { action: 'keep' };
  // 2.
  if (claim.parent === undefined) {
    return { action: 'confirm-and-delete', reason: EventReasons.ipAddressNotAllocated, note: `IPAddress ${claim.ip} appears to have been modified, not referencing a Service: cleaning up` };
  }
  // 3.
  if (parent === 'lists') return { action: 'keep' };
  // 4.
  const ageMs = nowMs - claim.seenAtMs;
  if (ageMs < gracePeriodMs) return { action: 'wait', afterMs: gracePeriodMs - ageMs };
  // 5.
  const [ns, name] = splitParent(claim.parent);
  if (parent === 'missing') {
    return { action: 'confirm-and-delete', reason: EventReasons.ipAddressNotAllocated, note: `IPAddress: ${claim.ip} for Service ${ns}/${name} appears to have leaked: cleaning up` };
  }
  return { action: 'confirm-and-delete', reason: EventReasons.ipAddressWrongReference, note: `IPAddress: ${claim.ip} for Service ${ns}/${name} has a wrong reference; cleaning up` };
}

function splitParent(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** The event reference of a claim (events are recorded on the IPAddress, as repairip.go does). */
export function claimReference(c: ClaimView): { kind: string; apiVersion: string; name: string; uid?: string } {
  return { kind: 'IPAddress', apiVersion: 'networking.k8s.io/v1', name: c.ip, uid: c.uid };
}

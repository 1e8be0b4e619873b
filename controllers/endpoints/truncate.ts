/**
 * Truncation of an Endpoints object to 1000 addresses (../shared/reference/kubernetes-behaviour.md
 * §4.4). Ported from `pkg/controller/endpoint/endpoints_controller.go` (`truncateEndpoints`,
 * `addressSubset`, `maxCapacity`).
 */
import type { EndpointSubset } from '../../api-types/core.js';

/** The most addresses (ready plus not ready, over all subsets) one Endpoints object carries. */
export const maxEndpointsCapacity = 1000;

/** How many addresses of each subset survive truncation, subset by subset. */
export interface TruncationAllocation {
  ready: number[];
  notReady: number[];
}

/**
 * Decides how many ready and not-ready addresses each subset keeps; undefined when the total is
 * within capacity and nothing is cut.
 *
 * 1. When the ready addresses fit, every one is kept and the not-ready budget (capacity minus
 *    ready) is shared; otherwise every not-ready address goes and the ready ones share capacity.
 * 2. Subsets take their share in order: the proportion of the shared kind they hold, times the
 *    budget, rounded up, but never more than what is left, so the last subsets absorb rounding.
 *
 * The float arithmetic is the same as upstream's (`ceil((n / total) * budget)` in doubles), so the
 * shares match Kubernetes' to the address.
 *
 * @param capacity the limit; {@link maxEndpointsCapacity} unless a test says otherwise.
 */
export function allocateTruncation(readyCounts: readonly number[], notReadyCounts: readonly number[], capacity = maxEndpointsCapacity): TruncationAllocation | undefined {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const n of readyCounts) totalReady += n;
  for (const n of notReadyCounts) totalNotReady += n;
  if (totalReady + totalNotReady <= capacity) return undefined;
  // 1.
  const truncateReady = totalReady > capacity;
  const budget = truncateReady ? capacity : capacity - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  const shared = truncateReady ? readyCounts : notReadyCounts;
  const ready: number[] = [];
  const notReady: number[] = [];
  let left = budget;
  // 2.
  for (let i = 0; i < shared.length; i++) {
    const share = Math.min(Math.ceil((shared[i] / total) * budget), left);
    const kept = Math.min(shared[i], share);
    left -= kept;
    if (truncateReady) {
      ready.push(kept);
      notReady.push(0);
    } else {
      ready.push(readyCounts[i]);
      notReady.push(kept);
    }
  }
  return { ready, notReady };
}

/**
 * Truncates subsets to {@link maxEndpointsCapacity} addresses as {@link allocateTruncation}
 * decides, keeping the first addresses of each list (the lowest IPs, as subsets are sorted).
 * Returns new subsets (the input is not modified) and whether anything was cut.
 */
export function truncateSubsets(subsets: readonly EndpointSubset[], capacity = maxEndpointsCapacity): { subsets: EndpointSubset[]; truncated: boolean } {
  const alloc = allocateTruncation(
    subsets.map((s) => s.addresses?.length ?? 0),
    subsets.map((s) => s.notReadyAddresses?.length ?? 0),
    capacity,
  );
  if (!alloc) return { subsets: [...subsets], truncated: false };
  const out = subsets.map((s, i) => {
    const next: EndpointSubset = {};
    const ready = s.addresses?.slice(0, alloc.ready[i]) ?? [];
    const notReady = s.notReadyAddresses?.slice(0, alloc.notReady[i]) ?? [];
    if (ready.length > 0) next.addresses = ready;
    if (notReady.length > 0) next.notReadyAddresses = notReady;
    if (s.ports) next.ports = s.ports;
    return next;
  });
  return { subsets: out, truncated: true };
}

/**
 * Topology-aware hints (`service.kubernetes.io/topology-mode: Auto`): zone hints allocated in
 * proportion to each zone's allocatable CPU, within the overload threshold
 * (../shared/reference/kubernetes-behaviour.md §5.7 "TopologyCache"). Ported from
 * `staging/src/k8s.io/endpointslice/topologycache/topologycache.go` (`AddHints`,
 * `getAllocations`), `utils.go` (`getGivingAndReceivingZones`, `redistributeHints`,
 * `getHintsByZone`, `serviceOverloaded`) and `sliceinfo.go`. Zones are visited in the order of
 * the ratio map (Kubernetes visits Go maps in random order), so results are deterministic.
 */
import type { IPFamily } from '../../api-types/core.js';
import type { EndpointSlice, SliceEndpoint } from '../../api-types/networking.js';
import type { SliceEvent, SliceInfo } from './hints.js';
import { TopologyMessages, TopologyReasons, overloadThreshold, removeHints, withAddressType } from './hints.js';
import { copySlice } from './slice-packing.js';

interface Allocation {
  minimum: number;
  maximum: number;
  desired: number;
}

/** The result of one address type's topology pass. */
export interface TopologyResult {
  events: SliceEvent[];
  /** Hints allocated per zone, or undefined when hints were removed. */
  allocatedByZone?: Map<string, number>;
}

function warn(message: string, si: SliceInfo): SliceEvent {
  return { type: 'Warning', reason: TopologyReasons.disabled, message: withAddressType(message, si.addressType) };
}

function isReady(ep: SliceEndpoint): boolean {
  return ep.conditions?.ready === true;
}

function countReady(slices: readonly EndpointSlice[]): number {
  let n = 0;
  for (const s of slices) for (const ep of s.endpoints ?? []) if (isReady(ep)) n++;
  return n;
}

function allocations(ratios: ReadonlyMap<string, number> | null, n: number): Map<string, Allocation> | string {
  if (!ratios) return TopologyMessages.insufficientNodeInfo;
  // Only the empty map the controller starts with (NewTopologyCache's) gets here: once computed,
  // ratios are null or hold two zones or more (computeZoneCPURatios).
  if (ratios.size < 2) return TopologyMessages.nodesReadyInOneZoneOnly;
  if (ratios.size > n) return `${TopologyMessages.insufficientNumberOfEndpoints} (${n} endpoints, ${ratios.size} zones)`;
  const out = new Map<string, Allocation>();
  let minTotal = 0;
  for (const [zone, ratio] of ratios) {
    const desired = ratio * n;
    const minimum = Math.ceil(desired * (1 / (1 + overloadThreshold)));
    out.set(zone, { minimum, maximum: 0, desired: Math.max(desired, minimum) });
    minTotal += minimum;
    if (minTotal > n) return `${TopologyMessages.minAllocationExceedsOverloadThreshold} (${n} endpoints, ${ratios.size} zones)`;
  }
  for (const a of out.values()) a.maximum = a.minimum + n - minTotal;
  return out;
}

// Hints an unchanged slice already holds, or undefined when they are invalid and the slice
// must be rewritten (`getHintsByZone`).
function hintsByZone(slice: EndpointSlice, allocated: Map<string, number>, alloc: Map<string, Allocation>): Map<string, number> | undefined {
  const out = new Map<string, number>();
  for (const ep of slice.endpoints ?? []) {
    if (!isReady(ep)) continue;
    const zones = ep.hints?.forZones;
    if (!zones?.length) return undefined;
    for (const z of zones) {
      if (!alloc.has(z.name)) return undefined;
      out.set(z.name, (out.get(z.name) ?? 0) + 1);
    }
  }
  for (const [zone, n] of out) if (n + (allocated.get(zone) ?? 0) > alloc.get(zone)!.maximum) return undefined;
  return out;
}

function most(m: Map<string, number>): [string, number] {
  let zone = '';
  let num = 0;
  for (const [z, n] of m) if (n > num) [zone, num] = [z, n];
  return [zone, num];
}

function givingAndReceiving(alloc: Map<string, Allocation>, allocated: Map<string, number>): [Map<string, number>, Map<string, number>] {
  const givingDesired = new Map<string, number>();
  const receivingDesired = new Map<string, number>();
  for (const [zone, a] of alloc) {
    const have = allocated.get(zone) ?? 0;
    if (have > a.desired) givingDesired.set(zone, have - a.desired);
    else if (have < a.desired) receivingDesired.set(zone, a.desired - have);
  }
  const giving = new Map<string, number>();
  const receiving = new Map<string, number>();
  for (;;) {
    const [gz, g] = most(givingDesired);
    const [rz, r] = most(receivingDesired);
    if (gz === '' || rz === '' || (g < 1 && r < 1) || g < 0.5 || r < 0.5) break;
    giving.set(gz, (giving.get(gz) ?? 0) + 1);
    givingDesired.set(gz, g - 1);
    receiving.set(rz, (receiving.get(rz) ?? 0) + 1);
    receivingDesired.set(rz, r - 1);
  }
  return [giving, receiving];
}

function redistribute(slices: readonly EndpointSlice[], giving: Map<string, number>, receiving: Map<string, number>): Map<string, number> {
  const diff = new Map<string, number>();
  for (const slice of slices) {
    const eps = slice.endpoints!;
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[i];
      if (!isReady(ep)) continue;
      if (giving.size === 0 || receiving.size === 0) return diff;
      if (!ep.zone) continue;
      const toGive = giving.get(ep.zone);
      if (!toGive) continue;
      for (const [rz, toReceive] of receiving) {
        if (toReceive <= 0) continue;
        eps[i] = { ...ep, hints: { forZones: [{ name: rz }] } };
        if (toGive === 1) giving.delete(ep.zone);
        else giving.set(ep.zone, toGive - 1);
        if (toReceive === 1) receiving.delete(rz);
        else receiving.set(rz, toReceive - 1);
        diff.set(rz, (diff.get(rz) ?? 0) + 1);
        diff.set(ep.zone, (diff.get(ep.zone) ?? 0) - 1);
        break;
      }
    }
  }
  return diff;
}

/**
 * Allocates zone hints for one address type (`TopologyCache.AddHints`):
 * 1. Allocations per zone from the CPU ratios and the number of ready endpoints; on failure,
 *    hints are removed with a TopologyAwareHintsDisabled event naming the cause.
 * 2. Unchanged slices with valid hints keep them (and count); others move to update.
 * 3. Each ready endpoint of a created or updated slice gets a hint for its own zone (an
 *    endpoint without a zone removes all hints, with an event).
 * 4. Zones above their share give hints to zones below it.
 * @param ratios each zone's share of allocatable CPU (computeZoneCPURatios), or null
 */
export function applyTopologyHints(si: SliceInfo, ratios: ReadonlyMap<string, number> | null): TopologyResult {
  // 1.
  const alloc = allocations(ratios, countReady([...si.create, ...si.update, ...si.unchanged]));
  if (typeof alloc === 'string') {
    removeHints(si);
    return { events: [warn(alloc, si)] };
  }
  // 2.
  const allocated = new Map<string, number>();
  const still: EndpointSlice[] = [];
  for (const s of si.unchanged) {
    const h = hintsByZone(s, allocated, alloc);
    if (!h) {
      si.update.push(copySlice(s));
      continue;
    }
    still.push(s);
    for (const [z, n] of h) allocated.set(z, (allocated.get(z) ?? 0) + n);
  }
  si.unchanged = still;
  // 3.
  const allocatable = [...si.create, ...si.update];
  for (const slice of allocatable) {
    const eps = slice.endpoints!;
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[i];
      if (!isReady(ep)) {
        if (ep.hints) {
          const { hints: _h, ...rest } = ep;
          eps[i] = rest;
        }
        continue;
      }
      if (!ep.zone) {
        removeHints(si);
        return { events: [warn(TopologyMessages.noZoneSpecified, si)] };
      }
      allocated.set(ep.zone, (allocated.get(ep.zone) ?? 0) + 1);
      eps[i] = { ...ep, hints: { forZones: [{ name: ep.zone }] } };
    }
  }
  // 4.
  const [giving, receiving] = givingAndReceiving(alloc, allocated);
  for (const [z, d] of redistribute(allocatable, giving, receiving)) allocated.set(z, (allocated.get(z) ?? 0) + d);
  if (allocated.size === 0) {
    removeHints(si);
    return { events: [warn(TopologyMessages.noAllocatedHintsForZones, si)] };
  }
  return { events: [], allocatedByZone: allocated };
}

/**
 * True when a Service's allocated hints leave some zone below its minimum share
 * (`serviceOverloaded`): the controller requeues such Services when nodes change.
 */
export function isServiceOverloaded(allocatedByZone: ReadonlyMap<string, number>, ratios: ReadonlyMap<string, number> | null): boolean {
  if (allocatedByZone.size === 0) return false;
  if (!ratios || ratios.size === 0) return true;
  let total = 0;
  for (const n of allocatedByZone.values()) total += n;
  for (const [zone, ratio] of ratios) {
    const have = allocatedByZone.get(zone);
    if (have === undefined) return true;
    if (have < Math.ceil(total * ratio * (1 / (1 + overloadThreshold)))) return true;
  }
  return false;
}

/** Topology hints allocated per zone, by address type: what one Service's last sync allocated. */
export type ServiceZoneHints = Partial<Record<IPFamily, ReadonlyMap<string, number>>>;

/**
 * The Services to resync after the zone CPU ratios changed
 * (`topologycache/topologycache.go`, `TopologyCache.GetOverloadedServices`): those holding
 * topology hints for an address type that the new ratios leave overloaded
 * ({@link isServiceOverloaded}). A Service without hints is never among them; with no usable
 * node information every Service with hints is, so that its hints are removed.
 * @param hintsByService by Service key, the hints each Service's last applied plan allocated
 */
export function overloadedServices(hintsByService: ReadonlyMap<string, ServiceZoneHints>, ratios: ReadonlyMap<string, number> | null): string[] {
  const out: string[] = [];
  for (const [key, byType] of hintsByService) {
    if (Object.values(byType).some((allocated) => allocated !== undefined && isServiceOverloaded(allocated, ratios))) out.push(key);
  }
  return out;
}

/**
 * What the mirroring controller wants for one Endpoints: endpoints grouped by (address type,
 * ports), and the addresses it had to skip (../shared/reference/kubernetes-behaviour.md §6
 * "Desired state", "Events"). Ported from `pkg/controller/endpointslicemirroring/reconciler.go`
 * (`reconcile`, first half), `reconciler_helpers.go` (`desiredCalc`) and `utils.go`
 * (`addressToEndpoint`, `epPortsToEpsPorts`).
 */
import type { EndpointAddress, EndpointPort, Endpoints, IPFamily } from '../../api-types/core.js';
import type { SliceEndpoint, SlicePort } from '../../api-types/networking.js';
import { EndpointEventReasons } from '../../api-types/well-known.js';
import { repackSubsets } from '../endpoints/repack.js';
import { endpointKey, portMapKey } from '../endpointslice/endpoint-hash.js';
import { parseIPSloppy } from './parse-ip-sloppy.js';

/** The event reasons of the mirroring controller (`events.go`). */
export const MirroringReasons = {
  invalidIPAddress: EndpointEventReasons.invalidIPAddress,
  tooManyAddressesToMirror: EndpointEventReasons.tooManyAddressesToMirror,
} as const;

/** An event to record on the Endpoints object. */
export interface MirroringEvent {
  type: 'Warning';
  reason: (typeof MirroringReasons)[keyof typeof MirroringReasons];
  message: string;
}

/** The desired endpoints of one (address type, ports) key: one slice. */
export interface DesiredSliceGroup {
  addressType: IPFamily;
  ports: SlicePort[];
  /** By endpoint identity (endpointKey); a later address with the same identity replaces an earlier one. */
  endpoints: Map<string, SliceEndpoint>;
}

/** The desired state of all slices mirrored from one Endpoints. */
export interface MirrorDesired {
  /** By {@link sliceGroupKey}; every subset's ports get a (possibly empty) group per address type. */
  groups: Map<string, DesiredSliceGroup>;
  /** Addresses skipped: invalid, or beyond the per-subset limit. */
  addressesSkipped: number;
  invalidAddresses: number;
  events: MirroringEvent[];
}

/** The key grouping slices: address type and the port mapping (order of ports ignored). */
export function sliceGroupKey(addressType: string, ports: readonly SlicePort[] | null | undefined): string {
  return `${addressType}\u0002${portMapKey(ports)}`;
}

/** Converts Endpoints ports to slice ports: every field copied, the name always present. */
export function toSlicePorts(ports: readonly EndpointPort[] | undefined): SlicePort[] {
  return (ports ?? []).map((p) => {
    const out: SlicePort = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
    if (p.appProtocol !== undefined) out.appProtocol = p.appProtocol;
    return out;
  });
}

/**
 * Converts one Endpoints address to a slice endpoint: the IP parsed leniently and written in
 * canonical text (parse-ip-sloppy.ts: `010.001.002.004` → IPv4 `10.1.2.4`, `::ffff:10.1.2.5` →
 * IPv4 `10.1.2.5`, as `addressToEndpoint` writes `ParseIPSloppy(ip).String()`), `ready` as the
 * only condition, targetRef, nodeName and hostname copied. Undefined when the IP does not parse.
 */
export function toSliceEndpoint(address: EndpointAddress, ready: boolean): { endpoint: SliceEndpoint; addressType: IPFamily } | undefined {
  if (typeof address.ip !== 'string') return undefined;
  const ip = parseIPSloppy(address.ip);
  if (!ip) return undefined;
  const endpoint: SliceEndpoint = { addresses: [ip.text], conditions: { ready } };
  if (address.hostname) endpoint.hostname = address.hostname;
  if (address.targetRef) endpoint.targetRef = { ...address.targetRef };
  if (address.nodeName !== undefined) endpoint.nodeName = address.nodeName;
  return { endpoint, addressType: ip.family };
}

/**
 * Computes the desired groups and the skipped-address events.
 *
 * 1. Repack the subsets (the API server stores them repacked; this makes sure).
 * 2. Each subset's ports open a group per address type.
 * 3. Ready addresses, then not-ready ones, are added until `maxEndpointsPerSubset` valid ones
 *    were added for the subset; invalid IPs are counted and skipped. Everything not added counts
 *    as skipped.
 * 4. Events: `InvalidIPAddress` when invalid IPs were seen; `TooManyAddressesToMirror` when more
 *    was skipped than was invalid (its count, like upstream's, is every skipped address).
 */
export function desiredMirror(endpoints: Endpoints, maxEndpointsPerSubset: number): MirrorDesired {
  const groups = new Map<string, DesiredSliceGroup>();
  let invalidAddresses = 0;
  let addressesSkipped = 0;
  // 1.
  for (const subset of repackSubsets(endpoints.subsets ?? [])) {
    // 2.
    const ports = toSlicePorts(subset.ports);
    const byType = {} as Record<IPFamily, DesiredSliceGroup>;
    for (const addressType of ['IPv4', 'IPv6'] as const) {
      const key = sliceGroupKey(addressType, ports);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { addressType, ports, endpoints: new Map() }));
      byType[addressType] = g;
    }
    // 3.
    const total = (subset.addresses?.length ?? 0) + (subset.notReadyAddresses?.length ?? 0);
    let added = 0;
    const add = (list: readonly EndpointAddress[] | undefined, ready: boolean): void => {
      for (const address of list ?? []) {
        if (added >= maxEndpointsPerSubset) return;
        const converted = toSliceEndpoint(address, ready);
        if (!converted) {
          invalidAddresses++;
          continue;
        }
        byType[converted.addressType].endpoints.set(endpointKey(converted.endpoint), converted.endpoint);
        added++;
      }
    };
    add(subset.addresses, true);
    add(subset.notReadyAddresses, false);
    addressesSkipped += total - added;
  }
  // 4.
  const events: MirroringEvent[] = [];
  if (invalidAddresses > 0) {
    events.push({ type: 'Warning', reason: MirroringReasons.invalidIPAddress, message: `Skipped ${invalidAddresses} invalid IP addresses when mirroring to EndpointSlices` });
  }
  if (addressesSkipped > invalidAddresses) {
    events.push({
      type: 'Warning', reason: MirroringReasons.tooManyAddressesToMirror,
      message: `A max of ${maxEndpointsPerSubset} addresses can be mirrored to EndpointSlices per Endpoints subset. ${addressesSkipped} addresses were skipped`,
    });
  }
  return { groups, addressesSkipped, invalidAddresses, events };
}

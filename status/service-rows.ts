/**
 * One row per Service: its ClusterIPs, nodePorts, ready and not-ready endpoint counts and slice
 * fill, read from its EndpointSlices (label `kubernetes.io/service-name`) and, where it has none,
 * from its Endpoints. Pure.
 */
import type { Endpoints, Service } from '../api-types/core.js';
import type { EndpointSlice, SliceEndpoint } from '../api-types/networking.js';
import { Annotations, Labels, OverCapacityTruncated } from '../api-types/well-known.js';
import type { ServiceRow, SliceFill } from './model.js';
import { nodePortsOf } from './ranges.js';

/** `namespace/name`. */
function keyOf(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

/**
 * The identity of an endpoint across slices: a dual-stack pod appears once in the IPv4 slices
 * and once in the IPv6 ones, and must be counted once. Its targetRef names it; without one (a
 * hand-written Endpoints mirrored), its first address is all there is.
 */
function endpointIdentity(ep: SliceEndpoint): string {
  const ref = ep.targetRef;
  if (ref?.name) return `${ref.kind ?? ''}/${ref.namespace ?? ''}/${ref.name}`;
  return `address/${ep.addresses?.[0] ?? ''}`;
}

/** Counts distinct ready and not-ready endpoints; an unset `ready` means ready (EndpointConditions). */
function countSliceEndpoints(slices: EndpointSlice[]): { ready: number; notReady: number } {
  const ready = new Set<string>();
  const seen = new Set<string>();
  for (const slice of slices) {
    for (const ep of slice.endpoints ?? []) {
      const id = endpointIdentity(ep);
      seen.add(id);
      if (ep.conditions?.ready !== false) ready.add(id);
    }
  }
  return { ready: ready.size, notReady: seen.size - ready.size };
}

/** Endpoints per slice, grouped by address type (types in name order), fullest slice first. */
function sliceFill(slices: EndpointSlice[]): SliceFill[] {
  const byType = new Map<string, number[]>();
  for (const s of slices) {
    const counts = byType.get(s.addressType) ?? [];
    counts.push(s.endpoints?.length ?? 0);
    byType.set(s.addressType, counts);
  }
  return [...byType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([addressType, counts]) => ({ addressType, counts: counts.sort((a, b) => b - a) }));
}

/** Counts distinct ready and not-ready addresses of an Endpoints object (by IP, over every subset). */
function countEndpointsAddresses(ep: Endpoints): { ready: number; notReady: number } {
  const ready = new Set<string>();
  const notReady = new Set<string>();
  for (const subset of ep.subsets ?? []) {
    for (const a of subset.addresses ?? []) ready.add(a.ip);
    for (const a of subset.notReadyAddresses ?? []) notReady.add(a.ip);
  }
  for (const ip of ready) notReady.delete(ip);
  return { ready: ready.size, notReady: notReady.size };
}

/** Inputs of {@link buildServiceRows}. */
export interface ServiceRowInputs {
  services: readonly Service[];
  slices: readonly EndpointSlice[];
  endpoints: readonly Endpoints[];
}

/** Builds the rows of `services`, sorted by namespace and name. */
export function buildServiceRows(input: ServiceRowInputs): ServiceRow[] {
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const s of input.slices) {
    const svcName = s.metadata.labels?.[Labels.serviceName];
    if (!svcName) continue;
    const k = keyOf(s.metadata.namespace, svcName);
    const list = slicesByService.get(k) ?? [];
    list.push(s);
    slicesByService.set(k, list);
  }
  const endpointsByName = new Map(input.endpoints.map((e) => [keyOf(e.metadata.namespace, e.metadata.name), e]));
  const rows = input.services.map((svc): ServiceRow => {
    const k = keyOf(svc.metadata.namespace, svc.metadata.name);
    const spec = svc.spec ?? {};
    const clusterIPs = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => ip !== '');
    const slices = slicesByService.get(k) ?? [];
    const ep = endpointsByName.get(k);
    const base = {
      namespace: svc.metadata.namespace ?? '',
      name: svc.metadata.name ?? '',
      type: spec.type ?? 'ClusterIP',
      clusterIPs,
      nodePorts: nodePortsOf(svc),
      truncated: ep?.metadata.annotations?.[Annotations.overCapacity] === OverCapacityTruncated,
    };
    if (spec.type === 'ExternalName') return { ...base, endpointsFrom: 'none', ready: 0, notReady: 0, slices: [] };
    if (slices.length > 0) return { ...base, endpointsFrom: 'EndpointSlices', ...countSliceEndpoints(slices), slices: sliceFill(slices) };
    if (ep) return { ...base, endpointsFrom: 'Endpoints', ...countEndpointsAddresses(ep), slices: [] };
    return { ...base, endpointsFrom: 'none', ready: 0, notReady: 0, slices: [] };
  });
  return rows.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

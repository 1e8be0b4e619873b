/**
 * Turns what was read from the API into the view: range use, Service rows and the suite's
 * Warning events. Pure: the snapshot comes in, the view goes out.
 */
import type { CoreEvent, Endpoints, Service } from '../api-types/core.js';
import type { EndpointSlice, EventsV1Event, ServiceCIDR } from '../api-types/networking.js';
import { parseServiceClusterIPRanges } from '../allocators/cluster-ip-range.js';
import type { PortRange } from '../allocators/node-port-range.js';
import type { RangeUse, StatusView } from './model.js';
import { clusterIPRangeUse, clusterIPsOf, nodePortRangeUse, nodePortsOf } from './ranges.js';
import { buildServiceRows } from './service-rows.js';
import { defaultMaxEvents, selectSuiteWarnings } from './suite-events.js';

/** What was read from the API. */
export interface ClusterSnapshot {
  /** The API server's URL. */
  server: string;
  /** The namespace shown; undefined for all. Slices, Endpoints and events are already scoped to it. */
  namespace?: string;
  /** Every Service of the cluster: the ranges are cluster-wide whatever namespace is shown. */
  services: readonly Service[];
  slices: readonly EndpointSlice[];
  endpoints: readonly Endpoints[];
  events: { from: 'events.k8s.io/v1' | 'v1'; items: readonly (EventsV1Event | CoreEvent)[] };
  /** The ServiceCIDRs; undefined when the API does not serve them (or may not be read). */
  serviceCIDRs?: readonly ServiceCIDR[];
}

/** The ranges to measure. */
export interface RangeConfig {
  /** `--service-cluster-ip-range`: one or two CIDRs. */
  serviceClusterIPRange: string;
  /** True when the flag was given: it then wins over ServiceCIDR objects. */
  serviceClusterIPRangeGiven: boolean;
  /** `--service-node-port-range`, parsed. */
  nodePortRange: PortRange;
}

/** Options of {@link summarizeCluster}. */
export interface SummarizeOptions {
  /** Warning events kept. @default 10 */
  maxEvents?: number;
}

const clusterIPFlag = '--service-cluster-ip-range';
const nodePortFlag = '--service-node-port-range';

/**
 * The ClusterIP CIDRs to draw: the flag when given, else every CIDR of the ServiceCIDR objects
 * (each once, sourced by the objects that name it), else the flag's default. CIDRs the allocator
 * would refuse are left out.
 */
function clusterIPRangeSources(snap: ClusterSnapshot, config: RangeConfig): { cidr: string; source: string }[] {
  const fromObjects = new Map<string, string[]>();
  if (!config.serviceClusterIPRangeGiven) {
    for (const sc of snap.serviceCIDRs ?? []) {
      for (const cidr of sc.spec?.cidrs ?? []) fromObjects.set(cidr, [...(fromObjects.get(cidr) ?? []), sc.metadata.name ?? '']);
    }
  }
  if (fromObjects.size > 0) return [...fromObjects].map(([cidr, names]) => ({ cidr, source: `ServiceCIDR ${names.join(', ')}` }));
  return parseServiceClusterIPRanges(config.serviceClusterIPRange).map((c) => ({ cidr: c.text, source: clusterIPFlag }));
}

/** Builds the view of `snap`. */
export function summarizeCluster(snap: ClusterSnapshot, config: RangeConfig, opts: SummarizeOptions = {}): StatusView {
  const allIPs = snap.services.flatMap(clusterIPsOf);
  const ranges: RangeUse[] = [];
  for (const { cidr, source } of clusterIPRangeSources(snap, config)) {
    try {
      ranges.push(clusterIPRangeUse(cidr, source, allIPs));
    } catch {
      // A malformed or oversized CIDR in a ServiceCIDR object: nothing sensible to draw.
    }
  }
  ranges.push(nodePortRangeUse(config.nodePortRange, nodePortFlag, snap.services.flatMap(nodePortsOf)));
  const shown = snap.namespace === undefined ? snap.services : snap.services.filter((s) => s.metadata.namespace === snap.namespace);
  return {
    server: snap.server,
    namespace: snap.namespace,
    ranges,
    services: buildServiceRows({ services: shown, slices: snap.slices, endpoints: snap.endpoints }),
    events: selectSuiteWarnings(snap.events.from, snap.events.items, opts.maxEvents ?? defaultMaxEvents),
    eventsFrom: snap.events.from,
  };
}

/**
 * What `svcplane status` shows, as plain data: the view the pure renderer draws. Gathering
 * (status/gather.ts) fills it from the API; tests build it by hand.
 */
import type { IPFamily } from '../api-types/core.js';

/** The KEP-3070 / KEP-3668 static band of a range: the low addresses or ports kept for requests. */
export interface StaticBandUse {
  /** First address or port of the band, as text. */
  first: string;
  /** Last address or port of the band, as text. */
  last: string;
  /** Addresses or ports in the band. */
  size: number;
  /** How many of them are in use. */
  used: number;
}

/** The use of one ClusterIP CIDR or the NodePort range. */
export interface RangeUse {
  kind: 'ClusterIP' | 'NodePort';
  /** The CIDR (`10.96.0.0/12`) or port range (`30000-32767`). */
  range: string;
  /** The family of a ClusterIP range. */
  family?: IPFamily;
  /** Where the range came from: a flag (or its default), or a ServiceCIDR object's name. */
  source: string;
  /** Usable addresses or ports (an IPv6 /64 holds 2^64 - 1). */
  size: bigint;
  /** Distinct addresses or ports in use. */
  used: number;
  /** The static band; undefined when the range is too small to have one. */
  staticBand?: StaticBandUse;
}

/** EndpointSlice fill of one address type: endpoints per slice, fullest first. */
export interface SliceFill {
  addressType: string;
  counts: number[];
}

/** One Service as the table shows it. */
export interface ServiceRow {
  namespace: string;
  name: string;
  /** spec.type (ClusterIP when unset). */
  type: string;
  /** spec.clusterIPs (`None` for headless); empty while unallocated. */
  clusterIPs: string[];
  /** nodePorts (and the healthCheckNodePort), ascending, distinct. */
  nodePorts: number[];
  /** Where the counts come from; 'none' when neither slices nor Endpoints exist (or apply). */
  endpointsFrom: 'EndpointSlices' | 'Endpoints' | 'none';
  /** Distinct ready endpoints. */
  ready: number;
  /** Distinct endpoints that are not ready (terminating ones included). */
  notReady: number;
  /** Slice fill per address type; empty without slices. */
  slices: SliceFill[];
  /** The Endpoints object carries `endpoints.kubernetes.io/over-capacity: truncated`. */
  truncated: boolean;
}

/** One Warning event of the suite. */
export interface WarningEventRow {
  /** When it last happened (RFC 3339). */
  at: string;
  namespace: string;
  /** `Kind/name` of the object the event regards. */
  regarding: string;
  reason: string;
  /** The reporting controller (events.k8s.io) or source component (core/v1). */
  controller: string;
  /** The note (events.k8s.io) or message (core/v1). */
  note: string;
  /** Occurrences (a series counts more than one). */
  count: number;
}

/** The whole view. */
export interface StatusView {
  /** The API server's URL. */
  server: string;
  /** The namespace shown, or undefined for all namespaces. */
  namespace?: string;
  ranges: RangeUse[];
  services: ServiceRow[];
  events: WarningEventRow[];
  /** The API group the events came from. */
  eventsFrom: 'events.k8s.io/v1' | 'v1';
}

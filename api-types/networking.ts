/**
 * Wire shapes of discovery.k8s.io/v1 EndpointSlice, networking.k8s.io/v1 IPAddress and
 * ServiceCIDR, coordination.k8s.io/v1 Lease and events.k8s.io/v1 Event.
 */
import type { Condition, KubeObject, ObjectMeta } from './meta.js';
import type { ObjectReference, Protocol } from './core.js';

/** EndpointSlice.addressType. */
export type AddressType = 'IPv4' | 'IPv6' | 'FQDN';

/** One endpoint of an EndpointSlice. */
export interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  targetRef?: ObjectReference;
  nodeName?: string;
  zone?: string;
  hints?: { forZones?: { name: string }[]; forNodes?: { name: string }[] };
  deprecatedTopology?: Record<string, string>;
}

/** One port of an EndpointSlice. */
export interface SlicePort {
  name?: string;
  protocol?: Protocol;
  port?: number;
  appProtocol?: string;
}

/** A discovery.k8s.io/v1 EndpointSlice. */
export interface EndpointSlice extends KubeObject {
  metadata: ObjectMeta;
  addressType: AddressType;
  endpoints: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}

/** A networking.k8s.io/v1 IPAddress: one allocated Service IP, named after the IP. */
export interface IPAddress extends KubeObject {
  metadata: ObjectMeta;
  spec: { parentRef: { group?: string; resource: string; namespace?: string; name: string } };
}

/** A networking.k8s.io/v1 ServiceCIDR. */
export interface ServiceCIDR extends KubeObject {
  metadata: ObjectMeta;
  spec?: { cidrs?: string[] };
  status?: { conditions?: Condition[] };
}

/** A coordination.k8s.io/v1 Lease (times are MicroTime: exactly 6 fractional digits). */
export interface Lease extends KubeObject {
  metadata: ObjectMeta;
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number | null;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number | null;
    [field: string]: unknown;
  };
}

/** An events.k8s.io/v1 Event. */
export interface EventsV1Event extends KubeObject {
  metadata: ObjectMeta;
  eventTime: string;
  series?: { count: number; lastObservedTime: string };
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
  reason?: string;
  regarding?: ObjectReference;
  related?: ObjectReference;
  note?: string;
  type?: 'Normal' | 'Warning';
  deprecatedSource?: { component?: string; host?: string };
  deprecatedFirstTimestamp?: string;
  deprecatedLastTimestamp?: string;
  deprecatedCount?: number;
}

/**
 * Wire shapes of core/v1 objects the suite reads or writes: only the fields it uses, plus an
 * index signature so nothing the API sends is lost when an object is copied and written back.
 */
import type { KubeObject, ObjectMeta, StringMap } from './meta.js';

/** L4 protocol of a port. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
/** IP family names as the API spells them. */
export type IPFamily = 'IPv4' | 'IPv6';
/** spec.ipFamilyPolicy. */
export type IPFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
/** spec.type of a Service. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

/** One entry of Service.spec.ports. targetPort is a number or a container port name. */
export interface ServicePort {
  name?: string;
  protocol?: Protocol;
  appProtocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  [field: string]: unknown;
}

/** Service.spec. */
export interface ServiceSpec {
  type?: ServiceType;
  selector?: StringMap | null;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: IPFamily[];
  ipFamilyPolicy?: IPFamilyPolicy;
  externalName?: string;
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  healthCheckNodePort?: number;
  allocateLoadBalancerNodePorts?: boolean;
  publishNotReadyAddresses?: boolean;
  sessionAffinity?: 'None' | 'ClientIP';
  trafficDistribution?: string;
  [field: string]: unknown;
}

/** A core/v1 Service. */
export interface Service extends KubeObject {
  metadata: ObjectMeta;
  spec?: ServiceSpec;
  status?: { loadBalancer?: unknown; conditions?: unknown[]; [field: string]: unknown };
}

/** One container port. */
export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: Protocol;
  hostPort?: number;
  [field: string]: unknown;
}

/** A container (init containers with restartPolicy Always are sidecars). */
export interface Container {
  name: string;
  image?: string;
  ports?: ContainerPort[];
  restartPolicy?: 'Always';
  [field: string]: unknown;
}

/** A pod condition. */
export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  [field: string]: unknown;
}

/** Pod phase. */
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/** A core/v1 Pod. */
export interface Pod extends KubeObject {
  metadata: ObjectMeta;
  spec?: {
    nodeName?: string;
    hostname?: string;
    subdomain?: string;
    containers: Container[];
    initContainers?: Container[];
    restartPolicy?: 'Always' | 'OnFailure' | 'Never';
    terminationGracePeriodSeconds?: number;
    [field: string]: unknown;
  };
  status?: {
    phase?: PodPhase;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: PodCondition[];
    [field: string]: unknown;
  };
}

/** A core/v1 Node. */
export interface Node extends KubeObject {
  metadata: ObjectMeta;
  spec?: { podCIDR?: string; podCIDRs?: string[]; unschedulable?: boolean; [field: string]: unknown };
  status?: {
    allocatable?: StringMap;
    capacity?: StringMap;
    conditions?: { type: string; status: string; [field: string]: unknown }[];
    addresses?: { type: string; address: string }[];
    [field: string]: unknown;
  };
}

/** A reference to another object (Endpoints targetRef, Event involvedObject). */
export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** One address of an Endpoints subset. */
export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

/** One port of an Endpoints subset. */
export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: Protocol;
  appProtocol?: string;
}

/** One subset of an Endpoints object. */
export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** A core/v1 Endpoints. */
export interface Endpoints extends KubeObject {
  metadata: ObjectMeta;
  subsets?: EndpointSubset[];
}

/** A core/v1 Namespace. */
export interface Namespace extends KubeObject {
  metadata: ObjectMeta;
  spec?: { finalizers?: string[] };
  status?: { phase?: 'Active' | 'Terminating' };
}

/** A core/v1 ConfigMap. */
export interface ConfigMap extends KubeObject {
  metadata: ObjectMeta;
  data?: StringMap;
  binaryData?: StringMap;
  immutable?: boolean;
}

/** A core/v1 Event. */
export interface CoreEvent extends KubeObject {
  metadata: ObjectMeta;
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  count?: number;
  type?: 'Normal' | 'Warning';
  action?: string;
  reportingComponent?: string;
  reportingInstance?: string;
  series?: { count: number; lastObservedTime: string };
  related?: ObjectReference;
}

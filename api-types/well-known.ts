/**
 * Kubernetes names used by the suite: labels, annotations, managed-by values, finalizers and
 * flag defaults. Defined once here (../shared/reference/kubernetes-behaviour.md §7).
 */

/** Label keys (§7.1). */
export const Labels = {
  serviceName: 'kubernetes.io/service-name',
  endpointSliceManagedBy: 'endpointslice.kubernetes.io/managed-by',
  skipMirror: 'endpointslice.kubernetes.io/skip-mirror',
  headless: 'service.kubernetes.io/headless',
  endpointsManagedBy: 'endpoints.kubernetes.io/managed-by',
  ipAddressFamily: 'ipaddress.kubernetes.io/ip-family',
  ipAddressManagedBy: 'ipaddress.kubernetes.io/managed-by',
  topologyZone: 'topology.kubernetes.io/zone',
  /** On every Namespace, its value the name (the API server sets it). */
  metadataName: 'kubernetes.io/metadata.name',
  nodeRoleControlPlane: 'node-role.kubernetes.io/control-plane',
  nodeRoleMaster: 'node-role.kubernetes.io/master',
  /** svcplane's own: on every Node the simulated kubelet creates, so they can be told from real ones. */
  simulatedNode: 'svcplane.io/simulated',
} as const;

/** Annotation keys (§7.2). */
export const Annotations = {
  lastChangeTriggerTime: 'endpoints.kubernetes.io/last-change-trigger-time',
  overCapacity: 'endpoints.kubernetes.io/over-capacity',
  topologyMode: 'service.kubernetes.io/topology-mode',
  topologyAwareHints: 'service.kubernetes.io/topology-aware-hints',
  leader: 'control-plane.alpha.kubernetes.io/leader',
  lastAppliedConfiguration: 'kubectl.kubernetes.io/last-applied-configuration',
  /** svcplane's own: a demo sets it on a pod to force the simulated kubelet's readiness ("true"/"false"). */
  simulateReady: 'svcplane.io/simulate-ready',
} as const;

/** Values of the managed-by labels (§7.4). */
export const ManagedBy = {
  endpointsController: 'endpoint-controller',
  endpointSliceController: 'endpointslice-controller.k8s.io',
  endpointSliceMirroringController: 'endpointslicemirroring-controller.k8s.io',
  /** kube-apiserver's own IPAddress allocator; svcplane respects its claims as taken. */
  kubeIPAllocator: 'ipallocator.k8s.io',
  /** svcplane's IPAddress claims (a label value: no '/'; the form of ipallocator.k8s.io). */
  svcplaneIPAllocator: 'serviceip-controller.svcplane.io',
} as const;

/** The value of the over-capacity annotation. */
export const OverCapacityTruncated = 'truncated';

/** Finalizers. */
export const Finalizers = {
  serviceCIDR: 'networking.k8s.io/service-cidr-finalizer',
} as const;

/** Flag defaults shared by the allocators and the commands. */
export const Defaults = {
  serviceClusterIPRange: '10.96.0.0/12',
  serviceNodePortRange: '30000-32767',
  maxEndpointsPerSlice: 100,
  maxEndpointsPerSubset: 1000,
  /** Workers of the ClusterIP controller (each holds one Service between its IPAddress claim and its write). */
  concurrentServiceIPSyncs: 50,
  /** Workers of the NodePort controller (claims made together share one port-map write). */
  concurrentNodePortSyncs: 200,
} as const;

/**
 * Event reasons Kubernetes records for Service allocation and repair (§1.5, §2.3, §2.4). Append
 * only: several controllers share this table.
 */
export const EventReasons = {
  clusterIPNotValid: 'ClusterIPNotValid',
  clusterIPOutOfRange: 'ClusterIPOutOfRange',
  clusterIPNotAllocated: 'ClusterIPNotAllocated',
  clusterIPAlreadyAllocated: 'ClusterIPAlreadyAllocated',
  serviceCIDRFull: 'ServiceCIDRFull',
  ipFamilyNotConfigured: 'IPFamilyNotConfigured',
  ipAddressNotAllocated: 'IPAddressNotAllocated',
  ipAddressWrongReference: 'IPAddressWrongReference',
  unknownError: 'UnknownError',
} as const;

/** Event reporting components (§7.4). */
export const EventSources = {
  /** Kubernetes' ClusterIP repair loop (repairip.go). */
  ipAllocatorRepair: 'ipallocator-repair-controller',
  /** svcplane's ClusterIP allocation controller (Kubernetes answers these failures with a 422). */
  serviceIPController: 'serviceip-controller',
} as const;

/**
 * Event reasons of the NodePort allocator and its repair loop (§2.4), and svcplane's reasons for
 * what kube-apiserver answers with a 422 or 500 at nodePort allocation. Append only.
 */
export const PortEventReasons = {
  portNotAllocated: 'PortNotAllocated',
  portAlreadyAllocated: 'PortAlreadyAllocated',
  portOutOfRange: 'PortOutOfRange',
  portRangeFull: 'PortRangeFull',
  unknownError: 'UnknownError',
} as const;

/** Event reporting components and the action of the NodePort allocator (§2.4, §7.4). */
export const PortEventSources = {
  /** Kubernetes' NodePort repair loop (portallocator/controller/repair.go). */
  portAllocatorRepair: 'portallocator-repair-controller',
  /** svcplane's NodePort allocation controller (Kubernetes answers these failures with a 422/500). */
  nodePortController: 'nodeport-controller',
  /** The action of every NodePort allocation and repair Event. */
  action: 'PortAllocation',
} as const;

/**
 * Event reporting components of the endpoint controllers: kube-controller-manager's recorder
 * names (pkg/controller/endpoint, endpointslice, endpointslicemirroring).
 */
export const EndpointEventSources = {
  endpointsController: 'endpoint-controller',
  endpointSliceController: 'endpoint-slice-controller',
  endpointSliceMirroringController: 'endpoint-slice-mirroring-controller',
} as const;

/** Event reasons of the endpoint controllers, Kubernetes' words. Append only. */
export const EndpointEventReasons = {
  failedToCreateEndpoint: 'FailedToCreateEndpoint',
  failedToUpdateEndpoint: 'FailedToUpdateEndpoint',
  failedToUpdateEndpointSlices: 'FailedToUpdateEndpointSlices',
  /** Mirroring skipped addresses that are not valid IPs. */
  invalidIPAddress: 'InvalidIPAddress',
  /** Mirroring stopped at the per-Endpoints maximum. */
  tooManyAddressesToMirror: 'TooManyAddressesToMirror',
} as const;

/**
 * What kube-apiserver creates for itself at start (pkg/controlplane/controller/kubernetesservice,
 * pkg/controlplane/reconcilers, pkg/controlplane/controller/defaultservicecidr): the
 * `default/kubernetes` Service, its Endpoints and EndpointSlice, and the `kubernetes` ServiceCIDR.
 */
export const KubernetesService = {
  name: 'kubernetes',
  namespace: 'default',
  /** The Service's labels (`CreateOrUpdateMasterServiceIfNeeded`). */
  labels: { provider: 'kubernetes', component: 'apiserver' },
  /** The one port of the Service and of its endpoints. */
  portName: 'https',
  /** The Service port (`--kubernetes-service-node-port` unset: a ClusterIP Service on 443). */
  port: 443,
  /** The default ServiceCIDR (`DefaultServiceCIDRName`). */
  serviceCIDRName: 'kubernetes',
  /** The Ready condition's message the default ServiceCIDR controller sets. */
  serviceCIDRReadyMessage: 'Kubernetes default Service CIDR is ready',
  /** How often kube-apiserver reconciles them (`DefaultEndpointReconcilerInterval`), ms. */
  reconcileIntervalMs: 10_000,
} as const;

/** The field managers of kube-apiserver's own writes (its loopback client, the ServiceCIDR controller). */
export const KubeAPIServerFieldManagers = {
  apiserver: 'kube-apiserver',
  serviceCIDRController: 'kubernetes-service-cidr-controller',
} as const;

/**
 * kube-controller-manager's ServiceCIDR controller (pkg/controller/servicecidrs): its name (the
 * --controllers name, the Event source and the field manager of its status writes), the Ready
 * condition it writes, its one Event, and how long a deleted ServiceCIDR keeps its finalizer.
 */
export const ServiceCIDRControllerNames = {
  name: 'service-cidr-controller',
  /** The Ready=True condition's message (its reason is empty). */
  readyMessage: 'Kubernetes Service CIDR is ready',
  /** The Ready=False condition of a deletion blocked by IPAddresses (`ServiceCIDRReasonTerminating`). */
  terminatingReason: 'Terminating',
  terminatingMessage: 'There are still IPAddresses referencing the ServiceCIDR, please remove them or create a new ServiceCIDR',
  /** The Warning Event when Ready=True cannot be written. */
  statusErrorReason: 'KubernetesServiceCIDRError',
  statusErrorNote: 'The ServiceCIDR Status can not be set to Ready=True',
  /** `deletionGracePeriod`: the allocators must see the deletion before the object goes. */
  deletionGracePeriodMs: 10_000,
} as const;

/**
 * The Go type of a field of a served Kubernetes message where it is not what the protobuf tables
 * (apiserver/protobuf, merged as ALL_MESSAGES) would suggest: the type a Go JSON decode error
 * names, as in `json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of
 * type int32`. The value is Go's `reflect.Type.String()` of the field with a top-level pointer
 * taken off (`*IPFamilyPolicy` is `v1.IPFamilyPolicy`, while `[]*X` stays `[]*v1.X`); a type
 * prints with its package's name, so core/v1 and meta/v1 types are both `v1.X`, beside
 * `types.UID`, `resource.Quantity` and `intstr.IntOrString`.
 *
 * Keyed by message key (as in ALL_MESSAGES), then JSON field name. Only fields whose Go type
 * differs from the default derived from the table's type string are listed:
 * - `string` → `string`, `bool` → `bool`, `int32` → `int32`, `int64` → `int64`,
 *   `double` → `float64`, `bytes` → `[]uint8`; a pointer scalar `*T` reads as T;
 * - a message `<group>.<Name>` → `v1.<Name>`;
 * - `[]T` → `[]` + the default of T; `map<T>` → `map[string]` + the default of T.
 * Named Go types are what this adds: `Protocol` → `v1.Protocol`, `[]IPFamily` → `[]v1.IPFamily`,
 * `ResourceList` → `v1.ResourceList`, `types.UID` → `types.UID`. Inline members (JSON name '')
 * and fields whose type is itself a special message (see SPECIAL in protobuf/schema.ts: Time,
 * MicroTime, Duration, FieldsV1, IntOrString, Quantity, RawExtension) are not listed; a container
 * of a special is, when it differs.
 *
 * For Kubernetes 1.33 (k8s.io/api and k8s.io/apimachinery v0.33.9). Generated from the Go struct
 * definitions in those modules' types.go files, and checked by a dev-only script (not in this
 * repository) that every field of every message in ALL_MESSAGES reads, with these overrides, as
 * the Go type its struct declares.
 */
export const GO_FIELD_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // meta.k8s.io/v1 (protobuf/meta.ts)
  'meta.ObjectMeta': { uid: 'types.UID' },
  'meta.OwnerReference': { uid: 'types.UID' },
  'meta.ManagedFieldsEntry': { operation: 'v1.ManagedFieldsOperationType' },
  'meta.LabelSelectorRequirement': { operator: 'v1.LabelSelectorOperator' },
  'meta.FieldSelectorRequirement': { operator: 'v1.FieldSelectorOperator' },
  'meta.Condition': { status: 'v1.ConditionStatus' },
  'meta.DeleteOptions': { propagationPolicy: 'v1.DeletionPropagation' },
  'meta.Preconditions': { uid: 'types.UID' },

  // core/v1 Namespace, ConfigMap, Service, ServiceAccount and shared references (protobuf/core.ts)
  'core.NamespaceSpec': { finalizers: '[]v1.FinalizerName' },
  'core.NamespaceStatus': { phase: 'v1.NamespacePhase' },
  'core.NamespaceCondition': { type: 'v1.NamespaceConditionType', status: 'v1.ConditionStatus' },
  'core.ServiceSpec': {
    type: 'v1.ServiceType',
    sessionAffinity: 'v1.ServiceAffinity',
    externalTrafficPolicy: 'v1.ServiceExternalTrafficPolicy',
    ipFamilyPolicy: 'v1.IPFamilyPolicy',
    ipFamilies: '[]v1.IPFamily',
    internalTrafficPolicy: 'v1.ServiceInternalTrafficPolicy',
  },
  'core.ServicePort': { protocol: 'v1.Protocol' },
  'core.LoadBalancerIngress': { ipMode: 'v1.LoadBalancerIPMode' },
  'core.PortStatus': { protocol: 'v1.Protocol' },
  'core.ObjectReference': { uid: 'types.UID' },

  // core/v1 Pod, PodTemplate and what a pod spec or status reaches (protobuf/core-pod.ts)
  'core.AppArmorProfile': { type: 'v1.AppArmorProfileType' },
  'core.Capabilities': { add: '[]v1.Capability', drop: '[]v1.Capability' },
  'core.Container': { imagePullPolicy: 'v1.PullPolicy', terminationMessagePolicy: 'v1.TerminationMessagePolicy', restartPolicy: 'v1.ContainerRestartPolicy' },
  'core.ContainerPort': { protocol: 'v1.Protocol' },
  'core.ContainerResizePolicy': { resourceName: 'v1.ResourceName', restartPolicy: 'v1.ResourceResizeRestartPolicy' },
  'core.ContainerStatus': { allocatedResources: 'v1.ResourceList', stopSignal: 'v1.Signal' },
  'core.EphemeralContainerCommon': {
    imagePullPolicy: 'v1.PullPolicy',
    terminationMessagePolicy: 'v1.TerminationMessagePolicy',
    restartPolicy: 'v1.ContainerRestartPolicy',
  },
  'core.HTTPGetAction': { scheme: 'v1.URIScheme' },
  'core.Lifecycle': { stopSignal: 'v1.Signal' },
  'core.NodeSelectorRequirement': { operator: 'v1.NodeSelectorOperator' },
  'core.PodCondition': { type: 'v1.PodConditionType', status: 'v1.ConditionStatus' },
  'core.PodOS': { name: 'v1.OSName' },
  'core.PodReadinessGate': { conditionType: 'v1.PodConditionType' },
  'core.PodSecurityContext': {
    fsGroupChangePolicy: 'v1.PodFSGroupChangePolicy',
    supplementalGroupsPolicy: 'v1.SupplementalGroupsPolicy',
    seLinuxChangePolicy: 'v1.PodSELinuxChangePolicy',
  },
  'core.PodSpec': { restartPolicy: 'v1.RestartPolicy', dnsPolicy: 'v1.DNSPolicy', preemptionPolicy: 'v1.PreemptionPolicy', overhead: 'v1.ResourceList' },
  'core.PodStatus': { phase: 'v1.PodPhase', qosClass: 'v1.PodQOSClass', resize: 'v1.PodResizeStatus' },
  'core.ResourceHealth': { resourceID: 'v1.ResourceID', health: 'v1.ResourceHealthStatus' },
  'core.ResourceRequirements': { limits: 'v1.ResourceList', requests: 'v1.ResourceList' },
  'core.ResourceStatus': { name: 'v1.ResourceName' },
  'core.SeccompProfile': { type: 'v1.SeccompProfileType' },
  'core.SecurityContext': { procMount: 'v1.ProcMountType' },
  'core.Toleration': { operator: 'v1.TolerationOperator', effect: 'v1.TaintEffect' },
  'core.TopologySpreadConstraint': {
    whenUnsatisfiable: 'v1.UnsatisfiableConstraintAction',
    nodeAffinityPolicy: 'v1.NodeInclusionPolicy',
    nodeTaintsPolicy: 'v1.NodeInclusionPolicy',
  },
  'core.VolumeMount': { mountPropagation: 'v1.MountPropagationMode', recursiveReadOnly: 'v1.RecursiveReadOnlyMode' },
  'core.VolumeMountStatus': { recursiveReadOnly: 'v1.RecursiveReadOnlyMode' },

  // core/v1 volumes (protobuf/core-pod-volumes.ts)
  'core.AzureDiskVolumeSource': { cachingMode: 'v1.AzureDataDiskCachingMode', kind: 'v1.AzureDataDiskKind' },
  'core.EmptyDirVolumeSource': { medium: 'v1.StorageMedium' },
  'core.HostPathVolumeSource': { type: 'v1.HostPathType' },
  'core.ImageVolumeSource': { pullPolicy: 'v1.PullPolicy' },
  'core.PersistentVolumeClaimSpec': { accessModes: '[]v1.PersistentVolumeAccessMode', volumeMode: 'v1.PersistentVolumeMode' },
  'core.VolumeResourceRequirements': { limits: 'v1.ResourceList', requests: 'v1.ResourceList' },

  // core/v1 Node, Event, Endpoints (protobuf/core-node-event.ts)
  'core.Taint': { effect: 'v1.TaintEffect' },
  'core.ConfigMapNodeConfigSource': { uid: 'types.UID' },
  'core.NodeStatus': { capacity: 'v1.ResourceList', allocatable: 'v1.ResourceList', phase: 'v1.NodePhase', volumesInUse: '[]v1.UniqueVolumeName' },
  'core.NodeCondition': { type: 'v1.NodeConditionType', status: 'v1.ConditionStatus' },
  'core.NodeAddress': { type: 'v1.NodeAddressType' },
  'core.AttachedVolume': { name: 'v1.UniqueVolumeName' },
  'core.EndpointPort': { protocol: 'v1.Protocol' },

  // discovery.k8s.io/v1 (protobuf/discovery.ts)
  'discovery.EndpointSlice': { addressType: 'v1.AddressType' },
  'discovery.EndpointPort': { protocol: 'v1.Protocol' },

  // coordination.k8s.io/v1 (protobuf/coordination.ts)
  'coordination.LeaseSpec': { strategy: 'v1.CoordinatedLeaseStrategy' },

  // apps/v1 (protobuf/apps.ts)
  'apps.DeploymentStrategy': { type: 'v1.DeploymentStrategyType' },
  'apps.DeploymentCondition': { type: 'v1.DeploymentConditionType', status: 'v1.ConditionStatus' },

  // policy/v1 (protobuf/policy.ts)
  'policy.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: 'v1.UnhealthyPodEvictionPolicyType' },
};

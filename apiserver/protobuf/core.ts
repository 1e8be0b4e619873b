/**
 * Protobuf schema of the core/v1 kinds `kubectl create` writes (Namespace, ConfigMap, Service,
 * ServiceAccount) and the small references other core messages share. The format is in
 * schema.ts; the field numbers are Kubernetes' (k8s.io/api/core/v1).
 */
import type { KindTable, MessageTable } from './schema.js';

export const messages: MessageTable = {
  'core.Namespace': { 1: ['metadata', 'meta.ObjectMeta'], 2: ['spec', 'core.NamespaceSpec'], 3: ['status', 'core.NamespaceStatus'] },
  'core.NamespaceSpec': { 1: ['finalizers', '[]string'] },
  'core.NamespaceStatus': { 1: ['phase', 'string'], 2: ['conditions', '[]core.NamespaceCondition'] },
  'core.NamespaceCondition': {
    1: ['type', 'string'],
    2: ['status', 'string'],
    4: ['lastTransitionTime', 'meta.Time'],
    5: ['reason', 'string'],
    6: ['message', 'string'],
  },
  'core.ConfigMap': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['data', 'map<string>'],
    3: ['binaryData', 'map<bytes>'],
    4: ['immutable', '*bool'],
  },
  'core.Service': { 1: ['metadata', 'meta.ObjectMeta'], 2: ['spec', 'core.ServiceSpec'], 3: ['status', 'core.ServiceStatus'] },
  'core.ServiceSpec': {
    1: ['ports', '[]core.ServicePort'],
    2: ['selector', 'map<string>'],
    3: ['clusterIP', 'string'],
    4: ['type', 'string'],
    5: ['externalIPs', '[]string'],
    7: ['sessionAffinity', 'string'],
    8: ['loadBalancerIP', 'string'],
    9: ['loadBalancerSourceRanges', '[]string'],
    10: ['externalName', 'string'],
    11: ['externalTrafficPolicy', 'string'],
    12: ['healthCheckNodePort', 'int32'],
    13: ['publishNotReadyAddresses', 'bool'],
    14: ['sessionAffinityConfig', 'core.SessionAffinityConfig'],
    17: ['ipFamilyPolicy', '*string'],
    18: ['clusterIPs', '[]string'],
    19: ['ipFamilies', '[]string'],
    20: ['allocateLoadBalancerNodePorts', '*bool'],
    21: ['loadBalancerClass', '*string'],
    22: ['internalTrafficPolicy', '*string'],
    23: ['trafficDistribution', '*string'],
  },
  'core.ServicePort': {
    1: ['name', 'string'],
    2: ['protocol', 'string'],
    3: ['port', 'int32'],
    4: ['targetPort', 'intstr.IntOrString'],
    5: ['nodePort', 'int32'],
    6: ['appProtocol', '*string'],
  },
  'core.SessionAffinityConfig': { 1: ['clientIP', 'core.ClientIPConfig'] },
  'core.ClientIPConfig': { 1: ['timeoutSeconds', '*int32'] },
  'core.ServiceStatus': { 1: ['loadBalancer', 'core.LoadBalancerStatus'], 2: ['conditions', '[]meta.Condition'] },
  'core.LoadBalancerStatus': { 1: ['ingress', '[]core.LoadBalancerIngress'] },
  'core.LoadBalancerIngress': { 1: ['ip', 'string'], 2: ['hostname', 'string'], 3: ['ipMode', '*string'], 4: ['ports', '[]core.PortStatus'] },
  'core.PortStatus': { 1: ['port', 'int32'], 2: ['protocol', 'string'], 3: ['error', '*string'] },
  'core.ServiceAccount': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['secrets', '[]core.ObjectReference'],
    3: ['imagePullSecrets', '[]core.LocalObjectReference'],
    4: ['automountServiceAccountToken', '*bool'],
  },
  'core.ObjectReference': {
    1: ['kind', 'string'],
    2: ['namespace', 'string'],
    3: ['name', 'string'],
    4: ['uid', 'string'],
    5: ['apiVersion', 'string'],
    6: ['resourceVersion', 'string'],
    7: ['fieldPath', 'string'],
  },
  'core.LocalObjectReference': { 1: ['name', 'string'] },
};

export const kinds: KindTable = {
  v1: { Namespace: 'core.Namespace', ConfigMap: 'core.ConfigMap', Service: 'core.Service', ServiceAccount: 'core.ServiceAccount' },
};

/**
 * Protobuf schema of policy/v1 PodDisruptionBudget, which `kubectl create poddisruptionbudget`
 * writes. Its conditions are meta.Condition and its disrupted pods a map of meta.Time. The format
 * is in schema.ts; the field numbers are Kubernetes' (k8s.io/api/policy/v1).
 */
import type { KindTable, MessageTable } from './schema.js';

export const messages: MessageTable = {
  'policy.PodDisruptionBudget': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['spec', 'policy.PodDisruptionBudgetSpec'],
    3: ['status', 'policy.PodDisruptionBudgetStatus'],
  },
  'policy.PodDisruptionBudgetSpec': {
    1: ['minAvailable', 'intstr.IntOrString'],
    2: ['selector', 'meta.LabelSelector'],
    3: ['maxUnavailable', 'intstr.IntOrString'],
    4: ['unhealthyPodEvictionPolicy', '*string'],
  },
  'policy.PodDisruptionBudgetStatus': {
    1: ['observedGeneration', 'int64'],
    2: ['disruptedPods', 'map<meta.Time>'],
    3: ['disruptionsAllowed', 'int32'],
    4: ['currentHealthy', 'int32'],
    5: ['desiredHealthy', 'int32'],
    6: ['expectedPods', 'int32'],
    7: ['conditions', '[]meta.Condition'],
  },
};

export const kinds: KindTable = {
  'policy/v1': { PodDisruptionBudget: 'policy.PodDisruptionBudget' },
};

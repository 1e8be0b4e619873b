/**
 * Protobuf schema of apimachinery's messages (meta/v1, intstr, resource, runtime) that the served
 * types embed, plus DeleteOptions, which a protobuf client sends as a DELETE body. The format is
 * in schema.ts; the field numbers are Kubernetes' (k8s.io/apimachinery/pkg/apis/meta/v1).
 */
import type { KindTable, MessageTable } from './schema.js';

export const messages: MessageTable = {
  'meta.ObjectMeta': {
    1: ['name', 'string'],
    2: ['generateName', 'string'],
    3: ['namespace', 'string'],
    4: ['selfLink', 'string'],
    5: ['uid', 'string'],
    6: ['resourceVersion', 'string'],
    7: ['generation', 'int64'],
    8: ['creationTimestamp', 'meta.Time'],
    9: ['deletionTimestamp', 'meta.Time'],
    10: ['deletionGracePeriodSeconds', '*int64'],
    11: ['labels', 'map<string>'],
    12: ['annotations', 'map<string>'],
    13: ['ownerReferences', '[]meta.OwnerReference'],
    14: ['finalizers', '[]string'],
    17: ['managedFields', '[]meta.ManagedFieldsEntry'],
  },
  'meta.OwnerReference': {
    1: ['kind', 'string'],
    3: ['name', 'string'],
    4: ['uid', 'string'],
    5: ['apiVersion', 'string'],
    6: ['controller', '*bool'],
    7: ['blockOwnerDeletion', '*bool'],
  },
  'meta.ManagedFieldsEntry': {
    1: ['manager', 'string'],
    2: ['operation', 'string'],
    3: ['apiVersion', 'string'],
    4: ['time', 'meta.Time'],
    6: ['fieldsType', 'string'],
    7: ['fieldsV1', 'meta.FieldsV1'],
    8: ['subresource', 'string'],
  },
  'meta.LabelSelector': {
    1: ['matchLabels', 'map<string>'],
    2: ['matchExpressions', '[]meta.LabelSelectorRequirement'],
  },
  'meta.LabelSelectorRequirement': {
    1: ['key', 'string'],
    2: ['operator', 'string'],
    3: ['values', '[]string'],
  },
  'meta.FieldSelectorRequirement': {
    1: ['key', 'string'],
    2: ['operator', 'string'],
    3: ['values', '[]string'],
  },
  'meta.Condition': {
    1: ['type', 'string'],
    2: ['status', 'string'],
    3: ['observedGeneration', 'int64'],
    4: ['lastTransitionTime', 'meta.Time'],
    5: ['reason', 'string'],
    6: ['message', 'string'],
  },
  'meta.DeleteOptions': {
    1: ['gracePeriodSeconds', '*int64'],
    2: ['preconditions', 'meta.Preconditions'],
    3: ['orphanDependents', '*bool'],
    4: ['propagationPolicy', '*string'],
    5: ['dryRun', '[]string'],
    6: ['ignoreStoreReadErrorWithClusterBreakingPotential', '*bool'],
  },
  'meta.Preconditions': {
    1: ['uid', '*string'],
    2: ['resourceVersion', '*string'],
  },
  // Read by the decoder itself (schema.ts SPECIAL); listed so that references resolve.
  'meta.Time': {},
  'meta.MicroTime': {},
  'meta.Duration': {},
  'meta.FieldsV1': {},
  'intstr.IntOrString': {},
  'resource.Quantity': {},
  'runtime.RawExtension': {},
};

export const kinds: KindTable = {
  v1: { DeleteOptions: 'meta.DeleteOptions' },
  'meta.k8s.io/v1': { DeleteOptions: 'meta.DeleteOptions' },
};

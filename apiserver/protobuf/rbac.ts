/**
 * Protobuf schema of the rbac.authorization.k8s.io/v1 kinds `kubectl create role|clusterrole|
 * rolebinding|clusterrolebinding` writes, with the rules, subjects and role references they hold.
 * The format is in schema.ts; the field numbers are Kubernetes' (k8s.io/api/rbac/v1).
 */
import type { KindTable, MessageTable } from './schema.js';

export const messages: MessageTable = {
  'rbac.Role': { 1: ['metadata', 'meta.ObjectMeta'], 2: ['rules', '[]rbac.PolicyRule'] },
  'rbac.ClusterRole': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['rules', '[]rbac.PolicyRule'],
    3: ['aggregationRule', 'rbac.AggregationRule'],
  },
  'rbac.AggregationRule': { 1: ['clusterRoleSelectors', '[]meta.LabelSelector'] },
  'rbac.PolicyRule': {
    1: ['verbs', '[]string'],
    2: ['apiGroups', '[]string'],
    3: ['resources', '[]string'],
    4: ['resourceNames', '[]string'],
    5: ['nonResourceURLs', '[]string'],
  },
  'rbac.RoleBinding': { 1: ['metadata', 'meta.ObjectMeta'], 2: ['subjects', '[]rbac.Subject'], 3: ['roleRef', 'rbac.RoleRef'] },
  'rbac.ClusterRoleBinding': { 1: ['metadata', 'meta.ObjectMeta'], 2: ['subjects', '[]rbac.Subject'], 3: ['roleRef', 'rbac.RoleRef'] },
  'rbac.Subject': { 1: ['kind', 'string'], 2: ['apiGroup', 'string'], 3: ['name', 'string'], 4: ['namespace', 'string'] },
  'rbac.RoleRef': { 1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string'] },
};

export const kinds: KindTable = {
  'rbac.authorization.k8s.io/v1': {
    Role: 'rbac.Role',
    ClusterRole: 'rbac.ClusterRole',
    RoleBinding: 'rbac.RoleBinding',
    ClusterRoleBinding: 'rbac.ClusterRoleBinding',
  },
};

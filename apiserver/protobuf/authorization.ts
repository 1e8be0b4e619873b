/**
 * Protobuf schema of the self-subject reviews kubectl sends (`kubectl auth can-i`, `auth can-i
 * --list`, `auth whoami`): authorization.k8s.io/v1 SelfSubjectAccessReview and
 * SelfSubjectRulesReview, authentication.k8s.io/v1 SelfSubjectReview. The format is in schema.ts;
 * the field numbers are Kubernetes' (k8s.io/api authorization/v1 and authentication/v1).
 */
import type { KindTable, MessageTable } from './schema.js';

export const messages: MessageTable = {
  'authorization.SelfSubjectAccessReview': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['spec', 'authorization.SelfSubjectAccessReviewSpec'],
    3: ['status', 'authorization.SubjectAccessReviewStatus'],
  },
  'authorization.SelfSubjectAccessReviewSpec': {
    1: ['resourceAttributes', 'authorization.ResourceAttributes'],
    2: ['nonResourceAttributes', 'authorization.NonResourceAttributes'],
  },
  'authorization.ResourceAttributes': {
    1: ['namespace', 'string'],
    2: ['verb', 'string'],
    3: ['group', 'string'],
    4: ['version', 'string'],
    5: ['resource', 'string'],
    6: ['subresource', 'string'],
    7: ['name', 'string'],
    8: ['fieldSelector', 'authorization.FieldSelectorAttributes'],
    9: ['labelSelector', 'authorization.LabelSelectorAttributes'],
  },
  'authorization.FieldSelectorAttributes': { 1: ['rawSelector', 'string'], 2: ['requirements', '[]meta.FieldSelectorRequirement'] },
  'authorization.LabelSelectorAttributes': { 1: ['rawSelector', 'string'], 2: ['requirements', '[]meta.LabelSelectorRequirement'] },
  'authorization.NonResourceAttributes': { 1: ['path', 'string'], 2: ['verb', 'string'] },
  'authorization.SubjectAccessReviewStatus': {
    1: ['allowed', 'bool'],
    4: ['denied', 'bool'],
    2: ['reason', 'string'],
    3: ['evaluationError', 'string'],
  },
  'authorization.SelfSubjectRulesReview': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['spec', 'authorization.SelfSubjectRulesReviewSpec'],
    3: ['status', 'authorization.SubjectRulesReviewStatus'],
  },
  'authorization.SelfSubjectRulesReviewSpec': { 1: ['namespace', 'string'] },
  'authorization.SubjectRulesReviewStatus': {
    1: ['resourceRules', '[]authorization.ResourceRule'],
    2: ['nonResourceRules', '[]authorization.NonResourceRule'],
    3: ['incomplete', 'bool'],
    4: ['evaluationError', 'string'],
  },
  'authorization.ResourceRule': {
    1: ['verbs', '[]string'],
    2: ['apiGroups', '[]string'],
    3: ['resources', '[]string'],
    4: ['resourceNames', '[]string'],
  },
  'authorization.NonResourceRule': { 1: ['verbs', '[]string'], 2: ['nonResourceURLs', '[]string'] },
  'authentication.SelfSubjectReview': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['status', 'authentication.SelfSubjectReviewStatus'],
  },
  'authentication.SelfSubjectReviewStatus': { 1: ['userInfo', 'authentication.UserInfo'] },
  // `extra` (a map of ExtraValue, a []string in JSON) is left out: no client sends a status.
  'authentication.UserInfo': { 1: ['username', 'string'], 2: ['uid', 'string'], 3: ['groups', '[]string'] },
};

export const kinds: KindTable = {
  'authorization.k8s.io/v1': {
    SelfSubjectAccessReview: 'authorization.SelfSubjectAccessReview',
    SelfSubjectRulesReview: 'authorization.SelfSubjectRulesReview',
  },
  'authentication.k8s.io/v1': { SelfSubjectReview: 'authentication.SelfSubjectReview' },
};

/**
 * The self-subject reviews (`kubectl auth can-i`, `auth can-i --list`, `auth whoami`): a create
 * that stores nothing and is answered with what the server knows of the requester.
 *
 * Every request this server accepts carries its one bearer token, and the token's holder may do
 * anything: it is authenticated as REQUESTER, in `system:masters`, the group kube-apiserver's
 * privileged-group authorizer allows everything (apiserver authorizerfactory/builtin.go) and the
 * default RBAC binds to `cluster-admin`. So an access review is always allowed, and a rules review
 * lists what RBAC's bootstrap policy gives such a user. Shapes and checks follow
 * pkg/registry/authorization/selfsubjectaccessreview, …/selfsubjectrulesreview,
 * pkg/registry/authentication/selfsubjectreview and pkg/apis/authorization/validation.
 */
import type { KubeObject } from '../../api-types/meta.js';
import { badRequest, invalid as invalidError } from '../errors.js';
import { recordUpdate } from '../patch/index.js';
import { groupVersion, type ResourceInfo } from '../resources.js';
import { type FieldCause, FieldPath, forbidden, GoLiteral, invalid, required } from '../validation/field.js';
import { isRecord, str } from '../validation/meta.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';

/** Who every authorized request is. */
export const REQUESTER = { username: 'svcplane-admin', groups: ['system:masters', 'system:authenticated'] } as const;

/** A rules review's rules (authorizationv1.ResourceRule / NonResourceRule in JSON). */
interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}
interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

/**
 * The rules RBAC's bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go)
 * gives REQUESTER in any namespace: `cluster-admin` through `system:masters`, then
 * `system:basic-user`, `system:discovery` and `system:public-info-viewer` through
 * `system:authenticated`.
 */
const RESOURCE_RULES: readonly ResourceRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
];
const NON_RESOURCE_RULES: readonly NonResourceRule[] = [
  { verbs: ['*'], nonResourceURLs: ['*'] },
  { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] },
  { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] },
];

/** Go's zero ObjectMeta in JSON: the zero time is written as null. */
function zeroMetadata(): KubeObject['metadata'] {
  return { creationTimestamp: null } as unknown as KubeObject['metadata'];
}

/** What a review's answer needs besides the body. */
export interface ReviewContext {
  /** The request's field manager (fieldManager, else the User-Agent's product), if any. */
  fieldManager?: string;
  /** Now, as a metav1.Time text. */
  now: string;
}

/**
 * The answer to a create of review `info` with body `obj` (decoded, kind checked, unknown fields
 * handled). Throws 400 or 422 as kube-apiserver's registries do.
 */
export function answerReview(info: ResourceInfo, obj: KubeObject, ctx: ReviewContext): KubeObject {
  const head = { kind: info.kind, apiVersion: groupVersion(info) };
  switch (info.kind) {
    case 'SelfSubjectAccessReview':
      return accessReview(info, obj, ctx);
    case 'SelfSubjectRulesReview': {
      const namespace = isRecord(obj.spec) ? str(obj.spec.namespace) : '';
      if (namespace === '') throw badRequest('no namespace on request');
      // A new object: nothing of the request is echoed, not even its spec.
      return {
        ...head,
        metadata: zeroMetadata(),
        spec: {},
        status: { resourceRules: RESOURCE_RULES.map((r) => ({ ...r })), nonResourceRules: NON_RESOURCE_RULES.map((r) => ({ ...r })), incomplete: false },
      } as KubeObject;
    }
    case 'SelfSubjectReview':
      return { ...head, metadata: { creationTimestamp: ctx.now }, status: { userInfo: { username: REQUESTER.username, groups: [...REQUESTER.groups] } } } as KubeObject;
    default:
      throw new TypeError(`${info.kind} is not a review`);
  }
}

/**
 * A SelfSubjectAccessReview: validated, then answered with the request itself (its managedFields
 * recorded, as the create handler's field manager does before the registry sees it) and an
 * allowing status (the privileged-group authorizer gives no reason).
 */
function accessReview(info: ResourceInfo, obj: KubeObject, ctx: ReviewContext): KubeObject {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const resourceAttributes = isRecord(spec.resourceAttributes) ? resourceAttributesOf(spec.resourceAttributes) : undefined;
  const nonResourceAttributes = isRecord(spec.nonResourceAttributes) ? pickStrings(spec.nonResourceAttributes, ['path', 'verb']) : undefined;
  const errs = validateSpec(resourceAttributes, nonResourceAttributes);
  if (!isMetadataEmpty(obj.metadata)) {
    // Printed as the create handler left it: with the entry its field manager recorded.
    const hasManagedFields = !!ctx.fieldManager || (Array.isArray(obj.metadata?.managedFields) && obj.metadata.managedFields.length > 0);
    errs.push(invalid(FieldPath.root('metadata'), goObjectMeta(obj.metadata, hasManagedFields), 'must be empty'));
  }
  // The registry names the kind from the decoded internal object, whose kind decoding has
  // cleared (runtime.Scheme's setTargetKind): the error's kind is empty.
  if (errs.length > 0) throw invalidError({ group: info.group, kind: '' }, '', errs);
  const decoded: KubeObject = { kind: info.kind, apiVersion: groupVersion(info), metadata: zeroMetadata(), spec: {} };
  const decodedSpec = decoded.spec as Record<string, unknown>;
  if (resourceAttributes) decodedSpec.resourceAttributes = resourceAttributes;
  if (nonResourceAttributes) decodedSpec.nonResourceAttributes = nonResourceAttributes;
  const managedFields = obj.metadata?.managedFields;
  if (managedFields !== undefined) decoded.metadata.managedFields = managedFields;
  const recorded = ctx.fieldManager ? recordUpdate(undefined, decoded, ctx.fieldManager, groupVersion(info), ctx.now) : decoded;
  return { ...recorded, status: { allowed: true } } as KubeObject;
}

/** The listed string members of `from` that are set, as Go's omitempty writes them back. */
function pickStrings(from: Record<string, unknown>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (str(from[n]) !== '') out[n] = str(from[n]);
  return out;
}

const RESOURCE_ATTRIBUTE_NAMES = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;

/** ResourceAttributes as decoding into the Go type and encoding again leave them. */
function resourceAttributesOf(from: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = pickStrings(from, RESOURCE_ATTRIBUTE_NAMES);
  for (const n of ['fieldSelector', 'labelSelector'] as const) {
    const sel = from[n];
    if (!isRecord(sel)) continue;
    const attrs: Record<string, unknown> = pickStrings(sel, ['rawSelector']);
    if (Array.isArray(sel.requirements) && sel.requirements.length > 0) {
      attrs.requirements = sel.requirements.map((r) => {
        const req: Record<string, unknown> = isRecord(r) ? { key: str(r.key), operator: str(r.operator) } : { key: '', operator: '' };
        const values = isRecord(r) && Array.isArray(r.values) ? r.values.map(str) : [];
        if (values.length > 0) req.values = values;
        return req;
      });
    }
    out[n] = attrs;
  }
  return out;
}

/** ValidateSelfSubjectAccessReviewSpec (1.33, with the selector attributes of AuthorizeWithSelectors). */
function validateSpec(resourceAttributes: Record<string, unknown> | undefined, nonResourceAttributes: Record<string, string> | undefined): FieldCause[] {
  const errs: FieldCause[] = [];
  const spec = FieldPath.root('spec');
  if (resourceAttributes && nonResourceAttributes) {
    errs.push(invalid(spec.child('nonResourceAttributes'), goNonResourceAttributes(nonResourceAttributes), 'cannot be specified in combination with resourceAttributes'));
  }
  // Upstream prints nonResourceAttributes here, which is nil: "null".
  if (!resourceAttributes && !nonResourceAttributes) errs.push(invalid(spec.child('resourceAttributes'), null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (resourceAttributes) {
    const at = spec.child('resourceAttributes');
    for (const n of ['fieldSelector', 'labelSelector'] as const) {
      const sel = resourceAttributes[n];
      if (isRecord(sel)) errs.push(...validateSelectorAttributes(sel, at.child(n), n === 'labelSelector'));
    }
  }
  return errs;
}

/** validateFieldSelectorAttributes / validateLabelSelectorAttributes: unknown operators allowed. */
function validateSelectorAttributes(sel: Record<string, unknown>, path: FieldPath, isLabel: boolean): FieldCause[] {
  const errs: FieldCause[] = [];
  const raw = str(sel.rawSelector);
  const requirements = (sel.requirements as Record<string, unknown>[] | undefined) ?? [];
  if (raw !== '' && requirements.length > 0) errs.push(invalid(path.child('rawSelector'), raw, 'may not specified at the same time as requirements'));
  if (raw === '' && requirements.length === 0) errs.push(required(path.child('requirements'), `when ${path.toString()} is specified, requirements or rawSelector is required`));
  requirements.forEach((r, i) => {
    const at = path.child('requirements').index(i);
    const key = str(r.key);
    const values = (r.values as string[] | undefined) ?? [];
    // ValidateFieldSelectorRequirement checks the key's presence; the label one, its form.
    if (!isLabel && key === '') errs.push(required(at.child('key'), 'must be specified'));
    switch (str(r.operator)) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(at.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(at.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        break;
    }
    if (isLabel) {
      for (const m of isQualifiedName(key)) errs.push(invalid(at.child('key'), key, m));
      values.forEach((v, j) => {
        for (const m of isValidLabelValue(v)) errs.push(invalid(at.child('values').index(j), v, m));
      });
    }
  });
  return errs;
}

/**
 * Whether metadata is Go's zero ObjectMeta once managedFields are set aside (the create handler
 * has recorded them): a null creationTimestamp and empty members count as unset.
 */
function isMetadataEmpty(meta: unknown): boolean {
  if (!isRecord(meta)) return true;
  for (const [k, v] of Object.entries(meta)) {
    if (k === 'managedFields' || v === null || v === '' || v === 0) continue;
    if (Array.isArray(v) ? v.length > 0 : isRecord(v) ? Object.keys(v).length > 0 : true) return false;
  }
  return true;
}

/** `%#v` of the internal NonResourceAttributes, as the error prints the dereferenced pointer. */
function goNonResourceAttributes(a: Record<string, string>): GoLiteral {
  return new GoLiteral(`authorization.NonResourceAttributes{Path:${JSON.stringify(a.path ?? '')}, Verb:${JSON.stringify(a.verb ?? '')}}`);
}

/**
 * `%#v` of metav1.ObjectMeta, field by field in Go's order. Where upstream prints a pointer's
 * address (a set deletionTimestamp or grace period) or a list of structs (owner references,
 * managedFields), this prints `…`.
 */
function goObjectMeta(meta: unknown, hasManagedFields: boolean): GoLiteral {
  const m = isRecord(meta) ? meta : {};
  const q = (v: unknown) => JSON.stringify(str(v));
  const strings = (v: unknown) => (Array.isArray(v) && v.length > 0 ? `[]string{${v.map(q).join(', ')}}` : '[]string(nil)');
  const map = (v: unknown) => {
    if (!isRecord(v) || Object.keys(v).length === 0) return 'map[string]string(nil)';
    const keys = Object.keys(v).sort();
    return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${q(v[k])}`).join(', ')}}`;
  };
  const list = (type: string, isSet: boolean) => (isSet ? `[]v1.${type}{…}` : `[]v1.${type}(nil)`);
  const pointer = (type: string, isSet: boolean) => `(*${type})(${isSet ? '…' : 'nil'})`;
  // A decoded metav1.Time is in the server's Local zone (this process's); the zero time is UTC.
  const time = (v: unknown) => {
    const d = typeof v === 'string' ? new Date(v) : undefined;
    if (!d || Number.isNaN(d.getTime())) return 'time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)';
    const month = d.toLocaleString('en-US', { month: 'long' });
    return `time.Date(${d.getFullYear()}, time.${month}, ${d.getDate()}, ${d.getHours()}, ${d.getMinutes()}, ${d.getSeconds()}, 0, time.Local)`;
  };
  const parts = [
    `Name:${q(m.name)}`, `GenerateName:${q(m.generateName)}`, `Namespace:${q(m.namespace)}`, `SelfLink:${q(m.selfLink)}`, `UID:${q(m.uid)}`,
    `ResourceVersion:${q(m.resourceVersion)}`, `Generation:${Number(m.generation) || 0}`, `CreationTimestamp:v1.Time{Time:${time(m.creationTimestamp)}}`,
    `DeletionTimestamp:${pointer('v1.Time', typeof m.deletionTimestamp === 'string')}`,
    `DeletionGracePeriodSeconds:${pointer('int64', typeof m.deletionGracePeriodSeconds === 'number')}`,
    `Labels:${map(m.labels)}`, `Annotations:${map(m.annotations)}`,
    `OwnerReferences:${list('OwnerReference', Array.isArray(m.ownerReferences) && m.ownerReferences.length > 0)}`,
    `Finalizers:${strings(m.finalizers)}`, `ManagedFields:${list('ManagedFieldsEntry', hasManagedFields)}`,
  ];
  return new GoLiteral(`v1.ObjectMeta{${parts.join(', ')}}`);
}

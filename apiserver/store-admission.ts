/**
 * What a write must pass before the store keeps it: the namespace it is scoped to, the
 * NamespaceLifecycle admission plugin (plugin/pkg/admission/namespace/lifecycle), and the
 * type's strategy (defaulting, the allocated values an update keeps, canonical form,
 * validation; apiserver/pkg/registry/rest/create.go BeforeCreate and update.go BeforeUpdate).
 */
import type { KubeObject } from '../api-types/meta.js';
import { badRequest, cannotDecode, forbidden, invalid, notFound, patchDoesNotDecode, typedPatchFailed } from './errors.js';
import { admitByPlugins } from './admission-plugins.js';
import { RESOURCES, SERVED_RESOURCES, type ResourceInfo, groupVersion } from './resources.js';
import type { MemoryStore } from './store.js';
import { canonicalizeObject, defaultObject, prepareForUpdate, validateObject } from './validation/index.js';
import { applyErrors, jsonTypeError } from './validation/json-types.js';

const NAMESPACES = RESOURCES.find((r) => r.group === '' && r.resource === 'namespaces') as ResourceInfo;

/**
 * A create or update body must decode into its kind's type: a value of the wrong JSON type (a
 * string for a port) or a time Go cannot parse is a 400 in Go's words, before anything else reads
 * the body, as kube-apiserver's decoder refuses it. The body's times are rewritten in place as
 * kube-apiserver stores them (UTC, to the second or microsecond): `body` must be the caller's own.
 */
export function checkDecodes(r: ResourceInfo, body: KubeObject): void {
  checkKind(r, body);
  const why = jsonTypeError(groupVersion(r), r.kind, body, true);
  if (why !== undefined) throw cannotDecode(r, body, why);
}

/**
 * The scheme kube-apiserver decodes built-in kinds with, as its "not registered" error names it
 * (runtime.NewScheme names a scheme after the line that made it: pkg/api/legacyscheme/scheme.go).
 */
const LEGACY_SCHEME = 'k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:29';

/** Go's internal package of each group's types, as a failed conversion names the target type. */
const INTERNAL_PACKAGES: Record<string, string> = {
  '': 'core', 'events.k8s.io': 'core', 'discovery.k8s.io': 'discovery', 'coordination.k8s.io': 'coordination', 'networking.k8s.io': 'networking',
  apps: 'apps', policy: 'policy', 'rbac.authorization.k8s.io': 'rbac', 'authorization.k8s.io': 'authorization', 'authentication.k8s.io': 'authentication',
};

/** Common kinds kube-apiserver's scheme has and this server does not serve, by apiVersion. */
const UNSERVED_KINDS: Record<string, readonly string[]> = {
  v1: ['Secret', 'PersistentVolume', 'PersistentVolumeClaim', 'ReplicationController', 'ResourceQuota', 'LimitRange', 'PodTemplate', 'Binding', 'ComponentStatus'],
  'apps/v1': ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'],
  'batch/v1': ['Job', 'CronJob'],
  'authorization.k8s.io/v1': ['SubjectAccessReview', 'LocalSubjectAccessReview'],
  'authentication.k8s.io/v1': ['TokenReview', 'TokenRequest'],
};

/**
 * A body's kind and apiVersion, where it gives them, must be the resource's (400 otherwise), as
 * kube-apiserver's decoder and create/update handlers answer (apiserver pkg/endpoints/handlers
 * create.go and update.go, transformDecodeError in rest.go): a kind the version does not have is
 * "not registered"; another served kind fails its conversion to the resource's type; the same
 * Event kind through the other Event version decodes, then is refused for its API version.
 */
function checkKind(r: ResourceInfo, body: KubeObject): void {
  const problem = kindProblem(r, body);
  if (problem === undefined) return;
  if (problem.isVersionOnly) throw badRequest(`the API version in the data (${body.apiVersion as string}) does not match the expected API version (${groupVersion(r)})`);
  throw cannotDecode(r, body, problem.why);
}

/**
 * Why a body's kind and apiVersion do not decode into the resource's type (the decoder's words),
 * or undefined when they do; `isVersionOnly`: the same kind of another served version (an Event),
 * which decodes, and only a create or update refuses.
 */
function kindProblem(r: ResourceInfo, body: KubeObject): { why: string; isVersionOnly: boolean } | undefined {
  const kind = typeof body.kind === 'string' && body.kind !== '' ? body.kind : r.kind;
  const want = groupVersion(r);
  const apiVersion = typeof body.apiVersion === 'string' && body.apiVersion !== '' ? body.apiVersion : want;
  if (kind === r.kind && apiVersion === want) return undefined;
  const isRegistered = SERVED_RESOURCES.some((x) => x.kind === kind && groupVersion(x) === apiVersion) || (UNSERVED_KINDS[apiVersion] ?? []).includes(kind);
  if (!isRegistered) return { why: `no kind "${kind}" is registered for version "${apiVersion}" in scheme "${LEGACY_SCHEME}"`, isVersionOnly: false };
  if (kind === r.kind) return { why: '', isVersionOnly: true };
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  return { why: `converting (${version}.${kind}) to (${INTERNAL_PACKAGES[r.group] ?? r.group}.${r.kind}): unknown conversion`, isVersionOnly: false };
}

/**
 * A patch's result must decode too: a 422 on the field `patch` after a JSON, merge or strategic
 * patch; server-side apply's 500 after an apply patch, listing every wrong value.
 */
export function checkPatchedDecodes(r: ResourceInfo, patched: KubeObject, isApply: boolean): void {
  // A patch that changes kind or apiVersion: the patched JSON no longer decodes into the type
  // (patch.go applyPatchToCurrentObject answers a 422 on "patch"). An apply checks its own.
  const kind = isApply ? undefined : kindProblem(r, patched);
  if (kind && !kind.isVersionOnly) throw patchDoesNotDecode(patched, kind.why);
  const why = jsonTypeError(groupVersion(r), r.kind, patched, true);
  if (why === undefined) return;
  if (!isApply) throw patchDoesNotDecode(patched, why);
  const errors = applyErrors(groupVersion(r), r.kind, patched);
  throw typedPatchFailed(r, patched.metadata ?? {}, errors.length > 0 ? errors : [why]);
}

/** The namespace of a write: from the argument, never contradicted by the body (400); '' when cluster-scoped. */
export function writeScope(r: ResourceInfo, namespace: string | undefined, body: KubeObject): string {
  if (!r.namespaced) return '';
  const bodyNs = body.metadata?.namespace;
  if (bodyNs && namespace && bodyNs !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const ns = namespace ?? bodyNs;
  if (!ns) throw badRequest('the server could not find the requested resource: a namespace is required');
  return ns;
}

/** NamespaceLifecycle: a create needs its namespace to exist (404) and not be terminating (403). */
export function checkNamespace(store: MemoryStore, r: ResourceInfo, ns: string, name: string): void {
  if (!r.namespaced) return;
  const namespace = store.stored(NAMESPACES, undefined, ns);
  if (!namespace) throw notFound(NAMESPACES, ns);
  if (namespace.metadata.deletionTimestamp) {
    throw forbidden(r, name, `unable to create new content in namespace ${ns} because it is being terminated`,
      [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }]);
  }
}

/**
 * Defaults and completes `obj` in place, before `validate`. An update then compares it with the
 * stored object before `validate`, so that validation finds the members left equal to be the
 * stored ones and skips comparing them again. An update runs the admission plugins here; what they
 * restore equals the stored values, so recording managedFields afterwards gives them no owner.
 */
export function complete(r: ResourceInfo, obj: KubeObject, old: KubeObject | undefined, subresource: 'status' | undefined): void {
  defaultObject(r, obj);
  // A create runs the admission plugins itself, after recording managedFields (store-write.ts).
  if (old) admitByPlugins(r, obj, old, subresource);
  // Main-resource updates keep what the server (here: the allocation controllers) filled in
  // and the request left out, as kube-apiserver's patchAllocatedValues does.
  if (old && subresource === undefined) prepareForUpdate(r, obj, old);
  canonicalizeObject(r, obj);
  dropEmptyMembers(r, obj);
  fillZeroMembers(r, obj);
}

/** ObjectMeta's omitempty maps and lists that clients often leave empty. */
const EMPTY_DROPPED_META = ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const;

/**
 * Leaves out the empty maps and lists Go's encoder leaves out (`omitempty`), as a round trip
 * through kube-apiserver's types does: metadata's labels, annotations, finalizers and
 * ownerReferences, a ConfigMap's data and binaryData, and a Service's selector. So a patch that
 * removes the last label stores no `labels: {}`, and writing `labels: {}` where there were none
 * changes nothing. The selector matters most: kube-apiserver stores Services as protobuf, where an
 * empty map reads back as nil, so `selector: {}` is a Service without a selector (its Endpoints
 * are the user's, mirrored), never one that selects every pod of its namespace, as an empty
 * selector kept in memory would. Other fields keep what was sent.
 */
function dropEmptyMembers(r: ResourceInfo, obj: KubeObject): void {
  const m = obj.metadata as Record<string, unknown>;
  for (const k of EMPTY_DROPPED_META) if (isEmptyCollection(m[k])) delete m[k];
  if (r.group === '' && r.resource === 'configmaps') {
    const o = obj as Record<string, unknown>;
    for (const k of ['data', 'binaryData']) if (isEmptyCollection(o[k])) delete o[k];
  }
  if (r.group === '' && r.resource === 'services') {
    const spec = (obj as { spec?: Record<string, unknown> }).spec;
    if (spec && isEmptyCollection(spec.selector)) delete spec.selector;
  }
}

/** PodDisruptionBudgetStatus's counts, written by Go even when 0. */
const PDB_STATUS_COUNTS = ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const;

/** NodeSystemInfo's members, all written by Go even when empty (no omitempty). */
const NODE_INFO_MEMBERS = ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'] as const;

/**
 * Writes what Go's encoder writes even when empty, as a read from kube-apiserver shows it (k8s.io/api
 * v0.33 json tags; the protobuf round trip through etcd turns an empty list into nil):
 * - an EndpointSlice's `endpoints` and `ports` (no omitempty): `null` when empty or absent;
 * - a Pod's `serviceAccount` and `serviceAccountName`, each the other's alias: both the same;
 * - a Lease's `spec` and a Node's `spec` (structs): `{}` when absent;
 * - a Role's and a ClusterRole's `rules`: `null` when empty or absent; a PodDisruptionBudget's
 *   `spec` (`{}`) and its status counts (0);
 * - a Node's status structs: `daemonEndpoints.kubeletEndpoint.Port` 0 and every `nodeInfo`
 *   string; and, as SetDefaults_NodeStatus, `allocatable` copied from `capacity` when absent.
 */
function fillZeroMembers(r: ResourceInfo, obj: KubeObject): void {
  const o = obj as Record<string, unknown>;
  if (r.group === 'discovery.k8s.io' && r.resource === 'endpointslices') {
    for (const k of ['endpoints', 'ports']) if (o[k] === undefined || isEmptyCollection(o[k])) o[k] = null;
  } else if (r.group === 'rbac.authorization.k8s.io' && (r.resource === 'roles' || r.resource === 'clusterroles')) {
    if (o.rules === undefined || isEmptyCollection(o.rules)) o.rules = null;
  } else if (r.group === 'policy' && r.resource === 'poddisruptionbudgets') {
    o.spec ??= {};
    if (o.status === undefined || o.status === null) o.status = {};
    const status = o.status as Record<string, unknown>;
    if (typeof status === 'object' && !Array.isArray(status)) for (const k of PDB_STATUS_COUNTS) status[k] ??= 0;
  } else if (r.group === '' && r.resource === 'pods') {
    // serviceAccount is the deprecated alias of serviceAccountName; the name wins when both are
    // set, and both are written back (pkg/apis/core/v1 conversion of PodSpec).
    const spec = o.spec as Record<string, unknown> | undefined;
    if (typeof spec !== 'object' || spec === null) return;
    const name = spec.serviceAccountName || spec.serviceAccount;
    if (typeof name !== 'string' || name === '' || (spec.serviceAccountName === name && spec.serviceAccount === name)) return;
    o.spec = { ...spec, serviceAccountName: name, serviceAccount: name };
  } else if (r.group === 'coordination.k8s.io' && r.resource === 'leases') {
    o.spec ??= {};
  } else if (r.group === '' && r.resource === 'nodes') {
    o.spec ??= {};
    if (o.status === undefined || o.status === null) o.status = {};
    const status = o.status as Record<string, unknown>;
    if (typeof status !== 'object' || Array.isArray(status)) return;
    if ((status.allocatable === undefined || status.allocatable === null) && isObjectWithMembers(status.capacity)) status.allocatable = { ...(status.capacity as object) };
    const daemon = (status.daemonEndpoints ??= {}) as Record<string, unknown>;
    if (typeof daemon === 'object' && daemon !== null) {
      const kubelet = (daemon.kubeletEndpoint ??= {}) as Record<string, unknown>;
      if (typeof kubelet === 'object' && kubelet !== null) kubelet.Port ??= 0;
    }
    const info = (status.nodeInfo ??= {}) as Record<string, unknown>;
    if (typeof info === 'object' && info !== null) for (const k of NODE_INFO_MEMBERS) info[k] ??= '';
  }
}

function isObjectWithMembers(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isEmptyCollection(v);
}

function isEmptyCollection(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  if (v === null || typeof v !== 'object') return false;
  for (const _ in v) return false;
  return true;
}

/** Validation after `complete` (and a create's admission plugins): throws 422 Invalid with the causes, reading `obj` only. */
export function validate(r: ResourceInfo, obj: KubeObject, old: KubeObject | undefined, subresource: 'status' | undefined): void {
  const causes = validateObject(r, obj, old, subresource);
  if (causes.length > 0) throw invalid(r, obj.metadata.name ?? '', causes);
}

/**
 * The resources the envtest-style API server serves: one row each, read by the store (scope,
 * status subresource, generation, update rules), the HTTP front (routing) and discovery.
 */

/** What the server knows about one resource. */
export interface ResourceInfo {
  /** API group; '' is core. */
  group: string;
  version: string;
  /** Plural resource name, as in URLs and discovery. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Subresources served besides the main resource. */
  subresources: ('status' | 'finalize')[];
  /** Whether metadata.generation is kept and bumped on spec (non-metadata, non-status) changes. */
  hasGeneration: boolean;
  /** PUT of a missing object creates it (Endpoints, Lease, Event). */
  allowCreateOnUpdate: boolean;
  /** PUT without metadata.resourceVersion is allowed (false for Lease). */
  allowUnconditionalUpdate: boolean;
  /**
   * The warning every request on a deprecated kind gets (apiserver pkg/endpoints/deprecation
   * WarningMessage, from k8s.io/api's lifecycle.go: v1 Endpoints are deprecated in 1.33).
   */
  deprecationWarning?: string;
  /** DELETE on the collection is not served (namespaces' storage has no DeleteCollection). */
  noDeleteCollection?: boolean;
  /**
   * Only `create` is served, and nothing is stored: each create is answered with a review of the
   * requester (REVIEW_RESOURCES, http/self-reviews.ts).
   */
  isReview?: boolean;
}

/** The verbs a resource (not its subresources) serves, as discovery lists them. */
export function verbsOf(r: Pick<ResourceInfo, 'noDeleteCollection' | 'isReview'>): string[] {
  if (r.isReview) return ['create'];
  const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
  return r.noDeleteCollection ? all.filter((v) => v !== 'deletecollection') : all;
}

/** `group/version`, or `version` for core. */
export function groupVersion(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** `resource` or `resource.group`, the form Kubernetes' error messages use. */
export function qualifiedResource(r: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return r.group === '' ? r.resource : `${r.resource}.${r.group}`;
}

/** `Kind` or `Kind.group`, the form 422 Invalid messages use. */
export function qualifiedKind(r: Pick<ResourceInfo, 'group' | 'kind'>): string {
  return r.group === '' ? r.kind : `${r.kind}.${r.group}`;
}

const row = (r: Omit<ResourceInfo, 'listKind' | 'subresources' | 'hasGeneration' | 'allowCreateOnUpdate' | 'allowUnconditionalUpdate'> & Partial<ResourceInfo>): ResourceInfo => ({
  listKind: `${r.kind}List`,
  subresources: [],
  hasGeneration: false,
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
  ...r,
});

/** Every served resource. */
export const RESOURCES: readonly ResourceInfo[] = [
  row({ group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'],
    noDeleteCollection: true }),
  row({ group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status'], hasGeneration: true }),
  row({ group: '', version: 'v1', resource: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  row({ group: '', version: 'v1', resource: 'endpoints', singular: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'], allowCreateOnUpdate: true,
    deprecationWarning: 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice' }),
  row({ group: '', version: 'v1', resource: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: ['status'] }),
  row({ group: '', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], allowCreateOnUpdate: true }),
  row({ group: '', version: 'v1', resource: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] }),
  row({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice', namespaced: true, hasGeneration: true }),
  row({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', singular: 'lease', kind: 'Lease', namespaced: true, allowCreateOnUpdate: true, allowUnconditionalUpdate: false }),
  row({ group: 'events.k8s.io', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], allowCreateOnUpdate: true }),
  row({ group: 'networking.k8s.io', version: 'v1', resource: 'ipaddresses', singular: 'ipaddress', kind: 'IPAddress', namespaced: false, shortNames: ['ip'] }),
  row({ group: 'networking.k8s.io', version: 'v1', resource: 'servicecidrs', singular: 'servicecidr', kind: 'ServiceCIDR', namespaced: false, subresources: ['status'], hasGeneration: true }),
  // Served so that svcplane's own manifests (manifests/base) can be applied and dry-run against
  // the bundled server; stored with metadata checks only (no type validation, no controllers).
  row({ group: '', version: 'v1', resource: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] }),
  row({ group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status'], hasGeneration: true }),
  row({ group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', singular: 'poddisruptionbudget', kind: 'PodDisruptionBudget', namespaced: true, shortNames: ['pdb'], subresources: ['status'], hasGeneration: true }),
  row({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', singular: 'role', kind: 'Role', namespaced: true }),
  row({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', singular: 'rolebinding', kind: 'RoleBinding', namespaced: true }),
  row({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', singular: 'clusterrole', kind: 'ClusterRole', namespaced: false }),
  row({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', singular: 'clusterrolebinding', kind: 'ClusterRoleBinding', namespaced: false }),
];

/**
 * The self-subject reviews, served over HTTP only (the in-process client has no requester to
 * review): kube-apiserver's registries in pkg/registry/authorization and authentication. The
 * reviews of other subjects (SubjectAccessReview, LocalSubjectAccessReview, TokenReview) are not
 * served: this server evaluates no RBAC.
 */
export const REVIEW_RESOURCES: readonly ResourceInfo[] = [
  row({ group: 'authentication.k8s.io', version: 'v1', resource: 'selfsubjectreviews', singular: 'selfsubjectreview', kind: 'SelfSubjectReview', namespaced: false, isReview: true }),
  row({ group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview', namespaced: false, isReview: true }),
  row({ group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview', kind: 'SelfSubjectRulesReview', namespaced: false, isReview: true }),
];

/** Everything the HTTP front routes and discovery lists: the stored resources, then the reviews. */
export const SERVED_RESOURCES: readonly ResourceInfo[] = [...RESOURCES, ...REVIEW_RESOURCES];

/** Looks a resource up by group and plural name; undefined when not served. */
export function findResource(group: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.resource === resource);
}

/** Looks a resource up by group and plural name; throws a TypeError when not served. */
export function resourceFor(group: string, resource: string): ResourceInfo {
  const r = findResource(group, resource);
  if (!r) throw new TypeError(`resource ${qualifiedResource({ group, resource })} is not served`);
  return r;
}

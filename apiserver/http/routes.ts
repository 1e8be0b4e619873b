/**
 * URL routing of the API server: turns a request path into what it names (a discovery document,
 * a health check, a resource collection or object, a fault-injection action) from the served
 * resource table alone. Pure: no I/O, so the path grammar is tested as a table.
 *
 * The grammar follows kube-apiserver's installer
 * (staging/src/k8s.io/apiserver/pkg/endpoints/installer.go, registerResourceHandlers):
 * `/api/v1/[namespaces/{ns}/]{resource}[/{name}[/{subresource}]]`, the same under
 * `/apis/{group}/{version}`, and the deprecated `/watch/` prefix after the group version.
 */
import { SERVED_RESOURCES, type ResourceInfo } from '../resources.js';
import type { HealthEndpoint } from './health.js';

/** The subresources the front serves (each must also be listed in ResourceInfo.subresources). */
export type Subresource = 'status' | 'finalize';

/** A request for resources: a collection (no name) or one object. */
export interface ResourceRoute {
  kind: 'resource';
  info: ResourceInfo;
  /** The namespace from the URL; undefined for cluster-scoped resources and all-namespace lists. */
  namespace?: string;
  name?: string;
  subresource?: Subresource;
  /** The deprecated `/watch/` path form was used. */
  isWatchPath: boolean;
}

/** What a request path names. */
export type Route =
  | { kind: 'health'; endpoint: HealthEndpoint; check?: string }
  | { kind: 'version' }
  | { kind: 'apiVersions' }
  | { kind: 'apiGroupList' }
  | { kind: 'apiGroup'; group: string }
  | { kind: 'resourceList'; group: string; version: string }
  | { kind: 'openapi'; version: 'v2' | 'v3' }
  | { kind: 'faults'; action: string }
  | ResourceRoute
  | { kind: 'notFound' };

const NOT_FOUND: Route = { kind: 'notFound' };

/**
 * The groups in the order kube-apiserver's aggregator lists them: by its group priority, highest
 * first (pkg/controlplane/apiserver/aggregator.go apiVersionPriorities). Core comes before all.
 */
const GROUP_ORDER = ['', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io'];

/** Every served group, core ('') first, then in the aggregator's order. */
export function servedGroups(): { group: string; versions: string[] }[] {
  const groups: { group: string; versions: string[] }[] = [];
  for (const r of SERVED_RESOURCES) {
    let g = groups.find((x) => x.group === r.group);
    if (!g) groups.push((g = { group: r.group, versions: [] }));
    if (!g.versions.includes(r.version)) g.versions.push(r.version);
  }
  const rank = (group: string) => (GROUP_ORDER.includes(group) ? GROUP_ORDER.indexOf(group) : GROUP_ORDER.length);
  return groups.sort((a, b) => rank(a.group) - rank(b.group));
}

function isServedGroupVersion(group: string, version: string): boolean {
  return SERVED_RESOURCES.some((r) => r.group === group && r.version === version);
}

function lookup(group: string, version: string, resource: string): ResourceInfo | undefined {
  return SERVED_RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/**
 * Resolves a request path (without the query string) to a Route; `notFound` when nothing is
 * served there. Segments are percent-decoded; a malformed escape is not found.
 */
export function resolveRoute(pathname: string): Route {
  let segs: string[];
  try {
    segs = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return NOT_FOUND;
  }
  const [first, ...rest] = segs;
  switch (first) {
    case 'healthz':
    case 'livez':
    case 'readyz':
      // /readyz/ping runs one check (health.ts says which exist).
      if (segs.length > 2) return NOT_FOUND;
      return segs.length === 2 ? { kind: 'health', endpoint: first, check: rest[0] } : { kind: 'health', endpoint: first };
    case 'version':
      return segs.length === 1 ? { kind: 'version' } : NOT_FOUND;
    case 'openapi':
      if (segs.length === 2 && (rest[0] === 'v2' || rest[0] === 'v3')) return { kind: 'openapi', version: rest[0] };
      // kubectl asks /openapi/v3/<group-version> only after /openapi/v3 answered; 404 either way.
      return segs.length > 2 && rest[0] === 'v3' ? { kind: 'openapi', version: 'v3' } : NOT_FOUND;
    case 'svcplane':
      return rest[0] === 'faults' ? { kind: 'faults', action: rest.slice(1).join('/') } : NOT_FOUND;
    case 'api':
      if (rest.length === 0) return { kind: 'apiVersions' };
      return resolveGroupVersion('', rest[0], rest.slice(1));
    case 'apis':
      if (rest.length === 0) return { kind: 'apiGroupList' };
      if (rest.length === 1) return servedGroups().some((g) => g.group === rest[0] && g.group !== '') ? { kind: 'apiGroup', group: rest[0] } : NOT_FOUND;
      if (rest[0] === '') return NOT_FOUND;
      return resolveGroupVersion(rest[0], rest[1], rest.slice(2));
    default:
      return NOT_FOUND;
  }
}

function resolveGroupVersion(group: string, version: string, rest: string[]): Route {
  if (!isServedGroupVersion(group, version)) return NOT_FOUND;
  if (rest.length === 0) return { kind: 'resourceList', group, version };
  let isWatchPath = false;
  if (rest[0] === 'watch') {
    isWatchPath = true;
    rest = rest.slice(1);
  }
  // 1. /namespaces/{ns}/{namespaced resource}[/{name}[/{sub}]]
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const info = lookup(group, version, rest[2]);
    if (info?.namespaced) return objectRoute(info, rest[1], rest.slice(3), isWatchPath);
  }
  // 2. /{resource}[/{name}[/{sub}]]: cluster-scoped, or a namespaced collection across namespaces.
  const info = lookup(group, version, rest[0]);
  if (!info) return NOT_FOUND;
  if (info.namespaced && rest.length > 1) return NOT_FOUND;
  return objectRoute(info, undefined, rest.slice(1), isWatchPath);
}

function objectRoute(info: ResourceInfo, namespace: string | undefined, rest: string[], isWatchPath: boolean): Route {
  if (rest.length > 2) return NOT_FOUND;
  // A review is a collection path only, and cannot be watched (installer.go registers POST alone).
  if (info.isReview && (rest.length > 0 || isWatchPath)) return NOT_FOUND;
  const [name, sub] = rest;
  if (sub !== undefined && !(info.subresources as string[]).includes(sub)) return NOT_FOUND;
  if (isWatchPath && sub !== undefined) return NOT_FOUND;
  const route: ResourceRoute = { kind: 'resource', info, isWatchPath };
  if (namespace !== undefined) route.namespace = namespace;
  if (name !== undefined) route.name = name;
  if (sub !== undefined) route.subresource = sub as Subresource;
  return route;
}

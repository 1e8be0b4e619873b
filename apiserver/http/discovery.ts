/**
 * The discovery documents kubectl and client libraries read before anything else: /version,
 * /api, /apis, /apis/{group}, the APIResourceList of each group version, and aggregated
 * discovery v2 for /api and /apis, all built from the served resource table. Pure. Shapes as in
 * staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go (APIVersions, APIGroupList,
 * APIResourceList) and staging/src/k8s.io/apimachinery/pkg/version/types.go (Info).
 */
import { SERVED_RESOURCES, groupVersion, type ResourceInfo, verbsOf } from '../resources.js';
import { servedGroups } from './routes.js';

/** The Kubernetes version the server reports. Its minor picks the kubectl the gcloud dispatcher runs. */
export const SERVED_VERSION = { major: '1', minor: '33', gitVersion: 'v1.33.0' } as const;

/** The /version document. */
export function versionInfo(): Record<string, string> {
  return {
    major: SERVED_VERSION.major,
    minor: SERVED_VERSION.minor,
    gitVersion: SERVED_VERSION.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.24.0',
    compiler: 'gc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    emulationMajor: SERVED_VERSION.major,
    emulationMinor: SERVED_VERSION.minor,
    minCompatibilityMajor: SERVED_VERSION.major,
    minCompatibilityMinor: '32',
  };
}

/** The /api document (APIVersions); `serverAddress` is host:port as clients reach it. */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, versions: string[]): object {
  const gvs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] };
}

/** The /apis document (APIGroupList): every served group but core. */
export function apiGroupList(): object {
  const groups = servedGroups().filter((g) => g.group !== '').map((g) => apiGroup(g.group, g.versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** The /apis/{group} document (APIGroup). */
export function apiGroupDocument(group: string): object {
  const g = servedGroups().find((x) => x.group === group);
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, g?.versions ?? []) };
}

const SUBRESOURCE_VERBS: Record<string, string[]> = { status: ['get', 'patch', 'update'], finalize: ['update'] };

/** The APIResource entries of one resource: the resource itself, then one per subresource. */
export function apiResources(r: ResourceInfo): object[] {
  const main: Record<string, unknown> = {
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: verbsOf(r),
  };
  if (r.shortNames?.length) main.shortNames = r.shortNames;
  if (r.categories?.length) main.categories = r.categories;
  const subs = r.subresources.map((sub) => ({
    name: `${r.resource}/${sub}`,
    singularName: '',
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: SUBRESOURCE_VERBS[sub],
  }));
  return [main, ...subs];
}

/** The APIResourceList of one group version. */
export function apiResourceList(group: string, version: string): object {
  const resources = SERVED_RESOURCES.filter((r) => r.group === group && r.version === version).flatMap(apiResources);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

/** The media type of aggregated discovery (GA in 1.30: apidiscovery.k8s.io/v2). */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/**
 * Whether an Accept header asks for aggregated discovery v2 before plain JSON. Clients list it
 * first and fall back to per-group-version documents when they get plain JSON.
 */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  for (const entry of (accept ?? '').split(',')) {
    const [media, ...params] = entry.split(';').map((x) => x.trim());
    const p = new Map(params.map((kv) => kv.split('=').map((x) => x.trim()) as [string, string]));
    if (media === 'application/json' && p.get('as') === 'APIGroupDiscoveryList') {
      if (p.get('g') === 'apidiscovery.k8s.io' && p.get('v') === 'v2') return true;
      continue;
    }
    if (media === 'application/json' || media === '*/*') return false;
  }
  return false;
}

/**
 * The aggregated discovery document of core (`/api`, group '') or of every named group
 * (`/apis`), shaped as staging/src/k8s.io/api/apidiscovery/v2/types.go.
 */
export function aggregatedDiscovery(core: boolean): object {
  const items = servedGroups()
    .filter((g) => (g.group === '') === core)
    .map((g) => ({
      metadata: { name: g.group },
      versions: g.versions.map((version) => ({
        version,
        freshness: 'Current',
        resources: SERVED_RESOURCES.filter((r) => r.group === g.group && r.version === version).map((r) => {
          const responseKind = { group: r.group, version: r.version, kind: r.kind };
          const d: Record<string, unknown> = {
            resource: r.resource,
            responseKind,
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: verbsOf(r),
          };
          if (r.shortNames?.length) d.shortNames = r.shortNames;
          if (r.categories?.length) d.categories = r.categories;
          if (r.subresources.length) d.subresources = r.subresources.map((sub) => ({ subresource: sub, responseKind, verbs: SUBRESOURCE_VERBS[sub] }));
          return d;
        }),
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

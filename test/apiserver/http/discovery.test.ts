import test from 'ava';
import { aggregatedDiscovery, wantsAggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiResources, apiVersions, versionInfo } from '../../../apiserver/http/discovery.js';
import { resourceFor } from '../../../apiserver/resources.js';

interface Res { name: string; singularName: string; namespaced: boolean; kind: string; verbs: string[]; shortNames?: string[]; categories?: string[] }

test('versionInfo › reports Kubernetes 1.33 so the kubectl dispatcher picks its 1.33 build', (t) => {
  const v = versionInfo();
  t.is(v.major, '1');
  t.is(v.minor, '33');
  t.regex(v.gitVersion, /^v1\.33\.\d+$/);
  for (const k of ['gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform']) t.truthy(v[k], k);
});

test('apiVersions › lists v1 and the address clients reach', (t) => {
  t.deepEqual(apiVersions('127.0.0.1:1234'), { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:1234' }] });
});

test('apiGroupList › every served named group with its preferred version, no core', (t) => {
  const list = apiGroupList() as { kind: string; groups: { name: string; preferredVersion: { groupVersion: string } }[] };
  t.is(list.kind, 'APIGroupList');
  const names = list.groups.map((g) => g.name);
  t.deepEqual([...names].sort(), ['apps', 'authentication.k8s.io', 'authorization.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io']);
  t.is(list.groups.find((g) => g.name === 'discovery.k8s.io')?.preferredVersion.groupVersion, 'discovery.k8s.io/v1');
  t.is((apiGroupDocument('coordination.k8s.io') as { kind: string }).kind, 'APIGroup');
});

test('apiResourceList › core v1 lists resources and subresources as separate entries', (t) => {
  const list = apiResourceList('', 'v1') as { kind: string; groupVersion: string; resources: Res[] };
  t.is(list.kind, 'APIResourceList');
  t.is(list.groupVersion, 'v1');
  const names = list.resources.map((r) => r.name);
  for (const n of ['namespaces', 'namespaces/status', 'namespaces/finalize', 'pods', 'pods/status', 'services', 'services/status', 'endpoints', 'events', 'configmaps', 'nodes', 'nodes/status']) {
    t.true(names.includes(n), n);
  }
  const svc = list.resources.find((r) => r.name === 'services')!;
  t.deepEqual(svc, { name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['svc'], categories: ['all'] });
  t.deepEqual(list.resources.find((r) => r.name === 'pods/status')?.verbs, ['get', 'patch', 'update']);
  t.deepEqual(list.resources.find((r) => r.name === 'namespaces/finalize')?.verbs, ['update']);
  t.false(list.resources.find((r) => r.name === 'namespaces')!.namespaced);
  // Namespaces' storage has no DeleteCollection.
  t.deepEqual(list.resources.find((r) => r.name === 'namespaces')?.verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
});

test('apiResourceList › a named group version carries its group version', (t) => {
  const list = apiResourceList('discovery.k8s.io', 'v1') as { groupVersion: string; resources: Res[] };
  t.is(list.groupVersion, 'discovery.k8s.io/v1');
  t.deepEqual(list.resources.map((r) => r.name), ['endpointslices']);
  t.is(apiResources(resourceFor('discovery.k8s.io', 'endpointslices')).length, 1);
});

test('wantsAggregatedDiscovery › only v2 listed before plain JSON', (t) => {
  t.true(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'));
  t.true(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList, application/json; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList'));
  t.false(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'));
  t.false(wantsAggregatedDiscovery('application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'));
  t.false(wantsAggregatedDiscovery('application/json, */*'));
  t.false(wantsAggregatedDiscovery(undefined));
});

test('aggregatedDiscovery › resources with scope, response kind and subresources', (t) => {
  const core = aggregatedDiscovery(true) as { apiVersion: string; items: { metadata: { name: string }; versions: { version: string; freshness: string; resources: Record<string, unknown>[] }[] }[] };
  t.is(core.apiVersion, 'apidiscovery.k8s.io/v2');
  t.is(core.items.length, 1);
  const v1 = core.items[0].versions[0];
  t.is(v1.freshness, 'Current');
  t.deepEqual(v1.resources.find((r) => r.resource === 'services'), {
    resource: 'services',
    responseKind: { group: '', version: 'v1', kind: 'Service' },
    scope: 'Namespaced',
    singularResource: 'service',
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [{ subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Service' }, verbs: ['get', 'patch', 'update'] }],
  });
  t.is(v1.resources.find((r) => r.resource === 'nodes')?.scope, 'Cluster');
  const named = aggregatedDiscovery(false) as { items: { metadata: { name: string } }[] };
  t.false(named.items.some((i) => i.metadata.name === ''));
  t.true(named.items.some((i) => i.metadata.name === 'coordination.k8s.io'));
});

import test from 'ava';
import { resolveRoute, servedGroups, type Route } from '../../../apiserver/http/routes.js';

function describe(r: Route): string {
  if (r.kind !== 'resource') return r.kind;
  const parts = [r.info.group || 'core', r.info.resource, r.namespace ?? '-', r.name ?? '-', r.subresource ?? '-'];
  if (r.isWatchPath) parts.push('watch');
  return parts.join(' ');
}

const table: { path: string; want: string }[] = [
  { path: '/healthz', want: 'health' },
  { path: '/readyz/ping', want: 'health' },
  { path: '/version', want: 'version' },
  { path: '/version/extra', want: 'notFound' },
  { path: '/api', want: 'apiVersions' },
  { path: '/api/v1', want: 'resourceList' },
  { path: '/api/v2', want: 'notFound' },
  { path: '/apis', want: 'apiGroupList' },
  { path: '/apis/discovery.k8s.io', want: 'apiGroup' },
  { path: '/apis/nope.k8s.io', want: 'notFound' },
  { path: '/apis/discovery.k8s.io/v1', want: 'resourceList' },
  { path: '/apis/discovery.k8s.io/v1beta1', want: 'notFound' },
  { path: '/openapi/v2', want: 'openapi' },
  { path: '/openapi/v3', want: 'openapi' },
  { path: '/openapi/v3/api/v1', want: 'openapi' },
  { path: '/svcplane/faults/compact', want: 'faults' },
  { path: '/api/v1/pods', want: 'core pods - - -' },
  { path: '/api/v1/namespaces/default/pods', want: 'core pods default - -' },
  { path: '/api/v1/namespaces/default/pods/web', want: 'core pods default web -' },
  { path: '/api/v1/namespaces/default/pods/web/status', want: 'core pods default web status' },
  { path: '/api/v1/namespaces/default/pods/web/log', want: 'notFound' },
  { path: '/api/v1/namespaces/default/configmaps/x/status', want: 'notFound' },
  { path: '/api/v1/namespaces/default/pods/web/status/x', want: 'notFound' },
  { path: '/api/v1/pods/web', want: 'notFound' },
  { path: '/api/v1/namespaces', want: 'core namespaces - - -' },
  { path: '/api/v1/namespaces/default', want: 'core namespaces - default -' },
  { path: '/api/v1/namespaces/default/status', want: 'core namespaces - default status' },
  { path: '/api/v1/namespaces/default/finalize', want: 'core namespaces - default finalize' },
  { path: '/api/v1/nodes/n1/status', want: 'core nodes - n1 status' },
  { path: '/api/v1/namespaces/default/nodes', want: 'notFound' },
  { path: '/api/v1/watch/namespaces/default/pods', want: 'core pods default - - watch' },
  { path: '/api/v1/watch/namespaces/default/pods/web', want: 'core pods default web - watch' },
  { path: '/api/v1/watch/pods', want: 'core pods - - - watch' },
  { path: '/apis/discovery.k8s.io/v1/namespaces/ns1/endpointslices/s-1', want: 'discovery.k8s.io endpointslices ns1 s-1 -' },
  { path: '/apis/networking.k8s.io/v1/servicecidrs/kubernetes/status', want: 'networking.k8s.io servicecidrs - kubernetes status' },
  { path: '/apis/coordination.k8s.io/v1/leases', want: 'coordination.k8s.io leases - - -' },
  { path: '/api/v1/namespaces/a%2Fb/pods', want: 'core pods a/b - -' },
  { path: '/api/v1/namespaces/%E0%A4%A/pods', want: 'notFound' },
  { path: '/', want: 'notFound' },
  { path: '/apis//v1/pods', want: 'notFound' },
];

for (const { path, want } of table) {
  test(`resolveRoute › ${path} is ${want}`, (t) => {
    t.is(describe(resolveRoute(path)), want);
  });
}

test('servedGroups › core comes first and every group appears once', (t) => {
  const groups = servedGroups();
  t.is(groups[0].group, '');
  t.deepEqual(groups.map((g) => g.group), [...new Set(groups.map((g) => g.group))]);
  t.true(groups.some((g) => g.group === 'discovery.k8s.io' && g.versions.includes('v1')));
  // The aggregator's order: by group priority, highest first.
  t.deepEqual(groups.map((g) => g.group), ['', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io']);
});

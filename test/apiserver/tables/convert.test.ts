import test from 'ava';
import type { KubeObject } from '../../../api-types/meta.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { listTable, objectTable, printerFor, type TableOptions } from '../../../apiserver/tables/convert.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const NOW = Date.parse('2026-01-02T03:04:05Z');
const opts = (o: Partial<TableOptions> = {}): TableOptions => ({ groupVersion: 'meta.k8s.io/v1', includeObject: 'Metadata', nowMs: NOW, ...o });

const SERVICES = resourceFor('', 'services');
const ROLES = resourceFor('rbac.authorization.k8s.io', 'roles');

const svc = (name: string): KubeObject => deepFreeze({
  apiVersion: 'v1', kind: 'Service',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '42', creationTimestamp: '2026-01-02T03:00:05Z', labels: { app: name } },
  spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ port: 80, protocol: 'TCP' }] },
});

test('objectTable › one row, the object resourceVersion, every column, PartialObjectMetadata by default', (t) => {
  const table = objectTable(SERVICES, svc('web'), opts());
  t.is(table.kind, 'Table');
  t.is(table.apiVersion, 'meta.k8s.io/v1');
  t.deepEqual(table.metadata, { resourceVersion: '42' });
  t.is(table.columnDefinitions?.length, 7);
  t.deepEqual(table.rows, [{
    cells: ['web', 'ClusterIP', '10.96.0.1', '<none>', '80/TCP', '4m', '<none>'],
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: svc('web').metadata },
  }]);
});

test('objectTable › includeObject None is a null object, Object the object itself; v1beta1 names its PartialObjectMetadata so', (t) => {
  t.is(objectTable(SERVICES, svc('web'), opts({ includeObject: 'None' })).rows?.[0].object, null);
  t.deepEqual(objectTable(SERVICES, svc('web'), opts({ includeObject: 'Object' })).rows?.[0].object, svc('web'));
  const beta = objectTable(SERVICES, svc('web'), opts({ groupVersion: 'meta.k8s.io/v1beta1' }));
  t.is(beta.apiVersion, 'meta.k8s.io/v1beta1');
  t.is((beta.rows?.[0].object as { apiVersion: string }).apiVersion, 'meta.k8s.io/v1beta1');
});

test('objectTable › an Object row gains kind and apiVersion when the item lacks them (as conversion sets them)', (t) => {
  const { kind: _k, apiVersion: _a, ...bare } = svc('web');
  t.like(objectTable(SERVICES, bare as KubeObject, opts({ includeObject: 'Object' })).rows?.[0].object as object, { kind: 'Service', apiVersion: 'v1' });
});

test('objectTable › noHeaders leaves columnDefinitions null', (t) => {
  t.is(objectTable(SERVICES, svc('web'), opts({ noHeaders: true })).columnDefinitions, null);
});

test('listTable › a row per item in order, the list metadata (continue, remainingItemCount)', (t) => {
  const table = listTable(SERVICES, { metadata: { resourceVersion: '50', continue: 'abc', remainingItemCount: 3 }, items: [svc('a'), svc('b')] }, opts());
  t.deepEqual(table.metadata, { resourceVersion: '50', continue: 'abc', remainingItemCount: 3 });
  t.deepEqual(table.rows?.map((r) => r.cells[0]), ['a', 'b']);
});

test('listTable › an empty list has no rows: [] from a printer, null from the default convertor', (t) => {
  t.deepEqual(listTable(SERVICES, { metadata: { resourceVersion: '5' }, items: [] }, opts()).rows, []);
  t.is(listTable(ROLES, { metadata: { resourceVersion: '5' }, items: [] }, opts()).rows, null);
});

test('default convertor › Roles print Name and Created At (RFC 3339, UTC, seconds), typed date', (t) => {
  const role = deepFreeze({ kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'r', resourceVersion: '9', creationTimestamp: '2026-01-02T04:04:05+01:00' } });
  const table = objectTable(ROLES, role, opts());
  t.deepEqual(table.columnDefinitions?.map((c) => [c.name, c.type, c.format]), [['Name', 'string', 'name'], ['Created At', 'date', '']]);
  t.deepEqual(table.rows?.[0].cells, ['r', '2026-01-02T03:04:05Z']);
  t.deepEqual(objectTable(ROLES, { metadata: { name: 'bare' } }, opts()).rows?.[0].cells, ['bare', '0001-01-01T00:00:00Z']);
});

test('printerFor › every served resource but Roles and ClusterRoles has its own printer', (t) => {
  const withDefault = ['roles', 'clusterroles'];
  for (const r of ['namespaces', 'pods', 'services', 'endpoints', 'nodes', 'configmaps', 'serviceaccounts']) t.false(printerFor({ group: '', resource: r }).isDefault, r);
  for (const [g, r] of [['events.k8s.io', 'events'], ['discovery.k8s.io', 'endpointslices'], ['coordination.k8s.io', 'leases'], ['networking.k8s.io', 'ipaddresses'], ['networking.k8s.io', 'servicecidrs'], ['apps', 'deployments'], ['policy', 'poddisruptionbudgets'], ['rbac.authorization.k8s.io', 'rolebindings'], ['rbac.authorization.k8s.io', 'clusterrolebindings']]) {
    t.false(printerFor({ group: g, resource: r }).isDefault, `${g}/${r}`);
  }
  for (const r of withDefault) t.true(printerFor({ group: 'rbac.authorization.k8s.io', resource: r }).isDefault, r);
});

test('objectTable › JSON members in the order Go writes them', (t) => {
  const text = JSON.stringify(objectTable(SERVICES, svc('web'), opts()));
  t.regex(text, /^\{"kind":"Table","apiVersion":"meta.k8s.io\/v1","metadata":\{"resourceVersion":"42"\},"columnDefinitions":\[\{"name":"Name","type":"string","format":"name","description":"[^"]+","priority":0\}/);
  t.regex(text, /"rows":\[\{"cells":\[.*\],"object":\{"kind":"PartialObjectMetadata"/);
});

import test from 'ava';
import type { KubeObject } from '../../../api-types/meta.js';
import { recordUpdate } from '../../../apiserver/patch/managed-fields.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const T0 = '2026-03-04T05:06:07.123456Z';
const T1 = '2026-03-04T06:00:00Z';

const configMap = (data: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', uid: 'u', resourceVersion: '3', creationTimestamp: T1, ...extra }, data,
});

test('recordUpdate › a create records every set field but server-set metadata, with "." on added maps', (t) => {
  const out = recordUpdate(undefined, deepFreeze(configMap({ a: '1' }, { labels: { x: 'y' } })), 'kubectl-create', 'v1', T0);
  t.deepEqual(out.metadata.managedFields, [{
    manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2026-03-04T05:06:07Z', fieldsType: 'FieldsV1',
    fieldsV1: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:x': {} } } },
  }]);
});

test('recordUpdate › an update moves changed fields to the writer and refreshes its time', (t) => {
  const created = deepFreeze(recordUpdate(undefined, configMap({ a: '1', b: '2' }), 'creator', 'v1', T0));
  const next = deepFreeze({ ...created, data: { a: '9', b: '2' } });
  const out = recordUpdate(created, next, 'editor', 'v1', T1);
  t.deepEqual(out.metadata.managedFields?.map((e) => [e.manager, e.time, e.fieldsV1]), [
    ['creator', '2026-03-04T05:06:07Z', { 'f:data': { '.': {}, 'f:b': {} } }],
    ['editor', T1, { 'f:data': { 'f:a': {} } }],
  ]);
});

test('recordUpdate › a write that changes nothing keeps entries and times', (t) => {
  const created = deepFreeze(recordUpdate(undefined, configMap({ a: '1' }), 'creator', 'v1', T0));
  const out = recordUpdate(created, created, 'creator', 'v1', T1);
  t.deepEqual(out.metadata.managedFields, created.metadata.managedFields);
});

test('recordUpdate › removed fields leave every owner', (t) => {
  const created = deepFreeze(recordUpdate(undefined, configMap({ a: '1', b: '2' }), 'creator', 'v1', T0));
  const out = recordUpdate(created, { ...created, data: { a: '1' } }, 'pruner', 'v1', T1);
  t.deepEqual(out.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1]), [['creator', { 'f:data': { '.': {}, 'f:a': {} } }]]);
});

test('recordUpdate › an existing object without managedFields stays untracked', (t) => {
  const legacy = deepFreeze(configMap({ a: '1' }));
  const out = recordUpdate(legacy, { ...legacy, data: { a: '2' } }, 'editor', 'v1', T1);
  t.is(out.metadata.managedFields, undefined);
});

test('recordUpdate › a write that sets managedFields to [] clears them', (t) => {
  const created = deepFreeze(recordUpdate(undefined, configMap({ a: '1' }), 'creator', 'v1', T0));
  const out = recordUpdate(created, { ...created, metadata: { ...created.metadata, managedFields: [] } }, 'editor', 'v1', T1);
  t.is(out.metadata.managedFields, undefined);
});

test('recordUpdate › a /status write records status fields under subresource status', (t) => {
  const svc = (status: object): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'LoadBalancer' }, status });
  const created = deepFreeze(recordUpdate(undefined, svc({}), 'creator', 'v1', T0));
  const out = recordUpdate(created, svc({ loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }), 'cloud', 'v1', T1, 'status');
  const cloud = out.metadata.managedFields?.find((e) => e.manager === 'cloud');
  t.deepEqual(cloud, {
    manager: 'cloud', operation: 'Update', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:loadBalancer': { 'f:ingress': {} } } }, subresource: 'status',
  });
  t.deepEqual(out.metadata.managedFields?.find((e) => e.manager === 'creator')?.fieldsV1, { 'f:spec': { 'f:type': {} } });
});

test('recordUpdate › a later update by the same manager merges into its one entry and refreshes its time', (t) => {
  const slice = (eps: string[]): KubeObject => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e' }, addressType: 'IPv4', endpoints: eps.map((a) => ({ addresses: [a] })) });
  const created = deepFreeze(recordUpdate(undefined, slice(['10.0.0.1']), 'endpointslice-controller', 'discovery.k8s.io/v1', T0));
  const out = recordUpdate(created, slice(['10.0.0.2']), 'endpointslice-controller', 'discovery.k8s.io/v1', T1);
  t.deepEqual(out.metadata.managedFields?.map((e) => [e.manager, e.apiVersion, e.time, e.fieldsV1]), [
    ['endpointslice-controller', 'discovery.k8s.io/v1', T1, { 'f:addressType': {}, 'f:endpoints': {} }],
  ]);
});

test('recordUpdate › managedFields a write sets are taken as given, except on /status', (t) => {
  const created = deepFreeze(recordUpdate(undefined, configMap({ a: '1' }), 'creator', 'v1', T0));
  const given = [{ manager: 'someone', operation: 'Apply' as const, apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1' as const, fieldsV1: { 'f:data': { 'f:a': {} } } }];
  const main = recordUpdate(created, { ...created, metadata: { ...created.metadata, managedFields: given } }, 'editor', 'v1', T1);
  t.deepEqual(main.metadata.managedFields?.map((e) => e.manager), ['someone']);
  const status = recordUpdate(created, { ...created, metadata: { ...created.metadata, managedFields: given } }, 'editor', 'v1', T1, 'status');
  t.deepEqual(status.metadata.managedFields?.map((e) => e.manager), ['creator']);
});

test('recordUpdate › past 10 Update entries the oldest merge into ancient-changes', (t) => {
  let obj = recordUpdate(undefined, configMap({ k0: 'v' }), 'm0', 'v1', '2026-01-01T00:00:00Z');
  for (let i = 1; i <= 10; i++) {
    obj = recordUpdate(obj, { ...obj, data: { ...(obj.data as object), [`k${i}`]: 'v' } }, `m${i}`, 'v1', `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`);
  }
  const entries = obj.metadata.managedFields ?? [];
  t.is(entries.length, 10);
  const ancient = entries.find((e) => e.manager === 'ancient-changes');
  t.deepEqual(ancient?.fieldsV1, { 'f:data': { '.': {}, 'f:k0': {}, 'f:k1': {} } });
  t.is(ancient?.time, '2026-01-01T00:00:01Z');
  t.false(entries.some((e) => e.manager === 'm0' || e.manager === 'm1'));
  t.truthy(entries.find((e) => e.manager === 'm10'));
});

import test from 'ava';
import { startApiServer, type ApiServerHandle } from '../../../apiserver/index.js';
import { call } from './api-client.js';

let s: ApiServerHandle;
test.before(async () => {
  s = await startApiServer({ port: 0 });
});
test.after.always(() => s?.close());

const PORT_IS_A_STRING = 'json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32';
const service = (name: string, port: unknown, metadata: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, ...metadata }, spec: { ports: [{ port }] } });

test('type errors › a create with a value of the wrong JSON type is 400 in the decoder’s words, whatever fieldValidation says; nothing is stored', async (t) => {
  for (const fv of ['', '?fieldValidation=Ignore', '?fieldValidation=Strict']) {
    const a = await call(s, 'POST', `/api/v1/namespaces/default/services${fv}`, { body: { ...service('typed', '80'), spec: { ports: [{ port: '80' }], portz: 1 } } });
    t.is(a.status, 400, fv);
    t.is(a.json.reason, 'BadRequest');
    t.is(a.json.message, `Service in version "v1" cannot be handled as a Service: ${PORT_IS_A_STRING}`, 'a type error wins over an unknown field');
  }
  t.is((await call(s, 'GET', '/api/v1/namespaces/default/services/typed')).status, 404);
});

test('type errors › the decoder runs before the body is compared with the URL', async (t) => {
  const a = await call(s, 'POST', '/api/v1/namespaces/default/services', { body: service('x', 80, { namespace: ['other'] }) });
  t.is(a.status, 400);
  t.is(a.json.message, 'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal array into Go struct field ObjectMeta.metadata.namespace of type string');
  const b = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: 'cm' } });
  t.is(b.json.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal string into Go struct field ConfigMap.metadata of type v1.ObjectMeta');
});

test('type errors › an update is refused the same way; a patch whose result has a wrong value is 422 on "patch"; an apply is 500 listing every wrong value', async (t) => {
  const created = await call(s, 'POST', '/api/v1/namespaces/default/services', { body: service('kept', 80) });
  t.is(created.status, 201, created.text);
  const put = await call(s, 'PUT', '/api/v1/namespaces/default/services/kept', { body: { ...created.json, spec: { ...created.json.spec, ports: [{ port: '80' }] } } });
  t.is(put.status, 400);
  t.is(put.json.message, `Service in version "v1" cannot be handled as a Service: ${PORT_IS_A_STRING}`);
  for (const type of ['application/merge-patch+json', 'application/strategic-merge-patch+json']) {
    const patch = await call(s, 'PATCH', '/api/v1/namespaces/default/services/kept', { body: { metadata: { labels: { app: 7 } } }, headers: { 'content-type': type } });
    t.is(patch.status, 422, type);
    t.is(patch.json.details.causes[0].field, 'patch');
    t.regex(patch.json.message, /is invalid: patch: Invalid value: ".*": json: cannot unmarshal number into Go struct field ObjectMeta\.metadata\.labels of type string$/);
  }
  const apply = await call(s, 'PATCH', '/api/v1/namespaces/default/services/kept?fieldManager=me', {
    body: 'apiVersion: v1\nkind: Service\nmetadata: {name: kept, namespace: default}\nspec:\n  ports: [{port: "80", protocol: 6}]\n',
    headers: { 'content-type': 'application/apply-patch+yaml' },
  });
  t.is(apply.status, 500);
  t.is(apply.json.message, 'failed to create typed patch object (default/kept; /v1, Kind=Service): errors:\n  .spec.ports[port="80",protocol=6].port: expected numeric (int or float), got string\n  .spec.ports[port="80",protocol=6].protocol: expected string, got &value.valueUnstructured{Value:6}');
  const stored = await call(s, 'GET', '/api/v1/namespaces/default/services/kept');
  t.is(stored.json.metadata.resourceVersion, created.json.metadata.resourceVersion, 'nothing was written');
});

test('type errors › a DELETE whose DeleteOptions body has a value of the wrong type deletes nothing', async (t) => {
  const created = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'survivor' } } });
  t.is(created.status, 201, created.text);
  for (const body of [{ dryRun: 'All' }, { propagationPolicy: 5 }]) {
    const a = await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/survivor', { body });
    t.is(a.status, 500, JSON.stringify(body));
    t.regex(a.json.message, /^json: cannot unmarshal .* into Go struct field DeleteOptions\./);
  }
  const collection = await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps', { body: { dryRun: 'All' } });
  t.is(collection.status, 500);
  t.is((await call(s, 'GET', '/api/v1/namespaces/default/configmaps/survivor')).status, 200);
});

test('type errors › a body of another kind or apiVersion than the URL’s is 400 in the decoder’s words; nothing is stored or changed', async (t) => {
  const cms = '/api/v1/namespaces/default/configmaps';
  const cases: [Record<string, unknown>, string][] = [
    [{ apiVersion: 'v1', kind: 'Pod' }, 'Pod in version "v1" cannot be handled as a ConfigMap: converting (v1.Pod) to (core.ConfigMap): unknown conversion'],
    [{ apiVersion: 'v1', kind: 'Widget' }, 'Widget in version "v1" cannot be handled as a ConfigMap: no kind "Widget" is registered for version "v1" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:29"'],
    [{ apiVersion: 'apps/v1', kind: 'Deployment' }, 'Deployment in version "v1" cannot be handled as a ConfigMap: converting (v1.Deployment) to (core.ConfigMap): unknown conversion'],
    [{ apiVersion: 'apps/v1' }, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: no kind "ConfigMap" is registered for version "apps/v1" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:29"'],
  ];
  for (const [typeMeta, message] of cases) {
    const a = await call(s, 'POST', cms, { body: { ...typeMeta, metadata: { name: 'wrong-kind' }, data: { k: 'v' } } });
    t.is(a.status, 400, JSON.stringify(typeMeta));
    t.is(a.json.reason, 'BadRequest');
    t.is(a.json.message, message);
  }
  t.is((await call(s, 'GET', `${cms}/wrong-kind`)).status, 404);
  // Either part left out takes the URL's, as the decoder's defaults do.
  t.is((await call(s, 'POST', cms, { body: { kind: 'ConfigMap', metadata: { name: 'no-version' } } })).status, 201);
  const created = await call(s, 'POST', cms, { body: { apiVersion: 'v1', metadata: { name: 'no-kind' }, data: { k: 'v' } } });
  t.is(created.status, 201);
  const put = await call(s, 'PUT', `${cms}/no-kind`, { body: { ...created.json, kind: 'Secret', data: {} } });
  t.is(put.status, 400);
  t.is(put.json.message, 'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion');
  t.deepEqual((await call(s, 'GET', `${cms}/no-kind`)).json.data, { k: 'v' }, 'the update changed nothing');
  // An Event is one kind in two versions: it decodes, then its version is refused.
  const ev = await call(s, 'POST', '/apis/events.k8s.io/v1/namespaces/default/events', { body: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' } } });
  t.is(ev.status, 400);
  t.is(ev.json.message, 'the API version in the data (v1) does not match the expected API version (events.k8s.io/v1)');
});

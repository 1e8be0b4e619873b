import test from 'ava';
import { startApiServer, type ApiServerHandle } from '../../../apiserver/index.js';
import { encodeKubernetesProtobuf, envelope } from '../../helpers/protobuf-encode.js';
import { call } from './api-client.js';

let s: ApiServerHandle;
test.before(async () => {
  s = await startApiServer({ port: 0 });
});
test.after.always(() => s?.close());

const PROTOBUF = { 'content-type': 'application/vnd.kubernetes.protobuf', accept: 'application/vnd.kubernetes.protobuf,application/json' };

test('protobuf › a create with a protobuf body is stored as its JSON twin and answered in JSON', async (t) => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'pb', labels: { app: 'pb' } }, spec: { ports: [{ name: 'http', port: 80, targetPort: 'http' }], selector: { app: 'pb' } } };
  const a = await call(s, 'POST', '/api/v1/namespaces/default/services', { body: encodeKubernetesProtobuf(svc), headers: PROTOBUF });
  t.is(a.status, 201, a.text);
  t.is(a.headers['content-type'], 'application/json');
  t.like(a.json, { kind: 'Service', metadata: { name: 'pb', namespace: 'default', labels: { app: 'pb' } }, spec: { type: 'ClusterIP', sessionAffinity: 'None', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } });
  // An update in protobuf too, preconditioned on the resourceVersion.
  const next = { ...svc, metadata: { ...svc.metadata, resourceVersion: a.json.metadata.resourceVersion, labels: { app: 'pb', rev: '2' } } };
  const u = await call(s, 'PUT', '/api/v1/namespaces/default/services/pb', { body: encodeKubernetesProtobuf(next), headers: PROTOBUF });
  t.is(u.status, 200, u.text);
  t.is(u.json.metadata.labels.rev, '2');
  const stale = await call(s, 'PUT', '/api/v1/namespaces/default/services/pb', { body: encodeKubernetesProtobuf(next), headers: PROTOBUF });
  t.is(stale.status, 409);
});

test('protobuf › a DELETE with protobuf DeleteOptions honours their preconditions', async (t) => {
  const created = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed' } } });
  const opts = (uid: string) => encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } });
  const wrong = await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/doomed', { body: opts('not-the-uid'), headers: PROTOBUF });
  t.is(wrong.status, 409, wrong.text);
  t.regex(wrong.json.message, /the UID in the precondition \(not-the-uid\) does not match the UID in record/);
  const ok = await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/doomed', { body: opts(created.json.metadata.uid), headers: PROTOBUF });
  t.is(ok.status, 200, ok.text);
});

test('protobuf › a body that is not protobuf is 400; a kind without a protobuf table is 415', async (t) => {
  const bad = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: '{"kind":"ConfigMap"}', headers: PROTOBUF });
  t.is(bad.status, 400);
  t.is(bad.json.reason, 'BadRequest');
  t.regex(bad.json.message, /does not appear to be a protobuf message/);
  const unknown = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: envelope('example.com/v1', 'Widget', new Uint8Array()), headers: PROTOBUF });
  t.is(unknown.status, 415);
  t.is(unknown.json.reason, 'UnsupportedMediaType');
  t.regex(unknown.json.message, /Widget/);
  const cbor = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: Buffer.from([0xd9, 0xd9, 0xf7]), headers: { 'content-type': 'application/cbor' } });
  t.is(cbor.status, 415);
});

// fieldValidation: unknown fields of JSON bodies (the tables of apiserver/protobuf are the schema).
const withTypo = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { portz: 3, ports: [{ port: 80, nodeport: 30001 }] } });

test('fieldValidation › Strict fails a create with kube-apiserver’s words; nothing is stored', async (t) => {
  const a = await call(s, 'POST', '/api/v1/namespaces/default/services?fieldValidation=Strict', { body: withTypo('strict') });
  t.is(a.status, 400);
  t.is(a.json.reason, 'BadRequest');
  t.is(a.json.message, 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.portz", unknown field "spec.ports[0].nodeport"');
  t.is((await call(s, 'GET', '/api/v1/namespaces/default/services/strict')).status, 404);
});

test('fieldValidation › Warn (the default) and Ignore store the object without the unknown fields; Warn says so in Warning headers', async (t) => {
  const warn = await call(s, 'POST', '/api/v1/namespaces/default/services', { body: withTypo('warn') });
  t.is(warn.status, 201, warn.text);
  t.is(warn.headers.warning, '299 - "unknown field \\"spec.portz\\"", 299 - "unknown field \\"spec.ports[0].nodeport\\""');
  t.false('portz' in warn.json.spec);
  t.deepEqual(Object.keys(warn.json.spec.ports[0]).sort(), ['port', 'protocol', 'targetPort']);
  const ignore = await call(s, 'POST', '/api/v1/namespaces/default/services?fieldValidation=Ignore', { body: withTypo('ignore') });
  t.is(ignore.status, 201);
  t.is(ignore.headers.warning, undefined);
  t.false('portz' in ignore.json.spec);
  const bad = await call(s, 'POST', '/api/v1/namespaces/default/services?fieldValidation=Loose', { body: withTypo('loose') });
  t.is(bad.status, 422, 'ValidateCreateOptions');
  t.regex(bad.json.message, /^CreateOptions\.meta\.k8s\.io "" is invalid: fieldValidation: Unsupported value: "Loose"/);
});

test('fieldValidation › a merge patch: Strict is 422 on "patch"; Warn drops the field and warns', async (t) => {
  await call(s, 'POST', '/api/v1/namespaces/default/services', { body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'patched' }, spec: { ports: [{ port: 80 }] } } });
  const merge = { 'content-type': 'application/merge-patch+json' };
  const strict = await call(s, 'PATCH', '/api/v1/namespaces/default/services/patched?fieldValidation=Strict', { body: { spec: { portz: 1 } }, headers: merge });
  t.is(strict.status, 422);
  t.is(strict.json.details.causes[0].field, 'patch');
  t.regex(strict.json.message, /is invalid: patch: Invalid value: ".*": strict decoding error: unknown field "spec\.portz"$/);
  const warn = await call(s, 'PATCH', '/api/v1/namespaces/default/services/patched', { body: { spec: { portz: 1 }, metadata: { labels: { a: 'b' } } }, headers: merge });
  t.is(warn.status, 200, warn.text);
  t.is(warn.headers.warning, '299 - "unknown field \\"spec.portz\\""');
  t.false('portz' in warn.json.spec);
  t.is(warn.json.metadata.labels.a, 'b');
});

test('fieldValidation › a server-side apply with an unknown field fails as kube-apiserver’s field manager fails it, whatever fieldValidation says', async (t) => {
  const apply = { 'content-type': 'application/apply-patch+yaml' };
  const body = 'apiVersion: v1\nkind: Service\nmetadata: {name: applied, namespace: default}\nspec:\n  portz: 3\n  ports: [{port: 80}]\n';
  for (const fv of ['Strict', 'Ignore']) {
    const a = await call(s, 'PATCH', `/api/v1/namespaces/default/services/applied?fieldManager=me&fieldValidation=${fv}`, { body, headers: apply });
    t.is(a.status, 500, fv);
    t.is(a.json.reason, undefined);
    t.is(a.json.message, 'failed to create typed patch object (default/applied; /v1, Kind=Service): .spec.portz: field not declared in schema');
  }
  t.is((await call(s, 'GET', '/api/v1/namespaces/default/services/applied')).status, 404);
  const ok = await call(s, 'PATCH', '/api/v1/namespaces/default/services/applied?fieldManager=me', { body: body.replace('  portz: 3\n', ''), headers: apply });
  t.is(ok.status, 201, ok.text);
});

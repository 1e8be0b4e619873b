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
  t.regex(wrong.json.message, /Precondition failed: UID in precondition: not-the-uid/);
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

import test from 'ava';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { parse } from 'yaml';
import { startApiServer, type ApiServerHandle } from '../../../apiserver/index.js';
import { call } from './api-client.js';

let s: ApiServerHandle;
test.before(async () => {
  s = await startApiServer({ port: 0 });
});
test.after.always(() => s?.close());

const cm = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { k: 'v' } });

test('server › health checks answer ok without a token', async (t) => {
  for (const p of ['/healthz', '/livez', '/readyz']) {
    const a = await call(s, 'GET', p, { token: null });
    t.is(a.status, 200, p);
    t.is(a.text, 'ok');
  }
});

test('server › health: ?verbose lists the checks, ?exclude marks them, /<endpoint>/<check> runs one, other names are not found', async (t) => {
  const verbose = await call(s, 'GET', '/readyz?verbose', { token: null });
  t.is(verbose.status, 200);
  t.is(verbose.text, '[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]informer-sync ok\n[+]shutdown ok\nreadyz check passed\n');
  const excluded = await call(s, 'GET', '/livez?verbose&exclude=etcd&exclude=nope&exclude=alsonope', { token: null });
  t.is(excluded.text, '[+]ping ok\n[+]log ok\n[+]etcd excluded: ok\nwarn: some health checks cannot be excluded: no matches for "alsonope","nope"\nlivez check passed\n');
  t.is((await call(s, 'GET', '/healthz?exclude=etcd', { token: null })).text, 'ok');
  const one = await call(s, 'GET', '/readyz/informer-sync');
  t.is(one.status, 200);
  t.is(one.text, 'ok');
  t.is((await call(s, 'GET', '/readyz/informer-sync', { token: null })).status, 401, 'one check is not public');
  t.is((await call(s, 'GET', '/livez/informer-sync')).status, 404, 'a readyz check only');
  t.is((await call(s, 'GET', '/healthz/nonexistent')).status, 404);
  t.is((await call(s, 'GET', '/healthz/ping/extra')).status, 404);
});

test('server › a request without the token is 401 with a Status', async (t) => {
  for (const token of [null, 'wrong']) {
    const a = await call(s, 'GET', '/api/v1/namespaces', { token });
    t.is(a.status, 401);
    t.is(a.headers['content-type'], 'application/json');
    t.deepEqual(a.json, { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  }
});

test('server › the token in the path prefix authorizes like the header', async (t) => {
  const a = await call(s, 'GET', `/token/${s.token}/api/v1/namespaces/default`, { token: null });
  t.is(a.status, 200);
  t.is(a.json.metadata.name, 'default');
  t.is((await call(s, 'GET', '/token/nope/api/v1/namespaces/default', { token: null })).status, 401);
});

test('server › /version is public and reports 1.33', async (t) => {
  const a = await call(s, 'GET', '/version?timeout=5s', { token: null });
  t.is(a.status, 200);
  t.like(a.json, { major: '1', minor: '33' });
});

test('server › discovery documents are JSON', async (t) => {
  const api = await call(s, 'GET', '/api?timeout=32s', { headers: { accept: 'application/json, */*' } });
  t.is(api.headers['content-type'], 'application/json');
  t.deepEqual(api.json.versions, ['v1']);
  t.is(api.json.serverAddressByClientCIDRs[0].serverAddress, `127.0.0.1:${s.port}`);
  t.is((await call(s, 'GET', '/apis')).json.kind, 'APIGroupList');
  const v1 = await call(s, 'GET', '/api/v1');
  t.true(v1.json.resources.some((r: { name: string }) => r.name === 'services/status'));
  t.is((await call(s, 'GET', '/apis/discovery.k8s.io/v1')).json.resources[0].kind, 'EndpointSlice');
  t.is((await call(s, 'POST', '/api/v1')).status, 405);
});

test('server › aggregated discovery v2 when the Accept header asks for it first', async (t) => {
  const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const core = await call(s, 'GET', '/api', { headers: { accept } });
  t.is(core.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  t.is(core.json.kind, 'APIGroupDiscoveryList');
  t.deepEqual(core.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['']);
  const groups = await call(s, 'GET', '/apis', { headers: { accept } });
  t.true(groups.json.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'discovery.k8s.io'));
  const v2beta1Only = await call(s, 'GET', '/apis', { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' } });
  t.is(v2beta1Only.json.kind, 'APIGroupList');
});

test('server › OpenAPI v2 is an empty protobuf document; v3 is 404', async (t) => {
  const v2 = await call(s, 'GET', '/openapi/v2', { headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
  t.is(v2.status, 200);
  t.is(v2.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
  t.is(v2.text, '');
  t.is((await call(s, 'GET', '/openapi/v3')).status, 404);
});

test('server › an unknown path is 404 with a Status', async (t) => {
  const a = await call(s, 'GET', '/apis/example.com/v1/widgets');
  t.is(a.status, 404);
  t.like(a.json, { kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource', code: 404 });
  t.is((await call(s, 'GET', '/svcplane/faults/requests')).status, 404, 'fault injection is off');
});

test('server › create 201, get 200, conflict on create again, 404 for a missing object', async (t) => {
  const created = await call(s, 'POST', '/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict', { body: cm('crud') });
  t.is(created.status, 201);
  t.is(created.headers['content-type'], 'application/json');
  t.truthy(created.json.metadata.uid);
  const got = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/crud');
  t.is(got.status, 200);
  t.is(got.json.metadata.resourceVersion, created.json.metadata.resourceVersion);
  const again = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('crud') });
  t.is(again.status, 409);
  t.like(again.json, { reason: 'AlreadyExists', message: 'configmaps "crud" already exists' });
  const missing = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/nope');
  t.is(missing.status, 404);
  t.like(missing.json, { reason: 'NotFound', message: 'configmaps "nope" not found', details: { name: 'nope', kind: 'configmaps' } });
});

test('server › PUT updates (200), a stale resourceVersion is 409, create-on-update types answer 201', async (t) => {
  const created = (await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('put') })).json;
  const updated = await call(s, 'PUT', '/api/v1/namespaces/default/configmaps/put', { body: { ...created, data: { k: 'w' } } });
  t.is(updated.status, 200);
  t.is(updated.json.data.k, 'w');
  const stale = await call(s, 'PUT', '/api/v1/namespaces/default/configmaps/put', { body: { ...created, data: { k: 'x' } } });
  t.is(stale.status, 409);
  t.is(stale.json.reason, 'Conflict');
  const ep = await call(s, 'PUT', '/api/v1/namespaces/default/endpoints/ep1', { body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ep1' } } });
  t.is(ep.status, 201);
});

test('server › the URL decides name and namespace: mismatches are 400', async (t) => {
  const ns = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: { ...cm('m1'), metadata: { name: 'm1', namespace: 'kube-system' } } });
  t.is(ns.status, 400);
  t.is(ns.json.message, 'the namespace of the provided object does not match the namespace sent on the request');
  const name = await call(s, 'PUT', '/api/v1/namespaces/default/configmaps/m2', { body: cm('other') });
  t.is(name.status, 400);
  t.is(name.json.message, 'the name of the object (other) does not match the name on the URL (m2)');
});

test('server › malformed bodies and methods get the right Status', async (t) => {
  const bad = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: '{"metadata":' });
  t.is(bad.status, 400);
  t.regex(bad.json.message, /^couldn't get version\/kind; json parse error/);
  const notAllowed = await call(s, 'POST', '/api/v1/namespaces/default/configmaps/x', { body: cm('x') });
  t.deepEqual(notAllowed.json, { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 405, reason: 'MethodNotAllowed',
    message: 'the server does not allow this method on the requested resource', details: {} });
  t.is((await call(s, 'POST', '/api/v1/configmaps', { body: cm('x') })).status, 405);
  // Namespaces cannot be deleted as a collection: nothing is deleted.
  t.is((await call(s, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'keep-me' } } })).status, 201);
  t.is((await call(s, 'DELETE', '/api/v1/namespaces?labelSelector=kubernetes.io%2Fmetadata.name%3Dkeep-me')).status, 405);
  t.is((await call(s, 'GET', '/api/v1/namespaces/keep-me')).json.status.phase, 'Active');
  const media = await call(s, 'PATCH', '/api/v1/namespaces/default/configmaps/x', { body: '{}', headers: { 'content-type': 'text/plain' } });
  t.is(media.status, 415);
  t.is(media.json.reason, 'UnsupportedMediaType');
  const big = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ ...cm('big'), data: { k: 'x'.repeat(4 * 1024 * 1024) } }) });
  t.is(big.status, 413);
  t.is(big.json.reason, 'RequestEntityTooLarge');
  t.is(big.json.message, 'Request entity too large: limit is 3145728');
});

test('server › bodies: YAML is accepted; a protobuf envelope with no object is 400 (protobuf-bodies.test.ts has the rest)', async (t) => {
  const yaml = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n', headers: { 'content-type': 'application/yaml' } });
  t.is(yaml.status, 201);
  t.is(yaml.json.metadata.name, 'from-yaml');
  const pb = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: 'k8s\u0000', headers: { 'content-type': 'application/vnd.kubernetes.protobuf' } });
  t.is(pb.status, 400);
  t.is(pb.json.reason, 'BadRequest');
  t.regex(pb.json.message, /empty body/);
});

test('server › kubectl\'s Table Accept header gets a meta.k8s.io Table of the list', async (t) => {
  await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('table') });
  const a = await call(s, 'GET', '/api/v1/namespaces/default/configmaps?limit=500', {
    headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' },
  });
  t.is(a.status, 200);
  t.is(a.headers['content-type'], 'application/json');
  t.like(a.json, { kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
  t.true(a.json.rows.some((row: { cells: unknown[] }) => row.cells[0] === 'table'));
});

test('server › PATCH: merge patch 200 and apply that creates 201', async (t) => {
  await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('patched') });
  const merged = await call(s, 'PATCH', '/api/v1/namespaces/default/configmaps/patched?fieldManager=kubectl-patch', { body: { data: { extra: '1' } }, headers: { 'content-type': 'application/merge-patch+json' } });
  t.is(merged.status, 200);
  t.deepEqual(merged.json.data, { k: 'v', extra: '1' });
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: b\n';
  const applied = await call(s, 'PATCH', '/api/v1/namespaces/default/configmaps/applied?fieldManager=test&force=true', { body: yaml, headers: { 'content-type': 'application/apply-patch+yaml' } });
  t.is(applied.status, 201);
  t.deepEqual(applied.json.data, { a: 'b' });
  const noManager = await call(s, 'PATCH', '/api/v1/namespaces/default/configmaps/applied', { body: yaml, headers: { 'content-type': 'application/apply-patch+yaml' } });
  t.is(noManager.status, 422);
});

test('server › DELETE with kubectl\'s body: a Success Status for configmaps; dryRun changes nothing', async (t) => {
  await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('del') });
  const dry = await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/del', { body: { propagationPolicy: 'Background', dryRun: ['All'] } });
  t.is(dry.status, 200, dry.text);
  t.like(dry.json, { kind: 'Status', status: 'Success', details: { name: 'del', kind: 'configmaps' } }, 'a dry run answers what the delete would');
  t.is((await call(s, 'GET', '/api/v1/namespaces/default/configmaps/del')).status, 200);
  const dryByQuery = await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/del?dryRun=All');
  t.is(dryByQuery.status, 200, dryByQuery.text);
  t.is((await call(s, 'GET', '/api/v1/namespaces/default/configmaps/del')).status, 200, 'without a body the query parameters are the options');
  const del = await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/del', { body: { propagationPolicy: 'Background' } });
  t.is(del.status, 200);
  t.like(del.json, { kind: 'Status', status: 'Success', details: { name: 'del', kind: 'configmaps' } });
  t.is((await call(s, 'GET', '/api/v1/namespaces/default/configmaps/del')).status, 404);
  t.is((await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/del')).status, 404);
});

test('server › DELETE with orphanDependents false answers 202 while the object stays (finalizers), 200 once it goes, as delete.go', async (t) => {
  const path = '/api/v1/namespaces/default/configmaps';
  await call(s, 'POST', path, { body: { ...cm('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
  await call(s, 'POST', path, { body: cm('gone') });
  await call(s, 'POST', path, { body: { ...cm('plain'), metadata: { name: 'plain', finalizers: ['example.com/hold'] } } });
  const dry = await call(s, 'DELETE', `${path}/held`, { body: { orphanDependents: false, dryRun: ['All'] } });
  t.is(dry.status, 202, dry.text);
  const held = await call(s, 'DELETE', `${path}/held`, { body: { orphanDependents: false } });
  t.is(held.status, 202, held.text);
  t.truthy(held.json.metadata.deletionTimestamp);
  t.is((await call(s, 'DELETE', `${path}/gone?orphanDependents=false`)).status, 200, 'deleted at once: 200');
  t.is((await call(s, 'DELETE', `${path}/plain`, { body: { propagationPolicy: 'Background' } })).status, 200, 'without orphanDependents: 200');
});

test('server › DELETE on a collection removes what the selector matches and lists it', async (t) => {
  t.is((await call(s, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dc' } } })).status, 201);
  for (const [n, tier] of [['a', 'x'], ['b', 'x'], ['c', 'y']]) await call(s, 'POST', '/api/v1/namespaces/dc/configmaps', { body: cm(n, { tier }) });
  const a = await call(s, 'DELETE', '/api/v1/namespaces/dc/configmaps?labelSelector=tier%3Dx');
  t.is(a.status, 200);
  t.is(a.json.kind, 'ConfigMapList');
  t.deepEqual(a.json.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['a', 'b']);
  const left = await call(s, 'GET', '/api/v1/namespaces/dc/configmaps');
  t.deepEqual(left.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['c']);
});

test('server › the status subresource changes only status', async (t) => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'st' }, spec: { ports: [{ port: 80 }] } };
  const created = (await call(s, 'POST', '/api/v1/namespaces/default/services', { body: svc })).json;
  const lb = { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } };
  const a = await call(s, 'PUT', '/api/v1/namespaces/default/services/st/status', { body: { ...created, spec: { ...created.spec, ports: [{ port: 81 }] }, status: lb } });
  t.is(a.status, 200);
  t.deepEqual(a.json.status, lb);
  t.is(a.json.spec.ports[0].port, 80);
  const got = await call(s, 'GET', '/api/v1/namespaces/default/services/st/status');
  t.deepEqual(got.json.status, lb);
});

test('server › list across namespaces, with selectors and bad selectors', async (t) => {
  await call(s, 'POST', '/api/v1/namespaces/kube-system/configmaps', { body: cm('ks', { app: 'sel' }) });
  await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('df', { app: 'sel' }) });
  const a = await call(s, 'GET', '/api/v1/configmaps?labelSelector=app%3Dsel');
  t.deepEqual(a.json.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace).sort(), ['default', 'kube-system']);
  t.is((await call(s, 'GET', '/api/v1/configmaps?labelSelector=a%20in%20(')).status, 400);
  t.is((await call(s, 'GET', '/api/v1/configmaps?fieldSelector=spec.nope%3D1')).status, 400);
});

test('startApiServer › writes a 0600 kubeconfig for its URL and token, and close() removes its temporary one', async (t) => {
  const own = await startApiServer();
  t.regex(own.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.not(own.token, s.token);
  t.is((await stat(own.kubeconfigPath)).mode & 0o777, 0o600);
  const kc = parse(await readFile(own.kubeconfigPath, 'utf8')) as { clusters: { cluster: Record<string, unknown> }[]; users: { user: { token: string } }[] };
  t.deepEqual(kc.clusters[0].cluster, { server: `${own.url}/token/${own.token}`, 'insecure-skip-tls-verify': true });
  t.is(kc.users[0].user.token, own.token);
  await own.close();
  t.false(existsSync(own.kubeconfigPath));
});

test('server › a request target that is not a URL is a 404, not a crash', async (t) => {
  const { connect } = await import('node:net');
  const raw = await new Promise<string>((resolve, reject) => {
    const sock = connect(s.port, '127.0.0.1', () => sock.end(`GET http://[bad HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\nConnection: close\r\n\r\n`));
    let text = '';
    sock.on('data', (c) => (text += c.toString()));
    sock.on('end', () => resolve(text));
    sock.on('error', reject);
  });
  t.regex(raw, /^HTTP\/1\.1 404 /);
  t.is((await call(s, 'GET', '/healthz')).status, 200);
});

test('server › every request on v1 Endpoints warns that they are deprecated, beside any other warning, failures included', async (t) => {
  const deprecated = '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"';
  const warnings = (h: string | string[] | undefined) => (h === undefined ? [] : Array.isArray(h) ? h : h.split(/,\s*(?=299 )/));
  const created = await call(s, 'POST', '/api/v1/namespaces/default/endpoints', { body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ep' }, subsetz: [] } });
  t.is(created.status, 201, created.text);
  t.deepEqual(warnings(created.headers.warning), [deprecated, '299 - "unknown field \\"subsetz\\""']);
  t.deepEqual(warnings((await call(s, 'GET', '/api/v1/namespaces/default/endpoints')).headers.warning), [deprecated]);
  t.deepEqual(warnings((await call(s, 'GET', '/api/v1/namespaces/default/endpoints/missing')).headers.warning), [deprecated]);
  t.deepEqual(warnings((await call(s, 'GET', '/api/v1/namespaces/default/services')).headers.warning), []);
});

test('server › list parameters as kube-apiserver reads them: an unknown resourceVersionMatch is a 422 on ListOptions, a negative limit is no limit', async (t) => {
  const bad = await call(s, 'GET', '/api/v1/namespaces/default/configmaps?resourceVersion=1&resourceVersionMatch=Newest');
  t.is(bad.status, 422);
  t.is(bad.json.message, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""');
  const all = await call(s, 'GET', '/api/v1/namespaces/default/configmaps?limit=-1');
  t.is(all.status, 200);
  t.is(all.json.metadata.continue, undefined);
});

test('server › an expired continue token is a 410 whose Status carries a token that resumes the list at the latest version', async (t) => {
  for (const name of ['pg-a', 'pg-b', 'pg-c']) t.is((await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm(name, { paging: 'yes' }) })).status, 201);
  const list = '/api/v1/namespaces/default/configmaps?labelSelector=paging%3Dyes';
  const first = await call(s, 'GET', `${list}&limit=1`);
  s.store.expireContinueTokens();
  const gone = await call(s, 'GET', `${list}&limit=1&continue=${first.json.metadata.continue}`);
  t.is(gone.status, 410);
  t.is(gone.json.reason, 'Expired');
  t.is(typeof gone.json.metadata.continue, 'string');
  const rest = await call(s, 'GET', `${list}&continue=${gone.json.metadata.continue}`);
  t.is(rest.status, 200);
  t.deepEqual(rest.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['pg-b', 'pg-c']);
});

import test, { type ExecutionContext } from 'ava';
import { request } from 'node:http';
import type { KubeObject, Status, WatchEvent } from '../../../api-types/meta.js';
import { tableWatchSink } from '../../../apiserver/http/table-response.js';
import { startApiServer, type ApiServerHandle } from '../../../apiserver/index.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { MemoryStore } from '../../../apiserver/store.js';
import type { Table } from '../../../apiserver/tables/types.js';
import { FakeStoreClock } from '../../helpers/fake-store-clock.js';
import { call } from './api-client.js';
import { NdjsonReader } from './ndjson-reader.js';

const KUBECTL_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const TABLE = { accept: KUBECTL_ACCEPT };

async function server(t: ExecutionContext, opts: { faults?: boolean } = {}): Promise<{ s: ApiServerHandle; clock: FakeStoreClock }> {
  const clock = new FakeStoreClock('2026-01-02T03:04:05Z');
  const store = new MemoryStore({ clock });
  const s = await startApiServer({ port: 0, store, faults: opts.faults });
  t.teardown(async () => {
    await s.close();
    store.close();
  });
  return { s, clock };
}

const service = (name: string) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: name } },
  spec: { type: 'NodePort', clusterIP: '10.96.0.10', selector: { app: name }, ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] },
});
const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1', b: '2' } });

async function create(s: ApiServerHandle, path: string, body: object): Promise<KubeObject> {
  const a = await call(s, 'POST', path, { body });
  if (a.status !== 201) throw new Error(a.text);
  return a.json as KubeObject;
}

/** Opens a watch with request headers; resolves once the response headers arrived. */
function watchWith(s: ApiServerHandle, path: string, headers: Record<string, string>): Promise<{ status: number; contentType?: string; reader: NdjsonReader; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(`${s.url}${path}`, { headers: { authorization: `Bearer ${s.token}`, ...headers } }, (res) => {
      resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], reader: new NdjsonReader(res), close: () => req.destroy() });
    });
    req.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
    req.end();
  });
}

test('get › a Service asked for as kubectl asks is a meta.k8s.io/v1 Table with the printer cells, aged on the store clock', async (t) => {
  const { s, clock } = await server(t);
  const created = await create(s, '/api/v1/namespaces/default/services', service('web'));
  clock.advance(5 * 60_000);
  const a = await call(s, 'GET', '/api/v1/namespaces/default/services/web', { headers: TABLE });
  t.is(a.status, 200);
  t.is(a.headers['content-type'], 'application/json');
  const table = a.json as Table;
  t.like(table, { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: created.metadata.resourceVersion } });
  t.deepEqual(table.columnDefinitions?.map((c) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  t.deepEqual(table.rows?.[0].cells, ['web', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP', '5m', 'app=web']);
  t.deepEqual(table.rows?.[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: created.metadata });
});

test('get › v1beta1 first is a v1beta1 Table; Table not first or absent is the plain object', async (t) => {
  const { s } = await server(t);
  await create(s, '/api/v1/namespaces/default/configmaps', configMap('cm'));
  const path = '/api/v1/namespaces/default/configmaps/cm';
  const beta = await call(s, 'GET', path, { headers: { accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' } });
  t.like(beta.json, { kind: 'Table', apiVersion: 'meta.k8s.io/v1beta1', rows: [{ cells: ['cm', 2, '0s'], object: { apiVersion: 'meta.k8s.io/v1beta1' } }] });
  for (const accept of ['application/json', 'application/json,application/json;as=Table;v=v1;g=meta.k8s.io', '*/*']) {
    const plain = await call(s, 'GET', path, { headers: { accept } });
    t.like(plain.json, { kind: 'ConfigMap', data: { a: '1' } }, accept);
  }
  t.like((await call(s, 'GET', path)).json, { kind: 'ConfigMap' }, 'no Accept');
});

test('get › includeObject: None is null, Object the whole object; another value is a 400; a missing object stays a 404 Status', async (t) => {
  const { s } = await server(t);
  const cm = await create(s, '/api/v1/namespaces/default/configmaps', configMap('cm'));
  const path = '/api/v1/namespaces/default/configmaps/cm';
  t.is((await call(s, 'GET', `${path}?includeObject=None`, { headers: TABLE })).json.rows[0].object, null);
  t.deepEqual((await call(s, 'GET', `${path}?includeObject=Object`, { headers: TABLE })).json.rows[0].object, cm);
  const bad = await call(s, 'GET', `${path}?includeObject=Everything`, { headers: TABLE });
  t.is(bad.status, 400);
  t.like(bad.json, { kind: 'Status', reason: 'BadRequest' });
  const missing = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/nope?includeObject=Everything', { headers: TABLE });
  t.is(missing.status, 404);
  t.like(missing.json, { kind: 'Status', reason: 'NotFound', message: 'configmaps "nope" not found' });
});

test('list › a row per item with the list resourceVersion, continue and remainingItemCount', async (t) => {
  const { s } = await server(t);
  for (const n of ['a', 'b', 'c']) await create(s, '/api/v1/namespaces/default/configmaps', configMap(n));
  const first = (await call(s, 'GET', '/api/v1/namespaces/default/configmaps?limit=2', { headers: TABLE })).json as Table;
  t.deepEqual(first.rows?.map((r) => r.cells[0]), ['a', 'b']);
  t.truthy(first.metadata.continue);
  t.is(first.metadata.remainingItemCount, 1);
  t.truthy(first.metadata.resourceVersion);
  const rest = (await call(s, 'GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(first.metadata.continue!)}`, { headers: TABLE })).json as Table;
  t.deepEqual(rest.rows?.map((r) => r.cells[0]), ['c']);
  t.is(rest.metadata.continue, undefined);
});

test('list › an empty list: [] rows from a printer, null from the default convertor (Roles)', async (t) => {
  const { s } = await server(t);
  t.deepEqual((await call(s, 'GET', '/api/v1/namespaces/default/pods', { headers: TABLE })).json.rows, []);
  const roles = (await call(s, 'GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', { headers: TABLE })).json as Table;
  t.is(roles.rows, null);
  t.deepEqual(roles.columnDefinitions?.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
});

test('list › cluster-scoped Namespaces print their phase', async (t) => {
  const { s } = await server(t);
  const table = (await call(s, 'GET', '/api/v1/namespaces', { headers: TABLE })).json as Table;
  t.deepEqual(table.rows?.map((r) => r.cells.slice(0, 2)), [['default', 'Active'], ['kube-node-lease', 'Active'], ['kube-public', 'Active'], ['kube-system', 'Active']]);
});

test('watch › each event is a one-row Table; only the first carries columnDefinitions', async (t) => {
  const { s, clock } = await server(t);
  await create(s, '/api/v1/namespaces/default/configmaps', configMap('a'));
  const w = await watchWith(s, '/api/v1/namespaces/default/configmaps?watch=true', TABLE);
  t.teardown(() => w.close());
  t.is(w.status, 200);
  t.is(w.contentType, 'application/json');
  await w.reader.until(() => w.reader.lines.length === 1, 'the synthetic ADDED');
  clock.advance(90_000);
  await create(s, '/api/v1/namespaces/default/configmaps', configMap('b'));
  await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/a');
  await w.reader.until(() => w.reader.lines.length === 3, 'three events');
  const events = w.reader.lines as unknown as { type: string; object: Table }[];
  t.deepEqual(events.map((e) => e.type), ['ADDED', 'ADDED', 'DELETED']);
  t.true(events.every((e) => e.object.kind === 'Table' && e.object.rows?.length === 1));
  t.deepEqual(events[0].object.columnDefinitions?.map((c) => c.name), ['Name', 'Data', 'Age']);
  t.is(events[1].object.columnDefinitions, null);
  t.is(events[2].object.columnDefinitions, null);
  t.deepEqual(events.map((e) => e.object.rows?.[0].cells), [['a', 2, '0s'], ['b', 2, '0s'], ['a', 2, '90s']]);
  t.is(events[1].object.metadata.resourceVersion, (events[1].object.rows?.[0].object as KubeObject).metadata.resourceVersion);
});

test('watch › a streaming list (sendInitialEvents with bookmarks) is never a Table; a plain watch stays plain', async (t) => {
  const { s } = await server(t);
  await create(s, '/api/v1/namespaces/default/configmaps', configMap('a'));
  const list = await watchWith(s, '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan', TABLE);
  t.teardown(() => list.close());
  await list.reader.until(() => list.reader.lines.length >= 2, 'the initial event and its bookmark');
  t.like(list.reader.lines[0], { type: 'ADDED', object: { kind: 'ConfigMap' } });
  t.like(list.reader.lines[1], { type: 'BOOKMARK', object: { kind: 'ConfigMap' } });
  const plain = await watchWith(s, '/api/v1/namespaces/default/configmaps?watch=true', { accept: 'application/json' });
  t.teardown(() => plain.close());
  await plain.reader.until(() => plain.reader.lines.length === 1, 'the synthetic ADDED');
  t.like(plain.reader.lines[0], { type: 'ADDED', object: { kind: 'ConfigMap', data: { a: '1' } } });
});

test('watch › a bad includeObject is a 400 before the stream starts; a too-old resourceVersion is still an ERROR Status', async (t) => {
  const { s } = await server(t, { faults: true });
  const bad = await call(s, 'GET', '/api/v1/namespaces/default/configmaps?watch=true&includeObject=Nope', { headers: TABLE });
  t.is(bad.status, 400);
  t.like(bad.json, { kind: 'Status', reason: 'BadRequest' });
  await create(s, '/api/v1/namespaces/default/configmaps', configMap('a'));
  await create(s, '/api/v1/namespaces/default/configmaps', configMap('b'));
  s.faults!.compact();
  const w = await watchWith(s, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1', TABLE);
  t.teardown(() => w.close());
  await w.reader.until(() => w.reader.lines.length === 1, 'the ERROR');
  t.like(w.reader.lines[0], { type: 'ERROR', object: { kind: 'Status', code: 410 } });
});

test('tableWatchSink › a Status passes untouched, yet uses up the headers; BOOKMARKs become Tables; end is passed on', (t) => {
  const got: WatchEvent[] = [];
  let ended = false;
  const sink = tableWatchSink({ event: (ev) => got.push(ev), end: () => (ended = true) }, new FakeStoreClock(), resourceFor('', 'configmaps'), {
    target: { groupVersion: 'meta.k8s.io/v1' },
    includeObject: 'Metadata',
  });
  const status: Status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'gone', reason: 'Expired', code: 410 };
  sink.event({ type: 'ERROR', object: status });
  sink.event({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '12' } } });
  sink.end();
  t.is(got[0].object, status);
  t.like(got[1].object, { kind: 'Table', metadata: { resourceVersion: '12' }, columnDefinitions: null, rows: [{ cells: ['', 0, '<unknown>'] }] });
  t.true(ended);
});

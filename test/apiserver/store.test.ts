import test, { type ExecutionContext } from 'ava';
import type { KubeObject, Status } from '../../api-types/meta.js';
import { ApiError } from '../../apiserver/errors.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { FakeStoreClock } from '../helpers/fake-store-clock.js';
import { deepFreeze } from '../helpers/deep-freeze.js';

const configmaps = resourceFor('', 'configmaps');
const services = resourceFor('', 'services');
const pods = resourceFor('', 'pods');
const slices = resourceFor('discovery.k8s.io', 'endpointslices');
const leases = resourceFor('coordination.k8s.io', 'leases');
const endpoints = resourceFor('', 'endpoints');
const namespaces = resourceFor('', 'namespaces');
const deployments = resourceFor('apps', 'deployments');

const newStore = () => new MemoryStore({ clock: new FakeStoreClock() });
const container = (image = 'nginx:1') => ({ name: 'c', image });
const pod = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ metadata: { name }, spec: { containers: [container()], ...spec } });
const svc = (name: string, port = 80, meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({ metadata: { name, ...meta }, spec: { ports: [{ port }] } });
const portOf = (o: KubeObject) => (o.spec as { ports: { port: number }[] }).ports[0].port;
const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({ metadata: { name }, data });

function apiError(t: ExecutionContext, fn: () => unknown): ApiError {
  const err = t.throws(fn, { instanceOf: ApiError }) as ApiError;
  return err;
}

test('MemoryStore › create assigns uid, second-precision creationTimestamp, the next RV and kind', (t) => {
  const s = newStore();
  const before = Number(s.currentResourceVersion());
  const body = deepFreeze(cm('a', { k: 'v' }));
  const got = s.create(configmaps, 'default', body);
  t.regex(got.metadata.uid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.is(got.metadata.creationTimestamp, '2026-01-02T03:04:05Z');
  t.is(got.metadata.resourceVersion, String(before + 1));
  t.is(got.metadata.namespace, 'default');
  t.is(got.kind, 'ConfigMap');
  t.is(got.apiVersion, 'v1');
  t.is(got.metadata.generation, undefined);
  t.is(s.currentResourceVersion(), String(before + 1));
});

test('MemoryStore › create ignores uid and timestamps from the body', (t) => {
  const s = newStore();
  const got = s.create(configmaps, 'default', { metadata: { name: 'a', uid: 'mine', creationTimestamp: '2000-01-01T00:00:00Z', generation: 7 } });
  t.not(got.metadata.uid, 'mine');
  t.is(got.metadata.creationTimestamp, '2026-01-02T03:04:05Z');
});

const createFailures: { name: string; run: (s: MemoryStore) => unknown; code: number; reason: ApiError['reason']; message?: string }[] = [
  { name: 'duplicate name', run: (s) => { s.create(configmaps, 'default', cm('a')); s.create(configmaps, 'default', cm('a')); }, code: 409, reason: 'AlreadyExists', message: 'configmaps "a" already exists' },
  { name: 'missing namespace', run: (s) => s.create(configmaps, 'nope', cm('a')), code: 404, reason: 'NotFound', message: 'namespaces "nope" not found' },
  { name: 'namespace mismatch', run: (s) => s.create(configmaps, 'default', { metadata: { name: 'a', namespace: 'kube-system' } }), code: 400, reason: 'BadRequest' },
  // storage.ErrResourceVersionSetOnCreate, a plain error: a 500 with no reason and its bare text.
  { name: 'resourceVersion set', run: (s) => s.create(configmaps, 'default', { metadata: { name: 'a', resourceVersion: '3' } }), code: 500, reason: '', message: 'resourceVersion should not be set on objects to be created' },
  { name: 'no name', run: (s) => s.create(configmaps, 'default', { metadata: {} }), code: 422, reason: 'Invalid' },
];
for (const c of createFailures) {
  test(`MemoryStore › create fails: ${c.name}`, (t) => {
    const err = apiError(t, () => c.run(newStore()));
    t.is(err.code, c.code);
    t.is(err.reason, c.reason);
    if (c.message) t.is(err.status.message, c.message);
  });
}

test('MemoryStore › the four default namespaces exist and are Active', (t) => {
  const s = newStore();
  const names = s.list(namespaces).items.map((n) => n.metadata.name);
  t.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  t.is((s.get(namespaces, undefined, 'default').status as { phase: string }).phase, 'Active');
});

test('MemoryStore › generateName appends 5 safe characters to a prefix cut to 58', (t) => {
  const s = new MemoryStore({ clock: new FakeStoreClock(), random: () => 0 });
  const prefix = 'x'.repeat(70);
  const got = s.create(configmaps, 'default', { metadata: { generateName: prefix } });
  t.is(got.metadata.name, 'x'.repeat(58) + 'bbbbb');
});

test('MemoryStore › generateName retries collisions, then gives up with 409 after 8 tries', (t) => {
  // Draws used only for names: 5 per name. The first 5 names collide with "a-bbbbb", then a new one.
  let calls = 0;
  const seq = () => (calls++ < 5 * 3 ? 0 : 0.5);
  const s = new MemoryStore({ clock: new FakeStoreClock(), random: seq });
  calls = 0;
  const first = s.create(configmaps, 'default', { metadata: { generateName: 'a-' } });
  t.is(first.metadata.name, 'a-bbbbb');
  // uids draw from random too: reset so the next names start from the colliding draws again.
  calls = 0;
  const second = s.create(configmaps, 'default', { metadata: { generateName: 'a-' } });
  t.not(second.metadata.name, 'a-bbbbb');
  const always = new MemoryStore({ clock: new FakeStoreClock(), random: () => 0 });
  always.create(configmaps, 'default', { metadata: { generateName: 'b-' } });
  const err = apiError(t, () => always.create(configmaps, 'default', { metadata: { generateName: 'b-' } }));
  t.is(err.code, 409);
  t.is(err.status.message, 'configmaps "b-bbbbb" already exists, the server was not able to generate a unique name for the object');
});

test('MemoryStore › get and list return copies the caller may mutate', (t) => {
  const s = newStore();
  s.create(configmaps, 'default', cm('a', { k: 'v' }));
  const got = s.get(configmaps, 'default', 'a');
  (got.data as Record<string, string>).k = 'changed';
  s.list(configmaps).items[0].metadata.name = 'zzz';
  t.deepEqual(s.get(configmaps, 'default', 'a').data, { k: 'v' });
});

test('MemoryStore › a handed-over write keeps the body and answers with the stored object; a plain one copies both ways', (t) => {
  const s = newStore();
  const body = cm('a', { k: 'v' });
  const plain = s.create(configmaps, 'default', body);
  t.false(Object.isFrozen(plain));
  t.is(body.metadata.uid, undefined, 'a plain write leaves the body alone');
  (plain.data as Record<string, string>).k = 'changed';
  t.deepEqual(s.get(configmaps, 'default', 'a').data, { k: 'v' });
  const handed = s.update(configmaps, 'default', 'a', { ...s.get(configmaps, 'default', 'a'), data: { k: 'two' } }, { isHandedOver: true }).object;
  t.true(Object.isFrozen(handed) && Object.isFrozen(handed.data));
  t.deepEqual(handed, s.get(configmaps, 'default', 'a'));
  const created = s.create(configmaps, 'default', cm('b'), { isHandedOver: true });
  t.true(Object.isFrozen(created));
  t.is(created.metadata.resourceVersion, s.currentResourceVersion());
  const patched = s.patch(configmaps, 'default', 'b', 'application/merge-patch+json', '{"data":{"p":"1"}}', { isHandedOver: true }).object;
  t.true(Object.isFrozen(patched));
  t.deepEqual(patched.data, { p: '1' });
});

test('MemoryStore › an update shares the members it leaves equal with the previous state (one stored copy)', (t) => {
  const s = newStore();
  const seen: KubeObject[] = [];
  s.watch(pods, {}, { event: (e) => seen.push(e.object as KubeObject), end: () => {} });
  const created = s.create(pods, 'default', pod('p'));
  s.update(pods, 'default', 'p', { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } });
  const [before, after] = seen.slice(-2);
  t.is(after.spec, before.spec);
  t.is(after.metadata.labels?.a, 'b');
  const changed = s.get(pods, 'default', 'p');
  (changed.spec as { containers: { image: string }[] }).containers[0].image = 'nginx:2';
  s.update(pods, 'default', 'p', changed);
  t.not(seen[seen.length - 1].spec, after.spec);
  t.is((seen[seen.length - 1].spec as { containers: { image: string }[] }).containers[0].image, 'nginx:2');
});

test('MemoryStore › update with a stale resourceVersion is a 409 Conflict', (t) => {
  const s = newStore();
  const a = s.create(configmaps, 'default', cm('a'));
  s.update(configmaps, 'default', 'a', { ...a, data: { n: '1' } });
  const err = apiError(t, () => s.update(configmaps, 'default', 'a', { ...a, data: { n: '2' } }));
  t.is(err.code, 409);
  t.is(err.reason, 'Conflict');
  t.is(err.status.message, 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again');
});

test('MemoryStore › update without resourceVersion: allowed unless the type forbids it (Lease 422)', (t) => {
  const s = newStore();
  s.create(configmaps, 'default', cm('a'));
  const { object } = s.update(configmaps, 'default', 'a', cm('a', { n: '1' }));
  t.deepEqual(object.data, { n: '1' });
  s.create(leases, 'default', { metadata: { name: 'l' }, spec: {} });
  const err = apiError(t, () => s.update(leases, 'default', 'l', { metadata: { name: 'l' }, spec: { holderIdentity: 'x' } }));
  t.is(err.code, 422);
  // The generic store puts the resource where the kind belongs (store.go Update).
  t.is(err.status.message, 'leases.coordination.k8s.io "l" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
  t.like(err.status.details, { kind: 'leases', group: 'coordination.k8s.io', name: 'l' });
});

test('MemoryStore › update of a missing object: 404, or a create for allowCreateOnUpdate types', (t) => {
  const s = newStore();
  t.is(apiError(t, () => s.update(configmaps, 'default', 'a', cm('a'))).code, 404);
  const res = s.update(endpoints, 'default', 'web', { metadata: { name: 'web' }, subsets: [] });
  t.true(res.created);
  t.truthy(res.object.metadata.uid);
});

test('MemoryStore › an update that changes nothing keeps the RV and sends no event', (t) => {
  const s = newStore();
  const a = s.create(configmaps, 'default', cm('a', { k: 'v' }));
  const seen: string[] = [];
  s.watch(configmaps, { resourceVersion: a.metadata.resourceVersion }, { event: (e) => seen.push(e.type), end: () => {} });
  const rv = s.currentResourceVersion();
  const { object } = s.update(configmaps, 'default', 'a', structuredClone(a));
  t.is(object.metadata.resourceVersion, a.metadata.resourceVersion);
  t.is(s.currentResourceVersion(), rv);
  t.deepEqual(seen, []);
});

test('MemoryStore › uid is immutable and creationTimestamp is kept on update', (t) => {
  const s = newStore();
  const a = s.create(configmaps, 'default', cm('a'));
  const err = apiError(t, () => s.update(configmaps, 'default', 'a', { ...a, metadata: { ...a.metadata, uid: 'other' } }));
  t.is(err.code, 422);
  const { object } = s.update(configmaps, 'default', 'a', { ...a, metadata: { ...a.metadata, creationTimestamp: '2000-01-01T00:00:00Z' }, data: { x: 'y' } });
  t.is(object.metadata.creationTimestamp, a.metadata.creationTimestamp);
});

const generationCases: { name: string; r: typeof pods; body: KubeObject; change: (o: KubeObject) => void; want: number }[] = [
  { name: 'pod spec change bumps', r: pods, body: pod('p'), change: (o) => { (o.spec as { containers: unknown[] }).containers = [container('nginx:2')]; }, want: 2 },
  { name: 'pod label change keeps', r: pods, body: pod('p'), change: (o) => { o.metadata.labels = { a: 'b' }; }, want: 1 },
  { name: 'slice endpoints change bumps', r: slices, body: { metadata: { name: 's' }, addressType: 'IPv4', endpoints: [] }, change: (o) => { o.endpoints = [{ addresses: ['10.0.0.1'] }]; }, want: 2 },
  { name: 'slice label change bumps', r: slices, body: { metadata: { name: 's' }, addressType: 'IPv4', endpoints: [] }, change: (o) => { o.metadata.labels = { a: 'b' }; }, want: 2 },
  { name: 'slice annotation change keeps', r: slices, body: { metadata: { name: 's' }, addressType: 'IPv4', endpoints: [] }, change: (o) => { o.metadata.annotations = { a: 'b' }; }, want: 1 },
  { name: 'slice member added bumps', r: slices, body: { metadata: { name: 's' }, addressType: 'IPv4', endpoints: [] }, change: (o) => { o.ports = [{ port: 80 }]; }, want: 2 },
  { name: 'slice member removed bumps', r: slices, body: { metadata: { name: 's' }, addressType: 'IPv4', endpoints: [], ports: [{ port: 80 }] }, change: (o) => { delete o.ports; }, want: 2 },
  { name: 'deployment spec member added bumps', r: deployments, body: { metadata: { name: 'd' }, spec: { selector: {} } }, change: (o) => { (o.spec as Record<string, unknown>).paused = true; }, want: 2 },
  { name: 'deployment status through the main resource keeps', r: deployments, body: { metadata: { name: 'd' }, spec: { selector: {} } }, change: (o) => { o.status = { replicas: 3 }; }, want: 1 },
];
for (const c of generationCases) {
  test(`MemoryStore › generation: ${c.name}`, (t) => {
    const s = newStore();
    const created = s.create(c.r, 'default', c.body);
    t.is(created.metadata.generation, 1);
    const next = structuredClone(created);
    c.change(next);
    t.is(s.update(c.r, 'default', created.metadata.name as string, next).object.metadata.generation, c.want);
  });
}

test('MemoryStore › status subresource: main update keeps status; status update keeps the spec and takes status and metadata, as the status strategies do', (t) => {
  const s = newStore();
  const created = s.create(services, 'default', svc('web', 80, { labels: { a: '1' } }));
  const withStatus = s.update(services, 'default', 'web', { ...created, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } }, { subresource: 'status' }).object;
  t.deepEqual(withStatus.status, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } });
  const main = s.update(services, 'default', 'web', { ...withStatus, status: {}, spec: { ...(withStatus.spec as object), ports: [{ port: 81 }] } }).object;
  t.deepEqual(main.status, withStatus.status);
  t.is(portOf(main), 81);
  const st = s.update(services, 'default', 'web', {
    ...main, metadata: { ...main.metadata, labels: { b: '2' }, finalizers: ['x'] }, spec: { ports: [{ port: 99 }] }, status: { loadBalancer: {} },
  }, { subresource: 'status' }).object;
  // serviceStatusStrategy.PrepareForUpdate resets the spec only: metadata comes from the request.
  t.deepEqual(st.metadata.labels, { b: '2' });
  t.deepEqual(st.metadata.finalizers, ['x']);
  t.is(st.metadata.uid, created.metadata.uid);
  t.is(portOf(st), 81);
  t.deepEqual(st.status, { loadBalancer: {} });
  const stale = apiError(t, () => s.update(services, 'default', 'web', { ...created, status: {} }, { subresource: 'status' }));
  t.is(stale.code, 409);
});

test('MemoryStore › a status update keeps a Pod\'s ownerReferences and a Deployment\'s labels (their status strategies reset them)', (t) => {
  const s = newStore();
  const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u-1' };
  const p = s.create(pods, 'default', { ...pod('p'), metadata: { name: 'p', ownerReferences: [owner], labels: { a: '1' } } });
  const ps = s.update(pods, 'default', 'p', { ...p, metadata: { ...p.metadata, ownerReferences: [], labels: { a: '2' } }, status: { phase: 'Running' } }, { subresource: 'status' }).object;
  t.deepEqual(ps.metadata.ownerReferences, [owner]);
  t.deepEqual(ps.metadata.labels, { a: '2' });
  const d = s.create(deployments, 'default', { metadata: { name: 'd', labels: { app: 'web' } },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container()] } } } });
  const ds = s.update(deployments, 'default', 'd', { ...d, metadata: { ...d.metadata, labels: { app: 'other' }, annotations: { n: '1' } }, status: { replicas: 1 } }, { subresource: 'status' }).object;
  t.deepEqual(ds.metadata.labels, { app: 'web' });
  t.deepEqual(ds.metadata.annotations, { n: '1' });
  t.deepEqual(ds.status, { replicas: 1 });
});

test('MemoryStore › dryRun answers as if written and changes nothing', (t) => {
  const s = newStore();
  const rv = s.currentResourceVersion();
  const seen: string[] = [];
  s.watch(configmaps, {}, { event: (e) => seen.push(e.type), end: () => {} });
  const created = s.create(configmaps, 'default', cm('a'), { dryRun: true });
  t.is(created.metadata.name, 'a');
  t.truthy(created.metadata.uid);
  t.is(apiError(t, () => s.get(configmaps, 'default', 'a')).code, 404);
  const real = s.create(configmaps, 'default', cm('b'));
  const dry = s.update(configmaps, 'default', 'b', { ...real, data: { x: '1' } }, { dryRun: true });
  t.deepEqual(dry.object.data, { x: '1' });
  t.is(s.get(configmaps, 'default', 'b').data, undefined, 'an empty data map is not stored');
  s.delete(configmaps, 'default', 'b', { dryRun: true });
  t.truthy(s.get(configmaps, 'default', 'b'));
  t.is(s.currentResourceVersion(), String(Number(rv) + 1));
  t.deepEqual(seen, ['ADDED']);
});

test('MemoryStore › delete answers with the object for pods and services, a Success Status otherwise', (t) => {
  const s = newStore();
  const c = s.create(configmaps, 'default', cm('a'));
  const st = s.delete(configmaps, 'default', 'a') as Status;
  t.deepEqual(st, { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', details: { name: 'a', kind: 'configmaps', uid: c.metadata.uid }, code: 200 });
  s.create(slices, 'default', { metadata: { name: 's' }, addressType: 'IPv4', endpoints: [] });
  t.is((s.delete(slices, 'default', 's') as Status).details?.group, 'discovery.k8s.io');
  s.create(services, 'default', svc('web'));
  const deleted = s.delete(services, 'default', 'web') as KubeObject;
  t.is(deleted.kind, 'Service');
  t.is(apiError(t, () => s.delete(services, 'default', 'web')).code, 404);
});

test('MemoryStore › onWrite reports each committed write once, never dry runs or no-ops', (t) => {
  const s = newStore();
  const writes: string[] = [];
  s.onWrite = (w) => writes.push(`${w.type} ${w.resource.resource}/${w.object.metadata.name}@${w.resourceVersion}`);
  const a = s.create(configmaps, 'default', cm('a'));
  s.create(configmaps, 'default', cm('b'), { dryRun: true });
  s.update(configmaps, 'default', 'a', structuredClone(a));
  s.delete(configmaps, 'default', 'a');
  t.deepEqual(writes, [`ADDED configmaps/a@${a.metadata.resourceVersion}`, `DELETED configmaps/a@${Number(a.metadata.resourceVersion) + 1}`]);
});

test('MemoryStore › a pod status update keeps generation', (t) => {
  const s = newStore();
  const p = s.create(pods, 'default', pod('p'));
  const st = s.update(pods, 'default', 'p', { ...p, status: { phase: 'Running' } }, { subresource: 'status' }).object;
  t.is(st.metadata.generation, 1);
  t.not(st.metadata.resourceVersion, p.metadata.resourceVersion);
});

test('store › a Service PUT that leaves out allocated values keeps them (patchAllocatedValues)', (t) => {
  const s = new MemoryStore();
  const services = resourceFor('', 'services');
  const manifest = { metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } };
  s.create(services, 'default', structuredClone(manifest));
  // The allocation controllers write the values.
  const cur = s.get(services, 'default', 'web') as { spec: Record<string, unknown> } & Parameters<MemoryStore['update']>[3];
  const ports = (cur.spec.ports as Record<string, unknown>[]).map((p) => ({ ...p, nodePort: 30080 }));
  s.update(services, 'default', 'web', { ...cur, spec: { ...cur.spec, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports } });
  // The user PUTs the original manifest again.
  const { object } = s.update(services, 'default', 'web', structuredClone(manifest));
  const spec = object.spec as { clusterIP?: string; clusterIPs?: string[]; ports: { nodePort?: number }[] };
  t.is(spec.clusterIP, '10.96.0.10');
  t.deepEqual(spec.clusterIPs, ['10.96.0.10']);
  t.is(spec.ports[0].nodePort, 30080);
  s.close();
});

test('store › a body with a value of the wrong JSON type is refused before anything else, in the decoder’s words, through every write', (t) => {
  const store = newStore();
  const why = 'json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32';
  const bad = { metadata: { name: 's' }, spec: { ports: [{ port: '80' }] } } as unknown as KubeObject;
  const created = t.throws(() => store.create(services, 'default', bad), { instanceOf: ApiError });
  t.is(created?.code, 400);
  t.is(created?.status.message, `Service in version "v1" cannot be handled as a Service: ${why}`);
  const stored = store.create(services, 'default', svc('s'));
  const updated = t.throws(() => store.update(services, 'default', 's', { ...stored, spec: { ports: [{ port: '80' }] } }), { instanceOf: ApiError });
  t.is(updated?.code, 400);
  const patched = t.throws(() => store.patch(services, 'default', 's', 'application/merge-patch+json', JSON.stringify({ spec: { ports: [{ port: '80' }] } })), { instanceOf: ApiError });
  t.is(patched?.code, 422);
  t.is(patched?.status.details?.causes?.[0].field, 'patch');
  t.is(store.get(services, 'default', 's').metadata.resourceVersion, stored.metadata.resourceVersion);
});

test('MemoryStore › empty labels, annotations, finalizers, ownerReferences and ConfigMap data are not stored (Go\'s omitempty)', (t) => {
  const s = newStore();
  const a = s.create(configmaps, 'default', { metadata: { name: 'a', labels: {}, annotations: {}, finalizers: [], ownerReferences: [] }, data: {}, binaryData: {} });
  t.deepEqual(Object.keys(a.metadata).filter((k) => ['labels', 'annotations', 'finalizers', 'ownerReferences'].includes(k)), []);
  t.false('data' in a || 'binaryData' in a);
  // Writing an empty map where there was none changes nothing: no new resourceVersion.
  const same = s.update(configmaps, 'default', 'a', { ...a, metadata: { ...a.metadata, labels: {} } }).object;
  t.is(same.metadata.resourceVersion, a.metadata.resourceVersion);
  // Removing the last label or key leaves no empty map behind.
  s.update(configmaps, 'default', 'a', { ...a, metadata: { ...a.metadata, labels: { x: '1' } }, data: { k: 'v' } });
  const patched = s.patch(configmaps, 'default', 'a', 'application/merge-patch+json', JSON.stringify({ metadata: { labels: { x: null } }, data: { k: null } })).object;
  t.is(patched.metadata.labels, undefined);
  t.is(patched.data, undefined);
});

test('MemoryStore › a Service\'s empty selector is not stored: it reads back without one, as from protobuf storage', (t) => {
  const s = newStore();
  const a = s.create(services, 'default', { metadata: { name: 'a' }, spec: { selector: {}, ports: [{ port: 80 }] } });
  t.false('selector' in (a.spec as object));
  const b = s.create(services, 'default', { metadata: { name: 'b' }, spec: { selector: { app: 'b' }, ports: [{ port: 80 }] } });
  const cleared = s.patch(services, 'default', 'b', 'application/merge-patch+json', JSON.stringify({ spec: { selector: { app: null } } })).object;
  t.false('selector' in (cleared.spec as object), 'removing the last key leaves no selector');
  t.deepEqual((s.update(services, 'default', 'b', { ...cleared, spec: { ...(cleared.spec as object), selector: {} } }).object.spec as { selector?: unknown }).selector, undefined);
  t.deepEqual((b.spec as { selector?: unknown }).selector, { app: 'b' });
});

test('MemoryStore › a Pod gets its QoS class at creation, requests defaulted from limits, and keeps it through updates', (t) => {
  const s = newStore();
  const qos = (name: string) => (s.get(pods, 'default', name).status as { qosClass?: string }).qosClass;
  s.create(pods, 'default', pod('best'));
  s.create(pods, 'default', pod('burst', { containers: [{ ...container(), resources: { requests: { cpu: '100m' } } }] }));
  const g = s.create(pods, 'default', pod('guaranteed', { containers: [{ ...container(), resources: { limits: { cpu: '500m', memory: '128Mi' } } }] }));
  t.deepEqual([qos('best'), qos('burst'), qos('guaranteed')], ['BestEffort', 'Burstable', 'Guaranteed']);
  t.deepEqual((g.spec as { containers: { resources: unknown }[] }).containers[0].resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '500m', memory: '128Mi' } });
  // A status write that leaves it out gets it back.
  const st = s.update(pods, 'default', 'guaranteed', { ...g, status: { phase: 'Running' } }, { subresource: 'status' }).object;
  t.deepEqual(st.status, { phase: 'Running', qosClass: 'Guaranteed' });
});

test('MemoryStore › members Go writes even when empty: an EndpointSlice’s endpoints and ports, a Lease’s and a Node’s spec, a Node’s status structs', (t) => {
  const s = newStore();
  const nodes = resourceFor('', 'nodes');
  const slice = s.create(slices, 'default', deepFreeze({ metadata: { name: 'empty' }, addressType: 'IPv4', endpoints: [] }));
  t.is(slice.endpoints, null);
  t.is(slice.ports, null);
  const withPorts = s.create(slices, 'default', { metadata: { name: 'p' }, addressType: 'IPv4', ports: [{ port: 80 }] });
  t.deepEqual(withPorts.ports, [{ name: '', port: 80, protocol: 'TCP' }]);
  t.is(withPorts.endpoints, null);
  t.deepEqual(s.create(leases, 'default', { metadata: { name: 'l' } }).spec, {});
  const node = s.create(nodes, undefined, { metadata: { name: 'n' }, status: { capacity: { cpu: '2' } } });
  t.deepEqual(node.spec, { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] }, 'the admission plugin’s taint only');
  t.deepEqual(node.status, {
    capacity: { cpu: '2' },
    allocatable: { cpu: '2' },
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    nodeInfo: { machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: '', containerRuntimeVersion: '', kubeletVersion: '', kubeProxyVersion: '', operatingSystem: '', architecture: '' },
  });
  // Set values are kept; an update that writes the same shape is no change.
  const st = s.update(nodes, undefined, 'n', { ...node, status: { ...(node.status as object), allocatable: { cpu: '1' }, nodeInfo: { architecture: 'amd64' } } }, { subresource: 'status' }).object;
  t.is((st.status as { allocatable: { cpu: string } }).allocatable.cpu, '1');
  t.like(st.status as object, { nodeInfo: { architecture: 'amd64', bootID: '' } });
  t.is(s.update(nodes, undefined, 'n', st).object.metadata.resourceVersion, st.metadata.resourceVersion);
});

test('MemoryStore › members Go writes even when empty, stored-only kinds: a Role’s rules, a PodDisruptionBudget’s spec and status counts', (t) => {
  const s = newStore();
  t.is(s.create(resourceFor('rbac.authorization.k8s.io', 'clusterroles'), undefined, { metadata: { name: 'r' }, rules: [] }).rules, null);
  const pdb = s.create(resourceFor('policy', 'poddisruptionbudgets'), 'default', { metadata: { name: 'p' } });
  t.deepEqual(pdb.spec, {});
  t.deepEqual(pdb.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
});

test('MemoryStore › a Node’s null allocatable is defaulted from capacity, as a nil one', (t) => {
  const s = newStore();
  const n = s.create(resourceFor('', 'nodes'), undefined, { metadata: { name: 'n2' }, status: { capacity: { cpu: '2' }, allocatable: null } });
  t.deepEqual((n.status as { allocatable: unknown }).allocatable, { cpu: '2' });
});

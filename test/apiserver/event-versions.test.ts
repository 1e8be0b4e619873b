import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject, WatchEvent } from '../../api-types/meta.js';
import { ApiError } from '../../apiserver/errors.js';
import { convertEvent, eventTwinOf } from '../../apiserver/event-versions.js';
import { startApiServer } from '../../apiserver/index.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { deepFreeze } from '../helpers/deep-freeze.js';
import { FakeStoreClock } from '../helpers/fake-store-clock.js';

const coreEvents = resourceFor('', 'events');
const eventsV1 = resourceFor('events.k8s.io', 'events');
const services = resourceFor('', 'services');
const namespaces = resourceFor('', 'namespaces');
const configmaps = resourceFor('', 'configmaps');

const now = '2026-01-02T03:04:05.123456Z';
/** An events.k8s.io/v1 Event as svcplane's recorder writes it. */
const v1Event = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'default' },
  eventTime: now, reportingController: 'svcplane.io/serviceip', reportingInstance: 'svcplane-0', action: 'Allocate', reason: 'ClusterIPOutOfRange',
  regarding: { kind: 'Service', namespace: 'default', name: 'web', uid: 'u-1', apiVersion: 'v1' }, note: 'not within the service CIDR', type: 'Warning',
  ...extra,
});
/** A core/v1 Event as an old-style recorder writes it. */
const coreEvent = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'p1' }, reason: 'Pulled', message: 'pulled the image', type: 'Normal',
  source: { component: 'kubelet', host: 'n1' }, firstTimestamp: '2026-01-02T03:04:05Z', lastTimestamp: '2026-01-02T03:04:06Z', count: 2,
  ...extra,
});
const newStore = (gc = false) => new MemoryStore({ clock: new FakeStoreClock(), gc });

test('event versions › the twin of each Event resource is the other; other resources have none', (t) => {
  t.is(eventTwinOf(coreEvents), eventsV1);
  t.is(eventTwinOf(eventsV1), coreEvents);
  t.is(eventTwinOf(services), undefined);
  t.throws(() => convertEvent({ metadata: {} }, services), { instanceOf: TypeError });
});

test('event versions › events.k8s.io → core maps every field, zero values as Go writes them', (t) => {
  const series = { count: 3, lastObservedTime: now };
  const related = { kind: 'Node', name: 'n1' };
  const got = convertEvent(deepFreeze(v1Event('e', { series, related, deprecatedCount: 4, deprecatedSource: { component: 'x' } })), eventsV1) as Record<string, unknown>;
  t.deepEqual(got, {
    kind: 'Event', apiVersion: 'v1', metadata: { name: 'e', namespace: 'default' },
    involvedObject: { kind: 'Service', namespace: 'default', name: 'web', uid: 'u-1', apiVersion: 'v1' },
    reason: 'ClusterIPOutOfRange', message: 'not within the service CIDR', source: { component: 'x' },
    firstTimestamp: null, lastTimestamp: null, count: 4, type: 'Warning', eventTime: now, series, action: 'Allocate', related,
    reportingComponent: 'svcplane.io/serviceip', reportingInstance: 'svcplane-0',
  });
  // Go's member order, as kube-apiserver writes a core/v1 Event.
  t.deepEqual(Object.keys(got), ['kind', 'apiVersion', 'metadata', 'involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp',
    'count', 'type', 'eventTime', 'series', 'action', 'related', 'reportingComponent', 'reportingInstance']);
  const bare = convertEvent({ metadata: { name: 'b' } }, eventsV1);
  t.deepEqual(bare, { kind: 'Event', apiVersion: 'v1', metadata: { name: 'b' }, involvedObject: {}, source: {}, firstTimestamp: null, lastTimestamp: null,
    eventTime: null, reportingComponent: '', reportingInstance: '' });
});

test('event versions › core → events.k8s.io maps every field, zero values as Go writes them', (t) => {
  const got = convertEvent(deepFreeze(coreEvent('e', { reportingComponent: '', reportingInstance: '' })), coreEvents) as Record<string, unknown>;
  t.deepEqual(got, {
    kind: 'Event', apiVersion: 'events.k8s.io/v1', metadata: { name: 'e', namespace: 'default' }, eventTime: null, reason: 'Pulled',
    regarding: { kind: 'Pod', namespace: 'default', name: 'p1' }, note: 'pulled the image', type: 'Normal',
    deprecatedSource: { component: 'kubelet', host: 'n1' }, deprecatedFirstTimestamp: '2026-01-02T03:04:05Z', deprecatedLastTimestamp: '2026-01-02T03:04:06Z', deprecatedCount: 2,
  });
  // Converting there and back gives the written fields again.
  const written = v1Event('r', { series: { count: 2, lastObservedTime: now } });
  const back = convertEvent(convertEvent(written, eventsV1), coreEvents) as Record<string, unknown>;
  for (const [k, v] of Object.entries(written)) t.deepEqual(back[k], v, k);
});

test('event versions › an Event written through either version is read, listed and selected through both, with one uid and resourceVersion', (t) => {
  const s = newStore();
  const a = s.create(eventsV1, 'default', v1Event('a'));
  s.create(coreEvents, 'default', coreEvent('b'));
  const aCore = s.get(coreEvents, 'default', 'a') as KubeObject & { message: string; involvedObject: { name: string } };
  t.is(aCore.metadata.uid, a.metadata.uid);
  t.is(aCore.metadata.resourceVersion, a.metadata.resourceVersion);
  t.is(aCore.apiVersion, 'v1');
  t.is(aCore.message, 'not within the service CIDR');
  t.is(aCore.involvedObject.name, 'web');
  const bV1 = s.get(eventsV1, 'default', 'b') as KubeObject & { note: string; deprecatedCount: number };
  t.is(bV1.apiVersion, 'events.k8s.io/v1');
  t.is(bV1.note, 'pulled the image');
  t.is(bV1.deprecatedCount, 2);
  t.deepEqual(s.list(coreEvents, { namespace: 'default' }).items.map((e) => e.metadata.name), ['a', 'b']);
  t.deepEqual(s.list(eventsV1, { namespace: 'default' }).items.map((e) => e.metadata.name), ['a', 'b']);
  // Each version selects by its own field names (kubectl describe selects core involvedObject.*).
  t.deepEqual(s.list(coreEvents, { fieldSelector: 'involvedObject.name=web,involvedObject.kind=Service,type=Warning' }).items.map((e) => e.metadata.name), ['a']);
  t.deepEqual(s.list(eventsV1, { fieldSelector: 'regarding.name=p1,reason=Pulled' }).items.map((e) => e.metadata.name), ['b']);
  // One name space for both: a create through the other version conflicts.
  const err = t.throws(() => s.create(coreEvents, 'default', coreEvent('a')), { instanceOf: ApiError }) as ApiError;
  t.is(err.code, 409);
  s.close();
});

test('event versions › updates and deletes through one version show through the other; stale resourceVersions conflict across them', (t) => {
  const s = newStore();
  const created = s.create(eventsV1, 'default', v1Event('a'));
  const core = s.get(coreEvents, 'default', 'a');
  const updated = s.update(coreEvents, 'default', 'a', { ...core, message: 'changed', count: 5 }).object;
  t.not(updated.metadata.resourceVersion, created.metadata.resourceVersion);
  const seen = s.get(eventsV1, 'default', 'a') as KubeObject & { note: string; deprecatedCount: number };
  t.is(seen.note, 'changed');
  t.is(seen.deprecatedCount, 5);
  t.is(seen.metadata.resourceVersion, updated.metadata.resourceVersion);
  const stale = t.throws(() => s.update(eventsV1, 'default', 'a', { ...created, note: 'late' }), { instanceOf: ApiError }) as ApiError;
  t.is(stale.code, 409);
  s.delete(eventsV1, 'default', 'a');
  for (const r of [coreEvents, eventsV1]) t.is((t.throws(() => s.get(r, 'default', 'a'), { instanceOf: ApiError }) as ApiError).code, 404);
  t.is(s.list(coreEvents, {}).items.length, 0);
  s.close();
});

test('event versions › a watch on either version gets every change, in its own shape, at the writer\'s resourceVersion', (t) => {
  const s = newStore();
  const seen: Record<string, string[]> = { core: [], v1: [] };
  const sink = (into: string[], field: string) => ({
    event: (ev: WatchEvent) => into.push(`${ev.type} ${(ev.object as KubeObject).metadata.resourceVersion} ${String((ev.object as Record<string, unknown>)[field] ?? '')}`),
    end: () => {},
  });
  s.watch(coreEvents, { namespace: 'default', resourceVersion: s.currentResourceVersion() }, sink(seen.core, 'message'));
  s.watch(eventsV1, { namespace: 'default', resourceVersion: s.currentResourceVersion() }, sink(seen.v1, 'note'));
  const a = s.create(eventsV1, 'default', v1Event('a'));
  const b = s.create(coreEvents, 'default', coreEvent('b'));
  s.delete(coreEvents, 'default', 'a');
  const rvA = a.metadata.resourceVersion;
  const rvB = b.metadata.resourceVersion;
  const rvDel = s.currentResourceVersion();
  t.deepEqual(seen.core, [`ADDED ${rvA} not within the service CIDR`, `ADDED ${rvB} pulled the image`, `DELETED ${rvDel} not within the service CIDR`]);
  t.deepEqual(seen.v1, [`ADDED ${rvA} not within the service CIDR`, `ADDED ${rvB} pulled the image`, `DELETED ${rvDel} not within the service CIDR`]);
  // A watch resumed on the other version replays the same history.
  const replay: string[] = [];
  s.watch(coreEvents, { namespace: 'default', resourceVersion: String(Number(rvA) - 1) }, sink(replay, 'message'));
  t.deepEqual(replay, seen.core);
  s.close();
});

test('event versions › with gc, an Event owned by a deleted object and the Events of a deleted namespace go from both versions', (t) => {
  const s = newStore(true);
  s.create(namespaces, undefined, { metadata: { name: 'team' } });
  const owner = s.create(configmaps, 'default', { metadata: { name: 'owner' } });
  const ownerRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid as string };
  s.create(eventsV1, 'default', v1Event('owned', { metadata: { name: 'owned', namespace: 'default', ownerReferences: [ownerRef] } }));
  s.create(coreEvents, 'team', coreEvent('x', { metadata: { name: 'x', namespace: 'team' }, involvedObject: { kind: 'Pod', namespace: 'team', name: 'p1' } }));
  s.delete(configmaps, 'default', 'owner');
  t.deepEqual(s.list(eventsV1, { namespace: 'default' }).items, []);
  t.deepEqual(s.list(coreEvents, { namespace: 'default' }).items, []);
  s.delete(namespaces, undefined, 'team');
  t.deepEqual(s.list(eventsV1, {}).items, []);
  t.deepEqual(s.list(coreEvents, {}).items, []);
  t.is((t.throws(() => s.get(namespaces, undefined, 'team'), { instanceOf: ApiError }) as ApiError).code, 404);
  s.close();
});

test('event versions › kubectl describe and get events show an Event written through events.k8s.io (as svcplane\'s controllers write them)', async (t) => {
  const home = await mkdtemp(path.join(tmpdir(), 'event-versions-'));
  const server = await startApiServer({ port: 0, kubeconfigPath: path.join(home, 'kubeconfig') });
  try {
    const svc = server.store.create(services, 'default', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
    const regarding = { kind: 'Service', namespace: 'default', name: 'web', uid: svc.metadata.uid, apiVersion: 'v1' };
    server.store.create(eventsV1, 'default', v1Event('web.1', { regarding }));
    const env = { PATH: process.env.PATH, HOME: home, KUBECONFIG: server.kubeconfigPath };
    const run = async (...args: string[]) => (await promisify(execFile)('kubectl', args, { env, timeout: 30_000 })).stdout;
    t.regex(await run('describe', 'service', 'web'), /Warning\s+ClusterIPOutOfRange\s+.*not within the service CIDR/);
    const list = JSON.parse(await run('get', 'events', '--field-selector', 'type=Warning', '-o', 'json')) as { items: { reason: string; involvedObject: { name: string } }[] };
    t.deepEqual(list.items.map((e) => [e.reason, e.involvedObject.name]), [['ClusterIPOutOfRange', 'web']]);
  } finally {
    await server.close();
    await rm(home, { recursive: true, force: true });
  }
});

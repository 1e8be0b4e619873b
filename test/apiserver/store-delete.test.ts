import test, { type ExecutionContext } from 'ava';
import type { KubeObject, Status } from '../../api-types/meta.js';
import { ApiError } from '../../apiserver/errors.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { FakeStoreClock } from '../helpers/fake-store-clock.js';

const configmaps = resourceFor('', 'configmaps');
const pods = resourceFor('', 'pods');
const services = resourceFor('', 'services');
const slices = resourceFor('discovery.k8s.io', 'endpointslices');
const namespaces = resourceFor('', 'namespaces');

function setup(gc = false) {
  const clock = new FakeStoreClock('2026-01-02T03:04:05.600Z');
  const s = new MemoryStore({ clock, gc });
  const seen: string[] = [];
  s.watch(configmaps, {}, { event: (e) => seen.push(`${e.type} ${(e.object as KubeObject).metadata.name}`), end: () => {} });
  s.watch(pods, {}, { event: (e) => seen.push(`${e.type} ${(e.object as KubeObject).metadata.name}`), end: () => {} });
  return { s, clock, seen };
}

const pod = (name: string, spec: Record<string, unknown> = {}, finalizers?: string[]): KubeObject =>
  ({ metadata: { name, finalizers }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } });

function gone(t: ExecutionContext, s: MemoryStore, r: typeof pods, ns: string | undefined, name: string): void {
  const err = t.throws(() => s.get(r, ns, name), { instanceOf: ApiError }) as ApiError;
  t.is(err.code, 404);
}

test('delete › finalizers: deletionTimestamp (seconds) + grace 0 + MODIFIED; removal when they are emptied', (t) => {
  const { s, seen } = setup();
  const c = s.create(configmaps, 'default', { metadata: { name: 'a', finalizers: ['x/y'] } });
  const res = s.delete(configmaps, 'default', 'a') as KubeObject;
  t.is(res.metadata.deletionTimestamp, '2026-01-02T03:04:05Z');
  t.is(res.metadata.deletionGracePeriodSeconds, 0);
  t.deepEqual(seen, ['ADDED a', 'MODIFIED a']);
  // A second delete changes nothing and answers with the object.
  const rv = s.currentResourceVersion();
  t.is((s.delete(configmaps, 'default', 'a') as KubeObject).metadata.resourceVersion, rv);
  const cur = s.get(configmaps, 'default', 'a');
  // No new finalizers; deletionTimestamp cannot be changed.
  const add = t.throws(() => s.update(configmaps, 'default', 'a', { ...cur, metadata: { ...cur.metadata, finalizers: ['x/y', 'z/w'] } })) as ApiError;
  t.is(add.code, 422);
  t.regex(add.status.message ?? '', /no new finalizers can be added if the object is being deleted/);
  const moved = s.update(configmaps, 'default', 'a', { ...cur, metadata: { ...cur.metadata, deletionTimestamp: '2030-01-01T00:00:00Z' }, data: { k: 'v' } }).object;
  t.is(moved.metadata.deletionTimestamp, '2026-01-02T03:04:05Z');
  const final = s.update(configmaps, 'default', 'a', { ...moved, metadata: { ...moved.metadata, finalizers: [] } }).object;
  t.deepEqual(seen, ['ADDED a', 'MODIFIED a', 'MODIFIED a', 'DELETED a']);
  t.is(final.metadata.uid, c.metadata.uid);
  gone(t, s, configmaps, 'default', 'a');
});

test('delete › deletion bumps generation of types that track it', (t) => {
  const { s } = setup();
  s.create(slices, 'default', { metadata: { name: 's', finalizers: ['x/y'] }, addressType: 'IPv4', endpoints: [] });
  t.is((s.delete(slices, 'default', 's') as KubeObject).metadata.generation, 2);
});

test('delete › preconditions on uid and resourceVersion are 409, in BeforeDelete\'s words naming the kind (namespaces keep their own)', (t) => {
  const { s } = setup();
  const c = s.create(configmaps, 'default', { metadata: { name: 'a' } });
  const byUid = t.throws(() => s.delete(configmaps, 'default', 'a', { preconditions: { uid: 'other' } })) as ApiError;
  t.is(byUid.code, 409);
  t.is(byUid.status.message, `Operation cannot be fulfilled on ConfigMap "a": the UID in the precondition (other) does not match the UID in record (${c.metadata.uid}). The object might have been deleted and then recreated`);
  t.like(byUid.status.details, { name: 'a', kind: 'ConfigMap' });
  s.create(slices, 'default', { metadata: { name: 'x' }, addressType: 'IPv4', endpoints: [] });
  const sliceRV = t.throws(() => s.delete(slices, 'default', 'x', { preconditions: { resourceVersion: '1' } })) as ApiError;
  t.regex(sliceRV.status.message ?? '', /^Operation cannot be fulfilled on EndpointSlice\.discovery\.k8s\.io "x": the ResourceVersion in the precondition \(1\) does not match the ResourceVersion in record \(\d+\)\. The object might have been modified$/);
  s.create(namespaces, undefined, { metadata: { name: 'team' } });
  const ns = t.throws(() => s.delete(namespaces, undefined, 'team', { preconditions: { uid: 'other' } })) as ApiError;
  t.regex(ns.status.message ?? '', /^Operation cannot be fulfilled on namespaces "team": Precondition failed: UID in precondition: other, UID in object meta: /);
  const ok = s.delete(configmaps, 'default', 'a', { preconditions: { uid: c.metadata.uid, resourceVersion: c.metadata.resourceVersion } }) as Status;
  t.is(ok.status, 'Success');
});

test('delete › a negative gracePeriodSeconds means 1 s (BeforeDelete)', (t) => {
  const { s, clock } = setup();
  s.create(pods, 'default', pod('p', { nodeName: 'n1' }));
  const res = s.delete(pods, 'default', 'p', { gracePeriodSeconds: -5 }) as KubeObject;
  t.is(res.metadata.deletionGracePeriodSeconds, 1);
  clock.advance(1000);
  gone(t, s, pods, 'default', 'p');
});

test('delete › a dry run answers what the delete would have, and changes nothing', (t) => {
  const { s, seen } = setup();
  s.create(configmaps, 'default', { metadata: { name: 'c' } });
  s.create(pods, 'default', pod('bound', { nodeName: 'n1', terminationGracePeriodSeconds: 7 }));
  s.create(configmaps, 'default', { metadata: { name: 'held', finalizers: ['x/y'] } });
  const rv = s.currentResourceVersion();
  const before = seen.length;
  t.like(s.delete(configmaps, 'default', 'c', { dryRun: true }), { kind: 'Status', status: 'Success', details: { name: 'c', kind: 'configmaps' } });
  const bound = s.delete(pods, 'default', 'bound', { dryRun: true }) as KubeObject;
  t.is(bound.metadata.deletionGracePeriodSeconds, 7);
  t.is(bound.metadata.deletionTimestamp, '2026-01-02T03:04:12Z');
  const shorter = s.delete(pods, 'default', 'bound', { dryRun: true, gracePeriodSeconds: 2 }) as KubeObject;
  t.is(shorter.metadata.deletionGracePeriodSeconds, 2);
  const held = s.delete(configmaps, 'default', 'held', { dryRun: true, propagationPolicy: 'Orphan' }) as KubeObject;
  t.deepEqual(held.metadata.finalizers, ['x/y', 'orphan']);
  t.truthy(held.metadata.deletionTimestamp);
  t.is(s.currentResourceVersion(), rv);
  t.is(seen.length, before);
  t.is(s.get(pods, 'default', 'bound').metadata.deletionTimestamp, undefined);
});

const podCases: { name: string; body: KubeObject; status?: Record<string, unknown>; grace?: number; wantGrace: number | 'gone' }[] = [
  { name: 'unbound pod goes at once', body: pod('p'), wantGrace: 'gone' },
  { name: 'terminal bound pod goes at once', body: pod('p', { nodeName: 'n1' }), status: { phase: 'Succeeded' }, wantGrace: 'gone' },
  { name: 'bound pod waits the default 30 s', body: pod('p', { nodeName: 'n1' }), wantGrace: 30 },
  { name: 'bound pod waits its terminationGracePeriodSeconds', body: pod('p', { nodeName: 'n1', terminationGracePeriodSeconds: 5 }), wantGrace: 5 },
  { name: 'gracePeriodSeconds overrides', body: pod('p', { nodeName: 'n1', terminationGracePeriodSeconds: 5 }), grace: 12, wantGrace: 12 },
  { name: 'gracePeriodSeconds=0 deletes at once', body: pod('p', { nodeName: 'n1' }), grace: 0, wantGrace: 'gone' },
];
for (const c of podCases) {
  test(`delete › pods: ${c.name}`, (t) => {
    const { s, clock, seen } = setup();
    const created = s.create(pods, 'default', c.body);
    if (c.status) s.update(pods, 'default', 'p', { ...created, status: c.status }, { subresource: 'status' });
    const res = s.delete(pods, 'default', 'p', c.grace === undefined ? {} : { gracePeriodSeconds: c.grace }) as KubeObject;
    t.is(res.kind, 'Pod');
    if (c.wantGrace === 'gone') {
      gone(t, s, pods, 'default', 'p');
      t.is(seen.at(-1), 'DELETED p');
      return;
    }
    t.is(res.metadata.deletionGracePeriodSeconds, c.wantGrace);
    t.is(res.metadata.deletionTimestamp, new Date(Date.parse('2026-01-02T03:04:05Z') + c.wantGrace * 1000).toISOString().replace('.000', ''));
    t.is(res.metadata.generation, 2);
    t.is(seen.at(-1), 'MODIFIED p');
    clock.advance(c.wantGrace * 1000 - 1);
    t.truthy(s.get(pods, 'default', 'p'));
    clock.advance(1);
    gone(t, s, pods, 'default', 'p');
    t.is(seen.at(-1), 'DELETED p');
  });
}

test('delete › a terminating pod is finished by a delete with gracePeriodSeconds=0', (t) => {
  const { s, clock } = setup();
  s.create(pods, 'default', pod('p', { nodeName: 'n1' }));
  s.delete(pods, 'default', 'p');
  s.delete(pods, 'default', 'p', { gracePeriodSeconds: 0 });
  gone(t, s, pods, 'default', 'p');
  t.is(clock.pendingCount(), 0);
});

test('delete › a graceful pod with finalizers stays after its grace period until they are removed', (t) => {
  const { s, clock } = setup();
  s.create(pods, 'default', pod('p', { nodeName: 'n1' }, ['x/y']));
  s.delete(pods, 'default', 'p', { gracePeriodSeconds: 2 });
  clock.advance(2000);
  const cur = s.get(pods, 'default', 'p');
  t.is(cur.metadata.deletionGracePeriodSeconds, 0);
  s.update(pods, 'default', 'p', { ...cur, metadata: { ...cur.metadata, finalizers: [] } });
  gone(t, s, pods, 'default', 'p');
});

test('delete › services answer with the last state', (t) => {
  const { s } = setup();
  s.create(services, 'default', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
  const res = s.delete(services, 'default', 'web') as KubeObject;
  t.is(res.metadata.name, 'web');
  t.is(res.kind, 'Service');
});

test('delete › namespace with gc off stays Terminating forever, and refuses new content (403)', (t) => {
  const { s, clock } = setup(false);
  s.create(namespaces, undefined, { metadata: { name: 'team' } });
  s.create(configmaps, 'team', { metadata: { name: 'a' } });
  const ns = s.delete(namespaces, undefined, 'team') as KubeObject;
  t.is((ns.status as { phase: string }).phase, 'Terminating');
  t.truthy(ns.metadata.deletionTimestamp);
  clock.advance(3600_000);
  t.truthy(s.get(namespaces, undefined, 'team'));
  t.truthy(s.get(configmaps, 'team', 'a'));
  const err = t.throws(() => s.create(configmaps, 'team', { metadata: { name: 'b' } })) as ApiError;
  t.is(err.code, 403);
  t.is(err.status.message, 'configmaps "b" is forbidden: unable to create new content in namespace team because it is being terminated');
});

test('delete › namespace with gc on: contents deleted (graceful pods wait), then the namespace goes', (t) => {
  const { s, clock, seen } = setup(true);
  s.create(namespaces, undefined, { metadata: { name: 'team' } });
  s.create(configmaps, 'team', { metadata: { name: 'a' } });
  s.create(pods, 'team', pod('p', { nodeName: 'n1', terminationGracePeriodSeconds: 3 }));
  s.delete(namespaces, undefined, 'team');
  gone(t, s, configmaps, 'team', 'a');
  t.truthy(s.get(namespaces, undefined, 'team'));
  clock.advance(3000);
  gone(t, s, pods, 'team', 'p');
  gone(t, s, namespaces, undefined, 'team');
  t.true(seen.includes('DELETED a'));
});

test('delete › gc on: dependents whose every owner is gone are deleted; gc off keeps them', (t) => {
  for (const gc of [true, false]) {
    const { s } = setup(gc);
    const owner = s.create(services, 'default', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
    const other = s.create(configmaps, 'default', { metadata: { name: 'other' } });
    const ref = (o: KubeObject) => ({ apiVersion: 'v1', kind: o.kind as string, name: o.metadata.name as string, uid: o.metadata.uid as string });
    s.create(configmaps, 'default', { metadata: { name: 'only', ownerReferences: [ref(owner)] } });
    s.create(configmaps, 'default', { metadata: { name: 'both', ownerReferences: [ref(owner), ref(other)] } });
    s.delete(services, 'default', 'web');
    if (gc) gone(t, s, configmaps, 'default', 'only');
    else t.truthy(s.get(configmaps, 'default', 'only'));
    t.truthy(s.get(configmaps, 'default', 'both'));
    s.delete(configmaps, 'default', 'other');
    if (gc) gone(t, s, configmaps, 'default', 'both');
    else t.truthy(s.get(configmaps, 'default', 'both'));
  }
});

test('delete › Orphan/Foreground without gc add their finalizer and stay, as in envtest', (t) => {
  for (const [policy, finalizer] of [['Orphan', 'orphan'], ['Foreground', 'foregroundDeletion']] as const) {
    const { s } = setup(false);
    s.create(configmaps, 'default', { metadata: { name: 'owner' } });
    const res = s.delete(configmaps, 'default', 'owner', { propagationPolicy: policy }) as KubeObject;
    t.deepEqual(res.metadata.finalizers, [finalizer]);
    t.truthy(s.get(configmaps, 'default', 'owner').metadata.deletionTimestamp);
  }
});

test('delete › gc on: Orphan releases dependents (ownerReference dropped), Foreground deletes them first', (t) => {
  for (const policy of ['Orphan', 'Foreground'] as const) {
    const { s } = setup(true);
    const owner = s.create(configmaps, 'default', { metadata: { name: 'owner' } });
    s.create(configmaps, 'default', { metadata: { name: 'dep', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid as string }] } });
    s.delete(configmaps, 'default', 'owner', { propagationPolicy: policy });
    gone(t, s, configmaps, 'default', 'owner');
    if (policy === 'Orphan') t.is(s.get(configmaps, 'default', 'dep').metadata.ownerReferences, undefined);
    else gone(t, s, configmaps, 'default', 'dep');
  }
});

test('delete › close() cancels graceful-deletion timers', (t) => {
  const { s, clock } = setup();
  s.create(pods, 'default', pod('p', { nodeName: 'n1' }));
  s.delete(pods, 'default', 'p');
  t.is(clock.pendingCount(), 1);
  s.close();
  t.is(clock.pendingCount(), 0);
});

test('delete › default, kube-system and kube-public may not be deleted (403)', (t) => {
  const { s } = setup();
  for (const name of ['default', 'kube-system', 'kube-public']) {
    const err = t.throws(() => s.delete(namespaces, undefined, name), { instanceOf: ApiError }) as ApiError;
    t.is(err.code, 403);
    t.is(err.status.message, `namespaces "${name}" is forbidden: this namespace may not be deleted`);
  }
});

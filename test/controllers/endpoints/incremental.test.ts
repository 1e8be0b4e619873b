import test from 'ava';
import type { Endpoints, Pod, Service } from '../../../api-types/core.js';
import { planEndpoints, type EndpointsMemo } from '../../../controllers/endpoints/incremental.js';
import { reconcileEndpoints, type EndpointsPlan, type EndpointsSnapshot } from '../../../controllers/endpoints/reconcile.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { replaceAt } from '../shared/pod-steps.js';
import { makePod, makeService } from './fixtures.js';

type Checker = { deepEqual: (a: unknown, b: unknown) => void };

const podAt = (i: number, o: Parameters<typeof makePod>[1] = {}) => makePod(`p${i}`, { ip: `10.0.${i >> 8}.${i & 255}`, ...o });

/** A Service, its pods and a stand-in server, synced once (full) so that a memo exists. */
function steady(t: Checker, o: { n?: number; svc?: Service; podsOf?: (n: number) => Pod[]; capacity?: number } = {}) {
  const service = o.svc ?? makeService();
  const state = { pods: (o.podsOf ?? ((n: number) => Array.from({ length: n }, (_, i) => podAt(i))))(o.n ?? 100), existing: undefined as Endpoints | undefined, memo: undefined as EndpointsMemo | undefined, rv: 10 };
  const write = (plan: EndpointsPlan): Endpoints | undefined => {
    if (plan.action !== 'create' && plan.action !== 'update') return undefined;
    const stored = { ...plan.endpoints, metadata: { ...plan.endpoints.metadata, uid: 'ep-uid', resourceVersion: String(++state.rv) } };
    state.existing = deepFreeze(structuredClone(stored));
    return deepFreeze(structuredClone(stored));
  };
  /** One sync through planEndpoints: checks the plan against reconcileEndpoints, applies it, keeps the memo. */
  const sync = (t: Checker, over: Partial<EndpointsSnapshot> = {}) => {
    const s: EndpointsSnapshot = { namespace: 'default', name: 'web', service, pods: state.pods, existing: state.existing, maxCapacity: o.capacity, ...over };
    const r = planEndpoints(s, state.memo);
    t.deepEqual(r.plan, reconcileEndpoints(s));
    state.memo = r.next?.settle(write(r.plan));
    return r;
  };
  sync(t);
  return { state, sync, service };
}


test('planEndpoints › a readiness flip in a 100-pod Service: incremental, the address moves to notReadyAddresses', (t) => {
  const { sync, state } = steady(t);
  t.truthy(state.memo);
  state.pods = replaceAt(state.pods, 7, podAt(7, { ready: false }));
  const r = sync(t, { triggerTime: '2026-01-01T00:01:00Z' });
  t.true(r.incremental);
  t.is(r.plan.action, 'update');
  const ss = (r.plan as { endpoints: Endpoints }).endpoints.subsets![0];
  t.deepEqual([ss.addresses!.length, ss.notReadyAddresses!.map((a) => a.ip)], [99, ['10.0.0.7']]);
  state.pods = replaceAt(state.pods, 7, podAt(7));
  t.true(sync(t).incremental);
  t.is(state.existing?.subsets?.[0].notReadyAddresses, undefined);
});

test('planEndpoints › a pod replaced by an equal one: incremental, no write', (t) => {
  const { sync, state } = steady(t);
  state.pods = replaceAt(state.pods, 3, podAt(3));
  const r = sync(t);
  t.true(r.incremental);
  t.is(r.plan.action, 'none');
});

test('planEndpoints › pods added and removed, IP changed: incremental, addresses stay in IP order', (t) => {
  const { sync, state } = steady(t, { n: 20 });
  state.pods = [...replaceAt(state.pods, 5, podAt(5, { ip: '10.9.9.9' })).filter((p) => p.metadata.name !== 'p2'), podAt(30, { ip: '10.0.0.3' })];
  const r = sync(t);
  t.true(r.incremental);
  const ips = (r.plan as { endpoints: Endpoints }).endpoints.subsets![0].addresses!.map((a) => a.ip);
  t.deepEqual(ips, [...ips].sort());
});

test('planEndpoints › a changed Service, an Endpoints written by someone else, or many changes: the full reconcile', (t) => {
  const a = steady(t);
  t.false(a.sync(t, { service: makeService({}, { app: 'web', tier: 'x' }) }).incremental);

  const b = steady(t);
  b.state.existing = deepFreeze({ ...b.state.existing!, metadata: { ...b.state.existing!.metadata, resourceVersion: '999' } });
  b.state.pods = replaceAt(b.state.pods, 7, podAt(7, { ready: false }));
  t.false(b.sync(t).incremental);

  const c = steady(t);
  c.state.pods = c.state.pods.map((p, i) => (i < 40 ? podAt(i, { ready: false }) : p));
  t.false(c.sync(t).incremental);
});

test('planEndpoints › truncation in play or several subsets: no fast path', (t) => {
  const truncated = steady(t, { n: 12, capacity: 10 });
  t.is(truncated.state.memo, undefined);
  const near = steady(t, { n: 10, capacity: 10 });
  t.truthy(near.state.memo);
  near.state.pods = [...near.state.pods, podAt(10)];
  t.false(near.sync(t).incremental, 'crossing the capacity falls back');

  const named = makeService({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] });
  const split = steady(t, { svc: named, podsOf: (n) => Array.from({ length: n }, (_, i) => podAt(i, { ports: [{ name: 'web', containerPort: i % 2 ? 8080 : 8081 }] })) });
  t.is(split.state.memo, undefined);
  const one = steady(t, { svc: named, n: 10, podsOf: (n) => Array.from({ length: n }, (_, i) => podAt(i, { ports: [{ name: 'web', containerPort: 8080 }] })) });
  one.state.pods = replaceAt(one.state.pods, 3, podAt(3, { ports: [{ name: 'web', containerPort: 9090 }] }));
  t.false(one.sync(t).incremental, 'a pod with another signature makes a second subset');
});

test('planEndpoints › a stale cached Endpoints throws as reconcileEndpoints does', (t) => {
  const { state, service } = steady(t);
  state.pods = replaceAt(state.pods, 7, podAt(7, { ready: false }));
  const isStale = (ep: Endpoints) => ep.metadata.resourceVersion === state.existing?.metadata.resourceVersion;
  const s: EndpointsSnapshot = { namespace: 'default', name: 'web', service, pods: state.pods, existing: state.existing, isStale };
  const err = t.throws(() => planEndpoints(s, state.memo));
  t.is((err as { code?: string }).code, 'EndpointsCacheStale');
  t.deepEqual(t.throws(() => reconcileEndpoints(s)), err);
});

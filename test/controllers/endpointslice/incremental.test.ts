import test from 'ava';
import type { Node, Pod, Service } from '../../../api-types/core.js';
import type { EndpointSlice } from '../../../api-types/networking.js';
import { planSlices, type SliceMemo } from '../../../controllers/endpointslice/incremental.js';
import { reconcileSlices, type SliceSnapshot } from '../../../controllers/endpointslice/reconcile.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { replaceAt } from '../shared/pod-steps.js';
import { FakeSliceServer, node, pod, pods, service } from './fixtures.js';

type Checker = { deepEqual: (a: unknown, b: unknown) => void };

/** A Service, its pods and a server, synced once (full) so that a memo exists. */
function steady(t: Checker, o: { n?: number; max?: number; svc?: Service; nodes?: Map<string, Node>; podsOf?: (n: number) => Pod[] } = {}) {
  const svc = o.svc ?? service();
  const server = new FakeSliceServer();
  const state = { pods: (o.podsOf ?? ((n: number) => pods(n)))(o.n ?? 100), nodes: o.nodes ?? new Map([['node-1', node('node-1', 'zone-a')]]), nodesGeneration: 1, memo: undefined as SliceMemo | undefined };
  const snap = (over: Partial<SliceSnapshot> = {}): SliceSnapshot => ({ service: svc, pods: state.pods, nodes: state.nodes, nodesGeneration: state.nodesGeneration, existingSlices: server.cache, maxEndpointsPerSlice: o.max ?? 100, ...over });
  /** One sync through planSlices: checks the plan against reconcileSlices, applies it, keeps the memo. */
  const sync = (t: Checker, over: Partial<SliceSnapshot> = {}) => {
    const s = snap(over);
    const r = planSlices(s, state.memo);
    t.deepEqual(r.plan, reconcileSlices(s));
    state.memo = r.next?.settle(server.apply(r.plan));
    return r;
  };
  sync(t);
  return { svc, server, state, sync };
}


test('planSlices › the first sync is the full reconcile, and leaves a memo', (t) => {
  const { sync, state } = steady(t);
  t.truthy(state.memo);
  t.true(sync(t).incremental, 'the memo kept after the first sync is used from the second on');
});

test('planSlices › a readiness flip in a 100-pod Service: incremental, one update of the slice holding the pod', (t) => {
  const { sync, state, server } = steady(t);
  state.pods = replaceAt(state.pods, 7, pod(7, { ready: false }));
  const r = sync(t, { triggerTime: '2026-01-01T00:01:00Z' });
  t.true(r.incremental);
  t.is(r.plan.update.length, 1);
  t.deepEqual([r.plan.create.length, r.plan.delete.length], [0, 0]);
  const ep = r.plan.update[0].endpoints!.find((e) => e.targetRef?.name === 'pod-7');
  t.deepEqual(ep?.conditions, { ready: false, serving: false, terminating: false });
  // and back: the slice the server now holds is the one the memo expects
  state.pods = replaceAt(state.pods, 7, pod(7));
  t.true(sync(t).incremental);
  t.is(server.cache.length, 1);
});

test('planSlices › a pod replaced by an equal one: incremental, nothing to write', (t) => {
  const { sync, state } = steady(t);
  state.pods = replaceAt(state.pods, 3, pod(3));
  const r = sync(t);
  t.true(r.incremental);
  t.deepEqual([r.plan.create.length, r.plan.update.length, r.plan.delete.length], [0, 0, 0]);
});

test('planSlices › pods removed and added: incremental while the slices have room', (t) => {
  const { sync, state } = steady(t, { n: 10, max: 20 });
  state.pods = [...state.pods.filter((p) => p.metadata.name !== 'pod-2'), pod(10), pod(11)];
  const r = sync(t);
  t.true(r.incremental);
  t.is(r.plan.update[0].endpoints!.length, 11);
});

test('planSlices › an added pod that needs a new slice falls back to the full reconcile', (t) => {
  const { sync, state } = steady(t, { n: 10, max: 10 });
  state.pods = [...state.pods, pod(10)];
  const r = sync(t);
  t.false(r.incremental);
  t.is(r.plan.create.length, 1);
});

test('planSlices › the last pod of a slice removed falls back (a delete)', (t) => {
  const { sync, state } = steady(t, { n: 4, max: 2 });
  state.pods = state.pods.slice(0, 2);
  t.false(sync(t).incremental);
});

test('planSlices › a changed Service object, a slice written by someone else, or many changes fall back', (t) => {
  const a = steady(t);
  t.false(a.sync(t, { service: service({ metadata: { labels: { app: 'web', tier: 'x' } } }) }).incremental);

  const b = steady(t);
  const [only] = b.server.cache;
  b.server.cache = [deepFreeze({ ...only, metadata: { ...only.metadata, resourceVersion: '999' } } as EndpointSlice)];
  b.state.pods = replaceAt(b.state.pods, 7, pod(7, { ready: false }));
  t.false(b.sync(t).incremental);

  const c = steady(t);
  c.state.pods = c.state.pods.map((p, i) => (i < 40 ? pod(i, { ready: false }) : p));
  t.false(c.sync(t).incremental);
});

test('planSlices › nodes: a new generation with the same zones stays incremental; a zone that moved falls back', (t) => {
  const { sync, state } = steady(t);
  state.nodes = new Map([['node-1', node('node-1', 'zone-a')]]);
  state.nodesGeneration++;
  state.pods = replaceAt(state.pods, 7, pod(7, { ready: false }));
  t.true(sync(t).incremental);
  state.nodes = new Map([['node-1', node('node-1', 'zone-b')]]);
  state.nodesGeneration++;
  state.pods = replaceAt(state.pods, 7, pod(7));
  const r = sync(t);
  t.false(r.incremental);
  t.is(r.plan.update[0].endpoints![0].zone, 'zone-b');
});

test('planSlices › no memo where the fast path cannot follow: two port mappings, topology hints, a missing node', (t) => {
  const named = service({ spec: { ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } });
  const twoMappings = steady(t, { svc: named, podsOf: (n) => Array.from({ length: n }, (_, i) => pod(i, { ports: [{ name: 'http', containerPort: i % 2 ? 8080 : 8081 }] })) });
  t.is(twoMappings.state.memo, undefined);
  const topology = steady(t, { svc: service({ metadata: { annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } } }) });
  t.is(topology.state.memo, undefined);
  const missing = steady(t, { podsOf: (n) => Array.from({ length: n }, (_, i) => pod(i, { nodeName: i === 5 ? 'gone' : 'node-1' })) });
  t.is(missing.state.memo, undefined);
});

test('planSlices › a changed pod moving to a port mapping of its own falls back', (t) => {
  const named = service({ spec: { ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } });
  const { sync, state } = steady(t, { svc: named, n: 10, podsOf: (n) => Array.from({ length: n }, (_, i) => pod(i, { ports: [{ name: 'http', containerPort: 8080 }] })) });
  t.truthy(state.memo);
  state.pods = replaceAt(state.pods, 4, pod(4, { ports: [{ name: 'http', containerPort: 9090 }] }));
  t.false(sync(t).incremental);
});

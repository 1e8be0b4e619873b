import test from 'ava';
import type { Pod } from '../../../api-types/core.js';
import { planRunning, planTermination, podStage, type PodStage } from '../../../controllers/kubelet-sim/reconcile.js';
import { runningPodStatus } from '../../../controllers/kubelet-sim/pod-status.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const T0 = Date.UTC(2026, 10, 21, 10);
const own = (n: string): boolean => n.startsWith('sim-node-');

function pod(o: { node?: string; phase?: 'Running' | 'Succeeded' | 'Failed'; deleting?: number; annotations?: Record<string, string>; ready?: boolean } = {}): Pod {
  const p: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1', annotations: o.annotations }, spec: { nodeName: o.node, containers: [{ name: 'app', image: 'nginx' }] } };
  if (o.deleting !== undefined) {
    p.metadata.deletionTimestamp = '2026-11-21T10:00:30Z';
    p.metadata.deletionGracePeriodSeconds = o.deleting;
  }
  if (o.ready !== undefined) p.status = runningPodStatus(p, { ips: ['10.244.0.2'], hostIPs: ['172.18.0.2'], ready: o.ready, nowIso: '2026-11-21T09:59:00Z' });
  if (o.phase) p.status = { ...(p.status ?? {}), phase: o.phase };
  return deepFreeze(p);
}

const stages: { name: string; pod: Pod; want: PodStage }[] = [
  { name: 'no node', pod: pod(), want: 'unbound' },
  { name: 'on a simulated node', pod: pod({ node: 'sim-node-2' }), want: 'running' },
  { name: 'on a real node', pod: pod({ node: 'worker-7' }), want: 'foreign' },
  { name: 'on a real node and terminating', pod: pod({ node: 'worker-7', deleting: 30 }), want: 'foreign' },
  { name: 'terminating on a simulated node', pod: pod({ node: 'sim-node-1', deleting: 30 }), want: 'terminating' },
  { name: 'terminating without a node (held by a finalizer)', pod: pod({ deleting: 0 }), want: 'terminal' },
  { name: 'Succeeded', pod: pod({ node: 'sim-node-1', phase: 'Succeeded' }), want: 'terminal' },
  { name: 'Failed', pod: pod({ node: 'sim-node-1', phase: 'Failed' }), want: 'terminal' },
];
for (const c of stages) {
  test(`podStage › ${c.name} → ${c.want}`, (t) => {
    t.is(podStage(c.pod, own), c.want);
  });
}

test('planRunning › a new pod: Running and not ready, requeued for the rest of the delay', (t) => {
  const plan = planRunning({ pod: pod({ node: 'sim-node-1' }), ips: ['10.244.0.2'], hostIPs: ['172.18.0.2'], nowMs: T0 + 300, runningSinceMs: T0, readyDelayMs: 1000 });
  t.is(plan.status?.phase, 'Running');
  t.is(plan.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  t.is(plan.requeueAfterMs, 700);
});

test('planRunning › past the delay: Ready, no requeue', (t) => {
  const plan = planRunning({ pod: pod({ node: 'sim-node-1', ready: false }), ips: ['10.244.0.2'], hostIPs: ['172.18.0.2'], nowMs: T0 + 1000, runningSinceMs: T0, readyDelayMs: 1000 });
  t.is(plan.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  t.is(plan.requeueAfterMs, undefined);
});

test('planRunning › already posted: no write', (t) => {
  const plan = planRunning({ pod: pod({ node: 'sim-node-1', ready: true }), ips: ['10.244.0.2'], hostIPs: ['172.18.0.2'], nowMs: T0 + 5000, runningSinceMs: T0, readyDelayMs: 1000 });
  t.deepEqual(plan, {});
});

test('planRunning › "false" keeps it not ready past the delay, without requeueing; "true" is ready before it', (t) => {
  const held = planRunning({ pod: pod({ node: 'sim-node-1', ready: true, annotations: { 'svcplane.io/simulate-ready': 'false' } }), ips: ['10.244.0.2'], hostIPs: ['172.18.0.2'], nowMs: T0 + 5000, runningSinceMs: T0, readyDelayMs: 1000 });
  t.is(held.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  t.is(held.requeueAfterMs, undefined);
  const early = planRunning({ pod: pod({ node: 'sim-node-1', annotations: { 'svcplane.io/simulate-ready': 'true' } }), ips: ['10.244.0.2'], hostIPs: [], nowMs: T0, runningSinceMs: T0, readyDelayMs: 60_000 });
  t.is(early.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  t.is(early.requeueAfterMs, undefined);
});

const terminations: { name: string; pod: Pod; elapsedMs: number; shutdownMs: number; want: { status: boolean; forceDelete?: boolean; requeueAfterMs?: number } }[] = [
  { name: 'ready pod just deleted: not ready now, wait the shutdown', pod: pod({ node: 'sim-node-1', ready: true, deleting: 30 }), elapsedMs: 0, shutdownMs: 2000, want: { status: true, requeueAfterMs: 2000 } },
  { name: 'already not ready, half way: only wait', pod: pod({ node: 'sim-node-1', ready: false, deleting: 30 }), elapsedMs: 1000, shutdownMs: 2000, want: { status: false, requeueAfterMs: 1000 } },
  { name: 'shutdown over: delete', pod: pod({ node: 'sim-node-1', ready: false, deleting: 30 }), elapsedMs: 2000, shutdownMs: 2000, want: { status: false, forceDelete: true } },
  { name: 'a grace period shorter than the shutdown wins', pod: pod({ node: 'sim-node-1', ready: false, deleting: 1 }), elapsedMs: 1000, shutdownMs: 2000, want: { status: false, forceDelete: true } },
  { name: 'grace 0 (force delete under a finalizer): delete at once', pod: pod({ node: 'sim-node-1', ready: true, deleting: 0 }), elapsedMs: 0, shutdownMs: 2000, want: { status: true, forceDelete: true } },
];
for (const c of terminations) {
  test(`planTermination › ${c.name}`, (t) => {
    const plan = planTermination({ pod: c.pod, nowMs: T0 + c.elapsedMs, terminatingSinceMs: T0, shutdownMs: c.shutdownMs });
    t.is(plan.status !== undefined, c.want.status);
    if (plan.status) t.is(plan.status.conditions?.find((x) => x.type === 'Ready')?.status, 'False');
    t.is(plan.forceDelete, c.want.forceDelete);
    t.is(plan.requeueAfterMs, c.want.requeueAfterMs);
  });
}

import test from 'ava';
import { pino } from 'pino';
import type { Node, Pod } from '../../../api-types/core.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { MemoryStore } from '../../../apiserver/store.js';
import { parseCIDR, parseIP } from '../../../allocators/ip.js';
import { KubeletSim, SimulateReadyAnnotation, SimulationWarning, type KubeletSimOptions } from '../../../controllers/kubelet-sim/index.js';
import { Manager } from '../../../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../../../controllers/runtime/metrics.js';
import { eventually } from '../../helpers/eventually.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';

const R = { pods: resourceFor('', 'pods'), nodes: resourceFor('', 'nodes') };

async function startSim(opts: KubeletSimOptions = {}, store = new MemoryStore()) {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  const sim = new KubeletSim({ readyDelayMs: 1000, ...opts });
  const manager = new Manager({ client: new InProcessClient(store), controllers: [sim], clock, random: () => 0, logger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: false, drainTimeoutMs: 1000 });
  manager.start();
  await manager.whenRunning();
  const pod = (name: string): Pod | undefined => {
    try {
      return store.get(R.pods, 'default', name) as Pod;
    } catch {
      return undefined;
    }
  };
  const create = (name: string, annotations?: Record<string, string>): void => {
    store.create(R.pods, 'default', { metadata: { name, annotations }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
  };
  const ready = (name: string): boolean => pod(name)?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const running = (name: string): boolean => pod(name)?.status?.phase === 'Running';
  // Moves fake time in steps, letting workers pick up what fell due.
  const advance = async (ms: number, steps = 10): Promise<void> => {
    for (let i = 0; i < steps; i++) {
      clock.advance(ms / steps);
      await settle(3);
    }
  };
  const nodes = (): Node[] => store.list(R.nodes, {}).items as Node[];
  return { store, sim, manager, clock, lines, pod, create, ready, running, advance, nodes, close: async () => { await manager.stop(); store.close(); } };
}

function inCIDR(ip: string, cidr: string): boolean {
  const c = parseCIDR(cidr);
  const v = parseIP(ip).value;
  const hostBits = BigInt(c.bits - c.prefixLength);
  return parseIP(ip).family === c.family && v >> hostBits === c.network >> hostBits;
}

test('kubelet-sim › warns that it is a simulation and registers three ready nodes in three zones with distinct podCIDRs', async (t) => {
  const w = await startSim();
  await eventually('3 nodes', () => w.nodes().length === 3);
  t.true(w.lines.some((l) => l.level === 40 && l.msg === SimulationWarning));
  const nodes = w.nodes().sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  t.deepEqual(nodes.map((n) => n.metadata.name), ['sim-node-1', 'sim-node-2', 'sim-node-3']);
  t.deepEqual(nodes.map((n) => n.metadata.labels?.['topology.kubernetes.io/zone']), ['zone-a', 'zone-b', 'zone-c']);
  t.deepEqual(nodes.map((n) => n.spec?.podCIDRs), [['10.244.0.0/24'], ['10.244.1.0/24'], ['10.244.2.0/24']]);
  for (const n of nodes) {
    t.is(n.status?.allocatable?.cpu, '4');
    t.is(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    t.true(n.status?.addresses?.some((a) => a.type === 'InternalIP'));
  }
  await w.close();
});

test('kubelet-sim › binds pods round-robin and gives each a unique IP in its node podCIDR', async (t) => {
  const w = await startSim();
  await eventually('w.nodes().length === 3', () => w.nodes().length === 3);
  for (let i = 0; i < 6; i++) w.create(`web-${i}`);
  await eventually('6 running pods', () => [0, 1, 2, 3, 4, 5].every((i) => w.running(`web-${i}`)));
  const pods = [0, 1, 2, 3, 4, 5].map((i) => w.pod(`web-${i}`) as Pod);
  const perNode = new Map<string, number>();
  for (const p of pods) perNode.set(p.spec?.nodeName ?? '', (perNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  t.deepEqual([...perNode.entries()].sort(), [['sim-node-1', 2], ['sim-node-2', 2], ['sim-node-3', 2]]);
  const cidrOf = new Map(w.nodes().map((n) => [n.metadata.name, n.spec?.podCIDRs?.[0] ?? '']));
  for (const p of pods) {
    t.true(inCIDR(p.status?.podIP ?? '', cidrOf.get(p.spec?.nodeName) ?? ''), `${p.metadata.name} ${p.status?.podIP}`);
    t.deepEqual(p.status?.podIPs, [{ ip: p.status?.podIP ?? '' }]);
    t.is(p.status?.hostIP, (w.nodes().find((n) => n.metadata.name === p.spec?.nodeName)?.status?.addresses ?? [])[0].address);
  }
  t.is(new Set(pods.map((p) => p.status?.podIP)).size, 6);
  await w.close();
});

test('kubelet-sim › a pod turns Ready only after readyDelayMs (fake clock)', async (t) => {
  const w = await startSim({ readyDelayMs: 5000 });
  w.create('slow');
  await eventually('w.running("slow")', () => w.running('slow'));
  await w.advance(4000);
  t.false(w.ready('slow'), 'not ready before the delay');
  await w.advance(1500);
  await eventually('ready after the delay', () => w.ready('slow'));
  const st = w.pod('slow')?.status;
  t.is((st?.containerStatuses as { ready: boolean }[])[0].ready, true);
  t.is(st?.conditions?.find((c) => c.type === 'ContainersReady')?.status, 'True');
  await w.close();
});

test('kubelet-sim › the simulate-ready annotation keeps a pod not ready, and "true" makes it ready again', async (t) => {
  const w = await startSim({ readyDelayMs: 1000 });
  w.create('held', { [SimulateReadyAnnotation]: 'false' });
  await eventually('w.running("held")', () => w.running('held'));
  await w.advance(3000);
  t.false(w.ready('held'));
  const cur = w.pod('held') as Pod;
  w.store.update(R.pods, 'default', 'held', { ...cur, metadata: { ...cur.metadata, annotations: { [SimulateReadyAnnotation]: 'true' } } });
  await eventually('ready after "true"', () => w.ready('held'));
  const again = w.pod('held') as Pod;
  w.store.update(R.pods, 'default', 'held', { ...again, metadata: { ...again.metadata, annotations: { [SimulateReadyAnnotation]: 'false' } } });
  await eventually('not ready after "false"', () => !w.ready('held'));
  await w.close();
});

test('kubelet-sim › graceful deletion: not ready at once, force-deleted after the simulated shutdown, IPs released', async (t) => {
  const w = await startSim({ readyDelayMs: 0, shutdownMs: 2000 });
  w.create('bye');
  await eventually('w.ready("bye")', () => w.ready('bye'));
  w.store.delete(R.pods, 'default', 'bye', {});
  await eventually('terminating and not ready', () => w.pod('bye')?.metadata.deletionTimestamp && !w.ready('bye'));
  await w.advance(1500);
  t.truthy(w.pod('bye'), 'still shutting down');
  await w.advance(1000);
  await eventually('pod gone', () => w.pod('bye') === undefined);
  t.truthy(await eventually('IP released', () => !w.sim.allocations().has('default/bye')));
  await w.close();
});

test('kubelet-sim › a grace period shorter than the simulated shutdown wins', async (t) => {
  const w = await startSim({ readyDelayMs: 0, shutdownMs: 60_000 });
  w.create('quick');
  await eventually('w.ready("quick")', () => w.ready('quick'));
  w.store.delete(R.pods, 'default', 'quick', { gracePeriodSeconds: 1 });
  await eventually('!w.ready("quick")', () => !w.ready('quick'));
  await w.advance(1200);
  t.truthy(await eventually('gone after 1 s', () => w.pod('quick') === undefined));
  await w.close();
});

test('kubelet-sim › pod IPs are reused only after release', async (t) => {
  // One node with a /29: five usable pod IPs.
  const w = await startSim({ nodes: 1, nodeCIDRMaskSize: { IPv4: 29 }, readyDelayMs: 0 });
  for (let i = 0; i < 5; i++) w.create(`p${i}`);
  await eventually('5 running pods', () => [0, 1, 2, 3, 4].every((i) => w.running(`p${i}`)));
  const ips = [0, 1, 2, 3, 4].map((i) => w.pod(`p${i}`)?.status?.podIP);
  t.is(new Set(ips).size, 5);
  w.create('late');
  await settle(20);
  t.falsy(w.pod('late')?.status?.podIP, 'no IP while the pool is full');
  w.store.delete(R.pods, 'default', 'p2', { gracePeriodSeconds: 0 });
  await w.advance(6000, 12);
  await eventually('late pod gets an IP', () => w.pod('late')?.status?.podIP);
  t.is(w.pod('late')?.status?.podIP, ips[2], 'the released IP, and only that one');
  await w.close();
});

test('kubelet-sim › dual-stack: a podCIDR and a pod IP per family, primary family first, unique per family', async (t) => {
  const w = await startSim({ clusterCIDR: '10.244.0.0/16,fd00:10:244::/56', readyDelayMs: 0 });
  const names = [0, 1, 2, 3, 4, 5].map((i) => `dual-${i}`);
  for (const n of names) w.create(n);
  await eventually('6 ready dual-stack pods', () => names.every((n) => w.ready(n)));
  const byNode = new Map(w.nodes().map((n) => [n.metadata.name, n]));
  t.deepEqual([...byNode.values()].map((n) => n.spec?.podCIDRs?.[1]).sort(), ['fd00:10:244:1::/64', 'fd00:10:244:2::/64', 'fd00:10:244::/64']);
  const seen: string[][] = [[], []];
  for (const name of names) {
    const p = w.pod(name) as Pod;
    const node = byNode.get(p.spec?.nodeName) as Node;
    t.deepEqual(node.spec?.podCIDRs?.map((c) => parseCIDR(c).family), ['IPv4', 'IPv6']);
    const ips = (p.status?.podIPs ?? []).map((x) => x.ip);
    t.is(ips.length, 2);
    t.true(inCIDR(ips[0], node.spec?.podCIDRs?.[0] ?? ''), ips[0]);
    t.true(inCIDR(ips[1], node.spec?.podCIDRs?.[1] ?? ''), ips[1]);
    t.is(p.status?.podIP, ips[0]);
    seen[0].push(ips[0]);
    seen[1].push(ips[1]);
  }
  t.is(new Set(seen[0]).size, 6);
  t.is(new Set(seen[1]).size, 6);
  await w.close();
});

test('kubelet-sim › after a restart, running pods keep their IPs and new pods get other ones', async (t) => {
  const store = new MemoryStore();
  const a = await startSim({ nodes: 1, readyDelayMs: 0 }, store);
  a.create('old');
  await eventually('a.ready("old")', () => a.ready('old'));
  await a.manager.stop();
  const b = await startSim({ nodes: 1, readyDelayMs: 0 }, store);
  b.create('new');
  await eventually('b.ready("new")', () => b.ready('new'));
  t.not(b.pod('new')?.status?.podIP, b.pod('old')?.status?.podIP);
  t.deepEqual(b.nodes().map((n) => n.spec?.podCIDRs), [['10.244.0.0/24']], 'the node is not registered twice');
  await b.close();
});

test('kubelet-sim › a no-op sync makes zero writes', async (t) => {
  const w = await startSim({ readyDelayMs: 0 });
  w.create('steady');
  await eventually('w.ready("steady")', () => w.ready('steady'));
  await settle(10);
  const rv = w.pod('steady')?.metadata.resourceVersion;
  await w.advance(10_000);
  await settle(10);
  t.is(w.pod('steady')?.metadata.resourceVersion, rv);
  await w.close();
});

test('kubelet-sim › the 250-pod example: all bound evenly, unique IPs, all ready', async (t) => {
  const w = await startSim({ readyDelayMs: 0 });
  for (let i = 0; i < 250; i++) w.create(`big-${String(i).padStart(3, '0')}`);
  const pods = (): Pod[] => w.store.list(R.pods, { namespace: 'default' }).items as Pod[];
  await eventually('250 ready pods', () => pods().filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === 250, { timeoutMs: 20_000 });
  const all = pods();
  t.is(new Set(all.map((p) => p.status?.podIP)).size, 250);
  const perNode = new Map<string, number>();
  for (const p of all) perNode.set(p.spec?.nodeName ?? '', (perNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  t.deepEqual([...perNode.values()].sort(), [83, 83, 84]);
  await w.close();
});

test('kubelet-sim › pods on nodes it does not run are left alone, even when deleted', async (t) => {
  const w = await startSim({ readyDelayMs: 0, shutdownMs: 0 });
  w.store.create(R.pods, 'default', { metadata: { name: 'real' }, spec: { nodeName: 'worker-1', containers: [{ name: 'app', image: 'nginx' }] } });
  w.create('sim');
  await eventually('the simulated pod ready', () => w.ready('sim'));
  await w.advance(1000);
  t.is(w.pod('real')?.status?.podIP, undefined, 'no IP or status for a foreign pod');
  w.store.delete(R.pods, 'default', 'real', {});
  await w.advance(1000);
  t.truthy(w.pod('real')?.metadata.deletionTimestamp, 'still terminating: its own kubelet would finish it');
  await w.close();
});

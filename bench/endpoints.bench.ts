/**
 * Endpoint controllers benchmarks (issue 6), each against a baseline from the same run:
 * 1. Writes: one readiness flip in a 5,000-pod Service is exactly 1 EndpointSlice write and
 *    1 Endpoints write; bytes written per flip on the Endpoints path / the slice path (≥ 30).
 * 2. A rolling replacement of all 5,000 pods: slice writes ≤ pods changed.
 * 3. One Endpoints sync of a 5,000-pod Service ≤ 3 × JSON.stringify of the resulting Endpoints.
 * 4. Reconcile-and-plan CPU per pod event / JSON.parse of the same Pod (target ≤ 0.25), for an
 *    unbatched event in a 100-pod Service, and its flatness with 1,000 vs 100,000 cached pods.
 * The controllers run for real against the in-process API server (figures 1–2); figures 3–4
 * call the pure reconcilers on informer-shaped (slimPod) pods, with CPU time.
 */
import type { Endpoints, Node, Pod, Service } from '../api-types/core.js';
import type { WatchEvent } from '../api-types/meta.js';
import { InProcessClient } from '../apiserver/in-process-client.js';
import { resourceFor } from '../apiserver/resources.js';
import { MemoryStore } from '../apiserver/store.js';
import { EndpointsController } from '../controllers/endpoints/index.js';
import { reconcileEndpoints } from '../controllers/endpoints/reconcile.js';
import { EndpointSliceController } from '../controllers/endpointslice/index.js';
import { reconcileSlices } from '../controllers/endpointslice/reconcile.js';
import { systemClock } from '../controllers/runtime/clock.js';
import { silentLogger } from '../controllers/runtime/logger.js';
import { Manager } from '../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../controllers/runtime/metrics.js';
import { slimPod } from '../controllers/runtime/transforms.js';
import { fullPod } from './fixtures.js';
import { atLeast, atMost, median, type Report } from './harness.js';

const R = { services: resourceFor('', 'services'), pods: resourceFor('', 'pods'), nodes: resourceFor('', 'nodes'), endpoints: resourceFor('', 'endpoints'), slices: resourceFor('discovery.k8s.io', 'endpointslices') };
const service: Service = { metadata: { name: 'web', namespace: 'default', uid: 'svc-uid' }, spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } };

/** A full Pod as a client sends it on create (no server-set fields). */
function podToCreate(i: number): Pod {
  const p = fullPod(i);
  delete p.metadata.resourceVersion;
  delete p.metadata.uid;
  delete p.metadata.creationTimestamp;
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

/** Counts watch events (writes) and their bytes for a resource from now on. */
function meter(store: MemoryStore, r: typeof R.slices) {
  let writes = 0;
  let bytes = 0;
  const h = store.watch(r, { resourceVersion: store.currentResourceVersion() }, { event: (e: WatchEvent) => { writes++; bytes += JSON.stringify(e.object).length; }, end() {} });
  return { read: () => ({ writes, bytes }), stop: () => h.stop() };
}

async function figureWrites(report: Report): Promise<void> {
  const n = 5000;
  const store = new MemoryStore({ historySize: 50_000 });
  for (let i = 0; i < 50; i++) {
    store.create(R.nodes, undefined, { metadata: { name: `node-${i}`, labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}` } } });
  }
  store.create(R.services, 'default', structuredClone(service));
  for (let i = 0; i < n; i++) store.create(R.pods, 'default', podToCreate(i));
  const manager = new Manager({ client: new InProcessClient(store), controllers: [new EndpointsController(), new EndpointSliceController()], clock: systemClock, random: Math.random, logger: silentLogger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: false });
  manager.start();
  await manager.whenRunning();
  const readySlices = () => (store.list(R.slices, { namespace: 'default' }).items as { endpoints?: { conditions?: { ready?: boolean } }[] }[]).reduce((a, s) => a + (s.endpoints ?? []).filter((e) => e.conditions?.ready).length, 0);
  const readyEndpoints = () => (store.list(R.endpoints, { namespace: 'default' }).items as Endpoints[]).reduce((a, e) => a + (e.subsets ?? []).reduce((b, s) => b + (s.addresses?.length ?? 0), 0), 0);
  await until('initial sync', () => readySlices() === n && readyEndpoints() === 1000);
  await sleep(2500);
  // 1. One readiness flip.
  const ms = meter(store, R.slices);
  const me = meter(store, R.endpoints);
  const pod = store.get(R.pods, 'default', fullPod(17).metadata.name!) as Pod;
  store.update(R.pods, 'default', pod.metadata.name!, { ...pod, status: { ...pod.status, conditions: pod.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c)) } }, { subresource: 'status' });
  await until('flip seen', () => readySlices() === n - 1);
  await sleep(2500);
  const s = ms.read();
  const e = me.read();
  ms.stop();
  me.stop();
  report(atMost('One readiness flip in a 5,000-pod Service: EndpointSlice writes', s.writes, 1, `${s.writes} slice write(s), ${s.bytes} B`));
  report(atMost('One readiness flip in a 5,000-pod Service: Endpoints writes', e.writes, 1, `${e.writes} Endpoints write(s), ${e.bytes} B`));
  report(atLeast('Bytes written per flip, Endpoints path / slice path', e.bytes / Math.max(1, s.bytes), 30, `${e.bytes} B vs ${s.bytes} B`));
  // 2. Rolling replacement: every pod replaced by a new one (new name, new IP), in waves of 500.
  const rolling = meter(store, R.slices);
  for (let wave = 0; wave < n / 500; wave++) {
    for (let i = wave * 500; i < (wave + 1) * 500; i++) {
      store.create(R.pods, 'default', podToCreate(n + i));
      store.delete(R.pods, 'default', fullPod(i).metadata.name!, { gracePeriodSeconds: 0 });
    }
    await sleep(200);
  }
  await until('rolled', () => readySlices() === n, 180_000);
  await sleep(3000);
  const rolled = rolling.read();
  rolling.stop();
  report(atMost('Rolling replacement of 5,000 pods: slice writes / pods changed', rolled.writes / (2 * n), 1, `${rolled.writes} slice writes for ${n} pods added and ${n} removed`));
  await manager.stop();
  store.close();
}

function figureEndpointsSync(report: Report): void {
  const pods = Array.from({ length: 5000 }, (_, i) => slimPod(fullPod(i)));
  const run = () => reconcileEndpoints({ namespace: 'default', name: 'web', service, pods, existing: undefined });
  for (let i = 0; i < 20; i++) run();
  const syncs: number[] = [];
  const strs: number[] = [];
  let out = run();
  for (let r = 0; r < 9; r++) {
    let t0 = process.cpuUsage();
    for (let k = 0; k < 10; k++) out = run();
    let u = process.cpuUsage(t0);
    syncs.push((u.user + u.system) / 10);
    const ep = (out as { endpoints: Endpoints }).endpoints;
    t0 = process.cpuUsage();
    for (let k = 0; k < 10; k++) JSON.stringify(ep);
    u = process.cpuUsage(t0);
    strs.push((u.user + u.system) / 10);
  }
  const ratio = median(syncs.map((s, i) => s / strs[i]));
  report(atMost('One Endpoints sync of a 5,000-pod Service / JSON.stringify of the 1,000-address result', ratio, 3, `${(median(syncs) / 1000).toFixed(2)} ms vs ${(median(strs) / 1000).toFixed(2)} ms (CPU time, median of 9 paired rounds)`));
}

function perEventMicros(cachedPods: number): { event: number; parse: number } {
  // The cache: `cachedPods` informer-shaped pods alive, in Services of 100 pods each.
  const cache = Array.from({ length: cachedPods }, (_, i) => slimPod(fullPod(i)));
  const pods = cache.slice(0, 100);
  const nodes = new Map<string, Node>();
  for (let i = 0; i < 50; i++) nodes.set(`node-${i}`, { metadata: { name: `node-${i}`, labels: { 'topology.kubernetes.io/zone': 'a' } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  const first = reconcileSlices({ service, pods, nodes, existingSlices: [], maxEndpointsPerSlice: 100 });
  const slices = first.create.map((sl, i) => ({ ...sl, metadata: { ...sl.metadata, name: `web-${i}`, uid: `u${i}`, generation: 1 } }));
  const flipped = pods.map((p, i) => (i === 7 ? slimPod(fullPod(7, { ready: false })) : p));
  const one = () => {
    reconcileSlices({ service, pods: flipped, nodes, existingSlices: slices, maxEndpointsPerSlice: 100 });
    reconcileEndpoints({ namespace: 'default', name: 'web', service, pods: flipped, existing: undefined });
  };
  for (let i = 0; i < 200; i++) one();
  const text = JSON.stringify(fullPod(7));
  const ev: number[] = [];
  const pa: number[] = [];
  for (let r = 0; r < 9; r++) {
    let t0 = process.cpuUsage();
    for (let k = 0; k < 100; k++) one();
    let u = process.cpuUsage(t0);
    ev.push((u.user + u.system) / 100);
    t0 = process.cpuUsage();
    for (let k = 0; k < 100; k++) JSON.parse(text);
    u = process.cpuUsage(t0);
    pa.push((u.user + u.system) / 100);
  }
  if (cache.length !== cachedPods) throw new Error('cache lost');
  return { event: median(ev), parse: median(pa) };
}

function figurePerEvent(report: Report): void {
  const small = perEventMicros(1_000);
  const large = perEventMicros(100_000);
  report(atMost('Reconcile and plan per unbatched pod event (100-pod Service) / JSON.parse of the Pod', small.event / small.parse, 0.25, `${small.event.toFixed(0)} µs vs ${small.parse.toFixed(1)} µs: both reconcilers re-plan the whole Service on each event`));
  report(atMost('Per pod event, 100,000 / 1,000 cached pods', large.event / small.event, 1.5, `${large.event.toFixed(0)} µs vs ${small.event.toFixed(0)} µs (a sync reads only its Service's pods)`));
}

/** Runs the endpoint controller figures. */
export async function run(report: Report): Promise<void> {
  figureEndpointsSync(report);
  figurePerEvent(report);
  await figureWrites(report);
}

/**
 * Endpoint controllers benchmarks (issue 6), each against a baseline from the same run:
 * 1. Writes: one readiness flip in a 5,000-pod Service is exactly 1 EndpointSlice write and
 *    1 Endpoints write; bytes written per flip on the Endpoints path / the slice path (≥ 30).
 * 2. A rolling replacement of all 5,000 pods: slice writes ≤ pods changed.
 * 3. One Endpoints sync of a 5,000-pod Service ≤ 3 × JSON.stringify of the resulting Endpoints.
 * 4. Reconcile-and-plan CPU per pod event / JSON.parse of the same Pod (target ≤ 0.25), for an
 *    unbatched event in a 100-pod Service, and its flatness with 1,000 vs 100,000 cached pods:
 *    the path both controllers' syncs take (eventPath), incremental planners included.
 * The controllers run for real against the in-process API server (figures 1–2); figures 3–4
 * call the pure planners on informer-shaped (slimPod) pods: figure 3 with CPU time, figure 4 on
 * the high-resolution clock (see timed()).
 */
import type { Endpoints, Node, Pod, Service } from '../api-types/core.js';
import type { WatchEvent } from '../api-types/meta.js';
import type { EndpointSlice } from '../api-types/networking.js';
import { InProcessClient } from '../apiserver/in-process-client.js';
import { resourceFor } from '../apiserver/resources.js';
import { MemoryStore } from '../apiserver/store.js';
import { EndpointsController } from '../controllers/endpoints/index.js';
import { planEndpoints, type EndpointsMemo } from '../controllers/endpoints/incremental.js';
import { reconcileEndpoints, type EndpointsPlan } from '../controllers/endpoints/reconcile.js';
import { EndpointSliceController } from '../controllers/endpointslice/index.js';
import { planSlices, type SliceMemo } from '../controllers/endpointslice/incremental.js';
import type { SlicePlan } from '../controllers/endpointslice/reconcile.js';
import { systemClock } from '../controllers/runtime/clock.js';
import { silentLogger } from '../controllers/runtime/logger.js';
import { Manager } from '../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../controllers/runtime/metrics.js';
import { slimPod } from '../controllers/runtime/transforms.js';
import { ServicePodIndex } from '../controllers/shared/service-pods.js';
import { TriggerTimeTracker } from '../controllers/shared/trigger-time.js';
import { fullPod } from './fixtures.js';
import { atLeast, atMost, findGc, median, type Report } from './harness.js';

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
  // The 30x expectation holds for an Endpoints object that carries every address; Kubernetes (and
  // svcplane) truncate it at 1,000 since 1.22, which caps the ratio near 1000/100 times the size of
  // an address over a slice endpoint. Show what the untruncated object would weigh, for the record.
  const untruncated = reconcileEndpoints({ namespace: 'default', name: 'web', service, pods: (store.list(R.pods, { namespace: 'default' }).items as Pod[]).map(slimPod), existing: undefined, maxCapacity: Number.MAX_SAFE_INTEGER });
  const untruncatedBytes = untruncated.action === 'create' ? JSON.stringify(untruncated.endpoints).length : 0;
  report(atLeast('Bytes written per flip, Endpoints path / slice path', e.bytes / Math.max(1, s.bytes), 30,
    `${e.bytes} B vs ${s.bytes} B; the Endpoints object is truncated at 1,000 addresses: untruncated it would be ${untruncatedBytes} B, ${(untruncatedBytes / Math.max(1, s.bytes)).toFixed(1)}x the slice write`));
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

/**
 * The time (µs) of `f`, added to `acc.us`, on the high-resolution clock. The timed work is pure
 * computation (no I/O, no awaits), so its wall time is its CPU time except when the scheduler
 * preempts it, which the medians over rounds absorb. process.cpuUsage() is a system call of
 * about 0.5 µs whose cost inside a bracket grew with the work around it, and it swamped a
 * bracket that does well under a microsecond of work (a CPU profile put the planners at about
 * 2 µs per event while cpuUsage brackets reported 6).
 */
function timed<T>(acc: { us: number }, f: () => T): T {
  const t0 = performance.now();
  const out = f();
  acc.us += (performance.now() - t0) * 1000;
  return out;
}

/**
 * An object as a client or informer holds it after the server sent it: decoded from JSON. Only
 * the top level and metadata go through JSON (they are what a sync copies); the large list
 * (`big`) is carried over as it is.
 */
function decoded<T extends object>(obj: T, big: keyof T): T {
  const out = JSON.parse(JSON.stringify({ ...obj, [big]: [] })) as T;
  out[big] = obj[big];
  return out;
}

/**
 * One unbatched pod event as both controllers handle it, from the cache to the plan: the pod
 * handler records the pod in the shared Service index, then each controller's sync reads the
 * Service's pods, computes the trigger time, plans (planSlices / planEndpoints, with the memo
 * of its last sync: the incremental path when it applies) and settles the memo with the
 * server's replies. Only that is timed, into `cpu`: the writes are left out, and so is the
 * decoding of the server's replies and of the objects the informer then holds (decoded()).
 */
function eventPath(cache: readonly Pod[], nodes: ReadonlyMap<string, Node>) {
  const key = 'default/web';
  const index = new ServicePodIndex();
  index.setService(service, 'default', 'web');
  for (const p of cache) index.setPod(`${p.metadata.namespace}/${p.metadata.name}`, p, p.metadata.namespace ?? '');
  const sliceTriggers = new TriggerTimeTracker();
  const endpointsTriggers = new TriggerTimeTracker();
  let slices: EndpointSlice[] = [];
  let endpoints: Endpoints | undefined;
  let sliceMemo: SliceMemo | undefined;
  let endpointsMemo: EndpointsMemo | undefined;
  let rv = 1000;
  let incremental = 0;
  const cpu = { us: 0 };
  const planSlicesNow = () => {
    const pods = index.podsOf(key);
    const triggerTime = sliceTriggers.computeTriggerTime(service, pods);
    return planSlices({ service, pods, nodes, nodesGeneration: 0, existingSlices: slices, maxEndpointsPerSlice: 100, triggerTime, zoneCPURatios: null, topologyHintsPopulated: false }, sliceMemo);
  };
  const planEndpointsNow = () => {
    const pods = index.podsOf(key);
    const triggerTime = endpointsTriggers.computeTriggerTime(service, pods);
    return planEndpoints({ namespace: 'default', name: 'web', service, pods, existing: endpoints, triggerTime }, endpointsMemo);
  };
  /** The server: writes get a name, uid and resourceVersion; replies and cache are decoded copies. */
  const writeSlices = (plan: SlicePlan): EndpointSlice[] => {
    const written = [...plan.create, ...plan.update].map((w) => ({ ...w, metadata: { ...w.metadata, name: w.metadata.name ?? `web-${rv}`, uid: w.metadata.uid ?? `slice-${rv}`, resourceVersion: String(++rv) } }));
    slices = [...slices.filter((sl) => !written.some((w) => w.metadata.name === sl.metadata.name)), ...written.map((w) => decoded(w, 'endpoints'))];
    return written.map((w) => decoded(w, 'endpoints'));
  };
  const writeEndpoints = (plan: EndpointsPlan): Endpoints | undefined => {
    if (plan.action !== 'create' && plan.action !== 'update') return undefined;
    const written = { ...plan.endpoints, metadata: { ...plan.endpoints.metadata, uid: 'endpoints-uid', resourceVersion: String(++rv) } };
    endpoints = decoded(written, 'subsets');
    return decoded(written, 'subsets');
  };
  const event = (pod: Pod) => {
    const s = timed(cpu, () => {
      index.setPod(`default/${pod.metadata.name}`, pod, 'default');
      return planSlicesNow();
    });
    const sliceReplies = writeSlices(s.plan);
    const e = timed(cpu, () => {
      sliceMemo = s.next?.settle(sliceReplies);
      return planEndpointsNow();
    });
    const endpointsReply = writeEndpoints(e.plan);
    timed(cpu, () => {
      endpointsMemo = e.next?.settle(endpointsReply);
    });
    if (s.incremental && e.incremental) incremental++;
  };
  const first = planSlicesNow();
  sliceMemo = first.next?.settle(writeSlices(first.plan));
  const firstEndpoints = planEndpointsNow();
  endpointsMemo = firstEndpoints.next?.settle(writeEndpoints(firstEndpoints.plan));
  return { event, cpu, incremental: () => incremental };
}

/** What three empty `timed` brackets (one event's) cost, to take off the measurements. */
function bracketsMicros(): number {
  const acc = { us: 0 };
  const n = 20_000;
  for (let i = 0; i < n; i++) timed(acc, () => 0);
  return (3 * acc.us) / n;
}

function perEventMicros(cachedPods: number): { event: number; parse: number; ratio: number; fast: number; events: number; brackets: number } {
  // A full collection first: what earlier figures (and benchmark files) left on the heap is
  // not charged to these rounds; a large old generation slows the event path's scavenges.
  findGc()?.();
  // The cache: `cachedPods` informer-shaped pods alive; the Service selects the first 100.
  const cache = Array.from({ length: cachedPods }, (_, i) => slimPod(fullPod(i, i < 100 ? {} : { namespace: `ns-${Math.floor(i / 100)}` })));
  const nodes = new Map<string, Node>();
  for (let i = 0; i < 50; i++) nodes.set(`node-${i}`, { metadata: { name: `node-${i}`, labels: { 'topology.kubernetes.io/zone': 'a' } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  const path = eventPath(cache, nodes);
  // Every event brings a pod object never seen before (a watch event decodes a new one): pod 7
  // flips between not ready and ready. The objects are made before each timed round.
  let ready = true;
  const fresh = (n: number) => Array.from({ length: n }, () => slimPod(fullPod(7, { ready: (ready = !ready) })));
  for (let w = 0; w < 20; w++) for (const p of fresh(500)) path.event(p);
  const text = JSON.stringify(fullPod(7));
  const ev: number[] = [];
  const pa: number[] = [];
  const brackets: number[] = [];
  let events = 0;
  const before = path.incremental();
  for (let r = 0; r < 9; r++) {
    brackets.push(bracketsMicros());
    const pods = fresh(500);
    path.cpu.us = 0;
    for (const p of pods) path.event(p);
    ev.push(path.cpu.us / pods.length - brackets[r]);
    events += pods.length;
    const t0 = performance.now();
    for (let k = 0; k < 500; k++) JSON.parse(text);
    pa.push(((performance.now() - t0) * 1000) / 500);
  }
  if (cache.length !== cachedPods) throw new Error('cache lost');
  // Each round times the events and the JSON.parse baseline back to back; the figure is the
  // median of those paired ratios, so load that drifts between rounds cancels out.
  const ratio = median(ev.map((e, i) => e / pa[i]));
  return { event: median(ev), parse: median(pa), ratio, fast: path.incremental() - before, events, brackets: median(brackets) };
}

function figurePerEvent(report: Report): void {
  // An unrecorded pass first: the first pass in a process also pays for optimising the whole
  // path (it read 5.4 us per event where the passes after it read 3.3-3.7).
  perEventMicros(1_000);
  const small = perEventMicros(1_000);
  const large = perEventMicros(100_000);
  report(atMost('Reconcile and plan per unbatched pod event (100-pod Service) / JSON.parse of the Pod', small.ratio, 0.25, `${small.event.toFixed(1)} µs vs ${small.parse.toFixed(1)} µs: both controllers' syncs for one readiness flip (index, trigger time, plan, memo; ${small.brackets.toFixed(1)} µs of timer calls taken off; median of 9 paired rounds); ${small.fast} of ${small.events} took both incremental paths`));
  report(atMost('Per pod event, 100,000 / 1,000 cached pods', large.event / small.event, 1.5, `${large.event.toFixed(1)} µs vs ${small.event.toFixed(1)} µs (a sync reads only its Service's pods)`));
}

/** Runs the endpoint controller figures. */
export async function run(report: Report): Promise<void> {
  figureEndpointsSync(report);
  figurePerEvent(report);
  await figureWrites(report);
}

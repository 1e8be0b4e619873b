/**
 * NodePort allocation throughput: 2,000 NodePort Services (they fit the default range) created
 * against the in-process API server with the nodeport controller running; the time until every
 * one has its nodePorts, divided by the time for 2,000 plain Service updates issued directly in
 * the same run. The issue states <= 2.5 for the ClusterIP 5,000-Service case; ours is held to the
 * same target.
 */
import { performance } from 'node:perf_hooks';
import type { Service } from '../api-types/core.js';
import { seededRandom } from '../allocators/random.js';
import { InProcessClient } from '../apiserver/in-process-client.js';
import { MemoryStore } from '../apiserver/store.js';
import { systemClock } from '../controllers/runtime/clock.js';
import type { ResourceClient } from '../controllers/runtime/kube-client.js';
import { silentLogger } from '../controllers/runtime/logger.js';
import { Manager } from '../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../controllers/runtime/metrics.js';
import { createNodePortController } from '../controllers/nodeport/index.js';
import { atMost, median, type Report } from './harness.js';

const N = 2000;
const IN_FLIGHT = 50;
const REPS = 5;

/** Runs `fn(i)` for i in [0, n) with at most `limit` in flight. */
async function pool(n: number, limit: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < n) await fn(next++);
  }));
}

const body = (i: number): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: `s${i}`, namespace: 'default' },
  spec: { type: 'NodePort', selector: { app: `s${i}` }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
});

async function once(): Promise<{ allocMs: number; updateMs: number; writes: number; createMs: number }> {
  const store = new MemoryStore();
  const client = new InProcessClient(store);
  const services = client.resource<Service>({ group: '', version: 'v1', resource: 'services' });
  const controller = createNodePortController({ random: seededRandom(7) });
  const manager = new Manager({ client, controllers: [controller], clock: systemClock, random: Math.random, logger: silentLogger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: false });
  manager.start();
  await manager.whenRunning();
  // Count Services that have their port, from a watch (as a client would observe it).
  const done = new Set<string>();
  let allDone: () => void = () => {};
  const finished = new Promise<void>((r) => (allDone = r));
  const watch = await services.watch({ namespace: 'default', resourceVersion: '0' }, {
    event: (ev) => {
      const s = ev.object as Service;
      if (ev.type !== 'DELETED' && s.spec?.ports?.every((p) => (p.nodePort ?? 0) > 0)) done.add(s.metadata.name ?? '');
      if (done.size === N) allDone();
    },
    end: () => {},
  });
  const t0 = performance.now();
  await pool(N, IN_FLIGHT, (i) => services.create('default', body(i)));
  const createMs = performance.now() - t0;
  await finished;
  const allocMs = performance.now() - t0;
  const writes = controller.portMap?.writes ?? 0;
  // The baseline: the same number of plain updates, issued directly, in the same run, with the
  // controller and the watch stopped first (as the ClusterIP bench does), so that none of their
  // work is charged to the baseline.
  watch.stop();
  await manager.stop();
  const current = (await services.list({ namespace: 'default' })).items;
  const t1 = performance.now();
  await pool(N, IN_FLIGHT, (i) => update(services, current[i] as Service));
  const updateMs = performance.now() - t1;
  store.close();
  return { allocMs, updateMs, writes, createMs };
}

function update(services: ResourceClient<Service>, s: Service): Promise<Service> {
  return services.update({ ...s, metadata: { ...s.metadata, labels: { touched: 'yes' } } });
}

/** Runs the benchmark. */
export async function run(report: Report): Promise<void> {
  const runs: { allocMs: number; updateMs: number; writes: number; createMs: number }[] = [];
  await once(); // warm-up (JIT), not counted
  for (let i = 0; i < REPS; i++) runs.push(await once());
  const ratios = runs.map((r) => r.allocMs / r.updateMs);
  const m = median(ratios);
  const alloc = median(runs.map((r) => r.allocMs));
  const upd = median(runs.map((r) => r.updateMs));
  const writes = median(runs.map((r) => r.writes));
  const creates = median(runs.map((r) => r.createMs));
  report(atMost(`${N} NodePort Services created until all have nodePorts / ${N} plain updates`, m, 2.5, `median of ${REPS}: ${alloc.toFixed(0)} ms vs ${upd.toFixed(0)} ms (the creates alone took ${creates.toFixed(0)} ms); ${writes} port map CAS writes for ${N} claims`));
}

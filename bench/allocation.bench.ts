/**
 * Allocation throughput (issue 5): Services created over HTTP against the bundled API server
 * (startApiServer) while an allocation controller runs; the time until every Service has its
 * values, divided by the time the same client takes for the same number of plain Service updates
 * of the same Services issued directly in the same run, once the controller has stopped (target
 * <= 2.5). Two cases:
 * - ClusterIP: 5,000 Services, the serviceip controller. Each allocation costs it an IPAddress
 *   create and a Service update on top of the user's create, so 3 writes race 1.
 * - NodePort: 2,000 NodePort Services (they fit the default range), the nodeport controller. Its
 *   claims share batched compare-and-swap writes of the port map, so about 2 writes race 1.
 * Everything runs in one process on loopback; each repetition uses a fresh server, and the clock
 * starts once the controller has finished its start-up (kube-apiserver is not ready before its
 * allocators' first repair either). Two wirings are measured: the controller over HTTP
 * (`svcplane run`) and on the in-process client of the served store (`svcplane dev`).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import type { Service } from '../api-types/core.js';
import { seededRandom } from '../allocators/random.js';
import { startApiServer } from '../apiserver/index.js';
import { InProcessClient } from '../apiserver/in-process-client.js';
import { resourceFor } from '../apiserver/resources.js';
import { systemClock } from '../controllers/runtime/clock.js';
import { HttpKubeClient } from '../controllers/runtime/http-client.js';
import { silentLogger } from '../controllers/runtime/logger.js';
import { Manager } from '../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../controllers/runtime/metrics.js';
import { createNodePortController } from '../controllers/nodeport/index.js';
import type { Controller } from '../controllers/runtime/manager.js';
import { createServiceIPController } from '../controllers/serviceip/index.js';
import { atMost, median, type Report, drive } from './harness.js';

const CONCURRENCY = 32;
const REPS = Number(process.env.BENCH_REPS ?? 3);
/** `BENCH_WIRING=run` or `dev` measures one wiring only (for profiling); both by default. */
const WIRINGS = (['run', 'dev'] as const).filter((w) => (process.env.BENCH_WIRING ?? w) === w);
const svcRef = { group: '', version: 'v1', resource: 'services' };

type Wiring = (typeof WIRINGS)[number];

/** One allocation case: what is created, by which controller, and when a Service is done. */
interface AllocationCase {
  /** Says what the Services get, e.g. "ClusterIPs". */
  values: string;
  controllerName: string;
  count: number;
  makeController(): Controller & { readonly allocating: boolean };
  service(name: string): Service;
  hasValues(s: Service): boolean;
}

const clusterIPs: AllocationCase = {
  values: 'ClusterIPs',
  controllerName: 'serviceip',
  count: Number(process.env.BENCH_SERVICES ?? 5000),
  makeController: () => createServiceIPController({ serviceClusterIPRange: '10.96.0.0/16', concurrency: 16 }),
  service: (name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', labels: { app: name } }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } }),
  hasValues: (s) => !!s.spec?.clusterIP,
};

const nodePorts: AllocationCase = {
  values: 'nodePorts',
  controllerName: 'nodeport',
  count: Math.min(2000, clusterIPs.count),
  makeController: () => createNodePortController({ random: seededRandom(7) }),
  service: (name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', labels: { app: name } }, spec: { type: 'NodePort', selector: { app: name }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } }),
  hasValues: (s) => (s.spec?.ports ?? []).every((p) => (p.nodePort ?? 0) > 0),
};

async function once(c: AllocationCase, wiring: Wiring, count = c.count): Promise<{ updateMs: number; allocMs: number; createMs: number; doneAtCreatesEnd: number }> {
  const server = await startApiServer();
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  const user = new HttpKubeClient({ kubeConfig: kc });
  const services = user.resource<Service>(svcRef);
  try {
    // Allocation: the controller running, the client creating Services.
    const allocated = new Map<string, Service>();
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    // Observed on a store watch: it hands over the stored (frozen) object, where `onWrite` would
    // deep-copy every write and bill the copies to the allocation.
    const observer = server.store.watch(resourceFor('', 'services'), { namespace: 'default' }, {
      event: (ev) => {
        if (ev.type === 'DELETED') return;
        const s = ev.object as Service;
        if (c.hasValues(s)) allocated.set(s.metadata.name ?? '', s);
        if (allocated.size === count) resolveAll();
      },
      end: () => {},
    });
    const controller = c.makeController();
    const ctlClient = wiring === 'run' ? new HttpKubeClient({ kubeConfig: kc }) : Object.assign(new InProcessClient(server.store), { close() {} });
    const manager = new Manager({ client: ctlClient, controllers: [controller], clock: systemClock, random: Math.random, logger: silentLogger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: false });
    manager.start();
    await manager.whenRunning();
    while (!controller.allocating) await new Promise<void>((r) => setTimeout(r, 1));
    const t0 = performance.now();
    const createMs = await drive(count, CONCURRENCY, (i) => services.create('default', c.service(`web-${i}`)));
    const doneAtCreatesEnd = allocated.size;
    await all;
    const allocMs = performance.now() - t0;
    await manager.stop();
    ctlClient.close();
    observer.stop();
    // Baseline: plain updates of the same Services by the same client, the controller stopped.
    const stored = [...allocated.values()];
    const updateMs = await drive(count, CONCURRENCY, async (i) => {
      const s = stored[i];
      await services.update({ ...s, metadata: { ...s.metadata, labels: { ...s.metadata.labels, touched: 'yes' } } });
    });
    return { updateMs, allocMs, createMs, doneAtCreatesEnd };
  } finally {
    user.close();
    await server.close();
  }
}

/**
 * Runs the benchmark and reports, for each case, two ratios: `svcplane run` wiring (the
 * controller talks HTTP to the server, as in a cluster) and `svcplane dev` wiring (the controller
 * on the in-process client of the served store, as cmd/dev-main.ts wires it; the users still go
 * over HTTP). `BENCH_CASE=clusterip|nodeport` measures one case only.
 */
export async function run(report: Report): Promise<void> {
  for (const c of [clusterIPs, nodePorts]) {
    if (process.env.BENCH_CASE && process.env.BENCH_CASE !== c.controllerName.replace('serviceip', 'clusterip')) continue;
    for (const wiring of WIRINGS) {
      const runs: { updateMs: number; allocMs: number; createMs: number; doneAtCreatesEnd: number }[] = [];
      // A smaller unrecorded run first: the first run in a process pays for compiling the whole
      // path (server, client, controller), which made it up to 2.5 times slower than the next.
      await once(c, wiring, Math.ceil(c.count / 5));
      for (let i = 0; i < REPS; i++) runs.push(await once(c, wiring));
      const ratio = median(runs.map((r) => r.allocMs / r.updateMs));
      const detail = runs.map((r) => `alloc ${r.allocMs.toFixed(0)} ms (creates done at ${r.createMs.toFixed(0)} ms, ${r.doneAtCreatesEnd} allocated by then) / updates ${r.updateMs.toFixed(0)} ms`).join('; ');
      const how = wiring === 'run' ? `${c.controllerName} over HTTP` : `${c.controllerName} in-process (svcplane dev), users over HTTP`;
      report(atMost(`${c.count} Services created until all have ${c.values} (${how}) / ${c.count} plain updates`, ratio, 2.5, detail));
    }
  }
}

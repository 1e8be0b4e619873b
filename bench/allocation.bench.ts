/**
 * ClusterIP allocation throughput (issue 5): 5,000 Services created over HTTP against the bundled
 * API server (startApiServer) while the serviceip controller runs over HTTP too; the time until
 * every Service has its clusterIP, divided by the time the same client takes for 5,000 plain
 * Service updates of the same Services issued directly by the same client in the same run, once
 * the controller has stopped (target <= 2.5). Each allocation costs the controller an IPAddress
 * create and a Service update on top of the user's create, so 3 writes race 1. Everything runs
 * in one process on loopback; each repetition uses a fresh server. Two wirings are measured:
 * the controller over HTTP (`svcplane run`) and on the in-process client (`svcplane dev`).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import type { Service } from '../api-types/core.js';
import { startApiServer } from '../apiserver/index.js';
import { InProcessClient } from '../apiserver/in-process-client.js';
import { resourceFor } from '../apiserver/resources.js';
import { systemClock } from '../controllers/runtime/clock.js';
import { HttpKubeClient } from '../controllers/runtime/http-client.js';
import { silentLogger } from '../controllers/runtime/logger.js';
import { Manager } from '../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../controllers/runtime/metrics.js';
import { createServiceIPController } from '../controllers/serviceip/index.js';
import { atMost, median, type Report, drive } from './harness.js';

const COUNT = Number(process.env.BENCH_SERVICES ?? 5000);
const CONCURRENCY = 32;
const REPS = Number(process.env.BENCH_REPS ?? 3);
/** `BENCH_WIRING=run` or `dev` measures one wiring only (for profiling); both by default. */
const WIRINGS = (['run', 'dev'] as const).filter((w) => (process.env.BENCH_WIRING ?? w) === w);
const svcRef = { group: '', version: 'v1', resource: 'services' };

function service(name: string): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', labels: { app: name } }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } };
}

async function once(wiring: 'run' | 'dev'): Promise<{ updateMs: number; allocMs: number }> {
  const server = await startApiServer();
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  const user = new HttpKubeClient({ kubeConfig: kc });
  const services = user.resource<Service>(svcRef);
  try {
    // Allocation: the controller running, the client creating ClusterIP Services.
    const allocated = new Map<string, Service>();
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    // Observed on a store watch: it hands over the stored (frozen) object, where `onWrite` would
    // deep-copy every write and bill the copies to the allocation.
    const observer = server.store.watch(resourceFor('', 'services'), { namespace: 'default' }, {
      event: (ev) => {
        if (ev.type === 'DELETED') return;
        const s = ev.object as Service;
        if (s.spec?.clusterIP) allocated.set(s.metadata.name ?? '', s);
        if (allocated.size === COUNT) resolveAll();
      },
      end: () => {},
    });
    const controller = createServiceIPController({ serviceClusterIPRange: '10.96.0.0/16', concurrency: 16 });
    const ctlClient = wiring === 'run' ? new HttpKubeClient({ kubeConfig: kc }) : Object.assign(new InProcessClient(server.store), { close() {} });
    const manager = new Manager({ client: ctlClient, controllers: [controller], clock: systemClock, random: Math.random, logger: silentLogger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: false });
    manager.start();
    await manager.whenRunning();
    const t0 = performance.now();
    await drive(COUNT, CONCURRENCY, (i) => services.create('default', service(`web-${i}`)));
    await all;
    const allocMs = performance.now() - t0;
    await manager.stop();
    ctlClient.close();
    observer.stop();
    // Baseline: plain updates of the same Services by the same client, the controller stopped.
    const stored = [...allocated.values()];
    const updateMs = await drive(COUNT, CONCURRENCY, async (i) => {
      const s = stored[i];
      await services.update({ ...s, metadata: { ...s.metadata, labels: { ...s.metadata.labels, touched: 'yes' } } });
    });
    return { updateMs, allocMs };
  } finally {
    user.close();
    await server.close();
  }
}

/**
 * Runs the benchmark and reports two ratios: `svcplane run` wiring (the controller talks HTTP to
 * the server, as in a cluster) and `svcplane dev` wiring (the controller on the in-process client
 * of the served store, as cmd/dev-main.ts wires it; the users still go over HTTP).
 */
export async function run(report: Report): Promise<void> {
  for (const wiring of WIRINGS) {
    const runs: { updateMs: number; allocMs: number }[] = [];
    for (let i = 0; i < REPS; i++) runs.push(await once(wiring));
    const ratio = median(runs.map((r) => r.allocMs / r.updateMs));
    const detail = runs.map((r) => `alloc ${r.allocMs.toFixed(0)} ms / updates ${r.updateMs.toFixed(0)} ms`).join('; ');
    const how = wiring === 'run' ? 'serviceip over HTTP' : 'serviceip in-process (svcplane dev), users over HTTP';
    report(atMost(`${COUNT} Services created until all have ClusterIPs (${how}) / ${COUNT} plain updates`, ratio, 2.5, detail));
  }
}

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
 * The server and the users run in this process on loopback; each repetition uses a fresh server.
 * Two wirings are measured:
 * - `svcplane run`: the real command in a child process, talking HTTP to the server, as it runs
 *   against a cluster (its own process, its own flag defaults; only the client-side rate limit is
 *   lifted, which would otherwise hold it to 20 requests a second, as kube-controller-manager).
 *   The clock starts once it has allocated a probe Service.
 * - `svcplane dev`: the controller in this process on the in-process client of the served store,
 *   as cmd/dev-main.ts wires it (the users still go over HTTP). The clock starts once the
 *   controller has finished its start-up (kube-apiserver is not ready before its allocators'
 *   first repair either).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
  /** `svcplane run` flags that select and configure the same controller. */
  runFlags: string[];
  service(name: string): Service;
  hasValues(s: Service): boolean;
}

const clusterIPs: AllocationCase = {
  values: 'ClusterIPs',
  controllerName: 'serviceip',
  count: Number(process.env.BENCH_SERVICES ?? 5000),
  makeController: () => createServiceIPController({ serviceClusterIPRange: '10.96.0.0/16', concurrency: 16 }),
  runFlags: ['--controllers', 'serviceip', '--service-cluster-ip-range', '10.96.0.0/16'],
  service: (name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', labels: { app: name } }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } }),
  hasValues: (s) => !!s.spec?.clusterIP,
};

const nodePorts: AllocationCase = {
  values: 'nodePorts',
  controllerName: 'nodeport',
  count: Math.min(2000, clusterIPs.count),
  makeController: () => createNodePortController({ random: seededRandom(7) }),
  runFlags: ['--controllers', 'nodeport'],
  service: (name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', labels: { app: name } }, spec: { type: 'NodePort', selector: { app: name }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } }),
  hasValues: (s) => (s.spec?.ports ?? []).every((p) => (p.nodePort ?? 0) > 0),
};

const SVCPLANE = fileURLToPath(new URL('../cmd/svcplane.mjs', import.meta.url));
/** The Service whose allocation tells that `svcplane run` is allocating; not counted. */
const PROBE = 'probe';
/** How long `svcplane run` may take to start and allocate the probe. */
const START_TIMEOUT_MS = 60_000;

/** Starts `svcplane run` for case `c` against the server: the child and the promise of its exit code. */
function startCommand(c: AllocationCase, kubeconfigPath: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [SVCPLANE, 'run', '--kubeconfig', kubeconfigPath, ...c.runFlags, '--no-leader-elect',
    '--kube-api-qps', '100000', '--kube-api-burst', '100000', '--metrics-bind-address', '127.0.0.1:0',
    '--health-probe-bind-address', '127.0.0.1:0', '--log-level', 'warn', '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

async function once(c: AllocationCase, wiring: Wiring, count = c.count): Promise<{ updateMs: number; allocMs: number; createMs: number; doneAtCreatesEnd: number }> {
  const server = await startApiServer();
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  const user = new HttpKubeClient({ kubeConfig: kc });
  const services = user.resource<Service>(svcRef);
  let command: ReturnType<typeof startCommand> | undefined;
  try {
    // Allocation: the controller running, the client creating Services.
    const allocated = new Map<string, Service>();
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    let resolveProbe!: () => void;
    const probed = new Promise<void>((r) => (resolveProbe = r));
    // Observed on a store watch: it hands over the stored (frozen) object, where `onWrite` would
    // deep-copy every write and bill the copies to the allocation.
    const observer = server.store.watch(resourceFor('', 'services'), { namespace: 'default' }, {
      event: (ev) => {
        if (ev.type === 'DELETED') return;
        const s = ev.object as Service;
        if (!c.hasValues(s)) return;
        if (s.metadata.name === PROBE) resolveProbe();
        else allocated.set(s.metadata.name ?? '', s);
        if (allocated.size === count) resolveAll();
      },
      end: () => {},
    });
    let stopController: () => Promise<void>;
    if (wiring === 'run') {
      const cmd = (command = startCommand(c, server.kubeconfigPath));
      await services.create('default', c.service(PROBE));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        probed,
        cmd.exited.then((code) => Promise.reject(new Error(`svcplane run exited with ${code} before allocating`))),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`svcplane run allocated nothing in ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS))),
      ]).finally(() => clearTimeout(timer));
      stopController = async () => {
        cmd.child.kill('SIGTERM');
        await cmd.exited;
      };
    } else {
      const controller = c.makeController();
      const ctlClient = Object.assign(new InProcessClient(server.store), { close() {} });
      const manager = new Manager({ client: ctlClient, controllers: [controller], clock: systemClock, random: Math.random, logger: silentLogger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: false });
      manager.start();
      await manager.whenRunning();
      while (!controller.allocating) await new Promise<void>((r) => setTimeout(r, 1));
      stopController = () => manager.stop();
    }
    const t0 = performance.now();
    const createMs = await drive(count, CONCURRENCY, (i) => services.create('default', c.service(`web-${i}`)));
    const doneAtCreatesEnd = allocated.size;
    await all;
    const allocMs = performance.now() - t0;
    await stopController();
    observer.stop();
    // Baseline: plain updates of the same Services by the same client, the controller stopped.
    const stored = [...allocated.values()];
    const updateMs = await drive(count, CONCURRENCY, async (i) => {
      const s = stored[i];
      await services.update({ ...s, metadata: { ...s.metadata, labels: { ...s.metadata.labels, touched: 'yes' } } });
    });
    return { updateMs, allocMs, createMs, doneAtCreatesEnd };
  } finally {
    if (command && command.child.exitCode === null && command.child.signalCode === null) {
      command.child.kill('SIGKILL');
      await command.exited;
    }
    user.close();
    await server.close();
  }
}

/**
 * Runs the benchmark and reports, for each case, two ratios: the `svcplane run` wiring and the
 * `svcplane dev` wiring (see the top of this file). `BENCH_CASE=clusterip|nodeport` measures one
 * case only.
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
      const how = wiring === 'run' ? `svcplane run --controllers ${c.controllerName} in its own process` : `${c.controllerName} in-process (svcplane dev), users over HTTP`;
      report(atMost(`${c.count} Services created until all have ${c.values} (${how}) / ${c.count} plain updates`, ratio, 2.5, detail));
    }
  }
}

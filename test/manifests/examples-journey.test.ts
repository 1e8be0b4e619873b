/**
 * The examples do what their comments promise once pods run: applied to the bundled API server's
 * store with the simulated kubelet and the EndpointSlice controller, `big`'s 250 ready endpoints
 * fill slices of 100, 100 and 50, and the headless Service's endpoints carry the pods' hostnames.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../api-types/meta.js';
import type { EndpointSlice } from '../../api-types/networking.js';
import { InProcessClient } from '../../apiserver/in-process-client.js';
import { findResource, RESOURCES, groupVersion } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { EndpointSliceController } from '../../controllers/endpointslice/index.js';
import { KubeletSim } from '../../controllers/kubelet-sim/index.js';
import { systemClock } from '../../controllers/runtime/clock.js';
import { silentLogger } from '../../controllers/runtime/logger.js';
import { Manager } from '../../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../../controllers/runtime/metrics.js';
import { eventually } from '../helpers/eventually.js';

const examplesDir = path.resolve(import.meta.dirname, '../../manifests/examples');

/** Creates every object of an example file in the store, as `kubectl apply` would. */
async function applyExample(store: MemoryStore, file: string): Promise<void> {
  const docs = parseAllDocuments(await readFile(path.join(examplesDir, file), 'utf8')).map((d) => d.toJS() as KubeObject & { items?: KubeObject[] });
  for (const obj of docs.flatMap((d) => (d.kind === 'List' ? (d.items ?? []) : [d]))) {
    const r = RESOURCES.find((x) => groupVersion(x) === obj.apiVersion && x.kind === obj.kind);
    if (!r) throw new Error(`${file}: ${obj.apiVersion}/${obj.kind} is not served`);
    store.create(r, r.namespaced ? 'default' : undefined, obj);
  }
}

test('examples › with the simulated kubelet and the EndpointSlice controller: big\'s endpoints fill slices of 100 + 100 + 50, headless endpoints carry hostnames', async (t) => {
  const store = new MemoryStore();
  const manager = new Manager({
    client: new InProcessClient(store),
    controllers: [new KubeletSim({ readyDelayMs: 0 }), new EndpointSliceController()],
    clock: systemClock,
    random: Math.random,
    logger: silentLogger,
    metrics: createRuntimeMetrics({ processMetrics: false }),
    leaderElection: false,
    drainTimeoutMs: 2000,
  });
  manager.start();
  await manager.whenRunning();
  try {
    await applyExample(store, 'big.yaml');
    await applyExample(store, 'headless.yaml');
    const slicesR = findResource('discovery.k8s.io', 'endpointslices');
    if (!slicesR) throw new Error('endpointslices not served');
    const slicesOf = (svc: string): EndpointSlice[] =>
      (store.list(slicesR, { namespace: 'default', labelSelector: `kubernetes.io/service-name=${svc}` }).items as EndpointSlice[]);
    // Slices that hold endpoints. No serviceip controller runs here, so `big` gets no clusterIP
    // and no ipFamilies; for such a Service Kubernetes' rule is both address types, so an empty
    // IPv6 placeholder slice stands beside the IPv4 ones (§5.4). With serviceip running the
    // Service gets ipFamilies [IPv4] and only IPv4 slices.
    const readyCounts = (svc: string): number[] =>
      slicesOf(svc).filter((s) => (s.endpoints ?? []).length > 0).map((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready === true).length).sort((a, b) => b - a);
    const big = await eventually('big in slices of 100, 100, 50', () => {
      const c = readyCounts('big');
      return c.join() === '100,100,50' && c;
    }, { timeoutMs: 20_000 });
    t.deepEqual(big, [100, 100, 50]);
    await eventually('db endpoints ready', () => readyCounts('db').join() === '3');
    const hostnames = slicesOf('db').flatMap((s) => (s.endpoints ?? []).map((e) => e.hostname)).sort();
    t.deepEqual(hostnames, ['db-0', 'db-1', 'db-2']);
  } finally {
    await manager.stop();
    store.close();
  }
});

/**
 * Runs nodeport controllers against one MemoryStore (each through its own FaultClient over an
 * InProcessClient), with real short waits: `eventually` polls the state of the world.
 */
import type { Service, ServicePort } from '../../../api-types/core.js';
import type { KubeObject } from '../../../api-types/meta.js';
import { seededRandom } from '../../../allocators/random.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { MemoryStore } from '../../../apiserver/store.js';
import { systemClock, type Clock } from '../../../controllers/runtime/clock.js';
import { FaultClient } from '../../../controllers/runtime/fault-client.js';
import type { KubeClient } from '../../../controllers/runtime/kube-client.js';
import { silentLogger } from '../../../controllers/runtime/logger.js';
import { Manager } from '../../../controllers/runtime/manager.js';
import { createRuntimeMetrics, type RuntimeMetrics } from '../../../controllers/runtime/metrics.js';
import { ItemExponentialFailureRateLimiter } from '../../../controllers/runtime/rate-limiter.js';
import { createNodePortController, decodePortMap, type NodePortControllerOptions, type NodePortController, type PortMapState } from '../../../controllers/nodeport/index.js';
import { parseNodePortRange } from '../../../allocators/node-port-range.js';

/** The resources the tests touch. */
export const R = {
  services: resourceFor('', 'services'),
  configmaps: resourceFor('', 'configmaps'),
  events: resourceFor('events.k8s.io', 'events'),
};

/** Polls `check` every few ms until it holds; fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return;
    if (Date.now() > deadline) throw new Error(`eventually: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One running controller instance. */
export interface Instance {
  manager: Manager;
  controller: NodePortController;
  faults: FaultClient;
  metrics: RuntimeMetrics;
}

/**
 * Starts a nodeport controller over `store`; fast retries, seeded randomness. `wrap` decorates
 * the client the controller gets (the FaultClient stays reachable as `faults`); `clock` is the
 * controller's (a FakeClock drives the repair interval and the leak grace period by hand).
 */
export async function startInstance(store: MemoryStore, opts: NodePortControllerOptions = {}, seed = 1, wrap: (c: KubeClient) => KubeClient = (c) => c, clock: Clock = systemClock): Promise<Instance> {
  const faults = new FaultClient(new InProcessClient(store));
  const controller = createNodePortController({
    random: seededRandom(seed),
    rateLimiter: () => new ItemExponentialFailureRateLimiter(2, 200),
    ...opts,
  });
  const metrics = createRuntimeMetrics({ processMetrics: false });
  let n = seed;
  const manager = new Manager({
    client: wrap(faults),
    controllers: [controller],
    clock,
    random: () => ((n = (n * 1103515245 + 12345) % 2 ** 31) / 2 ** 31),
    logger: silentLogger,
    metrics,
    leaderElection: false,
    instance: `test-${seed}`,
  });
  manager.start();
  await manager.whenRunning();
  return { manager, controller, faults, metrics };
}

/** Builds a Service body. */
export function service(name: string, spec: Omit<NonNullable<Service['spec']>, 'ports'> & { ports?: Partial<ServicePort>[] }, namespace = 'default'): Service {
  const ports = (spec.ports ?? [{ port: 80 }]).map((p, i) => ({ name: `p${i}`, ...p, port: p.port ?? 80 })) as ServicePort[];
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { type: 'NodePort', selector: { app: name }, ...spec, ports } } as Service;
}

/** Creates a Service directly in the store. */
export function create(store: MemoryStore, svc: Service): Service {
  return store.create(R.services, svc.metadata.namespace, svc) as Service;
}

/** Reads a Service from the store (undefined when absent). */
export function read(store: MemoryStore, name: string, namespace = 'default'): Service | undefined {
  try {
    return store.get(R.services, namespace, name) as Service;
  } catch {
    return undefined;
  }
}

/** The nodePorts of a stored Service, in port order (0 for none). */
export function nodePortsOf(store: MemoryStore, name: string): number[] {
  return (read(store, name)?.spec?.ports ?? []).map((p) => p.nodePort ?? 0);
}

/** Decodes the port map ConfigMap in the store. */
export function portMap(store: MemoryStore, range = '30000-32767', name = 'svcplane-nodeports'): PortMapState {
  let cm: KubeObject | undefined;
  try {
    cm = store.get(R.configmaps, 'kube-system', name);
  } catch {
    cm = undefined;
  }
  return decodePortMap((cm as { data?: Record<string, string> } | undefined)?.data, parseNodePortRange(range));
}

/** Events recorded about a Service (events.k8s.io), as `reason: note`. */
export function eventsFor(store: MemoryStore, name: string): string[] {
  return (store.list(R.events, { namespace: 'default' }).items as { regarding?: { name?: string }; reason?: string; note?: string; reportingController?: string }[])
    .filter((e) => e.regarding?.name === name)
    .map((e) => `${e.reportingController}: ${e.reason}: ${e.note}`);
}

/** A fresh store. */
export function newStore(): MemoryStore {
  return new MemoryStore();
}

/** Stops instances and the store. */
export async function shutdown(store: MemoryStore, ...instances: Instance[]): Promise<void> {
  await Promise.all(instances.map((i) => i.manager.stop()));
  store.close();
}

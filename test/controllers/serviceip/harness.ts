/**
 * Runs serviceip controllers against a MemoryStore through the in-process client (optionally
 * wrapped in a FaultClient), and reads the state of the world back.
 */
import type { Service } from '../../../api-types/core.js';
import type { IPAddress } from '../../../api-types/networking.js';
import type { KubeObject } from '../../../api-types/meta.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { resourceFor } from '../../../apiserver/resources.js';
import type { MemoryStore } from '../../../apiserver/store.js';
import type { KubeClient } from '../../../controllers/runtime/kube-client.js';
import { silentLogger } from '../../../controllers/runtime/logger.js';
import { Manager } from '../../../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../../../controllers/runtime/metrics.js';
import { systemClock } from '../../../controllers/runtime/clock.js';
import { createServiceIPController, type ServiceIPControllerOptions } from '../../../controllers/serviceip/index.js';

export const services = resourceFor('', 'services');
export const ipaddresses = resourceFor('networking.k8s.io', 'ipaddresses');
export const events = resourceFor('events.k8s.io', 'events');

/** Starts one controller in its own manager; returns it with a stop function. */
export async function startServiceIP(store: MemoryStore, opts: Partial<ServiceIPControllerOptions> = {}, client?: KubeClient) {
  const controller = createServiceIPController({ serviceClusterIPRange: '10.0.0.0/24', leakGracePeriodMs: 100, rateLimiter: { baseMs: 5, maxMs: 200, qps: 1000, burst: 1000 }, ...opts });
  const metrics = createRuntimeMetrics({ processMetrics: false });
  const manager = new Manager({
    client: client ?? new InProcessClient(store),
    controllers: [controller],
    clock: systemClock,
    random: Math.random,
    logger: silentLogger,
    metrics,
    leaderElection: false,
  });
  manager.start();
  await manager.whenRunning();
  return { controller, manager, metrics, stop: () => manager.stop() };
}

/** Creates a Service in `default` with one TCP port and the given spec. */
export function createService(store: MemoryStore, name: string, spec: Record<string, unknown> = {}, namespace = 'default'): Service {
  return store.create(services, namespace, { metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } }) as Service;
}

/** The stored Service. */
export function getService(store: MemoryStore, name: string, namespace = 'default'): Service | undefined {
  try {
    return store.get(services, namespace, name) as Service;
  } catch {
    return undefined;
  }
}

/** Every IPAddress, by name. */
export function claims(store: MemoryStore): Map<string, IPAddress> {
  const list = store.list(ipaddresses).items as IPAddress[];
  return new Map(list.map((o) => [o.metadata.name ?? '', o]));
}

/** The reasons and notes of every Event regarding `name`. */
export function eventsFor(store: MemoryStore, name: string): { reason: string; note: string; controller: string }[] {
  return (store.list(events).items as (KubeObject & { reason?: string; note?: string; reportingController?: string; regarding?: { name?: string } })[])
    .filter((e) => e.regarding?.name === name)
    .map((e) => ({ reason: e.reason ?? '', note: e.note ?? '', controller: e.reportingController ?? '' }));
}

/** Updates a stored Service by applying `edit` to a copy. */
export function editService(store: MemoryStore, name: string, edit: (s: Service) => void, namespace = 'default'): Service {
  const copy = JSON.parse(JSON.stringify(store.get(services, namespace, name))) as Service;
  edit(copy);
  return store.update(services, namespace, name, copy).object as Service;
}

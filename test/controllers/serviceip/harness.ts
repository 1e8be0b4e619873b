/**
 * Runs serviceip controllers against a MemoryStore through the in-process client (optionally
 * wrapped in a FaultClient), and reads the state of the world back.
 */
import { pino, type Logger } from 'pino';
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
export const servicecidrs = resourceFor('networking.k8s.io', 'servicecidrs');

/** Starts one controller in its own manager (logging to `logger`, silent by default); returns it with a stop function. */
export async function startServiceIP(store: MemoryStore, opts: Partial<ServiceIPControllerOptions> = {}, client?: KubeClient, logger: Logger = silentLogger) {
  const controller = createServiceIPController({ serviceClusterIPRange: '10.0.0.0/24', leakGracePeriodMs: 100, rateLimiter: { baseMs: 5, maxMs: 200, qps: 1000, burst: 1000 }, ...opts });
  const metrics = createRuntimeMetrics({ processMetrics: false });
  const manager = new Manager({
    client: client ?? new InProcessClient(store),
    controllers: [controller],
    clock: systemClock,
    random: Math.random,
    logger,
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

/**
 * Creates a ServiceCIDR; `ready` sets its Ready condition through the status subresource
 * (undefined: no condition, which reads as ready), `finalizers` keep it while it is deleted.
 */
export function createServiceCIDR(store: MemoryStore, name: string, cidrs: string[], opts: { ready?: boolean; finalizers?: string[] } = {}): void {
  store.create(servicecidrs, undefined, { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name, finalizers: opts.finalizers }, spec: { cidrs } } as KubeObject);
  if (opts.ready !== undefined) setServiceCIDRReady(store, name, opts.ready);
}

/** Sets a ServiceCIDR's Ready condition. */
export function setServiceCIDRReady(store: MemoryStore, name: string, ready: boolean): void {
  const sc = JSON.parse(JSON.stringify(store.get(servicecidrs, undefined, name))) as KubeObject & { status?: unknown };
  sc.status = { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), reason: ready ? '' : 'Terminating', message: '' }] };
  store.update(servicecidrs, undefined, name, sc, { subresource: 'status' });
}

/** A pino logger that keeps every line it writes, for tests that look at what was logged. */
export function recordingLogger(): { logger: Logger; lines: { level: number; msg: string; [k: string]: unknown }[] } {
  const lines: { level: number; msg: string }[] = [];
  return { logger: pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) }), lines };
}

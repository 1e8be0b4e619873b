/**
 * Runs the selected controllers against a client: what `svcplane run` and `svcplane dev` share.
 * Flags to wiring only: the logger, the metrics and health endpoints, the manager, and the
 * signal handling (SIGTERM/SIGINT: stop, drain, release the lease, exit 0; a second signal
 * exits 1; a lost lease exits 1 so the pod restarts, as kube-controller-manager does).
 */
import type { Logger } from 'pino';
import { EndpointsController } from '../controllers/endpoints/index.js';
import { EndpointSliceController } from '../controllers/endpointslice/index.js';
import { MirroringController } from '../controllers/endpointslicemirroring/index.js';
import { createNodePortController } from '../controllers/nodeport/index.js';
import { createServiceIPController } from '../controllers/serviceip/index.js';
import { ServiceCIDRController } from '../controllers/servicecidrs/index.js';
import type { KubeClient } from '../controllers/runtime/kube-client.js';
import { systemClock } from '../controllers/runtime/clock.js';
import { createLogger } from '../controllers/runtime/logger.js';
import { Manager, type Controller, type ManagerOptions } from '../controllers/runtime/manager.js';
import { createRuntimeMetrics, type RuntimeMetrics } from '../controllers/runtime/metrics.js';
import { parseBindAddress, serveEndpoints, type ServingHandle } from '../controllers/runtime/serving.js';
import type { ControllerFlags, ControllerName } from './flags.js';

/** Builds one controller from the flags. */
type Factory = (flags: ControllerFlags) => Controller;

/** The controllers svcplane has, by --controllers name. */
export const controllerFactories: Partial<Record<ControllerName, Factory>> = {
  serviceip: (f) =>
    createServiceIPController({
      serviceClusterIPRange: f.serviceClusterIpRange,
      repairIntervalMs: f.allocatorRepairInterval,
      leakGracePeriodMs: f.allocatorLeakGracePeriod,
      concurrency: f.concurrentServiceipSyncs,
    }),
  nodeport: (f) =>
    createNodePortController({
      serviceNodePortRange: f.serviceNodePortRange,
      namespace: f.nodeportMapNamespace,
      repairIntervalMs: f.allocatorRepairInterval,
      leakGracePeriodMs: f.allocatorLeakGracePeriod,
      concurrency: f.concurrentNodeportSyncs,
    }),
  endpoints: (f) => new EndpointsController({ concurrency: f.concurrentEndpointSyncs, batchPeriodMs: f.endpointUpdatesBatchPeriod }),
  endpointslicemirroring: (f) =>
    new MirroringController({ concurrency: f.mirroringConcurrentServiceEndpointSyncs, maxEndpointsPerSubset: f.mirroringMaxEndpointsPerSubset, batchPeriodMs: f.mirroringEndpointsliceUpdatesBatchPeriod }),
  endpointslice: (f) =>
    new EndpointSliceController({ maxEndpointsPerSlice: f.maxEndpointsPerSlice, concurrency: f.concurrentServiceEndpointSyncs, batchPeriodMs: f.endpointsliceUpdatesBatchPeriod }),
  // kube-controller-manager has no flag for it: 5 workers.
  servicecidrs: () => new ServiceCIDRController(),
};

/** A running suite. */
export interface Suite {
  manager: Manager;
  logger: Logger;
  metrics: RuntimeMetrics;
  metricsAddress: string;
  healthAddress: string;
  /** Stops everything (idempotent). */
  stop(): Promise<void>;
}

/** Options of startSuite beyond the flags. */
export interface SuiteOptions {
  flags: ControllerFlags;
  client: KubeClient;
  leaderElection: ManagerOptions['leaderElection'];
  logger?: Logger;
  metrics?: RuntimeMetrics;
  /** Extra controllers (the simulated kubelet of `svcplane dev`). */
  extraControllers?: Controller[];
  onLeadershipLost?: () => void;
}

/** Creates the process logger from the flags. */
export function loggerFromFlags(flags: Pick<ControllerFlags, 'logLevel' | 'logFormat'>): Logger {
  return createLogger({ level: flags.logLevel, format: flags.logFormat });
}

/** Starts the manager with the selected controllers and the metrics and health endpoints. */
export async function startSuite(o: SuiteOptions): Promise<Suite> {
  const logger = o.logger ?? loggerFromFlags(o.flags);
  const metrics = o.metrics ?? createRuntimeMetrics();
  const controllers: Controller[] = [];
  for (const name of o.flags.controllers) {
    const factory = controllerFactories[name];
    if (factory) controllers.push(factory(o.flags));
    else logger.warn({ controller: name }, 'controller not available in this build; skipped');
  }
  controllers.push(...(o.extraControllers ?? []));
  const manager = new Manager({
    client: o.client,
    controllers,
    clock: systemClock,
    random: Math.random,
    logger,
    metrics,
    leaderElection: o.leaderElection,
    onLeadershipLost: o.onLeadershipLost,
  });
  const servers: ServingHandle[] = [];
  const metricsBind = parseBindAddress('--metrics-bind-address', o.flags.metricsBindAddress);
  const healthBind = parseBindAddress('--health-probe-bind-address', o.flags.healthProbeBindAddress);
  const health = { healthy: () => manager.healthy(), ready: () => manager.ready() };
  const same = metricsBind.host === healthBind.host && metricsBind.port === healthBind.port && metricsBind.port !== 0;
  const metricsServer = await serveEndpoints(metricsBind, same ? { registry: metrics.registry, health } : { registry: metrics.registry });
  servers.push(metricsServer);
  const healthServer = same ? metricsServer : await serveEndpoints(healthBind, { health });
  if (!same) servers.push(healthServer);
  logger.info({ metrics: metricsServer.address, health: healthServer.address, controllers: controllers.map((c) => c.name) }, 'serving metrics and health endpoints');
  manager.start();
  let stopped: Promise<void> | undefined;
  return {
    manager,
    logger,
    metrics,
    metricsAddress: metricsServer.address,
    healthAddress: healthServer.address,
    stop: () =>
      (stopped ??= (async () => {
        await manager.stop();
        await Promise.all(servers.map((s) => s.close()));
      })()),
  };
}

/**
 * Waits for SIGTERM or SIGINT, then runs `shutdown`; a second signal while shutting down
 * exits 1 at once. Resolves with the exit code (0 after a clean shutdown). `isLeaderElected`:
 * the shutdown releases a Lease, and the log line says so.
 */
export function untilSignalled(logger: Logger, shutdown: () => Promise<void>, isLeaderElected = false): Promise<number> {
  return new Promise((resolve) => {
    let shuttingDown = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (shuttingDown) {
        logger.warn({ signal }, 'second signal: exiting at once');
        process.exit(1);
      }
      shuttingDown = true;
      logger.info({ signal }, `shutting down: stopping controllers, draining queues${isLeaderElected ? ', releasing the lease' : ''}`);
      shutdown().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

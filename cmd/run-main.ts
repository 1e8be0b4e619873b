/**
 * The work of `svcplane run`: HTTP clients from the kubeconfig, leader election, the suite,
 * and the exit code.
 */
import os from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { type Clock, systemClock } from '../controllers/runtime/clock.js';
import { HttpKubeClient, type HttpKubeClientOptions } from '../controllers/runtime/http-client.js';
import { holderIdentity } from '../controllers/runtime/leader-election.js';
import { createRuntimeMetrics } from '../controllers/runtime/metrics.js';
import { tokenBucketThrottle } from '../controllers/runtime/throttle.js';
import type { RunFlags } from './run.js';
import { loggerFromFlags, startSuite, untilSignalled } from './suite.js';

/**
 * The controllers' request timeout. kube-controller-manager sets none; a request that never
 * answers would then hold a worker (and a shutdown) forever. 30 s is half kube-apiserver's own
 * --request-timeout and below --allocator-leak-grace-period's 1 m default. Watches are not
 * bounded by it (the server ends them after timeoutSeconds).
 */
export const controllerRequestTimeoutMs = 30_000;

/** Options of createClients. */
export interface RunClientsOptions {
  kubeConfig: KubeConfig;
  /** --kube-api-qps and --kube-api-burst: each client has a bucket of its own. */
  qps: number;
  burst: number;
  /** --leader-elect-renew-deadline: the Lease client's request timeout. */
  renewDeadlineMs: number;
  /** @default `svcplane/<node version>` */
  userAgent?: string;
  onRequest?: HttpKubeClientOptions['onRequest'];
  /** Rate limits and timeouts. @default systemClock */
  clock?: Clock;
}

/**
 * Builds the two clients of `svcplane run`, as kube-controller-manager's Config does
 * (cmd/kube-controller-manager/app/options/options.go): the controllers' client, and a
 * leader-election client with its own rate limiter and a request timeout of the renew
 * deadline, so a renewal never queues behind controller work and never outlives the deadline.
 */
export function createClients(o: RunClientsOptions): { client: HttpKubeClient; leaderElectionClient: HttpKubeClient } {
  const clock = o.clock ?? systemClock;
  const userAgent = o.userAgent ?? `svcplane/${process.version}`;
  const client = new HttpKubeClient({
    kubeConfig: o.kubeConfig,
    throttle: tokenBucketThrottle(o.qps, o.burst, clock),
    userAgent,
    onRequest: o.onRequest,
    requestTimeoutMs: controllerRequestTimeoutMs,
    clock,
  });
  const leaderElectionClient = new HttpKubeClient({
    kubeConfig: o.kubeConfig,
    throttle: tokenBucketThrottle(o.qps, o.burst, clock),
    userAgent: `${userAgent}/leader-election`,
    onRequest: o.onRequest,
    requestTimeoutMs: o.renewDeadlineMs,
    // A renewal needs one connection; its own agent keeps it off the controllers' sockets.
    maxSockets: 2,
    clock,
  });
  return { client, leaderElectionClient };
}

/** Runs until signalled; returns the exit code. */
export async function runControllers(flags: RunFlags, kubeConfig: KubeConfig): Promise<number> {
  const logger = loggerFromFlags(flags);
  const metrics = createRuntimeMetrics();
  const { client, leaderElectionClient } = createClients({
    kubeConfig,
    qps: flags.kubeApiQps,
    burst: flags.kubeApiBurst,
    renewDeadlineMs: flags.leaderElectRenewDeadline,
    onRequest: (r) => metrics.observeRequest(r),
  });
  const identity = holderIdentity(Math.random, os.hostname());
  const suite = await startSuite({
    flags,
    client,
    logger,
    metrics,
    leaderElection: flags.leaderElect
      ? {
          identity,
          name: flags.leaderElectResourceName,
          namespace: flags.leaderElectResourceNamespace,
          leaseDurationMs: flags.leaderElectLeaseDuration,
          renewDeadlineMs: flags.leaderElectRenewDeadline,
          retryPeriodMs: flags.leaderElectRetryPeriod,
          client: leaderElectionClient,
        }
      : false,
    onLeadershipLost: () => {
      logger.error('leadership lost: exiting so that the process restarts');
      process.exit(1);
    },
  });
  logger.info({ identity, leaderElect: flags.leaderElect }, 'svcplane running');
  const code = await untilSignalled(logger, async () => {
    await suite.stop();
    client.close();
    leaderElectionClient.close();
  }, flags.leaderElect);
  logger.flush();
  return code;
}

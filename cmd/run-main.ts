/**
 * The work of `svcplane run`: an HTTP client from the kubeconfig, leader election, the suite,
 * and the exit code.
 */
import os from 'node:os';
import { systemClock } from '../controllers/runtime/clock.js';
import { HttpKubeClient } from '../controllers/runtime/http-client.js';
import { holderIdentity } from '../controllers/runtime/leader-election.js';
import { createRuntimeMetrics } from '../controllers/runtime/metrics.js';
import { tokenBucketThrottle } from '../controllers/runtime/throttle.js';
import { loadKubeConfig } from './kubeconfig.js';
import type { RunFlags } from './run.js';
import { loggerFromFlags, startSuite, untilSignalled } from './suite.js';

/** Runs until signalled; returns the exit code. */
export async function runControllers(flags: RunFlags): Promise<number> {
  const logger = loggerFromFlags(flags);
  const metrics = createRuntimeMetrics();
  const client = new HttpKubeClient({
    kubeConfig: loadKubeConfig(flags.kubeconfig),
    throttle: tokenBucketThrottle(flags.kubeApiQps, flags.kubeApiBurst, systemClock),
    userAgent: `svcplane/${process.version}`,
    onRequest: (verb, resource, code, seconds) => metrics.observeRequest(verb, resource, code, seconds),
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
  });
  logger.flush();
  return code;
}

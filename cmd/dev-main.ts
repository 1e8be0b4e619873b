/** The work of `svcplane dev`: the API server, the suite over the in-process client, the exit code. */
import type { DevFlags } from './dev.js';
import { loggerFromFlags, startSuite, untilSignalled } from './suite.js';

/** Runs until signalled; returns the exit code. */
export async function runDev(flags: DevFlags): Promise<number> {
  const logger = loggerFromFlags(flags);
  const { startApiServer } = await import('../apiserver/index.js');
  const { InProcessClient } = await import('../apiserver/in-process-client.js');
  const server = await startApiServer({ port: flags.port, kubeconfigPath: flags.kubeconfigOut, logger: logger.child({ component: 'apiserver' }) });
  const extraControllers = [];
  if (flags.simulatePods) {
    const { KubeletSim } = await import('../controllers/kubelet-sim/index.js');
    extraControllers.push(new KubeletSim({ clusterCIDR: flags.clusterCidr, readyDelayMs: flags.podReadyDelay }));
  }
  const suite = await startSuite({ flags, client: new InProcessClient(server.store), logger, leaderElection: false, extraControllers });
  await suite.manager.whenRunning();
  logger.info({ url: server.url }, 'API server serving; controllers running');
  process.stdout.write(`KUBECONFIG=${server.kubeconfigPath}\n`);
  const code = await untilSignalled(logger, async () => {
    await suite.stop();
    await server.close();
  });
  logger.flush();
  return code;
}

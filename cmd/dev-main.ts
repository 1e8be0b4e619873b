/** The work of `svcplane dev`: the API server, the suite over the in-process client, the exit code. */
import type { DevFlags } from './dev.js';
import type { Logger } from 'pino';
import type { KubeClient } from '../controllers/runtime/kube-client.js';
import { loggerFromFlags, startSuite, untilSignalled } from './suite.js';

/** Runs until signalled; returns the exit code. */
export async function runDev(flags: DevFlags): Promise<number> {
  const logger = loggerFromFlags(flags);
  const { startApiServer } = await import('../apiserver/index.js');
  const { InProcessClient } = await import('../apiserver/in-process-client.js');
  // The server's range is the allocator's: the kubernetes Service gets the first IP of the range
  // the serviceip controller allocates from, and the controller claims it like any requested IP.
  const server = await startApiServer({
    port: flags.port,
    host: flags.host,
    kubeconfigPath: flags.kubeconfigOut,
    serviceClusterIPRange: flags.serviceClusterIpRange,
    advertiseAddress: flags.advertiseAddress,
    logger: logger.child({ component: 'apiserver' }),
  });
  const extraControllers = [];
  if (flags.simulatePods) {
    const { KubeletSim } = await import('../controllers/kubelet-sim/index.js');
    extraControllers.push(new KubeletSim({ clusterCIDR: flags.clusterCidr, readyDelayMs: flags.podReadyDelay }));
  }
  const suite = await startSuite({ flags, client: new InProcessClient(server.store), logger, leaderElection: false, extraControllers });
  await suite.manager.whenRunning();
  logger.info({ url: server.url }, 'API server serving; controllers running');
  process.stdout.write(`KUBECONFIG=${server.kubeconfigPath}\n`);
  if (flags.examples) await showExamples(flags, server.kubeconfigPath, new InProcessClient(server.store), logger);
  const code = await untilSignalled(logger, async () => {
    await suite.stop();
    await server.close();
  });
  logger.flush();
  return code;
}

/** Applies the examples, waits (bounded) for the suite to settle, prints the status view and what to try. */
async function showExamples(flags: DevFlags, kubeconfigPath: string, client: KubeClient, logger: Logger): Promise<void> {
  const { applyManifests, readManifests } = await import('../apiserver/manifests.js');
  const { waitUntilSettled } = await import('../status/settle.js');
  const { runStatus } = await import('../status/main.js');
  const { loadKubeConfig } = await import('./kubeconfig.js');
  const { parseNodePortRange } = await import('../allocators/node-port-range.js');
  const objects = await readManifests(flags.examples!);
  await applyManifests(client, objects);
  logger.info({ examples: flags.examples, objects: objects.length }, 'examples applied; waiting for them to settle');
  const missing = await waitUntilSettled(client, {
    namespace: 'default',
    expectClusterIPs: flags.controllers.has('serviceip'),
    expectNodePorts: flags.controllers.has('nodeport'),
    expectSlices: flags.controllers.has('endpointslice') && flags.simulatePods,
    onWaiting: (waitingFor) => logger.info({ waitingFor }, 'waiting for the examples to settle'),
  });
  if (missing.length) logger.warn({ missing }, 'examples not settled in time; showing the state as it is');
  await runStatus({
    loadKubeConfig: () => loadKubeConfig(kubeconfigPath),
    client,
    watch: false,
    namespace: 'default',
    allNamespaces: false,
    ranges: { serviceClusterIPRange: flags.serviceClusterIpRange, serviceClusterIPRangeGiven: true, nodePortRange: parseNodePortRange(flags.serviceNodePortRange) },
  });
  process.stdout.write(
    [
      '',
      'Try (in another terminal):',
      `  export KUBECONFIG=${kubeconfigPath}`,
      '  kubectl get services,endpointslices -o wide',
      '  kubectl describe service shop',
      '  npx svcplane status --watch',
      '',
    ].join('\n'),
  );
}

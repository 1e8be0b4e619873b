/**
 * `svcplane dev`: the bundled envtest-style API server and every controller in one process,
 * without leader election. Prints exactly one `KUBECONFIG=<path>` line on stdout once the server
 * serves and every informer has synced (logs go to stderr). The controllers use the in-process
 * client over the server's own store; kubectl and other clients use HTTP. This module only
 * declares the flags; dev-main.ts runs.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseClusterCIDRs } from '../controllers/kubelet-sim/options.js';
import { hostOption, kubernetesServiceFlagsProblem, parseIPFlag, parsePort } from './envtest.js';
import { addControllerFlags, parseDuration, type ControllerFlags } from './flags.js';

/** Parsed flags of `svcplane dev`. */
export interface DevFlags extends ControllerFlags {
  port: number;
  /** Unset: 127.0.0.1. */
  host?: string;
  advertiseAddress?: string;
  kubeconfigOut?: string;
  simulatePods: boolean;
  clusterCidr: string;
  podReadyDelay: number;
  examples?: string;
}

/** Checks a --cluster-cidr value and returns it unchanged. */
function checkClusterCIDR(value: string): string {
  try {
    parseClusterCIDRs(value);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
  return value;
}

/** Adds the `dev` subcommand. */
export function registerDev(program: Command): void {
  const cmd = program
    .command('dev')
    .description('run the bundled API server and every controller in one process (no leader election)')
    .addOption(new Option('--port <n>', 'API server port; 0 picks a free port').default(0).argParser(parsePort))
    .addOption(hostOption())
    .addOption(new Option('--advertise-address <ip>', 'the IP the default/kubernetes Endpoints and EndpointSlice publish (default: the --host address unless loopback, else a host interface address of its family, as kube-apiserver; without --host, of the range\'s family; a loopback one is refused there)').argParser(parseIPFlag))
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig (default: a temporary file removed on exit)')
    .option('--simulate-pods', 'SIMULATION: run a fake kubelet that creates nodes, binds pods, gives them IPs and readiness', false)
    .addOption(new Option('--cluster-cidr <cidrs>', 'the simulated pod network: one CIDR or two (one per family), comma-separated').default('10.244.0.0/16').argParser(checkClusterCIDR))
    .option('--examples <dir>', 'apply the manifests in this folder once running, wait for them to settle, and print a summary')
    .addOption(new Option('--pod-ready-delay <duration>', 'how long a simulated pod runs before it turns Ready').default(1000, '1s').argParser(parseDuration));
  addControllerFlags(cmd).action(async (flags: DevFlags, command: Command) => {
    // The API server takes --service-cluster-ip-range too, for the default/kubernetes Service.
    const problem = kubernetesServiceFlagsProblem(flags);
    if (problem) command.error(`error: ${problem}`, { exitCode: 2, code: 'svcplane.invalidFlags' });
    // Loaded here so that --help and flag errors answer without loading the server and controllers.
    const { runDev } = await import('./dev-main.js');
    process.exitCode = await runDev(flags);
  });
}

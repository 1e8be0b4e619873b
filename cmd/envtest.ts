/**
 * `svcplane envtest`: serves the envtest-style API server until SIGTERM or SIGINT, printing
 * exactly one `KUBECONFIG=<path>` line on stdout once it is serving (logs go to stderr). Flags
 * to wiring only; the server is apiserver/index.ts.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import { Defaults } from '../api-types/well-known.js';
import { ipProblem } from '../allocators/ip.js';
import { defaultAdvertiseAddress, parseServiceIPRanges, publicIPProblem } from '../apiserver/kubernetes-service.js';
import { checked } from './flags.js';

/** The parsed flags of `svcplane envtest`. */
export interface EnvtestFlags {
  port: number;
  /** Unset: the loopback address of the first range's family. */
  host?: string;
  serviceClusterIpRange: string;
  advertiseAddress?: string;
  kubeconfigOut?: string;
  gc: boolean;
  enableFaultInjection: boolean;
  logLevel: string;
}

/** Parses a TCP port (0–65535); 0 asks for a free port. */
export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be an integer from 0 to 65535.');
  return Number(value);
}

/** Parses an IP address (`--advertise-address`). */
export function parseIPFlag(value: string): string {
  const problem = ipProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

/** The flags of the `default/kubernetes` Service, as `envtest` and `dev` have them. */
export interface KubernetesServiceFlags {
  serviceClusterIpRange: string;
  host?: string;
  advertiseAddress?: string;
}

/**
 * Why the range and the address to publish do not go together (kube-apiserver refuses to start
 * then), naming the flags, or undefined. The range itself was checked by its parser; `dev`'s,
 * shared with its controllers, is checked here against the server's minimum size too.
 */
export function kubernetesServiceFlagsProblem(flags: KubernetesServiceFlags): string | undefined {
  let primary;
  try {
    [primary] = parseServiceIPRanges(flags.serviceClusterIpRange);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const published = flags.advertiseAddress ?? defaultAdvertiseAddress(flags.host, primary);
  if (published === undefined) return undefined;
  const problem = publicIPProblem(primary, published);
  if (!problem) return undefined;
  return `${flags.advertiseAddress !== undefined ? '--advertise-address' : '--host'} and --service-cluster-ip-range: ${problem}`;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** `--host`, as `envtest` and `dev` have it: the API server's bind address. */
export function hostOption(): Option {
  return new Option('--host <addr>', 'address the API server binds, kept on loopback (default: 127.0.0.1)').argParser(parseIPFlag);
}

/** Adds the `envtest` subcommand to `program`. */
export function registerEnvtest(program: Command): void {
  program
    .command('envtest')
    .description('serve an envtest-style Kubernetes API server on loopback until SIGTERM/SIGINT')
    .addOption(new Option('--port <n>', 'TCP port to listen on; 0 picks a free port').default(0).argParser(parsePort))
    .addOption(hostOption())
    .addOption(new Option('--service-cluster-ip-range <cidrs>', 'one or two comma-separated CIDRs (one per family): the kubernetes ServiceCIDR; the default/kubernetes Service takes the first IP of the first (default: svcplane run\'s, so the two agree)')
      .default(Defaults.serviceClusterIPRange).argParser(checked(parseServiceIPRanges)))
    .addOption(new Option('--advertise-address <ip>', 'the IP the default/kubernetes Endpoints and EndpointSlice publish (default: the --host address unless loopback, else a host interface address of its family, as kube-apiserver; without --host, of the range\'s family; a loopback one is refused there)').argParser(parseIPFlag))
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig (default: a temporary file removed on exit)')
    .option('--gc', 'garbage-collect dependents of deleted owners (ownerReferences)', false)
    .option('--enable-fault-injection', 'serve the fault-injection endpoints under /svcplane/faults/', false)
    .addOption(new Option('--log-level <level>', 'log level (logs go to stderr)').default('info').choices(LOG_LEVELS))
    .action(async (flags: EnvtestFlags, command: Command) => {
      const problem = kubernetesServiceFlagsProblem(flags);
      if (problem) command.error(`error: ${problem}`, { exitCode: 2, code: 'svcplane.invalidFlags' });
      await runEnvtest(flags);
    });
}

/** Serves until SIGTERM or SIGINT, then closes the server. */
export async function runEnvtest(flags: EnvtestFlags): Promise<void> {
  const logger = pino({ level: flags.logLevel }, pino.destination(2));
  // Loaded here so that --help and flag errors answer without loading the server.
  const { startApiServer } = await import('../apiserver/index.js');
  const server = await startApiServer({
    port: flags.port,
    host: flags.host,
    gc: flags.gc,
    faults: flags.enableFaultInjection,
    serviceClusterIPRange: flags.serviceClusterIpRange,
    advertiseAddress: flags.advertiseAddress,
    kubeconfigPath: flags.kubeconfigOut,
    logger,
  });
  process.stdout.write(`KUBECONFIG=${server.kubeconfigPath}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'shutting down');
  await server.close();
  logger.flush();
}

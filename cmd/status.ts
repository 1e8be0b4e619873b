/**
 * `svcplane status`: the state of the Service control plane at a glance, read through the API
 * of any cluster (kubeconfig from --kubeconfig, $KUBECONFIG, ~/.kube/config or in-cluster).
 * This module only declares the flags; the work is in status/ (docs/decisions/006-status-folder.md).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseServiceClusterIPRanges } from '../allocators/cluster-ip-range.js';
import { parseNodePortRange, type PortRange } from '../allocators/node-port-range.js';
import { Defaults } from '../api-types/well-known.js';

/** Parsed flags of `svcplane status`. */
export interface StatusFlags {
  kubeconfig?: string;
  watch: boolean;
  namespace?: string;
  allNamespaces: boolean;
  serviceClusterIpRange: string;
  serviceNodePortRange: PortRange;
}

/** Turns a parser's TypeError or RangeError into commander's usage error (exit 2). */
function asUsageError<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      if (err instanceof TypeError || err instanceof RangeError) throw new InvalidArgumentError(err.message);
      throw err;
    }
  };
}

/** A Kubernetes namespace name: a DNS label. */
function parseNamespace(value: string): string {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) || value.length > 63) throw new InvalidArgumentError('must be a namespace name (a DNS-1123 label).');
  return value;
}

/** Adds the `status` subcommand. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show range use, Services with their endpoints and slices, and the latest Warning events, read through the API')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('-w, --watch', 'redraw after every change until interrupted', false)
    .addOption(new Option('-n, --namespace <namespace>', "the namespace shown (default: the kubeconfig context's, else default)").argParser(parseNamespace).conflicts('allNamespaces'))
    .option('-A, --all-namespaces', 'show every namespace', false)
    .addOption(
      new Option('--service-cluster-ip-range <cidrs>', 'the ClusterIP range(s) to measure; when not given, the ServiceCIDR objects if any, else the default')
        .default(Defaults.serviceClusterIPRange)
        .argParser(asUsageError((v) => (parseServiceClusterIPRanges(v), v))),
    )
    .addOption(
      new Option('--service-node-port-range <range>', 'the NodePort range to measure (min-max or base+size)')
        .default(parseNodePortRange(Defaults.serviceNodePortRange), Defaults.serviceNodePortRange)
        .argParser(asUsageError(parseNodePortRange)),
    )
    .action(async (flags: StatusFlags, cmd: Command) => {
      // Loaded here so that --help and flag errors answer without loading the client.
      const [{ loadKubeConfig }, { runStatus }] = await Promise.all([import('./kubeconfig.js'), import('../status/main.js')]);
      process.exitCode = await runStatus({
        loadKubeConfig: () => loadKubeConfig(flags.kubeconfig),
        watch: flags.watch,
        namespace: flags.namespace,
        allNamespaces: flags.allNamespaces,
        ranges: {
          serviceClusterIPRange: flags.serviceClusterIpRange,
          serviceClusterIPRangeGiven: cmd.getOptionValueSource('serviceClusterIpRange') === 'cli',
          nodePortRange: flags.serviceNodePortRange,
        },
      });
    });
}

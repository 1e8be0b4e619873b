/**
 * The flags `svcplane run` and `svcplane dev` share, with kube-controller-manager's names and
 * defaults, and their parsers. A bad value is an InvalidArgumentError: commander prints it with
 * the flag's name and the value, and the command exits 2.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { Defaults } from '../api-types/well-known.js';
import { parseServiceClusterIPRanges } from '../allocators/cluster-ip-range.js';
import { parseNodePortRange } from '../allocators/node-port-range.js';
import { logLevels, type LogLevel } from '../controllers/runtime/logger.js';
import { parseBindAddress } from '../controllers/runtime/serving.js';

/** Every controller `--controllers` can name; `*` (the default) turns them all on. */
export const controllerNames = ['serviceip', 'nodeport', 'endpoints', 'endpointslice', 'endpointslicemirroring', 'servicecidrs'] as const;
/** One of controllerNames. */
export type ControllerName = (typeof controllerNames)[number];

/**
 * kube-controller-manager's names for the controllers svcplane also runs, its aliases and its
 * canonical names (cmd/kube-controller-manager/names/controller_names.go), so that a list written
 * for it (`-endpoint`, `endpointslice-controller`) means the same here. The ServiceCIDR
 * controller has its canonical name only (it came after the aliases).
 */
const controllerAliases: Readonly<Record<string, ControllerName>> = {
  endpoint: 'endpoints',
  'endpoints-controller': 'endpoints',
  'endpointslice-controller': 'endpointslice',
  'endpointslice-mirroring-controller': 'endpointslicemirroring',
  'service-cidr-controller': 'servicecidrs',
};

/** Parsed shared flags. */
export interface ControllerFlags {
  controllers: Set<ControllerName>;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  maxEndpointsPerSlice: number;
  concurrentEndpointSyncs: number;
  concurrentServiceEndpointSyncs: number;
  endpointUpdatesBatchPeriod: number;
  endpointsliceUpdatesBatchPeriod: number;
  mirroringConcurrentServiceEndpointSyncs: number;
  mirroringMaxEndpointsPerSubset: number;
  mirroringEndpointsliceUpdatesBatchPeriod: number;
  allocatorRepairInterval: number;
  allocatorLeakGracePeriod: number;
  nodeportMapNamespace: string;
  concurrentNodeportSyncs: number;
  concurrentServiceipSyncs: number;
  kubeApiQps: number;
  kubeApiBurst: number;
  metricsBindAddress: string;
  healthProbeBindAddress: string;
  logLevel: LogLevel;
  logFormat: 'auto' | 'json' | 'text';
}

/**
 * Parses `--controllers` as kube-controller-manager does: a comma-separated list where `*`
 * means every controller, `name` turns one on and `-name` turns it off; the endpoint and
 * ServiceCIDR controllers also answer to kube-controller-manager's
 * names.
 */
export function parseControllers(value: string): Set<ControllerName> {
  const on = new Set<ControllerName>();
  const off = new Set<ControllerName>();
  let star = false;
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item === '*') {
      star = true;
      continue;
    }
    const negated = item.startsWith('-');
    const given = negated ? item.slice(1) : item;
    const name = controllerAliases[given] ?? given;
    if (!(controllerNames as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`"${given}" is not a known controller; known controllers: ${controllerNames.join(', ')} (or kube-controller-manager's names: ${Object.keys(controllerAliases).join(', ')}).`);
    }
    (negated ? off : on).add(name as ControllerName);
  }
  const result = new Set<ControllerName>(star ? controllerNames : []);
  for (const n of on) result.add(n);
  for (const n of off) result.delete(n);
  return result;
}

const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration (`500ms`, `15s`, `3m`, `1h30m`, `0`) to milliseconds. */
export function parseDuration(value: string): number {
  if (value === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    total += Number(m[1]) * units[m[2]];
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== value.length) throw new InvalidArgumentError('must be a duration such as 500ms, 15s, 3m or 1h30m.');
  return total;
}

/** Parses an integer within [min, max]. */
export function intIn(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}.`);
    return Number(value);
  };
}

/** Checks a value with a parser that throws TypeError/RangeError, keeping the text. */
export function checked(parse: (v: string) => unknown): (value: string) => string {
  return (value) => {
    try {
      parse(value);
    } catch (e) {
      throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
    }
    return value;
  };
}

/** Parses a positive number. */
function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number.');
  return n;
}

/** Adds the shared controller flags to a command. */
export function addControllerFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--controllers <list>', `controllers to run: * for all, name to enable, -name to disable (${controllerNames.join(', ')})`).default(new Set(controllerNames), '*').argParser(parseControllers))
    .addOption(new Option('--service-cluster-ip-range <cidrs>', 'one or two comma-separated CIDRs (one per family) to allocate ClusterIPs from').default(Defaults.serviceClusterIPRange).argParser(checked(parseServiceClusterIPRanges)))
    .addOption(new Option('--service-node-port-range <range>', 'the port range for NodePort Services (min-max or base+size)').default(Defaults.serviceNodePortRange).argParser(checked(parseNodePortRange)))
    .addOption(new Option('--max-endpoints-per-slice <n>', 'the most endpoints an EndpointSlice holds').default(100).argParser(intIn(1, 1000)))
    .addOption(new Option('--concurrent-endpoint-syncs <n>', 'Endpoints controller workers').default(5).argParser(intIn(1, 1000)))
    .addOption(new Option('--concurrent-service-endpoint-syncs <n>', 'EndpointSlice controller workers').default(5).argParser(intIn(1, 50)))
    .addOption(new Option('--endpoint-updates-batch-period <duration>', 'batch pod changes into one Endpoints sync per period').default(0, '0').argParser(parseDuration))
    .addOption(new Option('--endpointslice-updates-batch-period <duration>', 'batch pod changes into one EndpointSlice sync per period').default(0, '0').argParser(parseDuration))
    .addOption(new Option('--mirroring-concurrent-service-endpoint-syncs <n>', 'EndpointSlice mirroring controller workers').default(5).argParser(intIn(1, 50)))
    .addOption(new Option('--mirroring-max-endpoints-per-subset <n>', 'the most addresses mirrored per Endpoints subset').default(1000).argParser(intIn(1, 1000)))
    .addOption(new Option('--mirroring-endpointslice-updates-batch-period <duration>', 'delay mirroring syncs after EndpointSlice changes by this period').default(0, '0').argParser(parseDuration))
    .addOption(new Option('--allocator-repair-interval <duration>', 'how often the ClusterIP and NodePort repair passes run').default(180_000, '3m').argParser(parseDuration))
    .addOption(new Option('--allocator-leak-grace-period <duration>', 'how long an allocated IP or port no Service holds waits before repair frees it').default(60_000, '1m').argParser(parseDuration))
    .option('--nodeport-map-namespace <namespace>', 'namespace of the ConfigMap holding the NodePort allocation map', 'kube-system')
    .addOption(new Option('--concurrent-serviceip-syncs <n>', 'ClusterIP controller workers (each holds one Service between its IPAddress claim and its write)').default(Defaults.concurrentServiceIPSyncs).argParser(intIn(1, 1000)))
    .addOption(new Option('--concurrent-nodeport-syncs <n>', 'NodePort controller workers (claims made together share one port-map write)').default(Defaults.concurrentNodePortSyncs).argParser(intIn(1, 1000)))
    .addOption(new Option('--kube-api-qps <n>', 'client-side limit of requests per second to the API server').default(20).argParser(positive))
    .addOption(new Option('--kube-api-burst <n>', 'client-side burst of requests to the API server').default(30).argParser(intIn(1, 100_000)))
    .addOption(new Option('--metrics-bind-address <host:port>', 'where /metrics is served (port 0: a free port, logged)').default('127.0.0.1:10257')
      .argParser(checked((v) => parseBindAddress('--metrics-bind-address', v))))
    .addOption(new Option('--health-probe-bind-address <host:port>', 'where /healthz and /readyz are served (port 0: a free port, logged)').default('127.0.0.1:10258')
      .argParser(checked((v) => parseBindAddress('--health-probe-bind-address', v))))
    .addOption(new Option('--log-level <level>', 'log level').default('info').choices(logLevels))
    .addOption(new Option('--log-format <format>', 'json lines, readable text, or auto (text on a terminal)').default('auto').choices(['auto', 'json', 'text']));
}

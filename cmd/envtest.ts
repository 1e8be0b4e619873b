/**
 * `svcplane envtest`: serves the envtest-style API server until SIGTERM or SIGINT, printing
 * exactly one `KUBECONFIG=<path>` line on stdout once it is serving (logs go to stderr). Flags
 * to wiring only; the server is apiserver/index.ts.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';

/** The parsed flags of `svcplane envtest`. */
export interface EnvtestFlags {
  port: number;
  host: string;
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Adds the `envtest` subcommand to `program`. */
export function registerEnvtest(program: Command): void {
  program
    .command('envtest')
    .description('serve an envtest-style Kubernetes API server on loopback until SIGTERM/SIGINT')
    .addOption(new Option('--port <n>', 'TCP port to listen on; 0 picks a free port').default(0).argParser(parsePort))
    .addOption(new Option('--host <addr>', 'address to bind (keep it on loopback)').default('127.0.0.1'))
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig (default: a temporary file removed on exit)')
    .option('--gc', 'garbage-collect dependents of deleted owners (ownerReferences)', false)
    .option('--enable-fault-injection', 'serve the fault-injection endpoints under /svcplane/faults/', false)
    .addOption(new Option('--log-level <level>', 'log level (logs go to stderr)').default('info').choices(LOG_LEVELS))
    .action(async (flags: EnvtestFlags) => {
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

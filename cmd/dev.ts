/**
 * `svcplane dev`: the bundled envtest-style API server and every controller in one process,
 * without leader election. Prints exactly one `KUBECONFIG=<path>` line on stdout once the server
 * serves and every informer has synced (logs go to stderr). The controllers use the in-process
 * client over the server's own store; kubectl and other clients use HTTP. This module only
 * declares the flags; dev-main.ts runs.
 */
import { type Command, Option } from 'commander';
import { parsePort } from './envtest.js';
import { addControllerFlags, type ControllerFlags } from './flags.js';

/** Parsed flags of `svcplane dev`. */
export interface DevFlags extends ControllerFlags {
  port: number;
  kubeconfigOut?: string;
}

/** Adds the `dev` subcommand. */
export function registerDev(program: Command): void {
  const cmd = program
    .command('dev')
    .description('run the bundled API server and every controller in one process (no leader election)')
    .addOption(new Option('--port <n>', 'API server port; 0 picks a free port').default(0).argParser(parsePort))
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig (default: a temporary file removed on exit)');
  addControllerFlags(cmd).action(async (flags: DevFlags) => {
    // Loaded here so that --help and flag errors answer without loading the server and controllers.
    const { runDev } = await import('./dev-main.js');
    process.exitCode = await runDev(flags);
  });
}

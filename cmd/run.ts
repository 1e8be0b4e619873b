/**
 * `svcplane run`: the controllers against any API server (kubeconfig from --kubeconfig,
 * $KUBECONFIG, ~/.kube/config or the in-cluster service account), leader-elected by default
 * with kube-controller-manager's flags. This module only declares the flags; run-main.ts runs.
 */
import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { leaderElectionTimingProblem } from '../controllers/runtime/leader-election.js';
import { addControllerFlags, parseDuration, type ControllerFlags } from './flags.js';

/** Parsed flags of `svcplane run`. */
export interface RunFlags extends ControllerFlags {
  kubeconfig?: string;
  leaderElect: boolean;
  leaderElectLeaseDuration: number;
  leaderElectRenewDeadline: number;
  leaderElectRetryPeriod: number;
  leaderElectResourceName: string;
  leaderElectResourceNamespace: string;
}

/** Adds the leader-election flags (kube-controller-manager's names and defaults). */
export function addLeaderElectionFlags(cmd: Command, electByDefault: boolean): Command {
  return cmd
    .option('--leader-elect', 'elect a leader through a Lease before running controllers', electByDefault)
    .option('--no-leader-elect', 'run controllers without leader election')
    .addOption(new Option('--leader-elect-lease-duration <duration>', 'how long a standby waits before taking over an unrenewed lease').default(15_000, '15s').argParser(parseDuration))
    .addOption(new Option('--leader-elect-renew-deadline <duration>', 'how long the leader tries to renew before giving up').default(10_000, '10s').argParser(parseDuration))
    .addOption(new Option('--leader-elect-retry-period <duration>', 'how long to wait between tries to acquire or renew').default(2_000, '2s').argParser(parseDuration))
    .option('--leader-elect-resource-name <name>', 'the Lease name', 'svcplane')
    .option('--leader-elect-resource-namespace <namespace>', 'the Lease namespace', 'kube-system');
}

/** What makes `run`'s flags unusable together, naming the flags, or undefined. */
export function runFlagsProblem(flags: RunFlags): string | undefined {
  if (flags.kubeconfig !== undefined && !existsSync(flags.kubeconfig)) return `--kubeconfig ${flags.kubeconfig}: no such file`;
  if (!flags.leaderElect) return undefined;
  return leaderElectionTimingProblem({ leaseDurationMs: flags.leaderElectLeaseDuration, renewDeadlineMs: flags.leaderElectRenewDeadline, retryPeriodMs: flags.leaderElectRetryPeriod });
}

/** Adds the `run` subcommand. */
export function registerRun(program: Command): void {
  const cmd = program.command('run').description('run the controllers against an API server (leader-elected by default)').option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)');
  addLeaderElectionFlags(addControllerFlags(cmd), true).action(async (flags: RunFlags, command: Command) => {
    // Flags that are fine alone but not together, or a file that is not there: usage errors too.
    const problem = runFlagsProblem(flags);
    if (problem) command.error(`error: ${problem}`, { exitCode: 2, code: 'svcplane.invalidFlags' });
    // Loaded here so that --help and flag errors answer without loading the client and controllers.
    const { KubeConfigError, loadKubeConfig } = await import('./kubeconfig.js');
    let kubeConfig;
    try {
      kubeConfig = loadKubeConfig(flags.kubeconfig);
    } catch (e) {
      if (!(e instanceof KubeConfigError)) throw e;
      command.error(`error: ${e.message}`, { exitCode: 2, code: 'svcplane.invalidKubeconfig' });
    }
    const { runControllers } = await import('./run-main.js');
    process.exitCode = await runControllers(flags, kubeConfig);
  });
}


/**
 * The `svcplane` command: one commander program, one module per subcommand (run, dev, envtest;
 * status slots in the same way). Flags to wiring only. Bad flags and values exit 2 with
 * commander's message naming the flag and the value.
 */
import { Command, CommanderError } from 'commander';
import { registerDev } from './dev.js';
import { registerEnvtest } from './envtest.js';
import { registerRun } from './run.js';
import { registerStatus } from './status.js';

/** Exit code for command-line usage errors (as in BSD sysexits' tradition of 2 for misuse). */
export const USAGE_EXIT_CODE = 2;

/** Where the program writes help and errors. */
export interface ProgramOutput {
  /** @default process.stdout */
  writeOut?: (text: string) => void;
  /** @default process.stderr */
  writeErr?: (text: string) => void;
}

/** Builds the program with every subcommand registered. */
export function buildProgram(output: ProgramOutput = {}): Command {
  const program = new Command('svcplane').description(
    'The Kubernetes Service control plane: ClusterIP and NodePort allocation, Endpoints and EndpointSlice controllers.',
  );
  registerRun(program);
  registerDev(program);
  registerEnvtest(program);
  registerStatus(program);
  for (const cmd of [program, ...program.commands]) {
    cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
    if (output.writeOut || output.writeErr) cmd.configureOutput(output);
  }
  return program;
}

/**
 * Runs the command line `argv` (process.argv form) and returns the exit code: 0 on success and
 * after --help, 2 for usage errors (a missing subcommand included). Errors of a running command propagate.
 */
export async function main(argv: readonly string[], output: ProgramOutput = {}): Promise<number> {
  try {
    await buildProgram(output).parseAsync(argv);
    // A long-running command (run, dev) reports its own exit code through process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // commander has already written its message (or the help asked for) to stderr or stdout.
    return e.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  }
}

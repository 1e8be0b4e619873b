/**
 * Runs the `svcplane` bin as a child process for command tests: captures its output, waits
 * (bounded) for the KUBECONFIG= line, and reports its exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The bin (cmd/svcplane.mjs). */
export const svcplaneBin = fileURLToPath(new URL('../../cmd/svcplane.mjs', import.meta.url));

/** A running svcplane process. */
export interface SvcplaneProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** The exit code (null when killed by a signal). */
  exit: Promise<number | null>;
}

/** Starts `svcplane <args>`. */
export function runSvcplane(args: string[], env: NodeJS.ProcessEnv = process.env): SvcplaneProcess {
  const child = spawn(process.execPath, [svcplaneBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Waits (bounded) for the `KUBECONFIG=<path>` line and returns the path. */
export async function kubeconfigLine(r: SvcplaneProcess, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = /^KUBECONFIG=(.+)$/m.exec(r.stdout());
    if (m) return m[1];
    if (Date.now() > deadline || r.child.exitCode !== null) throw new Error(`no KUBECONFIG line; stderr: ${r.stderr()}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

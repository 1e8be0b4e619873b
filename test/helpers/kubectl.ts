/** Runs real kubectl in tests, with the caller's environment (a private HOME and KUBECONFIG). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A function running `kubectl <args>` under `env()` that resolves with stdout, or throws with stderr. */
export function kubectlIn(env: () => NodeJS.ProcessEnv): (...args: string[]) => Promise<string> {
  return async (...args) => {
    try {
      const { stdout } = await exec('kubectl', args, { env: env(), timeout: 30_000 });
      return stdout;
    } catch (e) {
      const err = e as Error & { stderr?: string };
      throw new Error(`kubectl ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
    }
  };
}

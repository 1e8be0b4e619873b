/**
 * The kubeconfig the server writes for its clients: one cluster (plain HTTP on loopback, with
 * `insecure-skip-tls-verify: true`, without which client-node 1.4 refuses `http:` servers), one
 * user with the bearer token, one context, selected. Verified with client-node 1.4 and kubectl
 * 1.20–1.33 (shared/reference/client-and-wire.md §0.2).
 */
import { writeFile, chmod } from 'node:fs/promises';
import { stringify } from 'yaml';

/** The name used for the cluster, user and context entries. */
export const KUBECONFIG_NAME = 'svcplane-envtest';

/** Builds the kubeconfig document for `server` (e.g. `http://127.0.0.1:PORT`) and `token`. */
export function buildKubeconfig(server: string, token: string, namespace = 'default'): object {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: KUBECONFIG_NAME, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: KUBECONFIG_NAME, user: { token } }],
    contexts: [{ name: KUBECONFIG_NAME, context: { cluster: KUBECONFIG_NAME, user: KUBECONFIG_NAME, namespace } }],
    'current-context': KUBECONFIG_NAME,
    preferences: {},
  };
}

/** Writes the kubeconfig to `path` with mode 0600 (it holds the token). */
export async function writeKubeconfig(path: string, server: string, token: string): Promise<void> {
  await writeFile(path, stringify(buildKubeconfig(server, token)), { mode: 0o600 });
  // writeFile's mode applies only when it creates the file; an existing file is narrowed too.
  await chmod(path, 0o600);
}

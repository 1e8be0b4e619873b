/**
 * Loading a kubeconfig for the commands that talk to a cluster (run, status), in kubectl's order:
 * `--kubeconfig`, else the files `$KUBECONFIG` lists (merged, the first one's current context
 * winning), else `~/.kube/config`, else the in-cluster service account, as client-go's
 * InClusterConfig reads it. Where client-node's own loadFromDefault would fall back to
 * `http://localhost:8080` and fail on every request for ever, this throws a KubeConfigError
 * naming what is missing, which the commands answer with exit code 2.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Why no usable kubeconfig was found; `code` for callers, the message names the source. */
export class KubeConfigError extends Error {
  readonly code = 'KubeConfigUnusable';
}

/** Where the in-cluster service account's files live (client-go rest.InClusterConfig). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** What loadKubeConfig reads besides `--kubeconfig`; the process's own by default. */
export interface KubeConfigSources {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Prefix of the service account's paths (tests point it at a folder of their own). @default '' */
  serviceAccountPrefix?: string;
}

/**
 * Loads the KubeConfig the way kubectl does (see the top of this file) and checks that it names
 * a cluster with a server. Throws KubeConfigError otherwise.
 */
export function loadKubeConfig(file: string | undefined, sources: KubeConfigSources = {}): KubeConfig {
  const env = sources.env ?? process.env;
  const kc = new KubeConfig();
  let source: string;
  try {
    if (file !== undefined) {
      source = `--kubeconfig ${file}`;
      kc.loadFromFile(file);
    } else if (env.KUBECONFIG) {
      source = `KUBECONFIG=${env.KUBECONFIG}`;
      loadList(kc, env.KUBECONFIG, source);
    } else {
      const home = path.join(sources.home ?? os.homedir(), '.kube', 'config');
      if (existsSync(home)) {
        source = home;
        kc.loadFromFile(home);
      } else {
        source = 'the in-cluster configuration';
        loadInCluster(kc, env, sources.serviceAccountPrefix ?? '');
      }
    }
  } catch (e) {
    if (e instanceof KubeConfigError) throw e;
    throw new KubeConfigError(`${source!}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    const context = kc.getCurrentContext();
    throw new KubeConfigError(context ? `${source}: context "${context}" names no cluster the kubeconfig defines` : `${source}: no current context is set`);
  }
  if (!cluster.server) throw new KubeConfigError(`${source}: cluster "${cluster.name}" has no server defined`);
  return kc;
}

/** The files of a $KUBECONFIG list that exist, merged as kubectl merges them. */
function loadList(kc: KubeConfig, list: string, source: string): void {
  const files = list.split(path.delimiter).filter((f) => f !== '' && existsSync(f));
  if (files.length === 0) throw new KubeConfigError(`${source}: none of these files exists`);
  kc.loadFromFile(files[0]);
  for (const f of files.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(f);
    // kubectl's merge: the first file to define a name wins (client-node's mergeConfig throws).
    kc.clusters = firstWins(kc.clusters, more.clusters);
    kc.users = firstWins(kc.users, more.users);
    kc.contexts = firstWins(kc.contexts, more.contexts);
    if (!kc.getCurrentContext()) kc.setCurrentContext(more.getCurrentContext());
  }
}

function firstWins<T extends { name: string }>(have: T[], more: T[]): T[] {
  const names = new Set(have.map((x) => x.name));
  return [...have, ...more.filter((x) => !names.has(x.name))];
}

/** client-go's InClusterConfig: both environment variables and the token file, or an error in its words. */
function loadInCluster(kc: KubeConfig, env: NodeJS.ProcessEnv, prefix: string): void {
  if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) {
    throw new KubeConfigError('no kubeconfig (--kubeconfig, $KUBECONFIG, ~/.kube/config) and unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined');
  }
  const token = `${prefix}${SERVICE_ACCOUNT_DIR}/token`;
  if (!existsSync(token)) throw new KubeConfigError(`the in-cluster configuration: open ${token}: no such file or directory`);
  // client-node reads the two variables from process.env itself.
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = env.KUBERNETES_SERVICE_HOST;
  process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT;
  try {
    kc.loadFromCluster(prefix);
  } finally {
    restore('KUBERNETES_SERVICE_HOST', saved.host);
    restore('KUBERNETES_SERVICE_PORT', saved.port);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

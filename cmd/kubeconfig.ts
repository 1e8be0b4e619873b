/**
 * Loading a kubeconfig for the commands that talk to a cluster (run, status), in kubectl's order
 * (client-go's DeferredLoadingClientConfig): `--kubeconfig`, else the files `$KUBECONFIG` lists
 * (merged, the first to define a name winning), else `~/.kube/config`; when those give no
 * cluster (no file, or no current context), the in-cluster service account, as client-go's
 * InClusterConfig reads it (https to KUBERNETES_SERVICE_HOST:PORT, the token file). Where
 * client-node's own loadFromDefault would fall back to `http://localhost:8080` and fail on every
 * request for ever, this throws a KubeConfigError naming what is missing, which the commands
 * answer with exit code 2.
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
  const prefix = sources.serviceAccountPrefix ?? '';
  if (file !== undefined) return checked(load(`--kubeconfig ${file}`, (kc) => kc.loadFromFile(file)), `--kubeconfig ${file}`);
  const home = path.join(sources.home ?? os.homedir(), '.kube', 'config');
  const source = env.KUBECONFIG ? `KUBECONFIG=${env.KUBECONFIG}` : home;
  const files = env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter).filter((f) => f !== '' && existsSync(f)) : existsSync(home) ? [home] : [];
  // As client-go's DeferredLoadingClientConfig: files that give no cluster (none there, or no
  // current context) yield to the in-cluster configuration when it is possible.
  const kc = files.length > 0 ? load(source, (k) => loadList(k, files)) : undefined;
  const inCluster = (): KubeConfig => checked(load('the in-cluster configuration', (k) => loadInCluster(k, env, prefix)), 'the in-cluster configuration');
  if (kc?.getCurrentCluster()) return checked(kc, source);
  if (isInClusterPossible(env, prefix)) return inCluster();
  // Neither works: say what is wrong with the files, or that there are none.
  if (kc) return checked(kc, source);
  if (env.KUBECONFIG) throw new KubeConfigError(`${source}: none of these files exists, and ${NOT_IN_CLUSTER}`);
  return inCluster();
}

/** client-go's ErrNotInCluster, after what was looked for first. */
const NOT_IN_CLUSTER = 'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined';

/** Runs `fill` on a new KubeConfig; its failure becomes a KubeConfigError naming `source`. */
function load(source: string, fill: (kc: KubeConfig) => void): KubeConfig {
  const kc = new KubeConfig();
  try {
    fill(kc);
  } catch (e) {
    if (e instanceof KubeConfigError) throw e;
    throw new KubeConfigError(`${source}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  return kc;
}

/** `kc` if it names a current cluster with a server, else a KubeConfigError naming `source`. */
function checked(kc: KubeConfig, source: string): KubeConfig {
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    const context = kc.getCurrentContext();
    throw new KubeConfigError(context ? `${source}: context "${context}" names no cluster the kubeconfig defines` : `${source}: no current context is set`);
  }
  if (!cluster.server) throw new KubeConfigError(`${source}: cluster "${cluster.name}" has no server defined`);
  return kc;
}

/** client-go's inClusterClientConfig.Possible: both variables and the token file. */
function isInClusterPossible(env: NodeJS.ProcessEnv, prefix: string): boolean {
  return !!env.KUBERNETES_SERVICE_HOST && !!env.KUBERNETES_SERVICE_PORT && existsSync(`${prefix}${SERVICE_ACCOUNT_DIR}/token`);
}

/** Existing kubeconfig files, merged as kubectl merges them (the first to define a name wins). */
function loadList(kc: KubeConfig, files: readonly string[]): void {
  kc.loadFromFile(files[0]);
  for (const f of files.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(f);
    // client-node's mergeConfig throws on a name defined twice.
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
    throw new KubeConfigError(`no kubeconfig (--kubeconfig, $KUBECONFIG, ~/.kube/config) and ${NOT_IN_CLUSTER}`);
  }
  const token = `${prefix}${SERVICE_ACCOUNT_DIR}/token`;
  if (!existsSync(token)) throw new KubeConfigError(`the in-cluster configuration: open ${token}: no such file or directory`);
  // client-node reads the two variables from process.env itself.
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = env.KUBERNETES_SERVICE_HOST;
  process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT;
  try {
    kc.loadFromCluster(prefix);
    // client-go always speaks https to the in-cluster address; client-node picks http for ports
    // 80, 8080 and 8001.
    const host = env.KUBERNETES_SERVICE_HOST.includes(':') ? `[${env.KUBERNETES_SERVICE_HOST}]` : env.KUBERNETES_SERVICE_HOST;
    kc.clusters = kc.clusters.map((c) => ({ ...c, server: `https://${host}:${env.KUBERNETES_SERVICE_PORT}` }));
  } finally {
    restore('KUBERNETES_SERVICE_HOST', saved.host);
    restore('KUBERNETES_SERVICE_PORT', saved.port);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Loading a kubeconfig for the commands that talk to a cluster (run, status). */
import { KubeConfig } from '@kubernetes/client-node';

/** Loads the KubeConfig the way kubectl and client-node do, preferring an explicit file. */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

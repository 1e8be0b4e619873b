/**
 * A live read of one object by its cache key, for decisions an informer cache may be too stale
 * to make: the allocators' leak repairs read the owner of a claim from the API server before they
 * free it (controllers/serviceip's IPAddress claims, controllers/nodeport's port map), where
 * Kubernetes' bitmap repairs LIST every Service
 * (pkg/registry/core/service/portallocator/controller/repair.go, `runOnce`).
 */
import type { KubeObject } from '../../api-types/meta.js';
import { ApiError } from '../../api-types/api-error.js';
import type { ResourceClient } from '../runtime/kube-client.js';

/**
 * Reads `namespace/name` (or `name` for a cluster-scoped resource) from the API server; resolves
 * with undefined when it does not exist (404). Any other failure is thrown as it came.
 */
export async function readLive<T extends KubeObject>(client: ResourceClient<T>, key: string): Promise<T | undefined> {
  const slash = key.indexOf('/');
  const namespace = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  try {
    return await client.get(namespace, name);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

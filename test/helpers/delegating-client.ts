/**
 * A test-only KubeClient that hands every call of every resource to an inner client, except the
 * methods a test overrides: the seam controller-runtime's tests decorate to delay or lose calls.
 */
import type { KubeObject } from '../../api-types/meta.js';
import type { KubeClient, ResourceClient, ResourceRef } from '../../controllers/runtime/kube-client.js';

/** Builds the overrides of one resource's client from the inner one. */
export type ResourceOverrides = <T extends KubeObject>(inner: ResourceClient<T>, ref: ResourceRef) => Partial<ResourceClient<T>>;

/** A KubeClient over `inner` whose resources use `overrides` where given and `inner` elsewhere. */
export function delegatingClient(inner: KubeClient, overrides: ResourceOverrides): KubeClient {
  return {
    resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
      const r = inner.resource<T>(ref);
      return {
        get: (ns, name) => r.get(ns, name),
        list: (o) => r.list(o),
        watch: (o, l) => r.watch(o, l),
        create: (ns, obj, o) => r.create(ns, obj, o),
        update: (obj, o) => r.update(obj, o),
        updateStatus: (obj, o) => r.updateStatus(obj, o),
        patch: (ns, name, type, body, o) => r.patch(ns, name, type, body, o),
        delete: (ns, name, o) => r.delete(ns, name, o),
        ...overrides(r, ref),
      };
    },
  };
}

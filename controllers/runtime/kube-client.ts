/**
 * The client seam every controller uses: a narrow, typed interface with two implementations,
 * over HTTP (client-node; the runtime issue) and in-process over the API server's store (the
 * fake client for unit tests). Objects are plain wire JSON (api-types/). Failures are thrown as
 * `ApiError` (apiserver/errors.ts) with the Status the API answered, so callers match on `code`
 * and `reason` whichever implementation is behind the seam. Faults are injected by wrapping a
 * client, not by growing an implementation.
 */
import type { KubeList, KubeObject, Status, WatchEvent } from '../../api-types/meta.js';
import type { DeleteOptions, ListOptions, PatchOptions, PatchType, WatchOptions, WriteOptions } from '../../apiserver/types.js';

/** Identifies a resource: group ('' for core), version and plural name. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
}

/** Receives a watch stream. `end` comes exactly once: a clean close (no error) or a failure. */
export interface WatchListener<T extends KubeObject> {
  event(ev: WatchEvent<T>): void;
  end(error?: Error): void;
}

/** A running watch; `stop` is idempotent and does not call `end`. */
export interface ClientWatch {
  stop(): void;
}

/** Operations on one resource. `namespace` is ignored (pass undefined) for cluster-scoped ones. */
export interface ResourceClient<T extends KubeObject = KubeObject> {
  get(namespace: string | undefined, name: string): Promise<T>;
  list(opts?: ListOptions): Promise<KubeList<T>>;
  /** Resolves once the server has accepted the watch (headers received). */
  watch(opts: WatchOptions & { timeoutSeconds?: number }, listener: WatchListener<T>): Promise<ClientWatch>;
  create(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  update(obj: T, opts?: WriteOptions): Promise<T>;
  updateStatus(obj: T, opts?: WriteOptions): Promise<T>;
  patch(namespace: string | undefined, name: string, type: PatchType, body: unknown, opts?: PatchOptions & { subresource?: 'status' }): Promise<T>;
  /** Resolves with the object (when the API returns it) or the Success Status. */
  delete(namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<T | Status>;
}

/** The client: one ResourceClient per resource. */
export interface KubeClient {
  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T>;
}

/**
 * The contract between the API server's store and its two fronts: the HTTP server and the
 * in-process client. Everything Kubernetes-semantic lives behind this interface (resourceVersion,
 * conflicts, watch history and replay, selectors, finalizers, graceful deletion), so both fronts
 * behave the same. Every method throws an `ApiError` (./errors.ts) for what the API answers
 * with a Status.
 */
import type { KubeList, KubeObject, Status, WatchEvent } from '../api-types/meta.js';
import type { ResourceInfo } from './resources.js';

/** Options shared by every write. */
export interface WriteOptions {
  /** `dryRun=All`: validate and answer as if written, change nothing. */
  dryRun?: boolean;
  /** Recorded in managedFields. */
  fieldManager?: string;
}

/** Options of list (query parameters of a collection GET). */
export interface ListOptions {
  /** Restricts to one namespace; unset lists all namespaces (or a cluster-scoped resource). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; 0 or unset means everything. */
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

/** Options of watch. */
export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Unset or "0": synthetic ADDED for every matching object first; "N": every change after N. */
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  allowWatchBookmarks?: boolean;
  /** Streaming list: ADDED for the current state, then a BOOKMARK annotated `k8s.io/initial-events-end`. */
  sendInitialEvents?: boolean;
}

/** A running watch. Events arrive through the callback given to `watch`, in resourceVersion order. */
export interface WatchHandle {
  /** Stops delivery; idempotent. */
  stop(): void;
  /**
   * Sends a BOOKMARK at the current resourceVersion when the watch allowed bookmarks (the HTTP
   * front calls it before a timeout close); a no-op otherwise.
   */
  bookmark?(): void;
}

/**
 * What a watch delivers: an event, or the end of the stream. `end` comes when the server closes
 * the watch (fault injection, shutdown); an ERROR event (410 after compaction) is followed by `end`.
 */
export interface WatchSink {
  event(ev: WatchEvent): void;
  end(): void;
}

/** Delete options (query parameters or a DeleteOptions body). */
export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
}

/** The patch types the server accepts (the Content-Type of a PATCH). */
export type PatchType =
  | 'application/json-patch+json'
  | 'application/merge-patch+json'
  | 'application/strategic-merge-patch+json'
  | 'application/apply-patch+yaml';

/** Patch options. */
export interface PatchOptions extends WriteOptions {
  /** Apply patches: take over fields owned by other managers instead of a 409. */
  force?: boolean;
}

/** The store behind both fronts. Objects returned are copies the caller may keep and mutate. */
export interface Store {
  /** The current global resourceVersion (a decimal integer string). */
  currentResourceVersion(): string;
  get(r: ResourceInfo, namespace: string | undefined, name: string, opts?: { resourceVersion?: string }): KubeObject;
  list(r: ResourceInfo, opts?: ListOptions): KubeList;
  /** Resolves once resourceVersion `rv` is reached, or after `timeoutMs`; at once when `rv` is not ahead. */
  whenReached(rv: string | undefined, timeoutMs: number): Promise<void>;
  /**
   * Starts a watch. Throws (410 Expired) when opts.resourceVersion is older than the retained
   * history, so the HTTP front can send it as a single ERROR event.
   */
  watch(r: ResourceInfo, opts: WatchOptions, sink: WatchSink): WatchHandle;
  create(r: ResourceInfo, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): KubeObject;
  /** PUT; `subresource: 'status'` changes only status. Returns the stored object (201 when created: see `created`). */
  update(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
    opts?: WriteOptions & { subresource?: 'status' },
  ): { object: KubeObject; created: boolean };
  patch(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: string,
    opts?: PatchOptions & { subresource?: 'status' },
  ): { object: KubeObject; created: boolean };
  /** Returns the object (still present with deletionTimestamp, or as last seen) or a Success Status. */
  delete(r: ResourceInfo, namespace: string | undefined, name: string, opts?: DeleteOptions): KubeObject | Status;
}

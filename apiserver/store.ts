/**
 * MemoryStore: the in-memory storage behind the envtest-style API server and the in-process
 * client. It keeps Kubernetes' storage semantics (apiserver/pkg/registry/generic/registry/store.go
 * and the per-type strategies): one global resourceVersion, optimistic concurrency, generation,
 * the status subresource, finalizers and graceful deletion, watch history and replay, selectors
 * and paginated lists over a consistent snapshot.
 *
 * Objects are indexed resource → namespace → name, so a write is O(1) plus the fan-out to the
 * watchers of that resource, and a namespaced list touches only that namespace. Stored objects
 * are never mutated in place (every write stores a fresh copy, deep-frozen), so history entries,
 * list snapshots and watch events share them; callers of get, list and writes get copies, and
 * watch sinks get the shared frozen objects (the in-process client copies for its listeners).
 */
import type { KubeList, KubeObject, Status } from '../api-types/meta.js';
import { type StoreClock, type StoreTimer, systemClock } from './clock.js';
import { VersionWaiters } from './version-waiters.js';
import { badRequest, notFound, tooLargeResourceVersion } from './errors.js';
import { convertEvent, eventTwinOf, isCoreEvents } from './event-versions.js';
import { rememberJsonBeforeFreeze } from './json-text.js';
import { RESOURCES, type ResourceInfo, groupVersion } from './resources.js';
import { checkDeleteOptions, deleteObject, indexOwners } from './store-delete.js';
import { initialWatchEvents, itemsAt, listPage, objectSelector, validateListOptions, validateWatchOptions } from './store-list.js';
import { cloneJson, freezeJson, resourceId, stamp } from './store-meta.js';
import { createObject, patchObject, updateObject } from './store-write.js';

export { resourceId } from './store-meta.js';
import { type ChangeEntry, type MemoryWatchHandle, ResourceHistory, WatchHub } from './store-watch.js';
import type { DeleteOptions, ListOptions, PatchOptions, PatchType, Store, WatchOptions, WatchSink, WriteOptions } from './types.js';

/** Options of a MemoryStore. */
export interface MemoryStoreOptions {
  /** Time source for timestamps, graceful deletion and token expiry. @default systemClock */
  clock?: StoreClock;
  /** Randomness for uids and generated names, values in [0, 1). @default crypto (uids) and Math.random (names) */
  random?: () => number;
  /** Garbage-collect dependents and namespace contents, as kube-controller-manager would. @default false (envtest) */
  gc?: boolean;
  /** Changes retained per resource for watch replay and Exact lists. @default 10000 */
  historySize?: number;
  /** Lifetime of a paginated list's snapshot; a later continue gets 410. @default 300 */
  continueTTLSeconds?: number;
}

/** Write options a MemoryStore understands beyond the Store contract's. */
export interface MemoryWriteOptions extends WriteOptions {
  /**
   * The caller hands the body over (it was parsed for this call alone) and only reads the
   * answer: the store keeps the body rather than copying it, and answers with the stored object
   * itself, deep-frozen, rather than a copy. The HTTP front writes this way (it serialises the
   * answer and drops it); a Store that ignores the flag still answers correctly.
   * @default false
   */
  isHandedOver?: boolean;
  /**
   * Called with the result of a JSON, merge or strategic-merge patch before it is admitted (not
   * of an apply patch); it may throw. The HTTP front checks `fieldValidation` here, as
   * kube-apiserver decodes the patched object strictly.
   */
  checkPatched?: (patched: KubeObject) => void;
  /**
   * The body is known to decode into its kind's type (`checkDecodes`; the HTTP front checks
   * before it aligns the body with the URL, a patch's result is checked after patching): the
   * store does not walk it again.
   * @default false
   */
  isDecoded?: boolean;
}

/** Get options a MemoryStore understands beyond the Store contract's. */
export interface MemoryGetOptions {
  resourceVersion?: string;
  /**
   * The caller only serialises the answer (with `storedJson`): the stored object itself,
   * deep-frozen, rather than a copy. The HTTP front reads this way; a Store that ignores the flag
   * still answers correctly.
   * @default false
   */
  isShared?: boolean;
}

/** List options a MemoryStore understands beyond the Store contract's. */
export interface MemoryListOptions extends ListOptions {
  /**
   * The caller only serialises the items (with `listJson`): they are the stored objects
   * themselves, deep-frozen and still carrying kind and apiVersion, rather than copies without
   * them. The HTTP front lists this way; a Store that ignores the flag still answers correctly.
   * @default false
   */
  isShared?: boolean;
}

/** One committed write, as reported to `onWrite`. */
export interface WriteRecord {
  resource: ResourceInfo;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** A copy of the object as stored (for DELETED its final state). */
  object: KubeObject;
  resourceVersion: string;
}

/** The state of one resource: namespace ('' for cluster-scoped) → name → stored object. */
type Bucket = Map<string, Map<string, KubeObject>>;

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const NAMESPACES = RESOURCES.find((r) => r.group === '' && r.resource === 'namespaces') as ResourceInfo;


/** An in-memory Store with Kubernetes' semantics. */
export class MemoryStore implements Store {
  /** Called after every committed write (not for dry runs or no-ops); for test introspection. */
  onWrite?: (w: WriteRecord) => void;

  /** @internal */ readonly clock: StoreClock;
  /** @internal */ readonly gc: boolean;
  /** @internal */ readonly timers = new Map<string, StoreTimer>();
  /** @internal */ readonly uids = new Map<string, { r: ResourceInfo; ns: string; name: string }>();
  /** @internal owner uid → dependents (`resourceId|ns|name`), kept only with gc. */
  readonly dependents = new Map<string, Set<string>>();
  /** @internal */ readonly snapshots = new Map<number, { rv: number; items: KubeObject[]; expiresAtMs: number }>();
  /** @internal */ nextSnapshotId = 1;
  /** @internal */ readonly continueTTLSeconds: number;

  private rv = 0;
  /** @internal */ readonly random: () => number;
  /** @internal */ readonly uidRandom?: () => number;
  private readonly historySize: number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly histories = new Map<string, ResourceHistory>();
  private readonly hub = new WatchHub();
  private compactedRV = 0;
  private readonly versionWaiters: VersionWaiters;

  constructor(opts: MemoryStoreOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.uidRandom = opts.random;
    this.gc = opts.gc ?? false;
    this.historySize = opts.historySize ?? 10000;
    this.continueTTLSeconds = opts.continueTTLSeconds ?? 300;
    this.versionWaiters = new VersionWaiters(this.clock);
    for (const name of DEFAULT_NAMESPACES) this.create(NAMESPACES, undefined, { metadata: { name } });
  }

  /** The current global resourceVersion. */
  currentResourceVersion(): string {
    return String(this.rv);
  }

  get(r: ResourceInfo, namespace: string | undefined, name: string, opts?: MemoryGetOptions): KubeObject {
    // A get "not older than N" for an N not reached yet is a 504, as the watch cache answers it
    // (cacher.go Get) once its wait is over: a caller that waits first calls whenReached.
    const rv = opts?.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== '0') this.parseRV(rv);
    const stored = this.stored(r, namespace, name);
    if (!stored) throw notFound(r, name);
    return opts?.isShared ? stored : cloneJson(stored);
  }

  list(r: ResourceInfo, opts: MemoryListOptions = {}): KubeList {
    validateListOptions(opts);
    const select = objectSelector(r, opts.namespace, opts.labelSelector, opts.fieldSelector);
    return listPage(this, r, opts, select, (exact) => itemsAt(this, r, opts.namespace, exact), opts.isShared === true);
  }

  watch(r: ResourceInfo, opts: WatchOptions, sink: WatchSink): MemoryWatchHandle {
    validateWatchOptions(opts);
    const matches = objectSelector(r, opts.namespace, opts.labelSelector, opts.fieldSelector);
    const initial = initialWatchEvents(this, r, opts, matches);
    const currentRV = () => this.rv;
    return this.hub.open(resourceId(r), { kind: r.kind, apiVersion: groupVersion(r), allowBookmarks: opts.allowWatchBookmarks === true, matches, currentRV }, initial, sink);
  }

  create(r: ResourceInfo, namespace: string | undefined, body: KubeObject, opts: MemoryWriteOptions = {}): KubeObject {
    return createObject(this, r, namespace, body, opts, { record: true, ownsBody: opts.isHandedOver === true });
  }

  update(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    opts: MemoryWriteOptions & { subresource?: 'status' } = {},
  ): { object: KubeObject; created: boolean } {
    return updateObject(this, r, namespace, name, body, opts, { record: true, ownsBody: opts.isHandedOver === true });
  }

  patch(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: string,
    opts: PatchOptions & MemoryWriteOptions & { subresource?: 'status' } = {},
  ): { object: KubeObject; created: boolean } {
    return patchObject(this, r, namespace, name, type, body, opts);
  }

  delete(r: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject | Status {
    checkDeleteOptions(opts);
    const old = this.stored(r, namespace, name);
    if (!old) throw notFound(r, name);
    return deleteObject(this, r, old, opts);
  }

  /** Ends every open watch: each sink gets `end()` (clients re-watch from their last RV). */
  closeAllWatches(): void {
    this.hub.closeAll();
  }

  /** Forgets all history up to now: watches and Exact lists at older RVs get 410, continue tokens expire. */
  compact(): void {
    this.compactedRV = this.rv;
    for (const h of this.histories.values()) h.compact(this.rv);
    this.snapshots.clear();
  }

  /** Expires every outstanding continue token (the next page gets 410). */
  expireContinueTokens(): void {
    this.snapshots.clear();
  }

  /** Stops graceful-deletion timers and ends every watch. */
  close(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.hub.closeAll();
  }

  // ---- internals shared with store-delete.ts and store-list.ts ----

  /** @internal The stored object (not a copy), or undefined. */
  stored(r: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets.get(resourceId(r))?.get(r.namespaced ? namespace ?? '' : '')?.get(name);
  }

  /** @internal The names of a namespace's objects of resource `r`. */
  namesIn(r: ResourceInfo, namespace: string): string[] {
    return [...(this.buckets.get(resourceId(r))?.get(namespace)?.keys() ?? [])];
  }

  /** @internal Whether any namespaced object lives in `namespace`. */
  isNamespaceEmpty(namespace: string): boolean {
    for (const r of RESOURCES) if (r.namespaced && (this.buckets.get(resourceId(r))?.get(namespace)?.size ?? 0) > 0) return false;
    return true;
  }

  /** @internal The resourceVersion as a number. */
  currentRV(): number {
    return this.rv;
  }

  /**
   * Waits until the store has reached resourceVersion `rv` (text as a request gives it), for at
   * most `timeoutMs`; at once when it has, or when `rv` is not a number (the read that follows
   * answers that). Never rejects: the read after it answers 504 if `rv` is still ahead.
   */
  async whenReached(rv: string | undefined, timeoutMs: number): Promise<void> {
    if (rv === undefined || !/^\d+$/.test(rv) || Number(rv) <= this.rv) return;
    await this.versionWaiters.wait(Number(rv), timeoutMs);
  }

  /** @internal Parses a resourceVersion parameter; 400 when not a number, 504 when from the future. */
  parseRV(text: string): number {
    if (!/^\d+$/.test(text)) throw badRequest(`invalid resource version: ${text}`);
    const n = Number(text);
    if (n > this.rv) throw tooLargeResourceVersion(n, this.rv);
    return n;
  }

  /** @internal The state of one resource (undefined before its first write). */
  bucket(r: ResourceInfo): Map<string, Map<string, KubeObject>> | undefined {
    return this.buckets.get(resourceId(r));
  }

  /**
   * @internal Commits a change: bumps the RV, stamps it on `obj` (owned by the store from now on,
   * and deep-frozen: history, snapshots and every watcher share it), stores or removes it, records
   * history, fans it out, and keeps the indexes. Returns the frozen stored object.
   * `isSerialised`: the write answers over HTTP, so its JSON text is computed now, before the
   * freeze, for the answer and the watch events to share (see json-text.ts).
   */
  commit(r: ResourceInfo, type: ChangeEntry['type'], obj: KubeObject, prev: KubeObject | undefined, isSerialised = false): KubeObject {
    this.rv++;
    stamp(r, obj);
    obj.metadata.resourceVersion = String(this.rv);
    if (isSerialised) rememberJsonBeforeFreeze(obj);
    freezeJson(obj);
    const ns = r.namespaced ? obj.metadata.namespace ?? '' : '';
    const name = obj.metadata.name as string;
    this.place(r, ns, name, type, obj, prev);
    if (type === 'DELETED') this.uids.delete(obj.metadata.uid as string);
    else this.uids.set(obj.metadata.uid as string, { r, ns, name });
    // An Event is kept in both versions' shapes, under the same resourceVersion (event-versions.ts).
    const twin = eventTwinOf(r);
    const twinObj = twin && freezeJson(convertEvent(obj, r));
    if (twin && twinObj) this.place(twin, ns, name, type, twinObj, this.stored(twin, ns, name));
    // An Event's owners are indexed under its core version only, so gc deletes it once (the
    // ownerReferences are in the metadata both shapes share).
    if (this.gc) {
      const owned = twin && !isCoreEvents(r) ? twin : r;
      indexOwners(this.dependents, `${resourceId(owned)}|${ns}|${name}`, prev, type === 'DELETED' ? undefined : obj);
    }
    this.onWrite?.({ resource: r, type, object: cloneJson(obj), resourceVersion: String(this.rv) });
    if (this.versionWaiters.size > 0) this.versionWaiters.reached(this.rv);
    return obj;
  }

  // Stores or removes one stored (frozen) object of `r`, records the change and fans it out.
  private place(r: ResourceInfo, ns: string, name: string, type: ChangeEntry['type'], obj: KubeObject, prev: KubeObject | undefined): void {
    const id = resourceId(r);
    let bucket = this.buckets.get(id);
    if (!bucket) this.buckets.set(id, (bucket = new Map()));
    let names = bucket.get(ns);
    if (!names) bucket.set(ns, (names = new Map()));
    if (type === 'DELETED') {
      names.delete(name);
      if (names.size === 0) bucket.delete(ns);
    } else {
      names.set(name, obj);
    }
    const entry: ChangeEntry = { rv: this.rv, type, object: obj, prev };
    this.history(r).push(entry);
    this.hub.publish(id, entry);
  }

  /** @internal The retained changes of one resource. */
  history(r: ResourceInfo): ResourceHistory {
    const id = resourceId(r);
    let h = this.histories.get(id);
    if (!h) this.histories.set(id, (h = new ResourceHistory(this.historySize, this.compactedRV)));
    return h;
  }

}

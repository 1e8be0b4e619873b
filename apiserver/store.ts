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
import { ApiError, alreadyExists, badRequest, conflict, internalError, invalid, notFound, tooLargeResourceVersion, unclassifiedError } from './errors.js';
import { convertEvent, eventTwinOf, isCoreEvents } from './event-versions.js';
import { rememberJsonBeforeFreeze } from './json-text.js';
import { applyPatch, recordUpdate } from './patch/index.js';
import { RESOURCES, type ResourceInfo, groupVersion } from './resources.js';
import { admit, checkDecodes, checkNamespace, checkPatchedDecodes, complete, validate, writeScope } from './store-admission.js';
import { afterRemoval, checkDeleteOptions, deleteObject, indexOwners } from './store-delete.js';
import { initialWatchEvents, itemsAt, listPage, objectSelector, validateListOptions, validateWatchOptions } from './store-list.js';
import { cloneJson, compareUpdate, formatTimestamp, freezeJson, generateName, isDeletionComplete, isMetadataNoOp, mainUpdate, newUID, prepareNamespace, resourceId, statusUpdate } from './store-meta.js';

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
const GENERATE_NAME_ATTEMPTS = 8; // the first try plus 7 retries (RetryGenerateName)
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
  private readonly random: () => number;
  private readonly uidRandom?: () => number;
  private readonly historySize: number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly histories = new Map<string, ResourceHistory>();
  private readonly hub = new WatchHub();
  private compactedRV = 0;

  constructor(opts: MemoryStoreOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.uidRandom = opts.random;
    this.gc = opts.gc ?? false;
    this.historySize = opts.historySize ?? 10000;
    this.continueTTLSeconds = opts.continueTTLSeconds ?? 300;
    for (const name of DEFAULT_NAMESPACES) this.create(NAMESPACES, undefined, { metadata: { name } });
  }

  /** The current global resourceVersion. */
  currentResourceVersion(): string {
    return String(this.rv);
  }

  get(r: ResourceInfo, namespace: string | undefined, name: string, opts?: MemoryGetOptions): KubeObject {
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
    return this.createObject(r, namespace, body, opts, { record: true, ownsBody: opts.isHandedOver === true });
  }

  update(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    opts: MemoryWriteOptions & { subresource?: 'status' } = {},
  ): { object: KubeObject; created: boolean } {
    return this.updateObject(r, namespace, name, body, opts, { record: true, ownsBody: opts.isHandedOver === true });
  }

  // `how.record`: keep managedFields for this write (false after an apply patch, which recorded
  // them itself); `how.ownsBody`: the body is the store's to keep and change (no copy).
  private createObject(r: ResourceInfo, namespace: string | undefined, body: KubeObject, opts: MemoryWriteOptions, how: WriteHow): KubeObject {
    if (!opts.isDecoded) checkDecodes(r, body);
    const ns = writeScope(r, namespace, body);
    const obj = how.ownsBody ? body : cloneJson(body);
    obj.metadata = { ...(obj.metadata ?? {}) };
    const m = obj.metadata;
    if (m.resourceVersion !== undefined && m.resourceVersion !== '') {
      // storage.ErrResourceVersionSetOnCreate: a plain error, which the handler answers as an unclassified 500.
      throw unclassifiedError('resourceVersion should not be set on objects to be created');
    }
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'resourceVersion'] as const) delete m[k];
    if (!m.name && !m.generateName) {
      throw invalid(r, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    }
    const generated = !m.name;
    if (generated) m.name = generateName(m.generateName as string, this.random);
    checkNamespace(this, r, ns, m.name as string);
    if (r.namespaced) m.namespace = ns;
    else delete m.namespace;
    m.uid = newUID(this.uidRandom);
    m.creationTimestamp = formatTimestamp(this.clock.now());
    if (r.hasGeneration) m.generation = 1;
    if (r.group === '' && r.resource === 'namespaces') prepareNamespace(obj);
    admit(r, obj, undefined, undefined);
    for (let attempt = 1; this.stored(r, ns, m.name as string); attempt++) {
      if (!generated) throw alreadyExists(r, m.name as string);
      if (attempt >= GENERATE_NAME_ATTEMPTS) {
        throw alreadyExists(r, m.name as string, ', the server was not able to generate a unique name for the object');
      }
      m.name = generateName(m.generateName as string, this.random);
    }
    const toStore = how.record && opts.fieldManager ? recordUpdate(undefined, obj, opts.fieldManager, groupVersion(r), m.creationTimestamp) : obj;
    if (opts.dryRun) return stamp(r, toStore);
    return answer(this.commit(r, 'ADDED', toStore, undefined, opts.isHandedOver), opts);
  }

  private updateObject(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    opts: MemoryWriteOptions & { subresource?: 'status' },
    how: WriteHow,
  ): { object: KubeObject; created: boolean } {
    if (!opts.isDecoded) checkDecodes(r, body);
    const ns = writeScope(r, namespace, body);
    const bodyMeta = body.metadata ?? {};
    if (bodyMeta.name && bodyMeta.name !== name) {
      throw badRequest(`the name of the object (${bodyMeta.name}) does not match the name on the URL (${name})`);
    }
    if (opts.subresource === 'status' && !r.subresources.includes('status')) throw notFound(r, name);
    const old = this.stored(r, ns, name);
    if (!old) {
      if (!r.allowCreateOnUpdate || opts.subresource) throw notFound(r, name);
      if (bodyMeta.resourceVersion) throw notFound(r, name);
      const object = this.createObject(r, namespace, { ...body, metadata: { ...bodyMeta, name } }, { ...opts, isDecoded: true }, how);
      return { object, created: true };
    }
    const rv = bodyMeta.resourceVersion;
    if (rv === undefined || rv === '') {
      if (!r.allowUnconditionalUpdate) {
        // The generic store names the resource where the kind belongs (store.go Update).
        throw invalid({ group: r.group, kind: r.resource }, name, [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }]);
      }
    } else if (rv !== old.metadata.resourceVersion) {
      throw conflict(r, name);
    }
    if (bodyMeta.uid && bodyMeta.uid !== old.metadata.uid) {
      throw invalid(r, name, [{ reason: 'FieldValueInvalid', field: 'metadata.uid', message: `Invalid value: "${bodyMeta.uid}": field is immutable` }]);
    }
    let next = opts.subresource === 'status' ? statusUpdate(r, old, body) : mainUpdate(r, old, how.ownsBody ? body : cloneJson(body));
    const added = (next.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
    if (old.metadata.deletionTimestamp && added.length > 0) {
      throw invalid(r, name, [{ reason: 'FieldValueForbidden', field: 'metadata.finalizers',
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => `"${f}"`).join(', ')}}` }]);
    }
    complete(r, next, old, opts.subresource);
    const cmp = compareUpdate(r, old, next);
    // Members the update left equal become the stored (frozen) ones: validation and recording
    // managedFields skip them, nothing freezes or serialises them again, and history keeps one
    // copy of a spec that many status updates leave alone.
    for (const k of cmp.unchanged) (next as Record<string, unknown>)[k] = (old as Record<string, unknown>)[k];
    validate(r, next, old, opts.subresource);
    if (how.record && opts.fieldManager) next = recordUpdate(old, next, opts.fieldManager, groupVersion(r), formatTimestamp(this.clock.now()), opts.subresource);
    // An update that leaves managedFields out keeps them (only `[]` clears them), as the field manager does.
    else if (next.metadata.managedFields === undefined && old.metadata.managedFields) next.metadata.managedFields = old.metadata.managedFields;
    if (r.hasGeneration) next.metadata.generation = (old.metadata.generation ?? 1) + (cmp.isSpecChanged ? 1 : 0);
    if (!cmp.isContentChanged && isMetadataNoOp(old.metadata, next.metadata)) return { object: answer(old, opts), created: false };
    // A dry run's answer shares frozen parts with the stored object: copy it for a caller that keeps it.
    if (opts.dryRun) return { object: stamp(r, opts.isHandedOver ? next : cloneJson(next)), created: false };
    if (isDeletionComplete(next)) {
      const final = this.commit(r, 'DELETED', next, old, opts.isHandedOver);
      afterRemoval(this, r, final);
      return { object: answer(final, opts), created: false };
    }
    return { object: answer(this.commit(r, 'MODIFIED', next, old, opts.isHandedOver), opts), created: false };
  }

  patch(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: string,
    opts: PatchOptions & MemoryWriteOptions & { subresource?: 'status' } = {},
  ): { object: KubeObject; created: boolean } {
    const ns = r.namespaced ? namespace : undefined;
    const old = this.stored(r, ns, name);
    const isApply = type === 'application/apply-patch+yaml';
    if (!old && !isApply) throw notFound(r, name);
    if (!old && opts.subresource) throw notFound(r, name);
    let patched: KubeObject;
    try {
      patched = applyPatch(r, old ? cloneJson(old) : undefined, type, body, {
        fieldManager: opts.fieldManager, force: opts.force, subresource: opts.subresource, now: formatTimestamp(this.clock.now()),
      }).object;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw internalError(err instanceof Error ? err.message : String(err));
    }
    checkPatchedDecodes(r, patched, isApply);
    // The patched object must still name the object patched (patch.go checkName).
    const patchedName = patched.metadata?.name;
    if (!patchedName) throw badRequest(`the name of the object (${name} based on URL) was undeterminable: name must be provided`);
    if (patchedName !== name) throw badRequest(`the name of the object (${patchedName}) does not match the name on the URL (${name})`);
    if (!isApply) opts.checkPatched?.(patched);
    if (!old) {
      if (patched.metadata.resourceVersion) throw notFound(r, name);
      // The patched object is a fresh one, the store's own.
      return { object: this.createObject(r, ns, patched, { ...opts, isDecoded: true }, { record: !isApply, ownsBody: true }), created: true };
    }
    // A resourceVersion inside the patch is a precondition; without one the patch applies to what was read.
    if (patched.metadata.resourceVersion && patched.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(r, name);
    patched.metadata.resourceVersion = old.metadata.resourceVersion;
    const writeOpts = { dryRun: opts.dryRun, fieldManager: opts.fieldManager, subresource: opts.subresource, isHandedOver: opts.isHandedOver, isDecoded: true };
    return this.updateObject(r, ns, name, patched, writeOpts, { record: !isApply, ownsBody: true });
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

/** How a write treats its body (see createObject). */
interface WriteHow {
  record: boolean;
  ownsBody: boolean;
}

/** A write's answer: the stored object itself when the caller said it only reads it, else a copy. */
function answer(stored: KubeObject, opts: MemoryWriteOptions): KubeObject {
  return opts.isHandedOver ? stored : cloneJson(stored);
}

/** Sets kind and apiVersion from the resource (stored objects and single-object answers carry them). */
function stamp(r: ResourceInfo, obj: KubeObject): KubeObject {
  obj.kind = r.kind;
  obj.apiVersion = groupVersion(r);
  return obj;
}


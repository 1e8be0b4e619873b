/**
 * MemoryStore: the in-memory storage behind the envtest-style API server and the in-process
 * client. It keeps Kubernetes' storage semantics (apiserver/pkg/registry/generic/registry/store.go
 * and the per-type strategies): one global resourceVersion, optimistic concurrency, generation,
 * the status subresource, finalizers and graceful deletion, watch history and replay, selectors
 * and paginated lists over a consistent snapshot.
 *
 * Objects are indexed resource → namespace → name, so a write is O(1) plus the fan-out to the
 * watchers of that resource, and a namespaced list touches only that namespace. Stored objects
 * are never mutated in place (every write stores a fresh copy), so history entries and list
 * snapshots can share them; callers always get copies.
 */
import type { KubeList, KubeObject, Status, WatchEvent } from '../api-types/meta.js';
import { type StoreClock, type StoreTimer, systemClock } from './clock.js';
import { ApiError, alreadyExists, badRequest, conflict, forbidden, internalError, invalid, notFound, tooLargeResourceVersion } from './errors.js';
import { parseFieldSelector } from './field-selectors.js';
import { applyPatch } from './patch/index.js';
import { RESOURCES, type ResourceInfo, groupVersion } from './resources.js';
import { SelectorError, parseLabelSelector } from './selectors.js';
import { deleteObject, deleteOptionsProblem } from './store-delete.js';
import { listPage, validateListOptions, validateWatchOptions } from './store-list.js';
import { formatTimestamp, generateName, isDeletionComplete, isNoOp, newUID, specChanged } from './store-meta.js';
import { type ChangeEntry, type MemoryWatchHandle, ResourceHistory, WatchHub, bookmarkEvent, eventFor } from './store-watch.js';
import type { DeleteOptions, ListOptions, PatchOptions, PatchType, Store, WatchOptions, WatchSink, WriteOptions } from './types.js';
import { canonicalizeObject, defaultObject, validateObject } from './validation/index.js';

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

/** Identifies a resource inside the store. */
export const resourceId = (r: Pick<ResourceInfo, 'group' | 'resource'>): string => `${r.group}/${r.resource}`;

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

  get(r: ResourceInfo, namespace: string | undefined, name: string, _opts?: { resourceVersion?: string }): KubeObject {
    const stored = this.stored(r, namespace, name);
    if (!stored) throw notFound(r, name);
    return structuredClone(stored);
  }

  list(r: ResourceInfo, opts: ListOptions = {}): KubeList {
    validateListOptions(opts);
    const select = this.selector(r, opts.namespace, opts.labelSelector, opts.fieldSelector);
    return listPage(this, r, opts, select, (exact) => this.itemsAt(r, opts.namespace, exact));
  }

  watch(r: ResourceInfo, opts: WatchOptions, sink: WatchSink): MemoryWatchHandle {
    validateWatchOptions(opts);
    const matches = this.selector(r, opts.namespace, opts.labelSelector, opts.fieldSelector);
    const id = resourceId(r);
    const rv = opts.resourceVersion;
    const initial: WatchEvent[] = [];
    const current = () => this.rv;
    if (opts.sendInitialEvents === true || rv === undefined || rv === '' || rv === '0') {
      if (rv !== undefined && rv !== '' && rv !== '0') this.parseRV(rv);
      if (opts.sendInitialEvents !== false) {
        for (const obj of this.itemsAt(r, opts.namespace)) if (matches(obj)) initial.push({ type: 'ADDED', object: structuredClone(obj) });
      }
      if (opts.sendInitialEvents === true && opts.allowWatchBookmarks) {
        initial.push(bookmarkEvent(r.kind, groupVersion(r), this.rv, true));
      }
    } else {
      const from = this.parseRV(rv);
      for (const entry of this.history(r).since(from)) {
        const ev = eventFor(entry, matches);
        if (ev) initial.push(ev);
      }
    }
    return this.hub.open(id, { kind: r.kind, apiVersion: groupVersion(r), allowBookmarks: opts.allowWatchBookmarks === true, matches, currentRV: current }, initial, sink);
  }

  create(r: ResourceInfo, namespace: string | undefined, body: KubeObject, opts: WriteOptions = {}): KubeObject {
    const ns = this.scope(r, namespace, body);
    const obj = structuredClone(body);
    obj.metadata = { ...(obj.metadata ?? {}) };
    const m = obj.metadata;
    if (m.resourceVersion !== undefined && m.resourceVersion !== '') {
      throw internalError('resourceVersion should not be set on objects to be created');
    }
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'resourceVersion'] as const) delete m[k];
    if (!m.name && !m.generateName) {
      throw invalid(r, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    }
    const generated = !m.name;
    if (generated) m.name = generateName(m.generateName as string, this.random);
    this.checkNamespace(r, ns, m.name as string);
    if (r.namespaced) m.namespace = ns;
    else delete m.namespace;
    m.uid = newUID(this.uidRandom);
    m.creationTimestamp = formatTimestamp(this.clock.now());
    if (r.hasGeneration) m.generation = 1;
    if (r.group === '' && r.resource === 'namespaces') prepareNamespace(obj);
    this.admit(r, obj, undefined, undefined);
    for (let attempt = 1; this.stored(r, ns, m.name as string); attempt++) {
      if (!generated) throw alreadyExists(r, m.name as string);
      if (attempt >= GENERATE_NAME_ATTEMPTS) {
        throw alreadyExists(r, m.name as string, ', the server was not able to generate a unique name for the object');
      }
      m.name = generateName(m.generateName as string, this.random);
    }
    if (opts.dryRun) return stamp(r, obj);
    return structuredClone(this.commit(r, 'ADDED', obj, undefined));
  }

  update(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    opts: WriteOptions & { subresource?: 'status' } = {},
  ): { object: KubeObject; created: boolean } {
    const ns = this.scope(r, namespace, body);
    const bodyMeta = body.metadata ?? {};
    if (bodyMeta.name && bodyMeta.name !== name) {
      throw badRequest(`the name of the object (${bodyMeta.name}) does not match the name on the URL (${name})`);
    }
    if (opts.subresource === 'status' && !r.subresources.includes('status')) throw notFound(r, name);
    const old = this.stored(r, ns, name);
    if (!old) {
      if (!r.allowCreateOnUpdate || opts.subresource) throw notFound(r, name);
      if (bodyMeta.resourceVersion) throw notFound(r, name);
      const object = this.create(r, namespace, { ...body, metadata: { ...bodyMeta, name } }, opts);
      return { object, created: true };
    }
    const rv = bodyMeta.resourceVersion;
    if (rv === undefined || rv === '') {
      if (!r.allowUnconditionalUpdate) {
        throw invalid(r, name, [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }]);
      }
    } else if (rv !== old.metadata.resourceVersion) {
      throw conflict(r, name);
    }
    if (bodyMeta.uid && bodyMeta.uid !== old.metadata.uid) {
      throw invalid(r, name, [{ reason: 'FieldValueInvalid', field: 'metadata.uid', message: `Invalid value: "${bodyMeta.uid}": field is immutable` }]);
    }
    const next = opts.subresource === 'status' ? statusUpdate(old, body) : mainUpdate(r, old, body);
    const added = (next.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
    if (old.metadata.deletionTimestamp && added.length > 0) {
      throw invalid(r, name, [{ reason: 'FieldValueForbidden', field: 'metadata.finalizers',
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => `"${f}"`).join(', ')}}` }]);
    }
    this.admit(r, next, old, opts.subresource);
    if (r.hasGeneration) next.metadata.generation = (old.metadata.generation ?? 1) + (specChanged(r, old, next) ? 1 : 0);
    if (isNoOp(old, next)) return { object: structuredClone(old), created: false };
    if (opts.dryRun) return { object: stamp(r, next), created: false };
    if (isDeletionComplete(next)) {
      const final = this.commit(r, 'DELETED', next, old);
      this.afterRemoval(r, final);
      return { object: structuredClone(final), created: false };
    }
    return { object: structuredClone(this.commit(r, 'MODIFIED', next, old)), created: false };
  }

  patch(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: string,
    opts: PatchOptions & { subresource?: 'status' } = {},
  ): { object: KubeObject; created: boolean } {
    const ns = r.namespaced ? namespace : undefined;
    const old = this.stored(r, ns, name);
    if (!old && type !== 'application/apply-patch+yaml') throw notFound(r, name);
    if (!old && opts.subresource) throw notFound(r, name);
    let patched: KubeObject;
    try {
      patched = applyPatch(r, old ? structuredClone(old) : undefined, type, body, {
        fieldManager: opts.fieldManager, force: opts.force, subresource: opts.subresource, now: formatTimestamp(this.clock.now()),
      }).object;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw internalError(err instanceof Error ? err.message : String(err));
    }
    patched.metadata = { ...(patched.metadata ?? {}), name };
    if (!old) {
      if (patched.metadata.resourceVersion) throw notFound(r, name);
      return { object: this.create(r, ns, patched, opts), created: true };
    }
    // A resourceVersion inside the patch is a precondition; without one the patch applies to what was read.
    if (patched.metadata.resourceVersion && patched.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(r, name);
    patched.metadata.resourceVersion = old.metadata.resourceVersion;
    return this.update(r, ns, name, patched, { dryRun: opts.dryRun, fieldManager: opts.fieldManager, subresource: opts.subresource });
  }

  delete(r: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject | Status {
    const problem = deleteOptionsProblem(opts);
    if (problem) throw badRequest(problem);
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

  /**
   * @internal Objects of `r` (in `namespace` when given) sorted by namespace then name, at the
   * current RV or reconstructed at `atRV` from the history (410 when compacted).
   */
  itemsAt(r: ResourceInfo, namespace: string | undefined, atRV?: number): KubeObject[] {
    const bucket = this.buckets.get(resourceId(r));
    const nsFilter = r.namespaced ? namespace : undefined;
    if (atRV === undefined || atRV === this.rv) {
      if (!bucket) return [];
      const namespaces = nsFilter !== undefined ? [nsFilter] : [...bucket.keys()].sort(compare);
      const out: KubeObject[] = [];
      for (const ns of namespaces) {
        const names = bucket.get(ns);
        if (!names) continue;
        for (const name of [...names.keys()].sort(compare)) out.push(names.get(name) as KubeObject);
      }
      return out;
    }
    const state = new Map<string, KubeObject>();
    for (const [ns, names] of bucket ?? []) {
      if (nsFilter !== undefined && ns !== nsFilter) continue;
      for (const [name, obj] of names) state.set(`${ns}\u0000${name}`, obj);
    }
    const changes = this.history(r).since(atRV);
    for (let i = changes.length - 1; i >= 0; i--) {
      const e = changes[i];
      const ns = e.object.metadata.namespace ?? '';
      if (nsFilter !== undefined && ns !== nsFilter) continue;
      const key = `${ns}\u0000${e.object.metadata.name}`;
      if (e.prev) state.set(key, e.prev);
      else state.delete(key);
    }
    return [...state.keys()].sort(compare).map((k) => state.get(k) as KubeObject);
  }

  /**
   * @internal Commits a change: bumps the RV, stamps it on `obj` (owned by the store from now on),
   * stores or removes it, records history, fans it out, and keeps the indexes.
   */
  commit(r: ResourceInfo, type: ChangeEntry['type'], obj: KubeObject, prev: KubeObject | undefined): KubeObject {
    this.rv++;
    stamp(r, obj);
    obj.metadata.resourceVersion = String(this.rv);
    const id = resourceId(r);
    const ns = r.namespaced ? obj.metadata.namespace ?? '' : '';
    const name = obj.metadata.name as string;
    let bucket = this.buckets.get(id);
    if (!bucket) this.buckets.set(id, (bucket = new Map()));
    let names = bucket.get(ns);
    if (!names) bucket.set(ns, (names = new Map()));
    if (type === 'DELETED') {
      names.delete(name);
      if (names.size === 0) bucket.delete(ns);
      this.uids.delete(obj.metadata.uid as string);
    } else {
      names.set(name, obj);
      this.uids.set(obj.metadata.uid as string, { r, ns, name });
    }
    if (this.gc) this.indexOwners(id, ns, name, prev, type === 'DELETED' ? undefined : obj);
    const entry: ChangeEntry = { rv: this.rv, type, object: obj, prev };
    this.history(r).push(entry);
    this.hub.publish(id, entry);
    this.onWrite?.({ resource: r, type, object: structuredClone(obj), resourceVersion: String(this.rv) });
    return obj;
  }

  /** @internal What happens once an object is gone: timers, dependents, a finishing namespace. */
  afterRemoval(r: ResourceInfo, obj: KubeObject, propagation?: DeleteOptions['propagationPolicy']): void {
    const uid = obj.metadata.uid as string;
    this.timers.get(uid)?.cancel();
    this.timers.delete(uid);
    if (!this.gc) return;
    const deps = this.dependents.get(uid);
    this.dependents.delete(uid);
    if (deps && propagation !== 'Orphan') {
      for (const key of deps) {
        const [id, ns, name] = key.split('|');
        const depR = RESOURCES.find((x) => resourceId(x) === id) as ResourceInfo;
        const dep = this.stored(depR, ns, name);
        if (!dep || dep.metadata.deletionTimestamp) continue;
        const owners = dep.metadata.ownerReferences ?? [];
        if (owners.every((o) => !this.uids.has(o.uid))) deleteObject(this, depR, dep, { propagationPolicy: 'Background' });
      }
    }
    if (r.namespaced) this.finishNamespaceIfEmpty(obj.metadata.namespace ?? '');
  }

  /** @internal With gc, a terminating namespace goes once its contents are gone. */
  finishNamespaceIfEmpty(namespace: string): void {
    const ns = this.stored(NAMESPACES, undefined, namespace);
    if (!ns?.metadata.deletionTimestamp || !this.isNamespaceEmpty(namespace)) return;
    const next = structuredClone(ns);
    const spec = (next.spec ?? {}) as { finalizers?: string[] };
    spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== 'kubernetes');
    next.spec = spec;
    if (isDeletionComplete(next)) {
      this.afterRemoval(NAMESPACES, this.commit(NAMESPACES, 'DELETED', next, ns));
    } else if (!isNoOp(ns, next)) {
      this.commit(NAMESPACES, 'MODIFIED', next, ns);
    }
  }

  private history(r: ResourceInfo): ResourceHistory {
    const id = resourceId(r);
    let h = this.histories.get(id);
    if (!h) this.histories.set(id, (h = new ResourceHistory(this.historySize, this.compactedRV)));
    return h;
  }

  private indexOwners(id: string, ns: string, name: string, prev: KubeObject | undefined, next: KubeObject | undefined): void {
    const key = `${id}|${ns}|${name}`;
    for (const o of prev?.metadata.ownerReferences ?? []) this.dependents.get(o.uid)?.delete(key);
    for (const o of next?.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(o.uid);
      if (!set) this.dependents.set(o.uid, (set = new Set()));
      set.add(key);
    }
  }

  private selector(r: ResourceInfo, namespace: string | undefined, labelSelector?: string, fieldSelector?: string): (obj: KubeObject) => boolean {
    try {
      const labels = parseLabelSelector(labelSelector ?? '');
      const fields = parseFieldSelector(r, fieldSelector ?? '');
      const ns = r.namespaced ? namespace : undefined;
      return (obj) => (ns === undefined || obj.metadata.namespace === ns) && labels.matches(obj.metadata.labels) && fields.matches(obj);
    } catch (err) {
      if (err instanceof SelectorError) throw badRequest(err.message);
      throw err;
    }
  }

  // The namespace of a write: from the argument, never contradicted by the body (400).
  private scope(r: ResourceInfo, namespace: string | undefined, body: KubeObject): string {
    if (!r.namespaced) return '';
    const bodyNs = body.metadata?.namespace;
    if (bodyNs && namespace && bodyNs !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const ns = namespace ?? bodyNs;
    if (!ns) throw badRequest('the server could not find the requested resource: a namespace is required');
    return ns;
  }

  // NamespaceLifecycle admission: the namespace must exist and not be terminating.
  private checkNamespace(r: ResourceInfo, ns: string, name: string): void {
    if (!r.namespaced) return;
    const namespace = this.stored(NAMESPACES, undefined, ns);
    if (!namespace) throw notFound(NAMESPACES, ns);
    if (namespace.metadata.deletionTimestamp) {
      throw forbidden(r, name, `unable to create new content in namespace ${ns} because it is being terminated`,
        [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }]);
    }
  }

  private admit(r: ResourceInfo, obj: KubeObject, old: KubeObject | undefined, subresource: 'status' | undefined): void {
    defaultObject(r, obj);
    canonicalizeObject(r, obj);
    const causes = validateObject(r, obj, old, subresource);
    if (causes.length > 0) throw invalid(r, obj.metadata.name ?? '', causes);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sets kind and apiVersion from the resource (stored objects and single-object answers carry them). */
function stamp(r: ResourceInfo, obj: KubeObject): KubeObject {
  obj.kind = r.kind;
  obj.apiVersion = groupVersion(r);
  return obj;
}

// pkg/registry/core/namespace/strategy.go PrepareForCreate: Active, with the kubernetes finalizer.
function prepareNamespace(obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as { finalizers?: string[] };
  if (!(spec.finalizers ?? []).includes('kubernetes')) spec.finalizers = [...(spec.finalizers ?? []), 'kubernetes'];
  obj.spec = spec;
  obj.status = { ...((obj.status ?? {}) as object), phase: 'Active' };
}

// PUT of the main resource: the body, with system metadata and (given a status subresource) status kept.
function mainUpdate(r: ResourceInfo, old: KubeObject, body: KubeObject): KubeObject {
  const next = structuredClone(body);
  const m = (next.metadata = { ...(next.metadata ?? {}) });
  const o = old.metadata;
  m.name = o.name;
  if (o.namespace !== undefined) m.namespace = o.namespace;
  else delete m.namespace;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
    if (o[k] !== undefined) (m as Record<string, unknown>)[k] = o[k];
    else delete m[k];
  }
  next.kind = old.kind;
  next.apiVersion = old.apiVersion;
  if (r.subresources.includes('status')) {
    if (old.status !== undefined) next.status = structuredClone(old.status);
    else delete next.status;
  }
  return next;
}

// PUT of /status: the stored object with the body's status, nothing else.
function statusUpdate(old: KubeObject, body: KubeObject): KubeObject {
  const next = structuredClone(old);
  if (body.status !== undefined) next.status = structuredClone(body.status);
  else delete next.status;
  return next;
}

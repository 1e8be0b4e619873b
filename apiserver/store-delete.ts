/**
 * Deletion as kube-apiserver's generic store does it (apiserver/pkg/registry/generic/registry/
 * store.go Delete, updateForGracefulDeletionAndFinalizers; apiserver/pkg/registry/rest/delete.go
 * BeforeDelete): preconditions, finalizers (deletionTimestamp now, grace 0, MODIFIED), graceful pod
 * deletion (pkg/registry/core/pod/strategy.go CheckGracefulDelete: bound, non-terminal pods wait
 * their grace period), namespaces going Terminating, and what a DELETE answers.
 */
import type { KubeObject, Status } from '../api-types/meta.js';
import { badRequest, conflict, forbidden, invalid } from './errors.js';
import { RESOURCES, type ResourceInfo } from './resources.js';
import { cloneJson, formatTimestamp, isDeletionComplete, isNoOp, resourceId, truncateToSecond } from './store-meta.js';
import type { MemoryStore } from './store.js';
import type { DeleteOptions } from './types.js';

const DEFAULT_POD_GRACE_SECONDS = 30;
// plugin/pkg/admission/namespace/lifecycle: these namespaces cannot be deleted.
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
const NAMESPACES = RESOURCES.find((r) => r.group === '' && r.resource === 'namespaces') as ResourceInfo;

/**
 * Checks delete options a caller of the store passes (the HTTP front validates what it decodes
 * the same way first): a known propagationPolicy (422 on DeleteOptions.meta.k8s.io, as
 * ValidateDeleteOptions answers) and a whole number of seconds (400).
 */
export function checkDeleteOptions(opts: DeleteOptions): void {
  const g = opts.gracePeriodSeconds;
  if (g !== undefined && !Number.isSafeInteger(g)) throw badRequest(`gracePeriodSeconds: Invalid value: ${g}: must be an integer`);
  const p = opts.propagationPolicy;
  if (p !== undefined && p !== 'Background' && p !== 'Foreground' && p !== 'Orphan') {
    throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy',
      message: `Unsupported value: "${String(p)}": supported values: "Foreground", "Background", "Orphan", "nil"` }]);
  }
}

/** Types whose DELETE answers with the object itself rather than a Success Status (ReturnDeletedObject). */
function returnsObject(r: ResourceInfo): boolean {
  return r.group === '' && (r.resource === 'pods' || r.resource === 'services');
}

function successStatus(r: ResourceInfo, obj: KubeObject): Status {
  const details: Status['details'] = { name: obj.metadata.name, kind: r.resource, uid: obj.metadata.uid };
  if (r.group) details.group = r.group;
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', details, code: 200 };
}

/** A pod bound to a node and not terminal deletes gracefully. */
function isGracefulPod(r: ResourceInfo, obj: KubeObject): boolean {
  if (r.group !== '' || r.resource !== 'pods') return false;
  const spec = obj.spec as { nodeName?: string } | undefined;
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  return !!spec?.nodeName && phase !== 'Succeeded' && phase !== 'Failed';
}

/**
 * Delete preconditions, in BeforeDelete's words (apiserver pkg/registry/rest/delete.go): the
 * conflict names the kind, not the resource. Namespaces keep their own REST check's words
 * (pkg/registry/core/namespace/storage/storage.go Delete).
 */
function checkPreconditions(r: ResourceInfo, obj: KubeObject, opts: DeleteOptions): void {
  const pre = opts.preconditions;
  const name = obj.metadata.name as string;
  const isNamespace = r.group === '' && r.resource === 'namespaces';
  const byKind = { group: r.group, resource: r.kind };
  if (pre?.uid && pre.uid !== obj.metadata.uid) {
    if (isNamespace) throw conflict(r, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
    throw conflict(byKind, name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${obj.metadata.uid}). The object might have been deleted and then recreated`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    if (isNamespace) {
      throw conflict(r, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
    }
    throw conflict(byKind, name,
      `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${obj.metadata.resourceVersion}). The object might have been modified`);
  }
}

/**
 * Deletes `old` (the stored object) of resource `r`.
 *
 * 1. Preconditions (uid, resourceVersion) → 409; default, kube-system, kube-public → 403; a
 *    negative grace period means 1 s (BeforeDelete).
 * 2. Already terminating: a shorter grace period for a pod brings its end forward; otherwise
 *    nothing changes and the object is returned.
 * 3. Orphan/Foreground propagation: without gc the `orphan`/`foregroundDeletion` finalizer is
 *    added and, as in envtest, nothing ever removes it; with gc the dependents are first
 *    released (ownerReferences to this owner dropped) or deleted, then the owner goes.
 * 4. Finalizers or a grace period: set deletionTimestamp (+ grace) and deletionGracePeriodSeconds,
 *    bump generation, MODIFIED; a graceful pod gets a timer that finishes it.
 * 5. Otherwise remove it (DELETED) and let the store collect dependents.
 * A dry run changes nothing and answers what the delete would have answered: the object with
 * its deletion marks (2., 4.), or the removed object or Success Status (5.).
 */
export function deleteObject(store: MemoryStore, r: ResourceInfo, old: KubeObject, opts: DeleteOptions): KubeObject | Status {
  // 1.
  checkPreconditions(r, old, opts);
  const isNamespace = r.group === '' && r.resource === 'namespaces';
  if (isNamespace && IMMORTAL_NAMESPACES.has(old.metadata.name as string)) {
    throw forbidden(r, old.metadata.name as string, 'this namespace may not be deleted');
  }
  const asked = opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0 ? 1 : opts.gracePeriodSeconds;
  const graceful = isGracefulPod(r, old);
  const spec = old.spec as { terminationGracePeriodSeconds?: number } | undefined;
  const grace = graceful ? asked ?? spec?.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS : 0;
  const isDryRun = opts.dryRun === true;
  // 2.
  if (old.metadata.deletionTimestamp) {
    const current = old.metadata.deletionGracePeriodSeconds ?? 0;
    if (graceful && asked !== undefined && asked < current) {
      return cloneJson(isDryRun ? withDeletionMarks(store, r, old, asked) : startDeletion(store, r, old, asked, opts));
    }
    return cloneJson(old);
  }
  // 3.
  const policy = opts.propagationPolicy;
  let policyFinalizer: string | undefined;
  if (!isNamespace && (policy === 'Orphan' || policy === 'Foreground')) {
    if (!store.gc) policyFinalizer = policy === 'Orphan' ? 'orphan' : 'foregroundDeletion';
    else if (!isDryRun) releaseDependents(store, old.metadata.uid as string, policy);
  }
  const hasFinalizers = (old.metadata.finalizers ?? []).length > 0;
  // 4.
  if (grace > 0 || hasFinalizers || isNamespace || policyFinalizer) {
    const marked = withDeletionMarks(store, r, old, grace, policyFinalizer);
    if (isDryRun && !isDeletionComplete(marked)) return marked;
    if (!isDryRun) {
      const next = startDeletion(store, r, old, grace, opts, policyFinalizer);
      if (isNamespace && store.gc && store.stored(r, undefined, old.metadata.name as string)) deleteContents(store, old.metadata.name as string);
      return cloneJson(store.stored(r, next.metadata.namespace, next.metadata.name as string) ?? next);
    }
  }
  // 5.
  if (isDryRun) return returnsObject(r) ? cloneJson(old) : successStatus(r, old);
  const final = store.commit(r, 'DELETED', cloneJson(old), old);
  afterRemoval(store, r, final, opts.propagationPolicy);
  return returnsObject(r) ? cloneJson(final) : successStatus(r, final);
}

// `old` with the deletion marks a delete with `grace` seconds sets (and `finalizer` added): a copy.
function withDeletionMarks(store: MemoryStore, r: ResourceInfo, old: KubeObject, grace: number, finalizer?: string): KubeObject {
  const next = cloneJson(old);
  const m = next.metadata;
  if (finalizer && !(m.finalizers ?? []).includes(finalizer)) m.finalizers = [...(m.finalizers ?? []), finalizer];
  const now = truncateToSecond(store.clock.now());
  if (!m.deletionTimestamp || grace > 0) m.deletionTimestamp = formatTimestamp(new Date(now.getTime() + grace * 1000));
  m.deletionGracePeriodSeconds = grace;
  if (r.hasGeneration && !old.metadata.deletionTimestamp) m.generation = (m.generation ?? 1) + 1;
  if (r.group === '' && r.resource === 'namespaces') next.status = { ...((next.status ?? {}) as object), phase: 'Terminating' };
  return next;
}

// Sets the deletion metadata (or finishes at once when nothing holds the object) and schedules the grace timer.
function startDeletion(store: MemoryStore, r: ResourceInfo, old: KubeObject, grace: number, opts: DeleteOptions, finalizer?: string): KubeObject {
  const next = withDeletionMarks(store, r, old, grace, finalizer);
  if (isDeletionComplete(next)) {
    const final = store.commit(r, 'DELETED', next, old);
    afterRemoval(store, r, final, opts.propagationPolicy);
    return final;
  }
  const stored = store.commit(r, 'MODIFIED', next, old);
  const uid = stored.metadata.uid as string;
  store.timers.get(uid)?.cancel();
  store.timers.delete(uid);
  if (grace > 0) {
    const ns = stored.metadata.namespace;
    const name = stored.metadata.name as string;
    store.timers.set(uid, store.clock.setTimer(() => finishGrace(store, r, ns, name, uid), grace * 1000));
  }
  return stored;
}

// The grace period is over (what the kubelet's final delete with gracePeriodSeconds=0 does).
function finishGrace(store: MemoryStore, r: ResourceInfo, ns: string | undefined, name: string, uid: string): void {
  store.timers.delete(uid);
  const cur = store.stored(r, ns, name);
  if (!cur || cur.metadata.uid !== uid || !cur.metadata.deletionTimestamp) return;
  const next = cloneJson(cur);
  next.metadata.deletionGracePeriodSeconds = 0;
  if (isDeletionComplete(next)) {
    afterRemoval(store, r, store.commit(r, 'DELETED', next, cur));
  } else {
    store.commit(r, 'MODIFIED', next, cur);
  }
}

// The namespace controller's sweep (gc only): delete everything in the namespace, then finish it.
function deleteContents(store: MemoryStore, namespace: string): void {
  for (const r of RESOURCES) {
    if (!r.namespaced) continue;
    for (const name of store.namesIn(r, namespace)) {
      const obj = store.stored(r, namespace, name);
      if (obj && !obj.metadata.deletionTimestamp) deleteObject(store, r, obj, { propagationPolicy: 'Background' });
    }
  }
  finishNamespaceIfEmpty(store, namespace);
}

/** What happens once an object is gone: its timer, its dependents (gc), a finishing namespace (gc). */
export function afterRemoval(store: MemoryStore, r: ResourceInfo, obj: KubeObject, propagation?: DeleteOptions['propagationPolicy']): void {
  const uid = obj.metadata.uid as string;
  store.timers.get(uid)?.cancel();
  store.timers.delete(uid);
  if (!store.gc) return;
  const deps = store.dependents.get(uid);
  store.dependents.delete(uid);
  if (deps && propagation !== 'Orphan') {
    for (const key of deps) {
      const [id, ns, name] = key.split('|');
      const depR = RESOURCES.find((x) => resourceId(x) === id) as ResourceInfo;
      const dep = store.stored(depR, ns, name);
      if (!dep || dep.metadata.deletionTimestamp) continue;
      const owners = dep.metadata.ownerReferences ?? [];
      if (owners.every((o) => !store.uids.has(o.uid))) deleteObject(store, depR, dep, { propagationPolicy: 'Background' });
    }
  }
  if (r.namespaced) finishNamespaceIfEmpty(store, obj.metadata.namespace ?? '');
}

/** With gc, a terminating namespace goes once its contents are gone. */
export function finishNamespaceIfEmpty(store: MemoryStore, namespace: string): void {
  const ns = store.stored(NAMESPACES, undefined, namespace);
  if (!ns?.metadata.deletionTimestamp || !store.isNamespaceEmpty(namespace)) return;
  const next = cloneJson(ns);
  const spec = (next.spec ?? {}) as { finalizers?: string[] };
  spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== 'kubernetes');
  next.spec = spec;
  if (isDeletionComplete(next)) {
    afterRemoval(store, NAMESPACES, store.commit(NAMESPACES, 'DELETED', next, ns));
  } else if (!isNoOp(ns, next)) {
    store.commit(NAMESPACES, 'MODIFIED', next, ns);
  }
}

/** Keeps the owner uid → dependents index (gc only) across one change of the object `key`. */
export function indexOwners(dependents: Map<string, Set<string>>, key: string, prev: KubeObject | undefined, next: KubeObject | undefined): void {
  for (const o of prev?.metadata.ownerReferences ?? []) dependents.get(o.uid)?.delete(key);
  for (const o of next?.metadata.ownerReferences ?? []) {
    let set = dependents.get(o.uid);
    if (!set) dependents.set(o.uid, (set = new Set()));
    set.add(key);
  }
}

// The garbage collector's part of Orphan (drop the ownerReferences to the owner) and Foreground
// (delete the dependents first); approximated: the owner does not wait for dependents to be gone.
function releaseDependents(store: MemoryStore, ownerUid: string, policy: 'Orphan' | 'Foreground'): void {
  for (const key of [...(store.dependents.get(ownerUid) ?? [])]) {
    const [id, ns, name] = key.split('|');
    const depR = RESOURCES.find((x) => resourceId(x) === id) as ResourceInfo;
    const dep = store.stored(depR, ns, name);
    if (!dep) continue;
    if (policy === 'Foreground') {
      if (!dep.metadata.deletionTimestamp) deleteObject(store, depR, dep, { propagationPolicy: 'Foreground' });
      continue;
    }
    const next = cloneJson(dep);
    next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((o) => o.uid !== ownerUid);
    if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
    store.commit(depR, 'MODIFIED', next, dep);
  }
}

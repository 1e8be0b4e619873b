/**
 * The store's writes: create, update and patch as kube-apiserver's generic store and the
 * per-type strategies do them (apiserver/pkg/registry/generic/registry/store.go Create, Update;
 * handlers/patch.go). Each ends in `MemoryStore.commit`; deletion is store-delete.ts's.
 */
import type { KubeObject } from '../api-types/meta.js';
import { ApiError, alreadyExists, badRequest, conflict, internalError, invalid, notFound, unclassifiedError } from './errors.js';
import { applyPatch, recordUpdate } from './patch/index.js';
import { type ResourceInfo, groupVersion } from './resources.js';
import { admitByPlugins } from './admission-plugins.js';
import { checkDecodes, checkNamespace, checkPatchedDecodes, complete, validate, writeScope } from './store-admission.js';
import { afterRemoval } from './store-delete.js';
import { cloneJson, compareUpdate, formatTimestamp, generateName, isDeletionComplete, isMetadataNoOp, mainUpdate, newUID, prepareNamespace, stamp, statusUpdate } from './store-meta.js';
import type { MemoryStore, MemoryWriteOptions } from './store.js';
import type { PatchOptions, PatchType } from './types.js';

const GENERATE_NAME_ATTEMPTS = 8; // the first try plus 7 retries (RetryGenerateName)

/** How a write treats its body (see createObject). */
export interface WriteHow {
  record: boolean;
  ownsBody: boolean;
}

/** A write's answer: the stored object itself when the caller said it only reads it, else a copy. */
function answer(stored: KubeObject, opts: MemoryWriteOptions): KubeObject {
  return opts.isHandedOver ? stored : cloneJson(stored);
}

/**
 * Creates an object: system metadata, generateName with retries, admission, managedFields, then
 * the commit. `how.record`: keep managedFields for this write (false after an apply patch, which
 * recorded them itself); `how.ownsBody`: the body is the store's to keep and change (no copy).
 */
export function createObject(store: MemoryStore, r: ResourceInfo, namespace: string | undefined, body: KubeObject, opts: MemoryWriteOptions, how: WriteHow): KubeObject {
  // Decoding rewrites the body's times as stored, so it works on the store's own copy.
  const obj = how.ownsBody ? body : cloneJson(body);
  if (!opts.isDecoded) checkDecodes(r, obj);
  const ns = writeScope(r, namespace, obj);
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
  if (generated) m.name = generateName(m.generateName as string, store.random);
  checkNamespace(store, r, ns, m.name as string);
  if (r.namespaced) m.namespace = ns;
  else delete m.namespace;
  m.uid = newUID(store.uidRandom);
  m.creationTimestamp = formatTimestamp(store.clock.now());
  if (r.hasGeneration) m.generation = 1;
  if (r.group === '' && r.resource === 'namespaces') prepareNamespace(obj);
  complete(r, obj, undefined, undefined);
  // The field manager records the request as decoded and defaulted; the mutating admission
  // plugins run after it, so nobody owns what they add (create.go: UpdateNoErrors, then admit).
  const toStore = how.record && opts.fieldManager ? recordUpdate(undefined, obj, opts.fieldManager, groupVersion(r), m.creationTimestamp as string) : obj;
  // Admission runs before the name is generated: its errors name the generateName.
  admitByPlugins(r, toStore, undefined, undefined, generated ? (m.generateName as string) : undefined);
  validate(r, toStore, undefined, undefined);
  const meta = toStore.metadata;
  for (let attempt = 1; store.stored(r, ns, meta.name as string); attempt++) {
    if (!generated) throw alreadyExists(r, meta.name as string);
    if (attempt >= GENERATE_NAME_ATTEMPTS) {
      throw alreadyExists(r, meta.name as string, ', the server was not able to generate a unique name for the object');
    }
    meta.name = generateName(meta.generateName as string, store.random);
  }
  if (opts.dryRun) return stamp(r, toStore);
  return answer(store.commit(r, 'ADDED', toStore, undefined, opts.isHandedOver), opts);
}

/**
 * Updates an object (or creates it where the resource allows create on update): preconditions,
 * the main or status strategy, generation, managedFields, and the no-op that writes nothing.
 */
export function updateObject(
  store: MemoryStore,
  r: ResourceInfo,
  namespace: string | undefined,
  name: string,
  body: KubeObject,
  opts: MemoryWriteOptions & { subresource?: 'status' },
  how: WriteHow,
): { object: KubeObject; created: boolean } {
  // Decoding rewrites the body's times as stored, so it works on the store's own copy.
  if (!opts.isDecoded) {
    if (!how.ownsBody) {
      body = cloneJson(body);
      how = { ...how, ownsBody: true };
    }
    checkDecodes(r, body);
  }
  const ns = writeScope(r, namespace, body);
  const bodyMeta = body.metadata ?? {};
  if (bodyMeta.name && bodyMeta.name !== name) {
    throw badRequest(`the name of the object (${bodyMeta.name}) does not match the name on the URL (${name})`);
  }
  if (opts.subresource === 'status' && !r.subresources.includes('status')) throw notFound(r, name);
  const old = store.stored(r, ns, name);
  if (!old) {
    if (!r.allowCreateOnUpdate || opts.subresource) throw notFound(r, name);
    if (bodyMeta.resourceVersion) throw notFound(r, name);
    const object = createObject(store, r, namespace, { ...body, metadata: { ...bodyMeta, name } }, { ...opts, isDecoded: true }, how);
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
  if (how.record && opts.fieldManager) next = recordUpdate(old, next, opts.fieldManager, groupVersion(r), formatTimestamp(store.clock.now()), opts.subresource);
  // An update that leaves managedFields out keeps them (only `[]` clears them), as the field manager does.
  else if (next.metadata.managedFields === undefined && old.metadata.managedFields) next.metadata.managedFields = old.metadata.managedFields;
  if (r.hasGeneration) next.metadata.generation = (old.metadata.generation ?? 1) + (cmp.isSpecChanged ? 1 : 0);
  if (!cmp.isContentChanged && isMetadataNoOp(old.metadata, next.metadata)) return { object: answer(old, opts), created: false };
  // A dry run's answer shares frozen parts with the stored object: copy it for a caller that keeps it.
  if (opts.dryRun) return { object: stamp(r, opts.isHandedOver ? next : cloneJson(next)), created: false };
  if (isDeletionComplete(next)) {
    const final = store.commit(r, 'DELETED', next, old, opts.isHandedOver);
    afterRemoval(store, r, final);
    return { object: answer(final, opts), created: false };
  }
  return { object: answer(store.commit(r, 'MODIFIED', next, old, opts.isHandedOver), opts), created: false };
}

/** Patches an object (any patch type, server-side apply included), then updates or creates it. */
export function patchObject(
  store: MemoryStore,
  r: ResourceInfo,
  namespace: string | undefined,
  name: string,
  type: PatchType,
  body: string,
  opts: PatchOptions & MemoryWriteOptions & { subresource?: 'status' } = {},
): { object: KubeObject; created: boolean } {
  const ns = r.namespaced ? namespace : undefined;
  const old = store.stored(r, ns, name);
  const isApply = type === 'application/apply-patch+yaml';
  if (!old && !isApply) throw notFound(r, name);
  if (!old && opts.subresource) throw notFound(r, name);
  let patched: KubeObject;
  try {
    patched = applyPatch(r, old ? cloneJson(old) : undefined, type, body, {
      fieldManager: opts.fieldManager, force: opts.force, subresource: opts.subresource, now: formatTimestamp(store.clock.now()),
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
    return { object: createObject(store, r, ns, patched, { ...opts, isDecoded: true }, { record: !isApply, ownsBody: true }), created: true };
  }
  // A resourceVersion inside the patch is a precondition; without one the patch applies to what was read.
  if (patched.metadata.resourceVersion && patched.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(r, name);
  patched.metadata.resourceVersion = old.metadata.resourceVersion;
  const writeOpts = { dryRun: opts.dryRun, fieldManager: opts.fieldManager, subresource: opts.subresource, isHandedOver: opts.isHandedOver, isDecoded: true };
  return updateObject(store, r, ns, name, patched, writeOpts, { record: !isApply, ownsBody: true });
}

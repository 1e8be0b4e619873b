/**
 * Pure helpers of the store for object metadata: timestamps, uids, generated names, the
 * generation rule, and the equality that decides a no-op update.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../api-types/meta.js';
import { deepEqual } from './deep-equal.js';
import { type ResourceInfo, groupVersion } from './resources.js';

/** Identifies a resource inside the store: `group/resource`. */
export const resourceId = (r: Pick<ResourceInfo, 'group' | 'resource'>): string => `${r.group}/${r.resource}`;

/** RFC 3339 at second precision, as metav1.Time serialises: `2026-01-02T03:04:05Z`. */
export function formatTimestamp(d: Date): string {
  // Every write stamps one: the text of the last whole second is kept (a tenth of the cost).
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}

let lastSecond = NaN;
let lastText = '';

/** Drops the sub-second part of an instant (metav1.Time keeps seconds only). */
export function truncateToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** A UUIDv4 from `random` (values in [0, 1)), or from the platform when none is given. */
export function newUID(random?: () => number): string {
  if (!random) return randomUUID();
  const hex: string[] = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

// apiserver/pkg/storage/names/generate.go and apimachinery/pkg/util/rand: vowels and
// look-alike characters are left out so generated names never spell words.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_PREFIX = 58;
const RANDOM_LENGTH = 5;

/** `prefix` (cut to 58 characters) plus 5 characters from `bcdfghjklmnpqrstvwxz2456789`. */
export function generateName(prefix: string, random: () => number): string {
  let suffix = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) suffix += ALPHANUMS[Math.floor(random() * ALPHANUMS.length) % ALPHANUMS.length];
  return prefix.slice(0, MAX_PREFIX) + suffix;
}

/** What an update changes, from one comparison of each top-level member with the stored object. */
export interface UpdateComparison {
  /**
   * Whether what `generation` tracks changed: everything outside metadata and status; for
   * EndpointSlice everything outside metadata, plus the labels
   * (pkg/registry/discovery/endpointslice/strategy.go PrepareForUpdate).
   */
  isSpecChanged: boolean;
  /** Whether any member but metadata changed (kind and apiVersion included). */
  isContentChanged: boolean;
  /** Members of the stored object, metadata aside, that the update leaves equal. */
  unchanged: string[];
}

const isEndpointSlice = (r: ResourceInfo): boolean => r.group === 'discovery.k8s.io' && r.resource === 'endpointslices';

/**
 * Compares an update with the stored object, walking each top-level member once: the spec
 * comparison that decides `generation` and the content comparison that decides a no-op share
 * the same pass, and the members found equal can be shared with the stored object.
 */
export function compareUpdate(r: ResourceInfo, oldObj: KubeObject, newObj: KubeObject): UpdateComparison {
  return compareMembers(oldObj, newObj, isEndpointSlice(r));
}

function compareMembers(oldObj: KubeObject, newObj: KubeObject, isSlice: boolean): UpdateComparison {
  const o = oldObj as Record<string, unknown>;
  const n = newObj as Record<string, unknown>;
  const out: UpdateComparison = { isSpecChanged: false, isContentChanged: false, unchanged: [] };
  for (const k of Object.keys(o)) compareMember(o, n, k, isSlice, out);
  for (const k of Object.keys(n)) if (!Object.prototype.hasOwnProperty.call(o, k)) compareMember(o, n, k, isSlice, out);
  if (isSlice && !deepEqual(oldObj.metadata.labels ?? {}, newObj.metadata.labels ?? {})) out.isSpecChanged = true;
  return out;
}

// One top-level member of compareMembers (a function, not a closure: the write path runs it).
function compareMember(o: Record<string, unknown>, n: Record<string, unknown>, k: string, isSlice: boolean, out: UpdateComparison): void {
  if (k === 'metadata') return;
  if (deepEqual(o[k], n[k])) {
    if (o[k] !== undefined) out.unchanged.push(k);
    return;
  }
  out.isContentChanged = true;
  if (k !== 'kind' && k !== 'apiVersion' && (k !== 'status' || isSlice)) out.isSpecChanged = true;
}

/**
 * Whether two objects' metadata differ only in resourceVersion and managedFields timestamps
 * (the apiserver ignores timestamp-only managedFields changes).
 */
export function isMetadataNoOp(oldMeta: KubeObject['metadata'], newMeta: KubeObject['metadata']): boolean {
  return deepEqual(comparableMeta(oldMeta), comparableMeta(newMeta));
}

// Metadata without what isMetadataNoOp ignores.
function comparableMeta(m: KubeObject['metadata']): KubeObject['metadata'] {
  const copy = { ...m };
  delete copy.resourceVersion;
  if (copy.managedFields) copy.managedFields = copy.managedFields.map((e) => ({ ...e, time: undefined }));
  return copy;
}

/** Whether an update is a no-op: nothing differs but the resourceVersion and managedFields timestamps. */
export function isNoOp(oldObj: KubeObject, newObj: KubeObject): boolean {
  return !compareMembers(oldObj, newObj, false).isContentChanged && isMetadataNoOp(oldObj.metadata, newObj.metadata);
}

/** Finalizers gone and no grace period left: an update completes the deletion (ShouldDeleteDuringUpdate). */
export function isDeletionComplete(obj: KubeObject): boolean {
  const m = obj.metadata;
  if (!m.deletionTimestamp || (m.finalizers ?? []).length > 0 || (m.deletionGracePeriodSeconds ?? 0) > 0) return false;
  const specFinalizers = (obj.spec as { finalizers?: string[] } | undefined)?.finalizers;
  return obj.kind !== 'Namespace' || (specFinalizers ?? []).length === 0;
}

// pkg/registry/core/namespace/strategy.go PrepareForCreate: Active, with the kubernetes finalizer.
/** Prepares a namespace for creation. */
export function prepareNamespace(obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as { finalizers?: string[] };
  if (!(spec.finalizers ?? []).includes('kubernetes')) spec.finalizers = [...(spec.finalizers ?? []), 'kubernetes'];
  obj.spec = spec;
  obj.status = { ...((obj.status ?? {}) as object), phase: 'Active' };
}

// PUT of the main resource: the body, with system metadata and (given a status subresource) status kept.
/** The object a PUT of the main resource stores, made from `body` in place (pass a copy to keep it). */
export function mainUpdate(r: ResourceInfo, old: KubeObject, body: KubeObject): KubeObject {
  const next = body;
  next.metadata = withSystemMeta({ ...(next.metadata ?? {}) }, old.metadata);
  next.kind = old.kind;
  next.apiVersion = old.apiVersion;
  if (r.subresources.includes('status')) {
    if (old.status !== undefined) next.status = cloneJson(old.status);
    else delete next.status;
  }
  return next;
}

// The metadata no write may change (rest.BeforeUpdate): name, namespace, uid, creation and
// deletion, generation; taken from the stored object's.
function withSystemMeta(m: KubeObject['metadata'], o: KubeObject['metadata']): KubeObject['metadata'] {
  m.name = o.name;
  if (o.namespace !== undefined) m.namespace = o.namespace;
  else delete m.namespace;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
    if (o[k] !== undefined) (m as Record<string, unknown>)[k] = o[k];
    else delete m[k];
  }
  return m;
}

/**
 * The object a write to /status stores: the body's status and metadata, everything else (spec)
 * the stored object's, as the status strategies' PrepareForUpdate leaves it
 * (pkg/registry/core/service/strategy.go and the others reset spec). Besides the system fields,
 * a Pod keeps its ownerReferences (podStatusStrategy) and a Deployment its labels
 * (deploymentStatusStrategy).
 */
export function statusUpdate(r: ResourceInfo, old: KubeObject, body: KubeObject): KubeObject {
  const next = cloneJson(old);
  if (body.status !== undefined) next.status = cloneJson(body.status);
  else delete next.status;
  const m = withSystemMeta(cloneJson(body.metadata ?? {}), old.metadata);
  if (r.group === '' && r.resource === 'pods') keepOld(m, old.metadata, 'ownerReferences');
  if (r.group === 'apps' && r.resource === 'deployments') keepOld(m, old.metadata, 'labels');
  next.metadata = m;
  return next;
}

function keepOld(m: KubeObject['metadata'], o: KubeObject['metadata'], k: 'ownerReferences' | 'labels'): void {
  if (o[k] !== undefined) (m as Record<string, unknown>)[k] = cloneJson(o[k]);
  else delete m[k];
}

/**
 * Deep-copies a JSON value (plain objects, arrays, primitives): what the store uses to copy
 * objects in and out. Several times faster than the platform's structured clone for API objects.
 */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = cloneJson(v);
    }
  }
  return out as T;
}

/**
 * Deep-freezes a JSON value in place and returns it: what the store does to every object it
 * commits, so that stored objects can be shared (with history, list snapshots and every watcher
 * of a change) and a consumer that tries to modify one fails loudly instead of corrupting the
 * store. A frozen subtree is taken to be frozen throughout (the store only ever shares its own).
 */
export function freezeJson<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) freezeJson(value[i]);
  } else {
    for (const key in value) freezeJson((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Sets kind and apiVersion from the resource (stored objects and single-object answers carry them). */
export function stamp(r: ResourceInfo, obj: KubeObject): KubeObject {
  obj.kind = r.kind;
  obj.apiVersion = groupVersion(r);
  return obj;
}

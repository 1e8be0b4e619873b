/**
 * Validation of metadata shared by every type: ValidateObjectMeta and ValidateObjectMetaUpdate
 * (staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go), labels and annotations
 * (pkg/apis/meta/v1/validation), and the core finalizer-name rule (pkg/apis/core/validation).
 */
import type { ObjectMeta } from '../../api-types/meta.js';
import { type FieldCause, FieldPath, forbidden, immutable, invalid, required, textOf, tooLong } from './field.js';
import { type NameValidator, isDNS1123Label, isQualifiedName, isValidLabelValue } from './names.js';

/** Total size of all annotation keys and values (TotalAnnotationSizeLimitB). */
export const totalAnnotationSizeLimitBytes = 256 * 1024;

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** Validates a label map: qualified-name keys and label values, all reported at `path`. */
export function validateLabels(labels: unknown, path: FieldPath): FieldCause[] {
  if (labels === null || typeof labels !== 'object') return [];
  // Nearly every map is valid: check it as it comes, and sort only to report errors in order.
  let valid = true;
  const map = labels as Record<string, unknown>;
  for (const k in map) {
    const v = map[k];
    if (isQualifiedName(k).length > 0 || isValidLabelValue(textOf(v)).length > 0) {
      valid = false;
      break;
    }
  }
  if (valid) return [];
  const errs: FieldCause[] = [];
  for (const [k, v] of sortedEntries(labels)) {
    for (const m of isQualifiedName(k)) errs.push(invalid(path, k, m));
    const value = textOf(v);
    for (const m of isValidLabelValue(value)) errs.push(invalid(path, value, m));
  }
  return errs;
}

/** Validates annotation keys (qualified names, case-insensitive) and their total size. */
export function validateAnnotations(annotations: unknown, path: FieldPath): FieldCause[] {
  const errs: FieldCause[] = [];
  let size = 0;
  for (const [k, v] of sortedEntries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
    size += Buffer.byteLength(k) + Buffer.byteLength(textOf(v));
  }
  if (size > totalAnnotationSizeLimitBytes) errs.push(tooLong(path, totalAnnotationSizeLimitBytes));
  return errs;
}

/**
 * Validates a finalizer name: a qualified name, and either one of the standard names or
 * domain-prefixed (core ValidateFinalizerName). Errors are reported at `path`, not per index.
 */
export function validateFinalizerName(name: string, path: FieldPath): FieldCause[] {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (!name.includes('/') && !standardFinalizers.has(name)) {
    errs.push(invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

/** Options of {@link validateObjectMeta}. */
export interface ObjectMetaOptions {
  /** Whether the type is namespaced (metadata.namespace required) or cluster-scoped (forbidden). */
  namespaced: boolean;
  /** The rule for metadata.name and metadata.generateName. */
  validateName: NameValidator;
  /** Skip namespace and name format checks (core/v1 Event validates only the namespace itself). */
  skipNameCheck?: boolean;
}

const metadataPath = FieldPath.root('metadata');

/** Validates metadata on create and update, as ValidateObjectMeta does. */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions, path = metadataPath): FieldCause[] {
  const m = meta ?? {};
  const errs: FieldCause[] = [];
  const name = m.name ?? '';
  const generateName = m.generateName ?? '';
  if (!opts.skipNameCheck) {
    if (generateName !== '') {
      for (const msg of opts.validateName(generateName, true)) errs.push(invalid(path.child('generateName'), generateName, msg));
    }
    if (name === '') {
      if (generateName === '') errs.push(required(path.child('name'), 'name or generateName is required'));
    } else {
      for (const msg of opts.validateName(name, false)) errs.push(invalid(path.child('name'), name, msg));
    }
  }
  const ns = m.namespace ?? '';
  if (opts.namespaced) {
    if (ns === '') errs.push(required(path.child('namespace')));
    else for (const msg of isDNS1123Label(ns)) errs.push(invalid(path.child('namespace'), ns, msg));
  } else if (ns !== '') {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  if (m.generation !== undefined && m.generation < 0) {
    errs.push(invalid(path.child('generation'), m.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(m.labels, path.child('labels')));
  errs.push(...validateAnnotations(m.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, path.child('finalizers')));
  return errs;
}

/** Validates the metadata change of an update: name, namespace, uid and creationTimestamp are fixed. */
export function validateObjectMetaUpdate(next: ObjectMeta | undefined, prev: ObjectMeta | undefined, path = metadataPath): FieldCause[] {
  const n = next ?? {};
  const p = prev ?? {};
  const errs: FieldCause[] = [];
  errs.push(...immutable(path.child('name'), n.name ?? '', p.name ?? ''));
  errs.push(...immutable(path.child('namespace'), n.namespace ?? '', p.namespace ?? ''));
  if (n.uid !== undefined && p.uid !== undefined) errs.push(...immutable(path.child('uid'), n.uid, p.uid));
  if (n.creationTimestamp !== undefined && p.creationTimestamp !== undefined) {
    errs.push(...immutable(path.child('creationTimestamp'), n.creationTimestamp, p.creationTimestamp));
  }
  return errs;
}

// Owner references are reported at metadata.ownerReferences without an index: upstream
// validateOwnerReference takes the list's path, not the element's.
function validateOwnerReferences(refs: unknown, path: FieldPath): FieldCause[] {
  if (!Array.isArray(refs)) return [];
  const errs: FieldCause[] = [];
  let firstController = '';
  for (const raw of refs) {
    const ref = (raw ?? {}) as Record<string, unknown>;
    const apiVersion = str(ref.apiVersion);
    const kind = str(ref.kind);
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (version === '') errs.push(invalid(path.child('apiVersion'), apiVersion, 'version must not be empty'));
    if (kind === '') errs.push(invalid(path.child('kind'), kind, 'kind must not be empty'));
    if (str(ref.name) === '') errs.push(invalid(path.child('name'), str(ref.name), 'name must not be empty'));
    if (str(ref.uid) === '') errs.push(invalid(path.child('uid'), str(ref.uid), 'uid must not be empty'));
    if (ref.controller === true) {
      const current = `${kind}/${str(ref.name)}`;
      if (firstController === '') firstController = current;
      else {
        errs.push(invalid(path, refs,
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      }
    }
  }
  return errs;
}

function validateFinalizers(finalizers: unknown, path: FieldPath): FieldCause[] {
  if (!Array.isArray(finalizers)) return [];
  const errs: FieldCause[] = [];
  for (const f of finalizers) errs.push(...validateFinalizerName(str(f), path));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** The entries of a string map sorted by key, so errors come out in a stable order. */
export function sortedEntries(map: unknown): [string, unknown][] {
  if (map === null || typeof map !== 'object') return [];
  return Object.entries(map as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The value if it is a string, else ''. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** True when `v` is a JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value if it is an array of JSON objects' slots, else []; non-object items become {}. */
export function records<T>(v: unknown): T[] {
  return Array.isArray(v) ? v.map((x) => (isRecord(x) ? x : {}) as T) : [];
}

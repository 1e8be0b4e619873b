/**
 * Patch application: JSON patch (RFC 6902), merge patch (RFC 7386), strategic merge patch and
 * server-side apply. The store calls `applyPatch` on PATCH, then validates and stores the result
 * as an update (resourceVersion preconditions, validation and status reset are the store's);
 * for every non-apply write it calls `recordUpdate` to keep managedFields.
 */
import type { KubeObject } from '../../api-types/meta.js';
import type { ResourceInfo } from '../resources.js';
import type { PatchType } from '../types.js';
import { serverSideApply, decodeApplyBody } from './apply.js';
import { invalidPatchOptions, malformedPatch } from './errors.js';
import { applyJsonPatch, decodeJsonPatch } from './json-patch.js';
import { cloneJson, isObject, type JsonObject } from './json-value.js';
import { mergePatch } from './merge-patch.js';
import { schemaFor } from './merge-keys.js';
import { strategicMerge } from './strategic-merge.js';

export { recordUpdate } from './managed-fields.js';
export { applyConflict, cannotApply, invalidPatchOptions, malformedPatch, type ApplyConflict } from './errors.js';

/** The outcome of applying a patch: the new object (not yet validated or stored). */
export interface PatchResult {
  object: KubeObject;
  /** True when an apply patch created the object (`current` was undefined): answer 201. */
  created: boolean;
}

/** Options of applyPatch. */
export interface ApplyPatchOptions {
  /** Required for apply patches (422 without it). Recorded by the caller for the other types. */
  fieldManager?: string;
  /** Apply only: take over conflicting fields. `true` on another patch type is a 422. @default false */
  force?: boolean;
  subresource?: 'status';
  /** The request time, RFC 3339; stamped on the applier's managedFields entry. */
  now: string;
}

/**
 * Applies `body` (the raw request body) of `type` to `current` (undefined when the object does
 * not exist: only apply patches may create; the store answers 404 for the others before calling,
 * and a TypeError here says it did not). Throws ApiError: 400 for a malformed patch, 422 when it
 * cannot be applied or the options are invalid, 409 for an apply conflict without force.
 * `current` is never mutated; the result shares nothing with it.
 */
export function applyPatch(
  r: ResourceInfo,
  current: KubeObject | undefined,
  type: PatchType,
  body: string,
  opts: ApplyPatchOptions,
): PatchResult {
  if (type === 'application/apply-patch+yaml') {
    if (!opts.fieldManager) {
      throw invalidPatchOptions('fieldManager', 'FieldValueRequired', 'Required value: is required for apply patch');
    }
    const config = decodeApplyBody(body);
    const object = serverSideApply(r, current, config, {
      fieldManager: opts.fieldManager, force: opts.force, now: opts.now, subresource: opts.subresource,
    });
    return { object, created: current === undefined };
  }
  if (opts.force === true) {
    throw invalidPatchOptions('force', 'FieldValueForbidden', 'Forbidden: may not be specified for non-apply patch');
  }
  if (current === undefined) {
    throw new TypeError(`applyPatch: ${type} needs the current object (answer 404 before patching)`);
  }
  let result: unknown;
  switch (type) {
    case 'application/json-patch+json':
      result = applyJsonPatch(current, decodeJsonPatch(body));
      break;
    case 'application/merge-patch+json':
      result = mergePatch(current, decodeObjectPatch(body, 'Invalid JSON Patch'));
      break;
    case 'application/strategic-merge-patch+json':
      result = strategicMerge(current as JsonObject, decodeObjectPatch(body, 'invalid JSON document'), schemaFor(r.kind));
      break;
    default:
      throw malformedPatch(`unknown Content-Type header for patch: ${String(type)}`);
  }
  if (!isObject(result)) {
    throw malformedPatch(`json: cannot unmarshal ${Array.isArray(result) ? 'array' : typeof result} into Go value of type ${r.kind}`);
  }
  const object = cloneJson(result) as KubeObject;
  if (!isObject(object.metadata)) object.metadata = {};
  return { object, created: false };
}

/** Decodes a merge or strategic patch body, which must be a JSON object (400 otherwise). */
function decodeObjectPatch(body: string, notObject: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformedPatch('invalid JSON patch');
  }
  if (!isObject(parsed)) throw malformedPatch(notObject);
  return parsed;
}

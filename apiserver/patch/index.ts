/**
 * Patch application: JSON patch, merge patch, strategic merge patch and server-side apply.
 * PLACEHOLDER SIGNATURES: replaced by the patch work in this same change.
 */
import type { KubeObject } from '../../api-types/meta.js';
import type { ResourceInfo } from '../resources.js';
import type { PatchType } from '../types.js';

/** The outcome of applying a patch: the new object (not yet validated or stored). */
export interface PatchResult {
  object: KubeObject;
}

/**
 * Applies `body` (the raw request body) of `type` to `current` (undefined when the object does
 * not exist: only apply patches may create). Throws ApiError: 400 for a malformed patch, 422
 * when it cannot be applied, 409 for an apply conflict without force.
 */
export function applyPatch(
  _r: ResourceInfo,
  _current: KubeObject | undefined,
  _type: PatchType,
  _body: string,
  _opts: { fieldManager?: string; force?: boolean; subresource?: 'status'; now: string },
): PatchResult {
  throw new Error('not implemented');
}

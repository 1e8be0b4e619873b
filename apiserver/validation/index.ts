/**
 * Defaulting and validation of the served types, as kube-apiserver's registry strategies do it.
 * PLACEHOLDER SIGNATURES: replaced by the validation work in this same change.
 */
import type { StatusCause } from '../../api-types/meta.js';
import type { KubeObject } from '../../api-types/meta.js';
import type { ResourceInfo } from '../resources.js';

/**
 * Brings an object to its stored form in place after defaulting (Endpoints: repacked subsets,
 * as pkg/registry/core/endpoint/strategy.go Canonicalize does).
 */
export function canonicalizeObject(_r: ResourceInfo, _obj: KubeObject): void {}

/** Fills in defaults in place (the store passes its own copy). */
export function defaultObject(_r: ResourceInfo, _obj: KubeObject): void {}

/**
 * Validates an object about to be stored; `old` is the stored version on update. Returns one
 * cause per invalid field (empty when valid); the store turns them into a 422.
 */
export function validateObject(
  _r: ResourceInfo,
  _obj: KubeObject,
  _old: KubeObject | undefined,
  _subresource?: 'status',
): StatusCause[] {
  return [];
}

/**
 * JSON merge patch (RFC 7386): members of the patch replace or, when null, delete members of
 * the target; objects merge recursively; anything that is not an object (arrays included)
 * replaces the target whole.
 */
import { cloneJson, isObject, own, put, type JsonObject } from './json-value.js';

/** Returns `target` merged with `patch` (RFC 7386 §2 MergePatch); neither input is mutated. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return cloneJson(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else put(result, key, mergePatch(own(result, key), value));
  }
  return result;
}

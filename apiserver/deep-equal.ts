/** Structural equality of JSON documents, shared by the store (no-op updates, generation) and validation (immutable fields). */

/** Structural equality of JSON values (key order ignored; undefined members count as absent). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  // Two passes rather than filtered key lists: every update walks whole objects through here.
  for (const k of Object.keys(ao)) {
    const v = ao[k];
    if (v !== undefined && !(Object.prototype.hasOwnProperty.call(bo, k) && deepEqual(v, bo[k]))) return false;
  }
  for (const k of Object.keys(bo)) if (bo[k] !== undefined && !(Object.prototype.hasOwnProperty.call(ao, k) && ao[k] !== undefined)) return false;
  return true;
}

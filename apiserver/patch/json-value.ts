/**
 * Small helpers over plain JSON values (what a decoded request body or a stored object is made
 * of). Every patch mechanism works on copies: the stored object is never mutated.
 */

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

/** Whether `v` is a JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Returns a deep copy of a JSON value (frozen inputs give unfrozen copies). */
export function cloneJson<T>(v: T): T {
  // A plain recursive copy: several times faster than structuredClone on Node 20 for the small
  // JSON trees objects are, and free for scalars, which are most calls.
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  const out: JsonObject = {};
  for (const key of Object.keys(v)) {
    put(out, key, cloneJson((v as JsonObject)[key]));
  }
  return out as T;
}

/** Whether two JSON values are equal (object key order ignored, array order significant). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Plain loops: every write that records managedFields compares whole entries through here.
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!(Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]))) return false;
    return true;
  }
  return false;
}

/** JSON.stringify with object keys sorted, so equal values give equal strings. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** `obj[key]` if it is an own property: `__proto__` or `constructor` never read the prototype. */
export function own(obj: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Sets own property `key`, `__proto__` included, without ever touching a prototype. */
export function put(obj: JsonObject, key: string, value: unknown): void {
  // Only `__proto__` has a setter on Object.prototype; every other key is a plain assignment.
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/**
 * JSON patch (RFC 6902): add, remove, replace, move, copy and test over JSON pointers
 * (RFC 6901: `~1` is `/`, `~0` is `~`, `-` appends to an array). Behaviour and error texts follow
 * gopkg.in/evanphx/json-patch.v4 v4.12.0 (patch.go), which kube-apiserver 1.33 applies JSON
 * patches with (k8s.io/apiserver pkg/endpoints/handlers/patch.go, jsonPatcher.applyJSPatch),
 * where it differs from the RFC: `-` means "the end" only to add on an array (on an object it is
 * a member name like any other), and replace of a missing object member adds it.
 */
import { malformedPatch, cannotApply, tooLarge } from './errors.js';
import { cloneJson, isObject, jsonEqual, own, put, type JsonObject } from './json-value.js';

/** maxJSONPatchOperations in the API server's patch handler. */
const MAX_OPERATIONS = 10000;

/** One decoded operation. */
export interface JsonPatchOperation {
  op: string;
  path?: unknown;
  from?: unknown;
  value?: unknown;
}

/**
 * Decodes a JSON patch body. Throws 400 when it is not JSON or not an array of objects (the
 * shapes `jsonpatch.DecodePatch` rejects) and 413 past 10000 operations; problems inside one
 * operation are 422 when applied, as in Kubernetes.
 */
export function decodeJsonPatch(body: string): JsonPatchOperation[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformedPatch('invalid JSON patch');
  }
  if (!Array.isArray(parsed)) {
    throw malformedPatch(`json: cannot unmarshal ${jsonKind(parsed)} into Go value of type jsonpatch.Patch`);
  }
  if (parsed.length > MAX_OPERATIONS) {
    throw tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${parsed.length}`);
  }
  for (const op of parsed) {
    if (!isObject(op)) {
      throw malformedPatch(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  return parsed as JsonPatchOperation[];
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * Applies `ops` in order to a copy of `doc` and returns it; `doc` is not mutated. Throws 422
 * (cannotApply) naming the failing operation, as the API server does.
 */
export function applyJsonPatch<T>(doc: T, ops: readonly JsonPatchOperation[]): T {
  // A one-element holder lets every operation, including those on the root "", edit a parent.
  const root: JsonObject = { '': cloneJson(doc) };
  for (const op of ops) {
    switch (op.op) {
      case 'add': add(root, pathOf(op, 'add'), valueOf(op)); break;
      case 'remove': remove(root, pathOf(op, 'remove')); break;
      case 'replace': replace(root, pathOf(op, 'replace'), valueOf(op)); break;
      case 'move': move(root, fromOf(op, 'move'), pathOf(op, 'move')); break;
      case 'copy': copy(root, fromOf(op, 'copy'), pathOf(op, 'copy')); break;
      case 'test': test(root, pathOf(op, 'test'), op.value); break;
      default: throw cannotApply(`Unexpected kind: ${String(op.op)}`);
    }
  }
  return root[''] as T;
}

function pathOf(op: JsonPatchOperation, name: string): string {
  if (typeof op.path !== 'string') throw cannotApply(`${name} operation failed to decode path: operation missing path field: missing value`);
  return op.path;
}

function fromOf(op: JsonPatchOperation, name: string): string {
  if (typeof op.from !== 'string') throw cannotApply(`${name} operation failed to decode from: operation, missing from field: missing value`);
  return op.from;
}

function valueOf(op: JsonPatchOperation): unknown {
  if (!('value' in op)) throw cannotApply('operation, missing value field: missing value');
  return cloneJson(op.value);
}

/** Splits a JSON pointer into unescaped tokens, prefixed by the holder's "" key. */
function tokens(pointer: string): string[] {
  if (pointer === '') return [''];
  if (!pointer.startsWith('/')) throw cannotApply(`JSON pointer must be empty or start with a "/": ${pointer}`);
  return ['', ...pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))];
}

/** Walks to the container holding the pointer's last token; undefined when a step is missing. */
function parentOf(root: JsonObject, pointer: string): { parent: unknown; key: string } | undefined {
  const toks = tokens(pointer);
  let cur: unknown = root;
  for (const t of toks.slice(0, -1)) {
    cur = child(cur, t);
    if (cur === undefined) return undefined;
  }
  return { parent: cur, key: toks[toks.length - 1] };
}

function child(container: unknown, key: string): unknown {
  if (Array.isArray(container)) {
    const i = elementIndex(key, container.length);
    return typeof i === 'number' ? container[i] : undefined;
  }
  if (isObject(container)) return own(container, key);
  return undefined;
}

/**
 * An array token as json-patch v4.12.0 reads it (partialArray get, set and remove): Go's
 * strconv.Atoi (a sign and leading zeros allowed), and, with its SupportNegativeIndices, a
 * negative index counts from the end. The element's index in an array of `length`, or the words
 * of why there is none: Atoi's error, or `Unable to access invalid index: <n>: invalid index
 * referenced`.
 */
function elementIndex(key: string, length: number): number | string {
  const n = goAtoi(key);
  if (typeof n === 'string') return n;
  const i = n < 0 ? n + length : n;
  return n < -length || i >= length ? `Unable to access invalid index: ${n}: invalid index referenced` : i;
}

/** Go's strconv.Atoi of `key`, or its error's words. */
function goAtoi(key: string): number | string {
  if (!/^[+-]?[0-9]+$/.test(key)) return `strconv.Atoi: parsing "${key}": invalid syntax`;
  const n = Number(key);
  // Beyond int64 Go says "value out of range"; JSON arrays are far shorter than 2^53 anyway.
  return Number.isSafeInteger(n) ? n : `strconv.Atoi: parsing "${key}": value out of range`;
}

function add(root: JsonObject, pointer: string, value: unknown): void {
  const loc = parentOf(root, pointer);
  if (!loc || (!Array.isArray(loc.parent) && !isObject(loc.parent))) {
    throw cannotApply(`add operation does not apply: doc is missing path: "${pointer}": missing value`);
  }
  if (Array.isArray(loc.parent)) {
    // partialArray.add: `-` appends; else an index into the array one longer, negative from its end.
    let i = loc.parent.length;
    if (loc.key !== '-') {
      const n = goAtoi(loc.key);
      if (typeof n === 'string') throw cannotApply(`error in add for path: '${pointer}': value was not a proper array index: '${loc.key}': ${n}`);
      const size = loc.parent.length + 1;
      if (n >= size || n < -size) throw cannotApply(`error in add for path: '${pointer}': Unable to access invalid index: ${n}: invalid index referenced`);
      i = n < 0 ? n + size : n;
    }
    loc.parent.splice(i, 0, value);
  } else {
    put(loc.parent as JsonObject, loc.key, value);
  }
}

/**
 * Removes the member or element at `pointer` and returns it. As json-patch v4 (Patch.remove over
 * partialDoc.remove / partialArray.remove), the last token of an object path is just a member
 * name (`-` included), and on an array it must parse as a Go integer: `-` there is a syntax error,
 * not "the end".
 */
function remove(root: JsonObject, pointer: string): unknown {
  const loc = parentOf(root, pointer);
  if (!loc || (!Array.isArray(loc.parent) && !isObject(loc.parent))) {
    throw cannotApply(`remove operation does not apply: doc is missing path: "${pointer}": missing value`);
  }
  if (Array.isArray(loc.parent)) {
    const i = elementIndex(loc.key, loc.parent.length);
    if (typeof i === 'string') throw cannotApply(`error in remove for path: '${pointer}': ${i}`);
    return loc.parent.splice(i, 1)[0];
  }
  const obj = loc.parent as JsonObject;
  const old = own(obj, loc.key);
  if (old === undefined) throw cannotApply(`error in remove for path: '${pointer}': Unable to remove nonexistent key: ${loc.key}: missing value`);
  delete obj[loc.key];
  return old;
}

/**
 * Replaces the value at `pointer`. On an object this sets the member whether or not it exists:
 * json-patch v4's partialDoc.get never reports a missing key, so its Patch.replace acts as add
 * there (evanphx/json-patch#119; only v5 refuses, and kube-apiserver 1.33 applies JSON patches
 * with gopkg.in/evanphx/json-patch.v4 v4.12.0). On an array the element must exist; `-` is none.
 */
function replace(root: JsonObject, pointer: string, value: unknown): void {
  const loc = parentOf(root, pointer);
  if (!loc || (!Array.isArray(loc.parent) && !isObject(loc.parent))) {
    throw cannotApply(`replace operation does not apply: doc is missing path: ${pointer}: missing value`);
  }
  if (Array.isArray(loc.parent)) {
    const i = elementIndex(loc.key, loc.parent.length);
    if (typeof i === 'string') throw cannotApply(`replace operation does not apply: doc is missing key: ${pointer}: missing value`);
    loc.parent[i] = value;
  } else {
    put(loc.parent as JsonObject, loc.key, value);
  }
}

function get(root: JsonObject, pointer: string): unknown {
  const loc = parentOf(root, pointer);
  return loc ? child(loc.parent, loc.key) : undefined;
}

function move(root: JsonObject, from: string, pointer: string): void {
  if (pointer !== from && pointer.startsWith(`${from}/`)) {
    throw cannotApply(`move operation does not apply: "from" is a proper prefix of "path": ${from}`);
  }
  if (get(root, from) === undefined) throw cannotApply(`move operation does not apply: doc is missing from path: ${from}: missing value`);
  const value = remove(root, from);
  add(root, pointer, value);
}

function copy(root: JsonObject, from: string, pointer: string): void {
  const value = get(root, from);
  if (value === undefined) throw cannotApply(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
  add(root, pointer, cloneJson(value));
}

function test(root: JsonObject, pointer: string, expected: unknown): void {
  const actual = get(root, pointer);
  if (actual === undefined) {
    // evanphx/json-patch lets `{"op":"test","value":null}` pass on a missing member.
    if (expected === null || expected === undefined) return;
    throw cannotApply(`testing value ${pointer} failed: test failed`);
  }
  if (!jsonEqual(actual, expected)) throw cannotApply(`testing value ${pointer} failed: test failed`);
}

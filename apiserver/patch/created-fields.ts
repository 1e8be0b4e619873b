/**
 * The FieldsV1 a create records for its manager, in one walk over the new object. A create is an
 * update from nothing: the fields Compare finds added (typed-value.ts collectWhole), less those
 * no manager owns (managed-fields.ts ownableFields), encoded (FieldSet.toFieldsV1). Building the
 * encoding straight from the value gives the same JSON without the field set in between, the
 * compare against an empty object, or the filter pass; every create with a field manager (each
 * kubectl or client write) goes through here.
 */
import { comparePE, EMPTY_FIELDS as EMPTY, fieldPE, trustFieldsV1 } from './field-set.js';
import { isObject, type JsonObject } from './json-value.js';
import { fieldSchema, type FieldSchema, type ListSchema, type MapSchema } from './merge-keys.js';
import { itemPE } from './item-path-element.js';
import { granularity, isZeroPresent } from './typed-value.js';

/** Metadata the API server sets, never owned by a manager (stripmeta.go). */
export const SERVER_SET_METADATA: ReadonlySet<string> = new Set([
  'name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion',
]);

/**
 * Encodes as FieldsV1 the fields a create of `object` (root schema `schema`) gives its manager:
 * every field it sets but apiVersion, kind and server-set metadata, and only status (with
 * metadata) on the status subresource, nothing of status on the main resource. Maps and granular
 * lists carry `"."` as Compare inserts every node it finds on one side only. The object's
 * metadata must be a map or absent; managedFields in it are skipped.
 * 1. Top-level fields pass the endpoint's filter; metadata is walked apart, minus server-set names.
 * 2. Each field is a member unless it is a struct Go's zero object holds (isZeroPresent).
 * 3. Below it, a map's fields and a granular list's items (first of each path element; null
 *    items own nothing) follow in path-element order, as toFieldsV1 writes them.
 */
export function encodeCreatedFields(object: JsonObject, schema: MapSchema, subresource?: 'status'): JsonObject {
  const out: JsonObject = {};
  const names = Object.keys(object).sort();
  for (const name of names) {
    // 1.
    if (name === 'apiVersion' || name === 'kind') continue;
    const value = object[name];
    const pe = fieldPE(name);
    if (name === 'metadata') {
      if (isObject(value)) putMetadata(out, pe, value, fieldSchema(schema, name));
    } else if (subresource === 'status' ? name === 'status' : name !== 'status') {
      putWhole(out, pe, value, fieldSchema(schema, name), pe);
    }
  }
  // The general path's encoding, byte for byte: decoded lazily once stored (field-set.ts).
  return trustFieldsV1(out);
}

// Metadata holds server-set fields no one owns; it is never a member itself (1.).
function putMetadata(out: JsonObject, pe: string, metadata: JsonObject, schema: FieldSchema | undefined): void {
  const node: JsonObject = {};
  let isFilled = false;
  const names = Object.keys(metadata).sort();
  for (const name of names) {
    if (SERVER_SET_METADATA.has(name)) continue;
    if (putWhole(node, fieldPE(name), metadata[name], fieldSchema(schema, name), undefined)) isFilled = true;
  }
  if (isFilled) out[pe] = node;
}

/** Puts the encoding of `value` at path element `pe` into `out`; tells whether it put any. */
function putWhole(out: JsonObject, pe: string, value: unknown, schema: FieldSchema | undefined, topPE: string | undefined): boolean {
  if (value === null || value === undefined) return false;
  const g = granularity(value, schema);
  if (g === 'leaf') {
    out[pe] = EMPTY;
    return true;
  }
  // 2.
  const isMember = !isZeroPresent(g, schema, topPE);
  // "." comes first, then the fields or items (3.).
  const node: JsonObject = isMember ? { '.': EMPTY } : {};
  const isFilled = g === 'map' ? putFields(node, value as JsonObject, schema) : putItems(node, value as unknown[], schema as ListSchema);
  if (isFilled) out[pe] = node;
  else if (isMember) out[pe] = EMPTY;
  return isFilled || isMember;
}

function putFields(node: JsonObject, map: JsonObject, schema: FieldSchema | undefined): boolean {
  let isFilled = false;
  const names = Object.keys(map);
  // Sorting the names sorts their `f:` elements: the prefix is the same.
  if (!isSortedText(names)) names.sort();
  for (const name of names) {
    if (putWhole(node, fieldPE(name), map[name], fieldSchema(schema, name), undefined)) isFilled = true;
  }
  return isFilled;
}

function putItems(node: JsonObject, items: unknown[], list: ListSchema): boolean {
  // 3. Path elements of the items that own something, the first item of each (itemsByPE); a
  // keyless item goes by its index, as live data does.
  const byPE = new Map<string, unknown>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === null || item === undefined) continue;
    const pe = itemPE(list, item);
    const key = typeof pe === 'string' ? pe : `i:${i}`;
    if (!byPE.has(key)) byPE.set(key, item);
  }
  if (byPE.size === 0) return false;
  const pes = [...byPE.keys()];
  // Elements of one kind (all `k:`, all `v:`) order as text: the built-in order, no comparator.
  if (pes.length > 1) {
    if (isOneKind(pes)) pes.sort();
    else pes.sort(comparePE);
  }
  for (const pe of pes) putWhole(node, pe, byPE.get(pe), list.elem, undefined);
  return true;
}

// Whether `names` is in order already (JSON often lists fields so): no sort then.
function isSortedText(names: readonly string[]): boolean {
  for (let i = 1; i < names.length; i++) if (names[i - 1] > names[i]) return false;
  return true;
}

function isOneKind(pes: readonly string[]): boolean {
  const kind = pes[0].charCodeAt(0);
  for (let i = 1; i < pes.length; i++) if (pes[i].charCodeAt(0) !== kind) return false;
  return true;
}

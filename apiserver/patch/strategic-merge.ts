/**
 * Strategic merge patch, as apimachinery/pkg/util/strategicpatch/patch.go applies it: maps merge
 * key by key (null deletes), lists merge by their `patchMergeKey` or as sets of scalars when the
 * schema says so and are replaced otherwise, and the directives `$patch` (replace, delete,
 * merge), `$retainKeys`, `$deleteFromPrimitiveList/<f>` and `$setElementOrder/<f>` are honoured.
 * This is what kubectl client-side apply and `kubectl patch` send.
 */
import { malformedPatch, cannotApply } from './errors.js';
import { cloneJson, isObject, jsonEqual, own, put, type JsonObject } from './json-value.js';
import { fieldSchema, type FieldSchema, type ListSchema, type MapSchema } from './merge-keys.js';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const DELETE_FROM = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';

/** Returns `original` with `patch` merged in by `schema`; neither input is mutated. */
export function strategicMerge(original: JsonObject, patch: JsonObject, schema: MapSchema | undefined): JsonObject {
  return mergeMap(cloneJson(original), patch, schema);
}

/**
 * Merges `patch` into `original` (a private copy, edited in place).
 * 1. `$patch`: replace returns the patch, delete empties the map, merge goes on.
 * 2. `$retainKeys` drops original keys the list does not name.
 * 3. `$deleteFromPrimitiveList/<f>` removes values from the list f.
 * 4. Each other key: null deletes, maps and lists merge by schema, anything else replaces.
 * 5. `$setElementOrder/<f>` reorders the merged list f.
 */
function mergeMap(original: JsonObject, patch: JsonObject, schema: FieldSchema | undefined): JsonObject {
  // 1.
  const directive = patch[PATCH];
  if (directive !== undefined) {
    if (directive === 'replace') return mergeMap({}, withoutKey(patch, PATCH), schema);
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw malformedPatch(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  }
  // 2.
  if (RETAIN_KEYS in patch) {
    const retain = patch[RETAIN_KEYS];
    // applyRetainKeysDirective: a key the patch sets must be listed; a key it deletes (null)
    // need not be, which is how kubectl switches a volume's source. Either failure is
    // ErrBadPatchFormatForRetainKeys, a 400.
    if (!Array.isArray(retain)) throw malformedPatch(BAD_RETAIN_KEYS);
    for (const [key, value] of Object.entries(patch)) {
      if (value !== null && !key.startsWith('$') && !retain.includes(key)) throw malformedPatch(BAD_RETAIN_KEYS);
    }
    for (const key of Object.keys(original)) if (!retain.includes(key)) delete original[key];
  }
  const orders: [string, unknown[]][] = [];
  for (const [key, value] of Object.entries(patch)) {
    // 3.
    if (key.startsWith(DELETE_FROM)) {
      if (!Array.isArray(value)) throw malformedPatch('invalid patch format: $deleteFromPrimitiveList must be a list');
      const field = key.slice(DELETE_FROM.length);
      const current = own(original, field);
      if (Array.isArray(current)) {
        const kept = current.filter((v) => !value.some((d) => jsonEqual(d, v)));
        if (kept.length > 0) put(original, field, kept);
        else delete original[field];
      }
    } else if (key.startsWith(SET_ORDER)) {
      if (!Array.isArray(value)) throw malformedPatch('invalid patch format: $setElementOrder must be a list');
      orders.push([key.slice(SET_ORDER.length), value]);
    }
  }
  // 4.
  const serverOrders = new Map<string, unknown[]>();
  for (const [key, value] of Object.entries(patch)) {
    if (key === PATCH || key === RETAIN_KEYS || key.startsWith(DELETE_FROM) || key.startsWith(SET_ORDER)) continue;
    const child = fieldSchema(schema, key);
    if (value === null) {
      delete original[key];
    } else if (isObject(value) && child?.kind === 'map' && child.smpReplace) {
      // mergeMapHandler: patchStrategy=replace takes the patch's value as it is.
      put(original, key, cloneJson(value));
    } else if (isObject(value)) {
      const before = own(original, key);
      put(original, key, mergeMap(isObject(before) ? before : {}, value, child));
    } else if (Array.isArray(value)) {
      const current = own(original, key);
      const before = Array.isArray(current) ? current : [];
      put(original, key, mergeList(before, value, child));
      serverOrders.set(key, before);
    } else {
      put(original, key, value);
    }
  }
  // 5.
  for (const [field, order] of orders) {
    const list = own(original, field);
    const before = serverOrders.get(field) ?? (Array.isArray(list) ? list : []);
    if (Array.isArray(list)) put(original, field, normalizeOrder(list, order, before, fieldSchema(schema, field)));
  }
  return original;
}

function withoutKey(obj: JsonObject, key: string): JsonObject {
  const { [key]: _dropped, ...rest } = obj;
  return rest;
}

/** Merges list `patch` into `original` by the list's SMP strategy. */
function mergeList(original: unknown[], patch: unknown[], schema: FieldSchema | undefined): unknown[] {
  const list = schema?.kind === 'list' ? schema : undefined;
  if (!list || list.smp === 'replace') return patch.map((v) => clean(v, list?.elem));
  if (list.smp === 'merge-primitive') {
    const out = [...original];
    for (const v of patch) if (!out.some((o) => jsonEqual(o, v))) out.push(v);
    return normalizeOrder(out, patch, original, list);
  }
  const mergeKey = list.smp.mergeKey;
  if (patch.some((e) => isObject(e) && e[PATCH] === 'replace')) {
    return patch.filter((e) => !(isObject(e) && e[PATCH] === 'replace')).map((v) => clean(v, list.elem));
  }
  const out = [...original];
  for (const element of patch) {
    if (!isObject(element)) {
      throw cannotApply(`${JSON.stringify(element)}: list of maps merged by "${mergeKey}" has a non-map element`);
    }
    if (!(mergeKey in element)) {
      throw cannotApply(`map: ${JSON.stringify(element)} does not contain declared merge key: ${mergeKey}`);
    }
    const at = out.findIndex((o) => isObject(o) && jsonEqual(own(o, mergeKey), own(element, mergeKey)));
    if (element[PATCH] === 'delete') {
      // Deletes every element with that key (duplicates too), as deleteMatchingEntries does.
      for (let i = out.length - 1; i >= 0; i--) {
        const o = out[i];
        if (isObject(o) && jsonEqual(own(o, mergeKey), own(element, mergeKey))) out.splice(i, 1);
      }
    } else if (at >= 0) {
      out[at] = mergeMap(out[at] as JsonObject, element, list.elem);
    } else {
      out.push(mergeMap({}, element, list.elem));
    }
  }
  return normalizeOrder(out, patch.filter((e) => !(isObject(e) && PATCH in e)), original, list);
}

/** A patch value with its directives processed against nothing (what a new field becomes). */
function clean(v: unknown, schema: FieldSchema | undefined): unknown {
  if (isObject(v)) return mergeMap({}, v, schema);
  return cloneJson(v);
}

/**
 * Orders a merged list as normalizeElementOrder does: the elements `order` names (the patch's
 * elements, or its `$setElementOrder` list) in that order, interleaved with the server-only
 * elements, which keep their relative order. A server-only element goes before a patch element
 * only when both were in the original list and it came first there (mergeSortedSlice), so
 * elements new to the list come before the server-only ones that follow them.
 */
function normalizeOrder(list: unknown[], order: unknown[], serverOrder: unknown[], schema: FieldSchema | undefined): unknown[] {
  const keyOf = orderKey(schema?.kind === 'list' ? schema : undefined);
  const indexIn = (l: unknown[], e: unknown): number => l.findIndex((o) => jsonEqual(keyOf(o), keyOf(e)));
  const named = list.filter((e) => indexIn(order, e) >= 0).sort((a, b) => indexIn(order, a) - indexIn(order, b));
  const serverOnly = list.filter((e) => indexIn(order, e) < 0);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < named.length) {
    if (i >= serverOnly.length) out.push(named[j++]);
    else if (j >= named.length) out.push(serverOnly[i++]);
    else {
      const li = indexIn(serverOrder, serverOnly[i]);
      const ri = indexIn(serverOrder, named[j]);
      out.push(li >= 0 && ri >= 0 && li < ri ? serverOnly[i++] : named[j++]);
    }
  }
  return out;
}

function orderKey(schema: ListSchema | undefined): (e: unknown) => unknown {
  if (schema && typeof schema.smp === 'object') {
    const mergeKey = schema.smp.mergeKey;
    return (e) => (isObject(e) ? own(e, mergeKey) : e);
  }
  return (e) => e;
}

/**
 * Strategic merge patch, as apimachinery/pkg/util/strategicpatch/patch.go applies it: maps merge
 * key by key (null deletes), lists merge by their `patchMergeKey` or as sets of scalars when the
 * schema says so and are replaced otherwise, and the directives `$patch` (replace, delete),
 * `$retainKeys`, `$deleteFromPrimitiveList/<f>` and `$setElementOrder/<f>` are honoured.
 * This is what kubectl client-side apply and `kubectl patch` send.
 *
 * Upstream merges a patch map into an original map (mergeMap) only where the original holds a map
 * at that place, and a patch list into a list (mergeSlice) only where it holds a list; anything
 * else the patch brings is new content, taken through removeDirectives, which drops every map in
 * it that carries `$patch`. The merge-time checks (directives, merge keys, `$setElementOrder`)
 * apply only to the former: `merging` below. Their failures are 500s carrying upstream's text
 * (errors.ts, strategicMergeFailed). New content's other directives are applied here, where
 * upstream leaves them as keys for the decoder to drop.
 */
import { malformedPatch, cannotApply, badArgType, badPatchType, noMergeKey, strategicMergeFailed } from './errors.js';
import { formatGoValue } from './go-format.js';
import { cloneJson, isObject, jsonEqual, own, put, type JsonObject } from './json-value.js';
import { fieldSchema, type FieldSchema, type ListSchema, type MapSchema } from './merge-keys.js';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const DELETE_FROM = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';
/** The Go type a list decodes to, as mergepatch.ErrBadArgType names it. */
const GO_LIST = '[]interface {}';
const GO_MAP = 'map[string]interface {}';

/** Returns `original` with `patch` merged in by `schema`; neither input is mutated. */
export function strategicMerge(original: JsonObject, patch: JsonObject, schema: MapSchema | undefined): JsonObject {
  return mergeMap(cloneJson(original), patch, schema, true) ?? {};
}

/**
 * Merges `patch` into `original` (a private copy, edited in place); `merging` is false for new
 * content, whose other directives are processed without upstream's checks. Returns undefined
 * when the new content is a map carrying `$patch`, which upstream's removeDirectives drops
 * whatever its value: the member or list element it was to become disappears.
 * 1. `$patch`: new content is dropped; merging, replace returns the patch, delete empties the
 *    map, any other value (merge included) is handleDirectiveInMergeMap's ErrBadPatchType.
 * 2. `$retainKeys` drops original keys the list does not name.
 * 3. `$deleteFromPrimitiveList/<f>` removes values from the list f; merging, a
 *    `$setElementOrder/<f>` must fit the patch's list f (checkSetElementOrder).
 * 4. Each other key: null deletes, maps and lists merge by schema, anything else replaces.
 * 5. `$setElementOrder/<f>` reorders the merged list f.
 */
function mergeMap(original: JsonObject, patch: JsonObject, schema: FieldSchema | undefined, merging: boolean): JsonObject | undefined {
  // 1.
  const directive = patch[PATCH];
  if (directive !== undefined) {
    if (!merging) return undefined;
    if (directive === 'replace') return mergeMap({}, withoutKey(patch, PATCH), schema, false) ?? {};
    if (directive === 'delete') return {};
    throw badPatchType(directive, patch);
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
      const field = key.slice(SET_ORDER.length);
      if (merging) checkSetElementOrder(value, own(patch, field), fieldSchema(schema, field));
      else if (!Array.isArray(value)) throw malformedPatch('invalid patch format: $setElementOrder must be a list');
      orders.push([field, value as unknown[]]);
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
      const merged = mergeMap(isObject(before) ? before : {}, value, child, merging && isObject(before));
      if (merged === undefined) delete original[key];
      else put(original, key, merged);
    } else if (Array.isArray(value)) {
      const current = own(original, key);
      const before = Array.isArray(current) ? current : [];
      put(original, key, mergeList(before, value, child, merging && Array.isArray(current)));
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

/**
 * 3. Checks `$setElementOrder/<f>` against the patch's list f as mergePatchIntoOriginal and
 * validatePatchWithSetOrderList do: both must be lists (ErrBadArgType); then, walking both,
 * every element of the patch list (deletions left out, other directive elements skipped) must be
 * met in the order list, in the same relative order, compared by merge key (a merge-keyed list
 * holds maps with the key: ErrBadArgType, ErrNoMergeKey). A patch element the order list lacks,
 * or names earlier, is upstream's "The order in patch list" error.
 */
function checkSetElementOrder(order: unknown, patchList: unknown, schema: FieldSchema | undefined): void {
  if (!Array.isArray(order)) throw badArgType(GO_LIST, order);
  if (patchList !== undefined && !Array.isArray(patchList)) throw badArgType(GO_LIST, patchList);
  if (!patchList || order.length === 0 || patchList.length === 0) return;
  const mergeKey = schema?.kind === 'list' && typeof schema.smp === 'object' ? schema.smp.mergeKey : '';
  let kept: unknown[] = patchList;
  if (mergeKey) {
    // extractToDeleteItems: every element is a map.
    for (const e of patchList) if (!isObject(e)) throw badArgType(GO_MAP, e);
    kept = patchList.filter((e) => (e as JsonObject)[PATCH] !== 'delete');
  }
  let p = 0;
  let s = 0;
  while (p < kept.length && s < order.length) {
    if (hasDirective(kept[p])) {
      p++;
      continue;
    }
    if (sameMergeKey(kept[p], order[s], mergeKey)) p++;
    s++;
  }
  if (p < kept.length) {
    throw strategicMergeFailed(`The order in patch list:\n${formatGoValue(patchList)}\n doesn't match $setElementOrder list:\n${formatGoValue(order)}\n`);
  }
}

/** mergeKeyValueEqual: two elements name the same item (by merge key, or as values without one). */
function sameMergeKey(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return jsonEqual(left, right);
  if (!isObject(left)) throw badArgType(GO_MAP, left);
  if (!isObject(right)) throw badArgType(GO_MAP, right);
  if (own(left, mergeKey) === undefined) throw noMergeKey(left, mergeKey);
  if (own(right, mergeKey) === undefined) throw noMergeKey(right, mergeKey);
  return jsonEqual(left[mergeKey], right[mergeKey]);
}

/** containsDirectiveMarker: a map carrying `$patch`. */
function hasDirective(e: unknown): boolean {
  return isObject(e) && own(e, PATCH) !== undefined;
}

function withoutKey(obj: JsonObject, key: string): JsonObject {
  const { [key]: _dropped, ...rest } = obj;
  return rest;
}

/**
 * Merges list `patch` into `original` by the list's SMP strategy. `existed`: the original held
 * this list and we are merging (upstream's mergeSlice); otherwise the patch list is new content.
 * For a list merged by key:
 * 1. New content: its directive elements are dropped, the rest taken (removeDirectives).
 * 2. Directive elements first (mergeSliceWithSpecialElements): delete needs the merge key,
 *    replace makes the result the other elements, merge is refused ("merging lists cannot yet
 *    be specified in the patch") and any other value is ErrBadPatchType: 500s all.
 * 3. Each other element (which must hold the merge key: ErrNoMergeKey) merges into the element
 *    with its key or is appended; deletions remove every element with theirs.
 */
function mergeList(original: unknown[], patch: unknown[], schema: FieldSchema | undefined, existed: boolean): unknown[] {
  const list = schema?.kind === 'list' ? schema : undefined;
  if (!list || list.smp === 'replace') return cleanAll(patch, list?.elem);
  if (list.smp === 'merge-primitive') {
    const out = [...original];
    for (const v of patch) if (!out.some((o) => jsonEqual(o, v))) out.push(v);
    return normalizeOrder(out, patch, original, list);
  }
  const mergeKey = list.smp.mergeKey;
  // 1.
  if (!existed) return cleanAll(patch, list.elem);
  // 2.
  let replace = false;
  for (const e of patch) {
    if (!hasDirective(e)) continue;
    const element = e as JsonObject;
    const directive = element[PATCH];
    if (directive === 'delete') {
      if (own(element, mergeKey) === undefined) throw noMergeKey(element, mergeKey);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw strategicMergeFailed('merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, element);
    }
  }
  if (replace) return cleanAll(patch.filter((e) => !hasDirective(e)), list.elem);
  // 3.
  const out = [...original];
  for (const element of patch) {
    if (!isObject(element)) {
      throw cannotApply(`${JSON.stringify(element)}: list of maps merged by "${mergeKey}" has a non-map element`);
    }
    const key = own(element, mergeKey);
    if (element[PATCH] === 'delete') {
      // Deletes every element with that key (duplicates too), as deleteMatchingEntries does.
      for (let i = out.length - 1; i >= 0; i--) {
        const o = out[i];
        if (isObject(o) && jsonEqual(own(o, mergeKey), key)) out.splice(i, 1);
      }
      continue;
    }
    if (key === undefined) throw noMergeKey(element, mergeKey);
    const at = out.findIndex((o) => isObject(o) && jsonEqual(own(o, mergeKey), key));
    if (at >= 0) out[at] = mergeMap(out[at] as JsonObject, element, list.elem, true) ?? {};
    else out.push(mergeMap({}, element, list.elem, false) ?? {});
  }
  return normalizeOrder(out, patch.filter((e) => !hasDirective(e)), original, list);
}

/**
 * New list content with its directives processed against nothing (what a new field becomes):
 * an element that is a map carrying `$patch` is dropped, as removeDirectives drops it.
 */
function cleanAll(items: readonly unknown[], schema: FieldSchema | undefined): unknown[] {
  const out: unknown[] = [];
  for (const v of items) {
    const cleaned = isObject(v) ? mergeMap({}, v, schema, false) : cloneJson(v);
    if (cleaned !== undefined) out.push(cleaned);
  }
  return out;
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

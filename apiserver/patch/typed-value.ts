/**
 * Walks over objects by the server-side-apply view of the schema (merge-keys.ts), as
 * structured-merge-diff's typed package does: the set of fields a value sets (tofieldset.go),
 * the difference between two values (compare.go), merging an applied configuration into a live
 * object (merge.go) and removing fields (remove.go). Maps are granular unless atomic; lists are
 * atomic, sets (`v:` items) or associative (`k:` items) by the schema; deduced fields are maps
 * key by key and atomic lists. A null in an applied configuration removes the field; the
 * applier owns it, as it owns an empty map.
 */
import { FieldSet, fieldPE, type FieldPath } from './field-set.js';
import { pathString } from './path-string.js';
import { itemPE } from './item-path-element.js';
import { cloneJson, isObject, jsonEqual, own, put, type JsonObject } from './json-value.js';
import { fieldSchema, type FieldSchema, type ListSchema } from './merge-keys.js';

/** How a value is owned: as one leaf, key by key (a map), or item by item (a set or an associative list). */
export type Granularity = 'leaf' | 'map' | 'set' | 'assoc';

/** How `value` is owned under `schema`: lists granular only where the schema says, maps unless atomic. */
export function granularity(v: unknown, schema: FieldSchema | undefined): Granularity {
  if (Array.isArray(v)) {
    if (schema?.kind !== 'list' || schema.ssa === 'atomic') return 'leaf';
    return schema.ssa === 'set' ? 'set' : 'assoc';
  }
  if (isObject(v)) return schema?.kind === 'map' && schema.atomic ? 'leaf' : 'map';
  return 'leaf';
}

/** A value that does not fit the schema (upstream: "failed to create typed patch object"). */
export class InvalidTypedValue extends Error {
  readonly code = 'InvalidTypedValue';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTypedValue';
  }
}

/** The path elements of an applied configuration's items: errors and duplicates throw. */
function configItemPEs(list: ListSchema, items: unknown[], path: FieldPath): string[] {
  const seen = new Set<string>();
  return items.map((item, i) => {
    const pe = itemPE(list, item);
    if (typeof pe !== 'string') throw new InvalidTypedValue(`${pathString(path)}: element ${i}: ${pe.error}`);
    if (seen.has(pe)) throw new InvalidTypedValue(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
    seen.add(pe);
    return pe;
  });
}

/** The path element of a live item; live data that does not fit goes by index instead. */
function livePE(list: ListSchema, item: unknown, index: number): string {
  const pe = itemPE(list, item);
  return typeof pe === 'string' ? pe : `i:${index}`;
}

/** Items of a granular list by path element; items without one (invalid live data) go by index. */
function itemsByPE(list: ListSchema, items: unknown[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  items.forEach((item, i) => {
    const pe = livePE(list, item, i);
    if (!out.has(pe)) out.set(pe, item);
  });
  return out;
}

/**
 * The set of fields `value` sets (ToFieldSet). An applied configuration must fit the schema
 * (InvalidTypedValue otherwise); a live object (`isLive`) may hold duplicate or keyless items,
 * as upstream converts live objects with AllowDuplicates.
 */
export function toFieldSet(value: unknown, schema: FieldSchema | undefined, isLive = false): FieldSet {
  const set = new FieldSet();
  if (isLive) collectLenient(value, schema, [], set);
  else collect(value, schema, [], set);
  return set;
}

function collect(value: unknown, schema: FieldSchema | undefined, path: FieldPath, set: FieldSet): void {
  if (value === undefined) return;
  switch (value === null ? 'leaf' : granularity(value, schema)) {
    case 'leaf':
      if (path.length > 0) set.insert(path);
      return;
    case 'map':
      for (const [k, v] of Object.entries(value as JsonObject)) {
        const p = [...path, fieldPE(k)];
        collect(v, fieldSchema(schema, k), p, set);
        // tofieldset.go visitMapItems: a null or an empty map is owned as itself.
        if (v === null || (isObject(v) && Object.keys(v).length === 0)) set.insert(p);
      }
      return;
    default: {
      const list = schema as ListSchema;
      const items = value as unknown[];
      configItemPEs(list, items, path).forEach((pe, i) => {
        const p = [...path, pe];
        set.insert(p);
        if (isObject(items[i])) collect(items[i], list.elem, p, set);
      });
    }
  }
}

/** What changed between two values (typed Compare), as three field sets. */
export interface Comparison {
  modified: FieldSet;
  added: FieldSet;
  removed: FieldSet;
}

/** Compares `before` with `after` field by field. */
export function compareValues(before: unknown, after: unknown, schema: FieldSchema | undefined): Comparison {
  const out: Comparison = { modified: new FieldSet(), added: new FieldSet(), removed: new FieldSet() };
  compareAt(before, after, schema, [], out);
  return out;
}

function compareAt(a: unknown, b: unknown, schema: FieldSchema | undefined, path: FieldPath, out: Comparison): void {
  // The same value on both sides (a member an update shares with the stored object) differs nowhere.
  if (a === b) return;
  const hasA = a !== undefined && a !== null;
  const hasB = b !== undefined && b !== null;
  if (!hasA && !hasB) return;
  if (!hasA) return collectWhole(b, schema, path, out.added);
  if (!hasB) return collectWhole(a, schema, path, out.removed);
  const ga = granularity(a, schema);
  const gb = granularity(b, schema);
  if (ga !== gb || ga === 'leaf') {
    if (jsonEqual(a, b)) return;
    if (ga === 'leaf' && gb === 'leaf') {
      if (path.length > 0) out.modified.insert(path);
      return;
    }
    collectLenient(a, schema, path, out.removed);
    collectLenient(b, schema, path, out.added);
    return;
  }
  if (ga === 'map') {
    const ma = a as JsonObject;
    const mb = b as JsonObject;
    for (const k of new Set([...Object.keys(ma), ...Object.keys(mb)])) {
      compareAt(own(ma, k), own(mb, k), fieldSchema(schema, k), [...path, fieldPE(k)], out);
    }
    return;
  }
  const list = schema as ListSchema;
  const ia = itemsByPE(list, a as unknown[]);
  const ib = itemsByPE(list, b as unknown[]);
  for (const pe of new Set([...ia.keys(), ...ib.keys()])) {
    const p = [...path, pe];
    if (!ib.has(pe)) {
      out.removed.insert(p);
      if (isObject(ia.get(pe))) compareAt(ia.get(pe), undefined, list.elem, p, out);
    } else if (!ia.has(pe)) {
      out.added.insert(p);
      if (isObject(ib.get(pe))) compareAt(undefined, ib.get(pe), list.elem, p, out);
    } else {
      compareAt(ia.get(pe), ib.get(pe), list.elem, p, out);
    }
  }
}

// Top-level structs a Go zero object already holds ({} after conversion), so they are never
// "added" or "removed" as a whole.
const ALWAYS_PRESENT = new Set(['f:metadata', 'f:spec', 'f:status']);

/**
 * Whether a value of granularity `g` is a struct Go's zero object already holds (a top-level
 * metadata/spec/status, or a `zeroPresent` struct), which Compare never sees added or removed
 * as a whole, so it is no member of its own. `topPE` is the path element of a top-level field.
 */
export function isZeroPresent(g: Granularity, schema: FieldSchema | undefined, topPE: string | undefined): boolean {
  return g === 'map' && ((schema?.kind === 'map' && schema.zeroPresent === true) || (topPE !== undefined && ALWAYS_PRESENT.has(topPE)));
}

/**
 * An added or removed subtree for Compare: its fields, and the map or list itself (compare.go
 * inserts every node it finds on one side only), which is why Update entries show `".": {}`
 * under a map such as labels while Apply entries do not.
 */
function collectWhole(value: unknown, schema: FieldSchema | undefined, path: FieldPath, set: FieldSet): void {
  if (value === null || value === undefined) return;
  const g = granularity(value, schema);
  if (path.length > 0 && !isZeroPresent(g, schema, path.length === 1 ? path[0] : undefined)) set.insert(path);
  if (g === 'map') {
    for (const [k, v] of Object.entries(value as JsonObject)) collectWhole(v, fieldSchema(schema, k), [...path, fieldPE(k)], set);
  } else if (g !== 'leaf') {
    const list = schema as ListSchema;
    for (const [pe, item] of itemsByPE(list, value as unknown[])) collectWhole(item, list.elem, [...path, pe], set);
  }
}

/** collect() for live data: items without a key go by index instead of failing. */
function collectLenient(value: unknown, schema: FieldSchema | undefined, path: FieldPath, set: FieldSet): void {
  if (value === null || value === undefined) return;
  const g = granularity(value, schema);
  if (g === 'leaf') {
    if (path.length > 0) set.insert(path);
  } else if (g === 'map') {
    for (const [k, v] of Object.entries(value as JsonObject)) collectLenient(v, fieldSchema(schema, k), [...path, fieldPE(k)], set);
  } else {
    const list = schema as ListSchema;
    for (const [pe, item] of itemsByPE(list, value as unknown[])) {
      set.insert([...path, pe]);
      if (isObject(item)) collectLenient(item, list.elem, [...path, pe], set);
    }
  }
}

/**
 * Merges an applied configuration into a live value (typed Merge): granular maps key by key,
 * associative lists item by item and sets by union (both in upstream's order), and atomic
 * values replaced. Returns a new value; inputs are not mutated.
 */
export function mergeApplied(live: unknown, config: unknown, schema: FieldSchema | undefined, path: FieldPath = []): unknown {
  const g = granularity(config, schema);
  if (g === 'leaf' || granularity(live, schema) !== g) {
    if (g === 'leaf') return cloneJson(config);
    live = g === 'map' ? {} : [];
  }
  if (g === 'map') {
    const out: JsonObject = { ...(live as JsonObject) };
    for (const [k, v] of Object.entries(config as JsonObject)) {
      // Upstream merges the null in, and decoding drops it: the field goes.
      if (v === null) delete out[k];
      else if (v !== undefined) put(out, k, mergeApplied(own(out, k), v, fieldSchema(schema, k), [...path, fieldPE(k)]));
    }
    return out;
  }
  return mergeItems(live as unknown[], config as unknown[], schema as ListSchema, g === 'set', path);
}

/**
 * Merges the items of a granular list in structured-merge-diff's order (typed/merge.go
 * visitListItems): walk both lists; live-only items stay where they are, configuration items
 * come in configuration order, and an item both hold is emitted where the configuration puts it.
 */
function mergeItems(live: unknown[], config: unknown[], list: ListSchema, isSet: boolean, path: FieldPath): unknown[] {
  const livePEs = live.map((item, i) => livePE(list, item, i));
  const configPEs = configItemPEs(list, config, path);
  const liveByPE = new Map<string, unknown>();
  livePEs.forEach((pe, i) => { if (!liveByPE.has(pe)) liveByPE.set(pe, live[i]); });
  const inConfig = new Set(configPEs);
  const shared = configPEs.filter((pe) => liveByPE.has(pe));
  let nextShared = 0;
  const emitted = new Set<string>();
  const out: unknown[] = [];
  const emit = (pe: string, cfg: unknown): void => {
    emitted.add(pe);
    if (shared[nextShared] === pe) nextShared++;
    const old = liveByPE.get(pe);
    if (isSet) out.push(old !== undefined ? old : cloneJson(cfg));
    else out.push(mergeApplied(old ?? {}, cfg, list.elem, [...path, pe]));
  };
  let l = 0;
  let r = 0;
  while (l < live.length || r < config.length) {
    if (l < live.length && r < config.length) {
      if (livePEs[l] === configPEs[r]) {
        emit(configPEs[r], config[r]);
        l++;
        r++;
        continue;
      }
      // A shared item the configuration puts later: leave it for then.
      if (inConfig.has(livePEs[l]) && nextShared < shared.length && shared[nextShared] !== livePEs[l]) {
        l++;
        continue;
      }
    }
    if (l < live.length) {
      if (!inConfig.has(livePEs[l])) {
        out.push(live[l]);
        l++;
        continue;
      }
      if (emitted.has(livePEs[l])) l++;
    }
    if (r < config.length) {
      emit(configPEs[r], config[r]);
      r++;
    }
  }
  return out;
}

/**
 * Returns `value` without the members of `toRemove` (RemoveItems). A map or list emptied by the
 * removal disappears, as upstream turns it into null; the key fields of an associative item
 * that stays are never removed.
 */
export function removeFields(value: JsonObject, toRemove: FieldSet, schema: FieldSchema | undefined): JsonObject {
  if (toRemove.isEmpty()) return value;
  return (removeIn(value, toRemove, schema, []) as JsonObject | undefined) ?? {};
}

function removeIn(value: unknown, toRemove: FieldSet, schema: FieldSchema | undefined, keyFields: readonly string[]): unknown {
  const g = granularity(value, schema);
  if (g === 'leaf') return value;
  if (g === 'map') {
    const src = value as JsonObject;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(src)) {
      const pe = fieldPE(k);
      if (toRemove.has([pe]) && !keyFields.includes(k)) continue;
      const below = toRemove.below(pe);
      if (below && !below.isEmpty()) {
        const nv = removeIn(v, below, fieldSchema(schema, k), []);
        if (nv !== undefined) put(out, k, nv);
      } else {
        put(out, k, v);
      }
    }
    return Object.keys(out).length === 0 && Object.keys(src).length > 0 ? undefined : out;
  }
  const list = schema as ListSchema;
  const keys = typeof list.ssa === 'object' ? list.ssa.keys : [];
  const src = value as unknown[];
  const out: unknown[] = [];
  src.forEach((item, i) => {
    const pe = livePE(list, item, i);
    if (toRemove.has([pe])) return;
    const below = toRemove.below(pe);
    out.push(below && !below.isEmpty() ? (removeIn(item, below, list.elem, keys) ?? {}) : item);
  });
  return out.length === 0 && src.length > 0 ? undefined : out;
}

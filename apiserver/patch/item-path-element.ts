/**
 * The path element of a list item (fieldpath/serialize-pe.go, keyedAssociativeListItemToPathElement):
 * `k:{…}` for an item of an associative list, `v:<json>` for an item of a set. Every item of
 * every list written goes through here, on creates, updates and applies alike.
 */
import { canonicalJson, isObject, own, type JsonObject } from './json-value.js';
import type { ListSchema } from './merge-keys.js';

/**
 * The path element of one list item: `k:{…}` for an associative list, `v:<json>` for a set.
 * Key fields the item omits take their defaults, or are left out of the key
 * (keyedAssociativeListItemToPathElement); an item with no key field at all, or that is not a
 * map, has none: the error text says why.
 * 1. An associative item keyed as one seen before (the same scalar key values) takes the
 *    element built then.
 * 2. Otherwise the element is built, and remembered when every key value is a scalar.
 */
export function itemPE(list: ListSchema, item: unknown): string | { error: string } {
  if (list.ssa === 'set') return `v:${canonicalJson(item)}`;
  if (list.ssa === 'atomic') return { error: 'atomic list items have no path element' };
  if (item === null) return { error: 'associative list with keys may not have a null element' };
  if (!isObject(item)) return { error: 'associative list with keys may not have non-map elements' };
  const ssa = list.ssa;
  const known = knownItemPEs(ssa);
  // 1.
  let level: unknown = known.byValue;
  for (const name of known.keys) {
    if (!(level instanceof Map)) break;
    level = level.get(keyValue(item, name, ssa.defaults));
  }
  if (typeof level === 'string') return level;
  // 2. The JSON of the key object, written directly: `{"name":value,…}` in sorted key order, as
  // JSON.stringify prints an object built in that order.
  let key = '';
  let isScalar = true;
  for (const name of known.keys) {
    const v = keyValue(item, name, ssa.defaults);
    if (v === ABSENT) continue;
    key += `${key === '' ? '{' : ','}${JSON.stringify(name)}:${JSON.stringify(v)}`;
    if (typeof v === 'object') isScalar = false;
  }
  if (key === '') {
    const keys = ssa.keys.map((k) => JSON.stringify(k)).join(' ');
    return { error: `associative list with keys has an element that omits all key fields [${keys}] (and doesn't have default values for any key fields)` };
  }
  const pe = `k:${key}}`;
  if (isScalar) rememberItemPE(known, item, ssa.defaults, pe);
  return pe;
}

/**
 * Per associative list schema: its key fields, sorted, and the path elements built so far,
 * nested by key field value (scalars only, ABSENT for a missing key): every item of every
 * list written goes through itemPE, and key values (container, env, port) repeat. Bounded.
 */
interface KnownItemPEs {
  keys: readonly string[];
  byValue: Map<unknown, unknown>;
  size: number;
}

const ABSENT = Symbol('absent');
const MAX_KNOWN_ITEM_PES = 4096;
const knownItemPEsOf = new WeakMap<object, KnownItemPEs>();

function knownItemPEs(ssa: { keys: string[] }): KnownItemPEs {
  let known = knownItemPEsOf.get(ssa);
  if (known === undefined) knownItemPEsOf.set(ssa, (known = { keys: [...ssa.keys].sort(), byValue: new Map(), size: 0 }));
  return known;
}

// A key field's value, its default when absent, or ABSENT.
function keyValue(item: JsonObject, name: string, defaults: Record<string, unknown> | undefined): unknown {
  const v = own(item, name) ?? defaults?.[name];
  return v === undefined || v === null ? ABSENT : v;
}

function rememberItemPE(known: KnownItemPEs, item: JsonObject, defaults: Record<string, unknown> | undefined, pe: string): void {
  if (known.size >= MAX_KNOWN_ITEM_PES) {
    known.byValue = new Map();
    known.size = 0;
  }
  let level = known.byValue;
  const last = known.keys.length - 1;
  for (let i = 0; i < last; i++) {
    const v = keyValue(item, known.keys[i], defaults);
    let next = level.get(v) as Map<unknown, unknown> | undefined;
    if (next === undefined) level.set(v, (next = new Map()));
    level = next;
  }
  level.set(keyValue(item, known.keys[last], defaults), pe);
  known.size++;
}

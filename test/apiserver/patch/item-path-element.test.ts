import test from 'ava';
import fc from 'fast-check';
import { itemPE } from '../../../apiserver/patch/item-path-element.js';
import type { JsonObject } from '../../../apiserver/patch/json-value.js';
import type { ListSchema } from '../../../apiserver/patch/merge-keys.js';

const anyJson = fc.jsonValue({ maxDepth: 2 });

/** itemPE as first written: a key object built in sorted order, then JSON.stringify. */
function referenceItemPE(keys: string[], defaults: Record<string, unknown> | undefined, item: JsonObject): string | undefined {
  const key: JsonObject = {};
  for (const name of [...keys].sort()) {
    const v = Object.prototype.hasOwnProperty.call(item, name) ? item[name] : undefined;
    const value = v ?? defaults?.[name];
    if (value !== undefined && value !== null) Object.defineProperty(key, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return Object.keys(key).length === 0 ? undefined : `k:${JSON.stringify(key)}`;
}

// Fixed schemas, so items share the path elements itemPE remembers per schema.
const keyName = fc.constantFrom('port', 'protocol', 'name', '__proto__', 'a"b', '1');
const itemLists: ListSchema[] = [
  { kind: 'list', smp: 'replace', ssa: { keys: ['name'] } },
  { kind: 'list', smp: 'replace', ssa: { keys: ['port', 'protocol'], defaults: { protocol: 'TCP' } } },
  { kind: 'list', smp: 'replace', ssa: { keys: ['protocol', '__proto__', '1'], defaults: { '1': 80 } } },
  { kind: 'list', smp: 'replace', ssa: { keys: ['a"b', 'port'] } },
];
// Scalars that print alike (80 and "80"), nulls, and now and then an object or a list.
const keyValueArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(80, '80', 81, true, 'true', null, 'TCP', '', 0, -0) }, { weight: 1, arbitrary: anyJson });
const keyedItem = fc.dictionary(keyName, keyValueArb, { maxKeys: 4 });

function checkItemPE(t: { is(a: unknown, b: unknown): void }, list: ListSchema, item: JsonObject): void {
  const ssa = list.ssa as { keys: string[]; defaults?: Record<string, unknown> };
  const want = referenceItemPE(ssa.keys, ssa.defaults, item);
  const got = itemPE(list, item);
  if (want === undefined) t.is(typeof got, 'object');
  else t.is(got, want);
}

test('itemPE › the key of an associative item is the JSON of its key fields in sorted order, for items seen before too', (t) => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat({ max: itemLists.length - 1 }), keyedItem), { minLength: 1, maxLength: 20 }), (items) => {
    for (const [i, item] of items) checkItemPE(t, itemLists[i], item);
  }), { numRuns: 1000 });
});

test('itemPE › stays right past the number of path elements it remembers', (t) => {
  const list: ListSchema = { kind: 'list', smp: 'replace', ssa: { keys: ['port', 'protocol'], defaults: { protocol: 'TCP' } } };
  for (let round = 0; round < 2; round++) {
    for (let port = 0; port < 5000; port++) checkItemPE(t, list, { port, protocol: port % 3 === 0 ? 'UDP' : undefined });
  }
});

import test from 'ava';
import fc from 'fast-check';
import type { KubeObject } from '../../api-types/meta.js';
import { listJson, rememberJsonBeforeFreeze, storedJson, storedJsonBytes } from '../../apiserver/json-text.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { freezeJson } from '../../apiserver/store-meta.js';

const pods = resourceFor('', 'pods');

// Objects shaped like stored ones, with random content, undefined members and array holes.
const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined));
const short = fc.dictionary(fc.string(), value, { maxKeys: 4 });
// Members long enough to be remembered, and short ones that are not.
const member = fc.oneof(short, short.map((m) => ({ ...m, pad: `${'p'.repeat(300)}"é` })));
const entry = fc.record({ manager: fc.string(), operation: fc.constantFrom('Update', 'Apply'), fieldsV1: fc.dictionary(fc.string(), member, { maxKeys: 3 }), time: value }, { requiredKeys: ['manager'] });
const stored = fc.record({
  kind: fc.string(),
  metadata: fc.record({ name: fc.string(), labels: member, managedFields: fc.oneof(fc.array(fc.oneof(entry, fc.constant(null), fc.constant(undefined)), { maxLength: 3 }), value), extra: value }, { requiredKeys: ['name'] }),
  spec: member,
  status: value,
});

test('json-text › storedJson and rememberJsonBeforeFreeze write exactly what JSON.stringify writes', (t) => {
  fc.assert(
    fc.property(stored, (obj) => {
      const want = JSON.stringify(obj);
      // Not frozen: serialised, nothing remembered.
      t.is(storedJson(obj), want);
      const copy = structuredClone(obj);
      t.is(rememberJsonBeforeFreeze(copy), want);
      freezeJson(copy);
      // Remembered and read back; and a frozen object never seen before.
      t.is(storedJson(copy), want);
      t.is(storedJson(freezeJson(structuredClone(obj))), want);
    }),
    { numRuns: 300 },
  );
});

/** A frozen spec whose serialisations are counted: each one reads its only member once. */
function countedSpec(image: string): { spec: object; serialised: () => number } {
  let serialised = 0;
  const spec = new Proxy(Object.freeze({ containers: Object.freeze([Object.freeze({ name: 'main', image })]) }), {
    get(target, key, receiver) {
      if (key === 'containers') serialised++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { spec, serialised: () => serialised };
}

test('json-text › a long frozen member shared by a later version is not serialised again', (t) => {
  const { spec, serialised } = countedSpec(`registry.example/${'x'.repeat(300)}:1.0`);
  const first = { kind: 'Pod', metadata: { name: 'a', resourceVersion: '1' }, spec };
  rememberJsonBeforeFreeze(first);
  freezeJson(first);
  t.is(serialised(), 1);
  const second = { kind: 'Pod', metadata: { name: 'a', resourceVersion: '2', labels: { x: 'y' } }, spec };
  t.is(rememberJsonBeforeFreeze(second), JSON.stringify(second));
  t.is(storedJson(freezeJson(second)), JSON.stringify(second));
  t.is(serialised(), 3, 'only the two JSON.stringify calls of the assertions themselves');
});

test('json-text › a short member is serialised again rather than remembered', (t) => {
  const { spec, serialised } = countedSpec('i');
  const first = freezeJson({ kind: 'Service', metadata: { name: 'a' }, spec });
  t.is(storedJson(first), JSON.stringify(first));
  t.is(storedJson(first), JSON.stringify(first));
  t.is(serialised(), 4);
});

test('json-text › the newest objects\' whole texts are read back as remembered; older ones are composed again', (t) => {
  const { spec, serialised } = countedSpec('i');
  const obj = { kind: 'Service', metadata: { name: 'a' }, spec };
  const text = rememberJsonBeforeFreeze(obj);
  freezeJson(obj);
  t.is(storedJson(obj), text);
  t.is(serialised(), 1, 'read back without serialising its short spec again');
  // 256 objects stored after it push it out of the recent texts.
  for (let i = 0; i < 256; i++) {
    const other = { n: i };
    rememberJsonBeforeFreeze(other);
    freezeJson(other);
  }
  t.is(storedJson(obj), text);
  t.is(serialised(), 2);
});

test('json-text › storedJsonBytes is the UTF-8 of storedJson, encoded once for an object stored last', (t) => {
  const obj = { kind: 'ConfigMap', metadata: { name: 'é' }, data: { k: 'ü"\\' } };
  rememberJsonBeforeFreeze(obj);
  freezeJson(obj);
  const bytes = storedJsonBytes(obj);
  t.is(bytes.toString('utf8'), JSON.stringify(obj));
  t.is(storedJsonBytes(obj), bytes, 'the same bytes for the answer and every watch line');
  // An object not stored last is encoded each time it is asked for.
  const other = { metadata: { name: 'ö' } };
  t.is(storedJsonBytes(other).toString('utf8'), JSON.stringify(other));
  t.not(storedJsonBytes(other), storedJsonBytes(other));
});

test('json-text › an object that is not frozen is serialised as it is now, never from an older text', (t) => {
  const obj: { metadata: { name: string }; spec: { n: number } } = { metadata: { name: 'a' }, spec: { n: 1 } };
  t.is(storedJson(obj), JSON.stringify(obj));
  obj.spec.n = 2;
  obj.metadata.name = 'b';
  t.is(storedJson(obj), '{"metadata":{"name":"b"},"spec":{"n":2}}');
});

test('json-text › the store remembers the text of what an HTTP write stored, managedFields included, version after version', (t) => {
  const store = new MemoryStore();
  const opts = { fieldManager: 'kubectl', isHandedOver: true };
  const body = (): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'main', image: 'i', env: [{ name: 'E', value: 'é"\\' }] }] } });
  const created = store.create(pods, 'default', body(), opts);
  t.true(Object.isFrozen(created));
  t.is(storedJson(created), JSON.stringify(created));
  const changed = structuredClone(created);
  (changed.metadata.labels as Record<string, string>).c = 'd';
  const updated = store.update(pods, 'default', 'p', changed, opts).object;
  t.is(updated.spec, created.spec, 'the unchanged spec is the stored one');
  t.is(storedJson(updated), JSON.stringify(updated));
  t.regex(storedJson(updated), /"managedFields":\[/);
});

test('json-text › listJson writes what JSON.stringify writes for the list with its items stripped of kind and apiVersion', (t) => {
  fc.assert(
    fc.property(fc.array(stored.map((o) => ({ apiVersion: 'v1', ...o })), { maxLength: 4 }), fc.option(fc.string(), { nil: undefined }), (objects, token) => {
      const items = objects.map((o) => freezeJson(structuredClone(o)));
      const list = { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '7', continue: token }, items };
      const stripped = { ...list, items: objects.map(({ kind: _k, apiVersion: _a, ...rest }) => rest) };
      t.is(listJson(list), JSON.stringify(stripped));
      // Twice: the second time from the members' remembered texts.
      t.is(listJson(list), JSON.stringify(stripped));
    }),
    { numRuns: 200 },
  );
});

test('json-text › a shared list of the store serialises as its copied list does, page by page', (t) => {
  const store = new MemoryStore();
  const opts = { fieldManager: 'kubectl', isHandedOver: true };
  for (let i = 0; i < 5; i++) {
    store.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, labels: { i: String(i) } }, spec: { containers: [{ name: 'main', image: `i${'x'.repeat(300)}` }] } }, opts);
  }
  const shared = store.list(pods, { namespace: 'default', limit: 2, isShared: true });
  t.true(shared.items.every((o) => Object.isFrozen(o) && o.kind === 'Pod'), 'the stored objects themselves');
  t.is(listJson(shared), JSON.stringify(store.list(pods, { namespace: 'default', limit: 2 })).replace(/"continue":"[^"]*"/, `"continue":"${shared.metadata.continue}"`));
  const next = store.list(pods, { namespace: 'default', continue: shared.metadata.continue, isShared: true });
  t.is(listJson(next), JSON.stringify(store.list(pods, { namespace: 'default', continue: shared.metadata.continue })));
  t.is(next.items.length, 3);
});

test('json-text › a shared get is the stored object itself, and its text is the copy\'s', (t) => {
  const store = new MemoryStore();
  const created = store.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'main', image: 'i' }] } }, { isHandedOver: true });
  const shared = store.get(pods, 'default', 'p', { isShared: true });
  t.is(shared, created);
  const copy = store.get(pods, 'default', 'p');
  t.not(copy, created);
  t.false(Object.isFrozen(copy));
  t.is(storedJson(shared), JSON.stringify(copy));
});

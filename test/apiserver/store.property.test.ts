import test from 'ava';
import fc from 'fast-check';
import type { KubeObject } from '../../api-types/meta.js';
import { ApiError } from '../../apiserver/errors.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { FakeStoreClock } from '../helpers/fake-store-clock.js';

const configmaps = resourceFor('', 'configmaps');

type Op =
  | { kind: 'create'; ns: string; name: string; app: string }
  | { kind: 'relabel'; ns: string; name: string; app: string }
  | { kind: 'data'; ns: string; name: string; v: string }
  | { kind: 'delete'; ns: string; name: string };

const ns = fc.constantFrom('default', 'kube-system');
const name = fc.constantFrom('a', 'b', 'c', 'd');
const app = fc.constantFrom('web', 'db');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), ns, name, app }),
  fc.record({ kind: fc.constant('relabel' as const), ns, name, app }),
  fc.record({ kind: fc.constant('data' as const), ns, name, v: fc.constantFrom('1', '2') }),
  fc.record({ kind: fc.constant('delete' as const), ns, name }),
);

// Runs an op, ignoring the API errors a random sequence provokes (404, 409 AlreadyExists).
function run(s: MemoryStore, o: Op): void {
  try {
    if (o.kind === 'create') s.create(configmaps, o.ns, { metadata: { name: o.name, labels: { app: o.app } } });
    else if (o.kind === 'delete') s.delete(configmaps, o.ns, o.name);
    else {
      const cur = s.get(configmaps, o.ns, o.name);
      if (o.kind === 'relabel') cur.metadata.labels = { app: o.app };
      else cur.data = { v: o.v };
      s.update(configmaps, o.ns, o.name, cur);
    }
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
  }
}

const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
const view = (items: KubeObject[]) => items.map((o) => `${key(o)}@${o.metadata.resourceVersion}`).sort();

test('MemoryStore › list at RV N plus a watch from N (with selector transitions) always equals the final list', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(fc.array(op, { maxLength: 12 }), fc.array(op, { maxLength: 12 }), fc.constantFrom('', 'app=web', 'app!=web'), (before, after, selector) => {
      const s = new MemoryStore({ clock: new FakeStoreClock() });
      for (const o of before) run(s, o);
      const start = s.list(configmaps, { labelSelector: selector });
      const state = new Map(start.items.map((o) => [key(o), o]));
      s.watch(configmaps, { resourceVersion: start.metadata.resourceVersion, labelSelector: selector }, {
        event: (ev) => {
          const obj = ev.object as KubeObject;
          if (ev.type === 'DELETED') state.delete(key(obj));
          else state.set(key(obj), obj);
        },
        end: () => {},
      });
      for (const o of after) run(s, o);
      return JSON.stringify(view([...state.values()])) === JSON.stringify(view(s.list(configmaps, { labelSelector: selector }).items));
    }),
    { numRuns: 1000 },
  ));
});

test('MemoryStore › an Exact list at any retained RV equals the list taken at that RV', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 16 }), (ops) => {
      const s = new MemoryStore({ clock: new FakeStoreClock() });
      const taken: { rv: string; items: string[] }[] = [];
      for (const o of ops) {
        run(s, o);
        const l = s.list(configmaps);
        taken.push({ rv: l.metadata.resourceVersion as string, items: view(l.items) });
      }
      return taken.every(({ rv, items }) =>
        JSON.stringify(view(s.list(configmaps, { resourceVersion: rv, resourceVersionMatch: 'Exact' }).items)) === JSON.stringify(items));
    }),
    { numRuns: 1000 },
  ));
});

test('MemoryStore › paging with any limit yields exactly the unpaged list, whatever is written between pages', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(fc.array(op, { maxLength: 12 }), fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 6 }), (ops, limit, between) => {
      const s = new MemoryStore({ clock: new FakeStoreClock() });
      for (const o of ops) run(s, o);
      const whole = s.list(configmaps);
      const seen: KubeObject[] = [];
      let cont: string | undefined;
      let i = 0;
      do {
        const page = s.list(configmaps, { limit, continue: cont });
        if (page.metadata.resourceVersion !== whole.metadata.resourceVersion) return false;
        seen.push(...page.items);
        cont = page.metadata.continue;
        if (between[i]) run(s, between[i]);
        i++;
      } while (cont);
      return JSON.stringify(seen) === JSON.stringify(whole.items);
    }),
    { numRuns: 1000 },
  ));
});

import test from 'ava';
import fc from 'fast-check';
import { ServicePodIndex, selectorMatches, sharedServicePods, type ServicePodInformers } from '../../../controllers/shared/service-pods.js';
import type { Pod, Service } from '../../../api-types/core.js';

test('selectorMatches › nil selects nothing, {} selects everything, otherwise every pair must match', (t) => {
  t.false(selectorMatches(undefined, { a: '1' }));
  t.false(selectorMatches(null, { a: '1' }));
  t.true(selectorMatches({}, undefined));
  t.true(selectorMatches({ a: '1' }, { a: '1', b: '2' }));
  t.false(selectorMatches({ a: '1', b: '3' }, { a: '1', b: '2' }));
});

test('ServicePodIndex › follows pod relabels, selector changes, ExternalName and deletes', (t) => {
  const idx = new ServicePodIndex();
  const svc = (name: string, selector: Record<string, string> | undefined, type?: string): Service => ({ metadata: { name, namespace: 'd' }, spec: { selector, type: type as never } });
  const pod = (name: string, labels: Record<string, string>): Pod => ({ metadata: { name, namespace: 'd', labels } });
  idx.setService(svc('web', { app: 'web' }), 'd', 'web');
  t.deepEqual([...idx.setPod('d/p1', pod('p1', { app: 'web' }), 'd')], ['d/web']);
  t.deepEqual([...idx.podKeysOf('d/web')], ['d/p1']);
  // Relabelled away: the old Service is told, and loses the pod.
  t.deepEqual([...idx.setPod('d/p1', pod('p1', { app: 'db' }), 'd')], ['d/web']);
  t.deepEqual([...idx.podKeysOf('d/web')], []);
  // Moved from one Service to another: both are told once, and only the new one is on record
  // (the next event of the pod no longer concerns the old one).
  idx.setService(svc('db', { app: 'db' }), 'd', 'db');
  t.deepEqual([...idx.servicesOf('d/p1')], ['d/db']);
  t.deepEqual([...idx.setPod('d/p1', pod('p1', { app: 'web' }), 'd')].sort(), ['d/db', 'd/web']);
  t.deepEqual([...idx.servicesOf('d/p1')], ['d/web']);
  t.deepEqual([...idx.setPod('d/p1', pod('p1', { app: 'web', v: '2' }), 'd')], ['d/web']);
  t.deepEqual([...idx.setPod('d/p1', pod('p1', { app: 'db' }), 'd')].sort(), ['d/db', 'd/web']);
  idx.setService(undefined, 'd', 'db');
  idx.setService(svc('web', { app: 'db' }), 'd', 'web');
  t.deepEqual([...idx.podKeysOf('d/web')], ['d/p1']);
  idx.setService(svc('web', { app: 'db' }, 'ExternalName'), 'd', 'web');
  t.deepEqual([...idx.podKeysOf('d/web')], []);
  t.deepEqual([...idx.servicesOf('d/p1')], []);
  idx.setService(svc('all', {}), 'd', 'all');
  t.deepEqual([...idx.setPod('d/p1', undefined, 'd')], ['d/all']);
  t.deepEqual([...idx.podKeysOf('d/all')], []);
});

test('ServicePodIndex › property: membership always equals brute-force selector matching', (t) => {
  const labels = fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom('a', 'b'), { maxKeys: 2 });
  const op = fc.oneof(
    fc.record({ k: fc.constant('pod' as const), ns: fc.constantFrom('x', 'y'), n: fc.nat(5), labels: fc.option(labels, { nil: undefined }) }),
    fc.record({ k: fc.constant('svc' as const), ns: fc.constantFrom('x', 'y'), n: fc.nat(3), selector: fc.option(fc.option(labels, { nil: null }), { nil: undefined }) }),
  );
  t.notThrows(() => fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const idx = new ServicePodIndex();
      const pods = new Map<string, { ns: string; labels: Record<string, string> }>();
      const svcs = new Map<string, { ns: string; selector: Record<string, string> | null }>();
      for (const o of ops) {
        if (o.k === 'pod') {
          const key = `${o.ns}/p${o.n}`;
          const before = new Set([...svcs].filter(([, s]) => s.ns === o.ns && pods.has(key) && selectorMatches(s.selector, pods.get(key)!.labels)).map(([k]) => k));
          if (o.labels === undefined) pods.delete(key);
          else pods.set(key, { ns: o.ns, labels: o.labels });
          const after = new Set([...svcs].filter(([, s]) => s.ns === o.ns && pods.has(key) && selectorMatches(s.selector, pods.get(key)!.labels)).map(([k]) => k));
          const told = idx.setPod(key, o.labels === undefined ? undefined : { metadata: { labels: o.labels } }, o.ns);
          // Exactly the Services concerned, and exactly the ones selecting it now on record.
          if (told.size !== new Set([...before, ...after]).size) return false;
          for (const s of [...before, ...after]) if (!told.has(s)) return false;
          if (JSON.stringify([...idx.servicesOf(key)].sort()) !== JSON.stringify([...after].sort())) return false;
        } else {
          const key = `${o.ns}/s${o.n}`;
          if (o.selector === undefined) svcs.delete(key);
          else svcs.set(key, { ns: o.ns, selector: o.selector });
          idx.setService(o.selector === undefined ? undefined : { metadata: {}, spec: { selector: o.selector } }, o.ns, `s${o.n}`);
        }
        for (const [sk, s] of svcs) {
          const want = [...pods].filter(([, p]) => p.ns === s.ns && selectorMatches(s.selector, p.labels)).map(([k]) => k).sort();
          if (JSON.stringify([...idx.podKeysOf(sk)].sort()) !== JSON.stringify(want)) return false;
        }
      }
      return true;
    }),
    { numRuns: 1000 },
  ));
});

test('ServicePodIndex › podsOf: the latest pod objects in joining order, one array until something changes', (t) => {
  const idx = new ServicePodIndex();
  const pod = (name: string, v: string): Pod => ({ metadata: { name, namespace: 'd', resourceVersion: v, labels: { app: 'web' } } });
  idx.setService({ metadata: { name: 'web', namespace: 'd' }, spec: { selector: { app: 'web' } } }, 'd', 'web');
  const [a, b, c] = [pod('a', '1'), pod('b', '1'), pod('c', '1')];
  for (const p of [a, b, c]) idx.setPod(`d/${p.metadata.name}`, p, 'd');
  const first = idx.podsOf('d/web');
  t.deepEqual(first, [a, b, c]);
  t.is(idx.podsOf('d/web'), first);
  idx.setPod('d/other', { metadata: { name: 'other', namespace: 'd', labels: { app: 'db' } } }, 'd');
  t.is(idx.podsOf('d/web'), first, 'a pod of no concern to the Service keeps its list');
  const b2 = pod('b', '2');
  idx.setPod('d/b', b2, 'd');
  const second = idx.podsOf('d/web');
  t.not(second, first);
  t.deepEqual(second, [a, b2, c], 'an updated pod keeps its place');
  t.deepEqual(first, [a, b, c], 'an earlier answer is never edited');
  idx.setPod('d/a', undefined, 'd');
  t.deepEqual(idx.podsOf('d/web'), [b2, c]);
  t.deepEqual(idx.podsOf('d/none'), []);
});

test('sharedServicePods › one index per informer factory, fed by its own handlers before the controllers\'', (t) => {
  type Handler<T> = { onAdd?: (o: T) => void; onUpdate?: (o: T, n: T) => void; onDelete?: (o: T) => void };
  const stub = <T>() => ({ handlers: [] as Handler<T>[], addHandler(h: Handler<T>) { this.handlers.push(h); } });
  const services = stub<Service>();
  const pods = stub<Pod>();
  const informers = { get: (r: 'services' | 'pods') => (r === 'services' ? services : pods) } as unknown as ServicePodInformers;
  const shared = sharedServicePods(informers);
  t.is(sharedServicePods(informers), shared);
  t.not(sharedServicePods({ get: informers.get } as ServicePodInformers), shared);
  // A controller registers after the index, as the controllers do in setup.
  const seen: string[][] = [];
  pods.addHandler({ onUpdate: (_o, p) => seen.push([...shared.servicesFor(p)]), onDelete: (p) => seen.push([...shared.servicesFor(p)]) });
  const svc: Service = { metadata: { name: 'web', namespace: 'd' }, spec: { selector: { app: 'web' } } };
  for (const h of services.handlers) h.onAdd?.(svc);
  const p1: Pod = { metadata: { name: 'p1', namespace: 'd', labels: { app: 'web' } } };
  const p2: Pod = { metadata: { name: 'p1', namespace: 'd', labels: { app: 'db' } } };
  for (const h of pods.handlers) h.onAdd?.(p1);
  t.deepEqual(shared.index.podsOf('d/web'), [p1]);
  for (const h of pods.handlers) h.onUpdate?.(p1, p2);
  t.deepEqual(seen, [['d/web']], 'relabelled away: the Service that lost it is told');
  t.deepEqual(shared.index.podsOf('d/web'), []);
  for (const h of pods.handlers) h.onDelete?.(p2);
  t.deepEqual(seen[1], []);
});

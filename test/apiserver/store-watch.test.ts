import test from 'ava';
import type { KubeObject, WatchEvent } from '../../api-types/meta.js';
import { ApiError } from '../../apiserver/errors.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { INITIAL_EVENTS_END_ANNOTATION } from '../../apiserver/store-watch.js';
import type { WatchOptions } from '../../apiserver/types.js';
import { FakeStoreClock } from '../helpers/fake-store-clock.js';

const configmaps = resourceFor('', 'configmaps');
const pods = resourceFor('', 'pods');

const newStore = (opts: { historySize?: number } = {}) => new MemoryStore({ clock: new FakeStoreClock(), ...opts });
const cm = (name: string, labels?: Record<string, string>, ns?: string): KubeObject => ({ metadata: { name, labels, namespace: ns }, data: {} });

/** Records what a watch delivers as `TYPE name@rv`. */
function record(s: MemoryStore, opts: WatchOptions, r = configmaps) {
  const seen: string[] = [];
  const events: WatchEvent[] = [];
  let ended = 0;
  const handle = s.watch(r, opts, {
    event: (ev) => {
      events.push(ev);
      seen.push(`${ev.type} ${(ev.object as KubeObject).metadata.name ?? ''}@${(ev.object as KubeObject).metadata.resourceVersion}`);
    },
    end: () => { ended++; },
  });
  return { seen, events, handle, ended: () => ended };
}

test('watch › from RV N replays every later change in order, deletes included, then goes live', (t) => {
  const s = newStore();
  const start = s.currentResourceVersion();
  const a = s.create(configmaps, 'default', cm('a'));
  s.update(configmaps, 'default', 'a', { ...a, data: { x: '1' } });
  s.create(configmaps, 'default', cm('b'));
  s.delete(configmaps, 'default', 'a');
  const w = record(s, { resourceVersion: start });
  const n = Number(start);
  t.deepEqual(w.seen, [`ADDED a@${n + 1}`, `MODIFIED a@${n + 2}`, `ADDED b@${n + 3}`, `DELETED a@${n + 4}`]);
  // DELETED carries the final state.
  t.deepEqual((w.events[3].object as KubeObject).data, { x: '1' });
  s.create(configmaps, 'default', cm('c'));
  t.is(w.seen.at(-1), `ADDED c@${n + 5}`);
});

test('watch › no RV or "0" sends synthetic ADDED for current objects, then live changes', (t) => {
  for (const resourceVersion of [undefined, '0']) {
    const s = newStore();
    s.create(configmaps, 'default', cm('b'));
    s.create(configmaps, 'default', cm('a'));
    const w = record(s, { resourceVersion, namespace: 'default' });
    t.deepEqual(w.seen.map((x) => x.split('@')[0]), ['ADDED a', 'ADDED b']);
    s.delete(configmaps, 'default', 'a');
    t.is(w.seen.at(-1)?.split('@')[0], 'DELETED a');
  }
});

test('watch › label selector transitions: ADDED when starting to match, DELETED (old content, new RV) when stopping', (t) => {
  const s = newStore();
  const w = record(s, { labelSelector: 'app=web' });
  const a = s.create(configmaps, 'default', cm('a', { app: 'db' }));
  t.deepEqual(w.seen, []);
  const a2 = s.update(configmaps, 'default', 'a', { ...a, metadata: { ...a.metadata, labels: { app: 'web' } } }).object;
  t.deepEqual(w.seen, [`ADDED a@${a2.metadata.resourceVersion}`]);
  const a3 = s.update(configmaps, 'default', 'a', { ...a2, data: { v: '1' } }).object;
  t.is(w.seen.at(-1), `MODIFIED a@${a3.metadata.resourceVersion}`);
  const a4 = s.update(configmaps, 'default', 'a', { ...a3, metadata: { ...a3.metadata, labels: { app: 'other' } } }).object;
  t.is(w.seen.at(-1), `DELETED a@${a4.metadata.resourceVersion}`);
  // The DELETED object is the previous content: it still carries the matching label.
  t.deepEqual((w.events.at(-1)?.object as KubeObject).metadata.labels, { app: 'web' });
  s.update(configmaps, 'default', 'a', { ...a4, data: { v: '2' } });
  t.is(w.seen.length, 3);
});

test('watch › field selector transitions apply to replays too', (t) => {
  const s = newStore();
  const start = s.currentResourceVersion();
  const p = s.create(pods, 'default', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
  s.update(pods, 'default', 'p', { ...p, status: { phase: 'Running' } }, { subresource: 'status' });
  const w = record(s, { resourceVersion: start, fieldSelector: 'status.phase=Running' }, pods);
  t.deepEqual(w.seen.map((x) => x.split('@')[0]), ['ADDED p']);
});

test('watch › namespace filter: only that namespace', (t) => {
  const s = newStore();
  const w = record(s, { namespace: 'kube-system' });
  s.create(configmaps, 'default', cm('a'));
  s.create(configmaps, 'kube-system', cm('b'));
  t.deepEqual(w.seen.map((x) => x.split('@')[0]), ['ADDED b']);
});

test('watch › 410 Expired after compact, with the too-old message', (t) => {
  const s = newStore();
  const old = s.currentResourceVersion();
  s.create(configmaps, 'default', cm('a'));
  s.compact();
  const err = t.throws(() => s.watch(configmaps, { resourceVersion: old }, { event: () => {}, end: () => {} }), { instanceOf: ApiError }) as ApiError;
  t.is(err.code, 410);
  t.is(err.reason, 'Expired');
  t.regex(err.status.message ?? '', new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
  // From the compaction point on, watching works.
  t.notThrows(() => s.watch(configmaps, { resourceVersion: s.currentResourceVersion() }, { event: () => {}, end: () => {} }));
});

test('watch › bounded history: a watch older than what is kept gets 410', (t) => {
  const s = newStore({ historySize: 3 });
  const start = s.currentResourceVersion();
  for (const n of ['a', 'b', 'c', 'd']) s.create(configmaps, 'default', cm(n));
  t.is((t.throws(() => s.watch(configmaps, { resourceVersion: start }, { event: () => {}, end: () => {} })) as ApiError).code, 410);
  const w = record(s, { resourceVersion: String(Number(start) + 1) });
  t.deepEqual(w.seen.map((x) => x.split('@')[0]), ['ADDED b', 'ADDED c', 'ADDED d']);
});

test('watch › a future RV is a 504 Timeout (ResourceVersionTooLarge); a malformed one a 400', (t) => {
  const s = newStore();
  const future = String(Number(s.currentResourceVersion()) + 10);
  t.is((t.throws(() => s.watch(configmaps, { resourceVersion: future }, { event: () => {}, end: () => {} })) as ApiError).code, 504);
  t.is((t.throws(() => s.watch(configmaps, { resourceVersion: 'abc' }, { event: () => {}, end: () => {} })) as ApiError).code, 400);
});

test('get › "not older than" a future RV is a 504 too; a reached or zero RV reads; a malformed one is a 400', (t) => {
  const s = newStore();
  s.create(configmaps, 'default', cm('x'));
  const now = s.currentResourceVersion();
  const err = t.throws(() => s.get(configmaps, 'default', 'x', { resourceVersion: String(Number(now) + 1) }), { instanceOf: ApiError });
  t.is(err?.code, 504);
  t.regex(err?.status.message ?? '', /^Too large resource version/);
  t.is(s.get(configmaps, 'default', 'x', { resourceVersion: now }).metadata.name, 'x');
  t.is(s.get(configmaps, 'default', 'x', { resourceVersion: '0' }).metadata.name, 'x');
  t.is(t.throws(() => s.get(configmaps, 'default', 'x', { resourceVersion: 'abc' }), { instanceOf: ApiError })?.code, 400);
});

test('watch › closeAllWatches ends every watch once; stop ends delivery', (t) => {
  const s = newStore();
  const a = record(s, {});
  const b = record(s, {});
  b.handle.stop();
  s.create(configmaps, 'default', cm('x'));
  t.is(a.seen.length, 1);
  t.is(b.seen.length, 0);
  s.closeAllWatches();
  t.is(a.ended(), 1);
  t.is(b.ended(), 0);
  s.create(configmaps, 'default', cm('y'));
  t.is(a.seen.length, 1);
});

test('watch › bookmarks only when allowed, at the current RV', (t) => {
  const s = newStore();
  const allowed = record(s, { allowWatchBookmarks: true });
  const plain = record(s, {});
  s.create(configmaps, 'default', cm('x'));
  allowed.handle.bookmark();
  plain.handle.bookmark();
  t.deepEqual(allowed.events.at(-1), { type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: s.currentResourceVersion() } } });
  t.is(plain.events.length, 1);
});

test('watch › sendInitialEvents: ADDED for current state then the initial-events-end bookmark', (t) => {
  const s = newStore();
  s.create(configmaps, 'default', cm('a'));
  const w = record(s, { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
  t.deepEqual(w.events.map((e) => e.type), ['ADDED', 'BOOKMARK']);
  t.deepEqual((w.events[1].object as KubeObject).metadata.annotations, { [INITIAL_EVENTS_END_ANNOTATION]: 'true' });
  t.is((w.events[1].object as KubeObject).metadata.resourceVersion, s.currentResourceVersion());
  const bad = t.throws(() => s.watch(configmaps, { sendInitialEvents: true }, { event: () => {}, end: () => {} })) as ApiError;
  t.is(bad.code, 422);
  t.regex(bad.status.message ?? '', /sendInitialEvents requires setting resourceVersionMatch to NotOlderThan/);
});

test('watch › a write made from inside a sink reaches every watcher after the event being delivered', (t) => {
  const s = newStore();
  const order: string[] = [];
  s.watch(configmaps, {}, {
    event: (ev) => {
      order.push(`1:${(ev.object as KubeObject).metadata.name}`);
      if ((ev.object as KubeObject).metadata.name === 'a') s.create(configmaps, 'default', cm('b'));
    },
    end: () => {},
  });
  s.watch(configmaps, {}, { event: (ev) => order.push(`2:${(ev.object as KubeObject).metadata.name}`), end: () => {} });
  s.create(configmaps, 'default', cm('a'));
  t.deepEqual(order, ['1:a', '2:a', '1:b', '2:b']);
});

test('watch › subscribe and snapshot are atomic: a write from the first delivered event is not lost', (t) => {
  const s = newStore();
  s.create(configmaps, 'default', cm('a'));
  const seen: string[] = [];
  s.watch(configmaps, {}, {
    event: (ev) => {
      seen.push(`${ev.type} ${(ev.object as KubeObject).metadata.name}`);
      if ((ev.object as KubeObject).metadata.name === 'a' && ev.type === 'ADDED') s.create(configmaps, 'default', cm('b'));
    },
    end: () => {},
  });
  t.deepEqual(seen, ['ADDED a', 'ADDED b']);
});

test('watch › a sink that throws is ended and does not break the writer', (t) => {
  const s = newStore();
  let ended = 0;
  s.watch(configmaps, {}, { event: () => { throw new Error('boom'); }, end: () => { ended++; } });
  t.notThrows(() => s.create(configmaps, 'default', cm('a')));
  t.is(ended, 1);
});

test('watch › every watcher of a change gets one shared, frozen event; a sink that writes to it is cut off, the store unharmed', (t) => {
  const s = newStore();
  const a = record(s, {});
  const b = record(s, {});
  let writerEnded = 0;
  s.watch(configmaps, {}, {
    event: (ev) => { ((ev.object as KubeObject).metadata as Record<string, unknown>).name = 'mutated'; },
    end: () => { writerEnded++; },
  });
  s.create(configmaps, 'default', cm('x'));
  t.is(a.events.length, 1);
  t.is(a.events[0], b.events[0]);
  t.true(Object.isFrozen(a.events[0].object) && Object.isFrozen((a.events[0].object as KubeObject).metadata));
  t.is(writerEnded, 1);
  t.is(s.get(configmaps, 'default', 'x').metadata.name, 'x');
  // The copy a caller gets back is its own.
  const got = s.get(configmaps, 'default', 'x');
  got.data = { changed: 'yes' };
  t.is(s.get(configmaps, 'default', 'x').data, undefined, 'an empty data map is not stored');
});

test('watch › a selector-driven DELETED is built once per change, with the previous content at the new resourceVersion', (t) => {
  const s = newStore();
  const x = s.create(configmaps, 'default', cm('x', { app: 'web' }));
  const w1 = record(s, { labelSelector: 'app=web' });
  const w2 = record(s, { labelSelector: 'app=web' });
  const out = s.update(configmaps, 'default', 'x', { ...x, metadata: { ...x.metadata, labels: { app: 'db' } } }).object;
  const deleted = w1.events.at(-1) as WatchEvent;
  t.is(deleted.type, 'DELETED');
  t.is(deleted, w2.events.at(-1) as WatchEvent);
  t.deepEqual((deleted.object as KubeObject).metadata.labels, { app: 'web' });
  t.is((deleted.object as KubeObject).metadata.resourceVersion, out.metadata.resourceVersion);
  t.true(Object.isFrozen(deleted.object));
});

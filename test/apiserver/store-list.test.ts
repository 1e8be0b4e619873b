import test from 'ava';
import type { KubeObject } from '../../api-types/meta.js';
import { ApiError } from '../../apiserver/errors.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { CONTINUE_EXPIRED_MESSAGE, CONTINUE_EXPIRED_NO_TOKEN_MESSAGE } from '../../apiserver/store-list.js';
import { InvalidContinueTokenError, LATEST, decodeContinue, encodeContinue } from '../../apiserver/continue-token.js';
import type { ListOptions } from '../../apiserver/types.js';
import { FakeStoreClock } from '../helpers/fake-store-clock.js';

const configmaps = resourceFor('', 'configmaps');
const pods = resourceFor('', 'pods');
const events = resourceFor('', 'events');
const nodes = resourceFor('', 'nodes');

function seeded() {
  const clock = new FakeStoreClock();
  const s = new MemoryStore({ clock });
  for (const ns of ['kube-system', 'default']) {
    for (const name of ['c', 'a', 'b', 'e', 'd']) {
      s.create(configmaps, ns, { metadata: { name, labels: { tier: name < 'c' ? 'front' : 'back', n: String(name.charCodeAt(0) - 96) } } });
    }
  }
  return { s, clock };
}

const names = (items: KubeObject[]) => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

test('list › items sorted by namespace then name, without kind/apiVersion; list RV is the current RV', (t) => {
  const { s } = seeded();
  const list = s.list(configmaps);
  t.is(list.kind, 'ConfigMapList');
  t.is(list.apiVersion, 'v1');
  t.is(list.metadata.resourceVersion, s.currentResourceVersion());
  t.deepEqual(names(list.items).slice(0, 6), ['default/a', 'default/b', 'default/c', 'default/d', 'default/e', 'kube-system/a']);
  t.is(list.items[0].kind, undefined);
  t.is(list.items[0].apiVersion, undefined);
  const empty = s.list(configmaps, { namespace: 'nowhere' });
  t.deepEqual(empty.items, []);
  t.is(empty.metadata.resourceVersion, s.currentResourceVersion());
});

const selectorCases: { name: string; opts: ListOptions; want: string[] }[] = [
  { name: 'equality', opts: { namespace: 'default', labelSelector: 'tier=front' }, want: ['default/a', 'default/b'] },
  { name: 'set and inequality', opts: { namespace: 'default', labelSelector: 'tier in (back),n!=4' }, want: ['default/c', 'default/e'] },
  { name: 'gt', opts: { namespace: 'default', labelSelector: 'n>3' }, want: ['default/d', 'default/e'] },
  { name: 'does not exist', opts: { namespace: 'default', labelSelector: '!tier' }, want: [] },
  { name: 'metadata.name field', opts: { fieldSelector: 'metadata.name=c' }, want: ['default/c', 'kube-system/c'] },
  { name: 'metadata.namespace != field', opts: { fieldSelector: 'metadata.namespace!=default', labelSelector: 'tier=front' }, want: ['kube-system/a', 'kube-system/b'] },
];
for (const c of selectorCases) {
  test(`list › selectors: ${c.name}`, (t) => {
    const { s } = seeded();
    t.deepEqual(names(s.list(configmaps, c.opts).items), c.want);
  });
}

test('list › limit/continue pages a consistent snapshot across later writes', (t) => {
  const { s } = seeded();
  const first = s.list(configmaps, { limit: 4 });
  const rv = first.metadata.resourceVersion;
  t.is(first.items.length, 4);
  t.is(first.metadata.remainingItemCount, 6);
  t.truthy(first.metadata.continue);
  // Writes between pages do not show.
  s.delete(configmaps, 'default', 'e');
  s.create(configmaps, 'default', { metadata: { name: 'zz' } });
  const second = s.list(configmaps, { limit: 4, continue: first.metadata.continue });
  t.is(second.metadata.resourceVersion, rv);
  t.is(second.metadata.remainingItemCount, 2);
  const third = s.list(configmaps, { limit: 4, continue: second.metadata.continue });
  t.is(third.metadata.continue, undefined);
  t.is(third.metadata.remainingItemCount, undefined);
  t.deepEqual(names([...first.items, ...second.items, ...third.items]), names(s.list(configmaps, { resourceVersion: rv, resourceVersionMatch: 'Exact' }).items));
  t.true(names(second.items).includes('default/e'));
});

const listFailures: { name: string; opts: (s: MemoryStore) => ListOptions; code: number; message?: RegExp }[] = [
  { name: 'match without RV', opts: () => ({ resourceVersionMatch: 'Exact' }), code: 422, message: /^ListOptions\.meta\.k8s\.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided$/ },
  { name: 'Exact with 0', opts: () => ({ resourceVersion: '0', resourceVersionMatch: 'Exact' }), code: 422, message: /resourceVersionMatch "exact" is forbidden for resourceVersion "0"/ },
  { name: 'continue with RV', opts: (s) => ({ continue: s.list(configmaps, { limit: 1 }).metadata.continue, resourceVersion: '5' }), code: 400, message: /^specifying resource version is not allowed when using continue$/ },
  { name: 'garbage continue token', opts: () => ({ continue: 'not-a-token' }), code: 400 },
  { name: 'unknown field selector (default kind)', opts: () => ({ fieldSelector: 'spec.foo=bar' }), code: 400, message: /^"spec\.foo" is not a known field selector: only "metadata\.name", "metadata\.namespace"$/ },
  { name: 'malformed label selector', opts: () => ({ labelSelector: 'a in b' }), code: 400 },
  { name: 'future RV', opts: (s) => ({ resourceVersion: String(Number(s.currentResourceVersion()) + 1) }), code: 504 },
];
for (const c of listFailures) {
  test(`list › fails: ${c.name}`, (t) => {
    const { s } = seeded();
    const err = t.throws(() => s.list(configmaps, c.opts(s)), { instanceOf: ApiError }) as ApiError;
    t.is(err.code, c.code);
    if (c.message) t.regex(err.status.message ?? '', c.message);
  });
}

test('list › continue tokens expire: after compact, expireContinueTokens, or their lifetime (410)', (t) => {
  for (const expire of [(s: MemoryStore) => s.compact(), (s: MemoryStore) => s.expireContinueTokens(), (_s: MemoryStore, clock: FakeStoreClock) => clock.advance(301_000)]) {
    const { s, clock } = seeded();
    const token = s.list(configmaps, { limit: 2 }).metadata.continue;
    expire(s, clock);
    const err = t.throws(() => s.list(configmaps, { limit: 2, continue: token }), { instanceOf: ApiError }) as ApiError;
    t.is(err.code, 410);
    t.is(err.status.message, CONTINUE_EXPIRED_MESSAGE);
    t.truthy(err.status.metadata.continue);
  }
});

test('list › an expired token is answered with one that resumes after its last item at the latest version', (t) => {
  const { s } = seeded();
  const first = s.list(configmaps, { limit: 4 });
  const second = s.list(configmaps, { limit: 2, continue: first.metadata.continue });
  t.deepEqual(names(second.items), ['default/e', 'kube-system/a']);
  // Changes on both sides of the point reached, then the snapshot goes.
  s.delete(configmaps, 'default', 'b');
  s.delete(configmaps, 'kube-system', 'c');
  s.create(configmaps, 'default', { metadata: { name: 'a0' } });
  s.create(configmaps, 'kube-system', { metadata: { name: 'b0' } });
  s.compact();
  const err = t.throws(() => s.list(configmaps, { limit: 2, continue: second.metadata.continue }), { instanceOf: ApiError }) as ApiError;
  t.is(err.code, 410);
  const resume = err.status.metadata.continue as string;
  t.true(resume.length > 0);
  // From there the client gets the current state after kube-system/a, paged from a new snapshot
  // at the latest version: b0 is new, c is gone, and what changed behind the point stays unseen.
  const third = s.list(configmaps, { limit: 2, continue: resume, resourceVersion: '0' });
  t.is(third.metadata.resourceVersion, s.currentResourceVersion());
  t.deepEqual(names(third.items), ['kube-system/b', 'kube-system/b0']);
  t.is(third.metadata.remainingItemCount, 2);
  s.create(configmaps, 'kube-system', { metadata: { name: 'zz' } });
  const fourth = s.list(configmaps, { limit: 2, continue: third.metadata.continue });
  t.is(fourth.metadata.resourceVersion, third.metadata.resourceVersion);
  t.deepEqual(names(fourth.items), ['kube-system/d', 'kube-system/e']);
  t.is(fourth.metadata.continue, undefined);
});

test("list › a resuming token serves the request's selectors and refuses a resourceVersion", (t) => {
  const { s } = seeded();
  const first = s.list(configmaps, { limit: 3, fieldSelector: 'metadata.name!=b' });
  t.deepEqual(names(first.items), ['default/a', 'default/c', 'default/d']);
  s.expireContinueTokens();
  const err = t.throws(() => s.list(configmaps, { limit: 3, fieldSelector: 'metadata.name!=b', continue: first.metadata.continue }), { instanceOf: ApiError }) as ApiError;
  const resume = err.status.metadata.continue as string;
  t.deepEqual(names(s.list(configmaps, { fieldSelector: 'metadata.name!=b', continue: resume }).items), ['default/e', 'kube-system/a', 'kube-system/c', 'kube-system/d', 'kube-system/e']);
  t.is((t.throws(() => s.list(configmaps, { continue: resume, resourceVersion: '3' }), { instanceOf: ApiError }) as ApiError).code, 400);
});

test('list › an expired token without its last item gets the 410 without a token (etcd3 continueExpired)', (t) => {
  const { s } = seeded();
  const token = encodeContinue({ resourceVersion: Number(s.currentResourceVersion()), snapshotId: 99, offset: 2 });
  const err = t.throws(() => s.list(configmaps, { limit: 2, continue: token }), { instanceOf: ApiError }) as ApiError;
  t.is(err.code, 410);
  t.is(err.status.message, CONTINUE_EXPIRED_NO_TOKEN_MESSAGE);
  t.is(err.status.metadata.continue, undefined);
});

test('list › Exact RV reconstructs the historical state; compacted RVs are 410', (t) => {
  const { s } = seeded();
  const rv = s.currentResourceVersion();
  const before = s.list(configmaps, { namespace: 'default' });
  const a = s.get(configmaps, 'default', 'a');
  s.update(configmaps, 'default', 'a', { ...a, data: { changed: 'yes' } });
  s.delete(configmaps, 'default', 'b');
  s.create(configmaps, 'default', { metadata: { name: 'new' } });
  const at = s.list(configmaps, { namespace: 'default', resourceVersion: rv, resourceVersionMatch: 'Exact' });
  t.is(at.metadata.resourceVersion, rv);
  t.deepEqual(at.items, before.items);
  s.compact();
  const err = t.throws(() => s.list(configmaps, { resourceVersion: rv, resourceVersionMatch: 'Exact' }), { instanceOf: ApiError }) as ApiError;
  t.is(err.code, 410);
  // NotOlderThan serves the current state.
  t.is(s.list(configmaps, { resourceVersion: rv, resourceVersionMatch: 'NotOlderThan' }).metadata.resourceVersion, s.currentResourceVersion());
});

test('list › pod field selectors use the pod selectable fields', (t) => {
  const s = new MemoryStore({ clock: new FakeStoreClock() });
  const spec = (nodeName?: string) => ({ containers: [{ name: 'c', image: 'i' }], nodeName });
  s.create(pods, 'default', { metadata: { name: 'p1' }, spec: spec('n1') });
  s.create(pods, 'default', { metadata: { name: 'p2' }, spec: spec() });
  t.deepEqual(names(s.list(pods, { fieldSelector: 'spec.nodeName=n1' }).items), ['default/p1']);
  t.deepEqual(names(s.list(pods, { fieldSelector: 'spec.nodeName=' }).items), ['default/p2']);
  t.deepEqual(names(s.list(pods, { fieldSelector: 'spec.host!=n1' }).items), ['default/p2']);
  const err = t.throws(() => s.list(pods, { fieldSelector: 'spec.containers=x' })) as ApiError;
  t.is(err.status.message, 'field label not supported: spec.containers');
  t.is((t.throws(() => s.list(nodes, { fieldSelector: 'metadata.namespace=x' })) as ApiError).status.message, 'field label not supported: metadata.namespace');
  t.is(s.list(events, { fieldSelector: 'involvedObject.name=p1,involvedObject.kind=Pod' }).items.length, 0);
});

test('continue tokens › round-trip their position and refuse foreign tokens', (t) => {
  for (const pos of [{ resourceVersion: 42, snapshotId: 7, offset: 500 }, { resourceVersion: 42, snapshotId: 7, offset: 500, lastKey: 'default\u0000a' }, { resourceVersion: LATEST, snapshotId: 0, offset: 0, lastKey: '\u0000n1' }]) {
    t.deepEqual(decodeContinue(encodeContinue(pos)), pos);
  }
  const token = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
  const foreign = token({ v: 'other/v9', rv: 1, start: 0, s: 1 });
  // The latest version without a key to resume after, another negative version, a key that is not text.
  const bad = [token({ v: 'meta.k8s.io/v1', rv: -1, start: 0, s: 0 }), token({ v: 'meta.k8s.io/v1', rv: -2, start: 0, s: 0, k: 'a' }), token({ v: 'meta.k8s.io/v1', rv: 1, start: 0, s: 1, k: 5 })];
  for (const token of [foreign, '%%%', Buffer.from('[1]').toString('base64url'), ...bad]) {
    const err = t.throws(() => decodeContinue(token), { instanceOf: InvalidContinueTokenError }) as InvalidContinueTokenError;
    t.is(err.code, 'InvalidContinueToken');
  }
});

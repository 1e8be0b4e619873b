import test from 'ava';
import type { KubeObject } from '../../api-types/meta.js';
import { ApiError } from '../../apiserver/errors.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { deepFreeze } from '../helpers/deep-freeze.js';
import { FakeStoreClock } from '../helpers/fake-store-clock.js';

const leases = resourceFor('coordination.k8s.io', 'leases');
const pods = resourceFor('', 'pods');
const newStore = () => new MemoryStore({ clock: new FakeStoreClock() });
const lease = (name: string, spec: Record<string, unknown>): KubeObject => ({ metadata: { name }, spec });
const pod = (name: string): KubeObject => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } });
type Conditions = { status: { conditions: { type: string; status: string; lastTransitionTime: string | null }[] } };

test('MemoryStore times › Time and MicroTime are stored as kube-apiserver writes them: UTC, to the second or microsecond', (t) => {
  const s = newStore();
  // The caller's body is frozen: the store rewrites its own copy, never the caller's.
  const l = s.create(leases, 'default', deepFreeze(lease('l', { holderIdentity: 'a', renewTime: '2026-01-01T01:00:00.123456+01:00', acquireTime: '2026-01-01T00:00:00.000000Z' })));
  t.is((l.spec as { renewTime: string }).renewTime, '2026-01-01T00:00:00.123456Z');
  t.is((l.spec as { acquireTime: string }).acquireTime, '2026-01-01T00:00:00.000000Z');
  const p = s.create(pods, 'default', pod('p'));
  // What client-node sends for a Date: milliseconds; and an offset.
  const body = { ...p, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00.123Z' }, { type: 'Initialized', status: 'True', lastTransitionTime: '2026-01-01T02:00:00+02:00' }] } };
  const st = s.update(pods, 'default', 'p', deepFreeze(body), { subresource: 'status' }).object as KubeObject & Conditions;
  t.deepEqual(st.status.conditions.map((c) => c.lastTransitionTime), ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z']);
  // So the same write again is a no-op, as against a real server: no new resourceVersion.
  const again = s.update(pods, 'default', 'p', { ...body, metadata: st.metadata }, { subresource: 'status' }).object;
  t.is(again.metadata.resourceVersion, st.metadata.resourceVersion);
  // Go's zero time is written as null.
  const zero = s.update(pods, 'default', 'p', { ...st, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '0001-01-01T00:00:00Z' }] } }, { subresource: 'status' }).object as KubeObject & Conditions;
  t.is(zero.status.conditions[0].lastTransitionTime, null);
});

test('MemoryStore times › a time Go cannot parse is a 400 in its words on create and update, a 422 on "patch" for a patch', (t) => {
  const s = newStore();
  const created = t.throws(() => s.create(leases, 'default', lease('l', { renewTime: '2026-01-01T00:00:00.123Z' })), { instanceOf: ApiError });
  t.is(created?.code, 400);
  t.is(created?.status.message, 'Lease in version "v1" cannot be handled as a Lease: parsing time "2026-01-01T00:00:00.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"');
  const p = s.create(pods, 'default', pod('p'));
  const updated = t.throws(() => s.update(pods, 'default', 'p', { ...p, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'yesterday' }] } }, { subresource: 'status' }), { instanceOf: ApiError });
  t.is(updated?.code, 400);
  t.regex(updated?.status.message ?? '', /cannot be handled as a Pod: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"$/);
  const patched = t.throws(() => s.patch(pods, 'default', 'p', 'application/merge-patch+json', JSON.stringify({ status: { startTime: '2026-02-30T00:00:00Z' } }), { subresource: 'status' }), { instanceOf: ApiError });
  t.is(patched?.code, 422);
  t.is(patched?.status.details?.causes?.[0].field, 'patch');
  t.regex(patched?.status.details?.causes?.[0].message ?? '', /: parsing time "2026-02-30T00:00:00Z": day out of range$/);
  // A patch's good times are stored as written by kube-apiserver too.
  const ok = s.patch(pods, 'default', 'p', 'application/merge-patch+json', JSON.stringify({ status: { startTime: '2026-01-01T05:30:00.5+05:30' } }), { subresource: 'status' }).object;
  t.is((ok.status as { startTime: string }).startTime, '2026-01-01T00:00:00Z');
});

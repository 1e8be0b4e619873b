import test from 'ava';
import { MemoryStore } from '../../../apiserver/store.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { internalError } from '../../../apiserver/errors.js';
import { FaultClient } from '../../../controllers/runtime/fault-client.js';
import { LeaderElector, holderIdentity, microTime } from '../../../controllers/runtime/leader-election.js';
import { createRuntimeMetrics, type RuntimeMetrics } from '../../../controllers/runtime/metrics.js';
import type { ResourceClient } from '../../../controllers/runtime/kube-client.js';
import type { Lease } from '../../../api-types/networking.js';
import { delegatingClient } from '../../helpers/delegating-client.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';

const leaseRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

function candidate(store: MemoryStore, clock: FakeClock, identity: string, metrics?: RuntimeMetrics) {
  const faults = new FaultClient(new InProcessClient(store));
  const log: string[] = [];
  const elector = new LeaderElector({
    leases: faults.resource<Lease>(leaseRef),
    identity,
    clock,
    random: () => 0,
    onStartedLeading: () => log.push('started'),
    onStoppedLeading: () => log.push('stopped'),
    metrics,
  });
  return { elector, faults, log };
}

async function lease(store: MemoryStore): Promise<Lease> {
  return new InProcessClient(store).resource<Lease>(leaseRef).get('kube-system', 'svcplane');
}

async function run(clock: FakeClock, ms: number, step = 500) {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await settle(4);
  }
}

test('microTime › six fractional digits, UTC', (t) => {
  t.is(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 123)), '2026-01-02T03:04:05.123000Z');
  t.regex(holderIdentity(() => 0.5, 'host', 42), /^host_42_[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('leader election › a lone candidate creates the Lease with kube-controller-manager defaults', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  const a = candidate(store, clock, 'a');
  a.elector.start();
  await settle(5);
  t.deepEqual(a.log, ['started']);
  t.true(a.elector.isLeader());
  const l = await lease(store);
  t.is(l.spec?.holderIdentity, 'a');
  t.is(l.spec?.leaseDurationSeconds, 15);
  t.is(l.spec?.leaseTransitions, 0);
  t.regex(l.spec?.renewTime ?? '', /\.\d{6}Z$/);
  const rv = l.metadata.resourceVersion;
  await run(clock, 2_000);
  t.not((await lease(store)).metadata.resourceVersion, rv, 'renewed after one retry period');
  await a.elector.stop();
  store.close();
});

test('leader election › of two candidates one leads; when it dies the other takes over within lease + retry', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  const a = candidate(store, clock, 'a');
  const b = candidate(store, clock, 'b');
  a.elector.start();
  await settle(5);
  b.elector.start();
  await run(clock, 10_000);
  t.true(a.elector.isLeader());
  t.false(b.elector.isLeader());
  t.is(b.elector.leader(), 'a');
  // a dies without releasing (SIGKILL): b must wait out the lease as measured on its own clock.
  await a.elector.stop();
  const killedAt = clock.now();
  let tookOverAt = 0;
  for (let i = 0; i < 100 && !b.elector.isLeader(); i++) {
    await run(clock, 500);
    tookOverAt = clock.now();
  }
  t.true(b.elector.isLeader());
  const waited = tookOverAt - killedAt;
  t.true(waited >= 13_000 && waited <= 15_000 + 2_000 * 1.2 + 500, `took over after ${waited} ms`);
  const l = await lease(store);
  t.is(l.spec?.holderIdentity, 'b');
  t.is(l.spec?.leaseTransitions, 1);
  await b.elector.stop();
  store.close();
});

test('leader election › a graceful release lets the standby take over within one retry period', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  const a = candidate(store, clock, 'a');
  const b = candidate(store, clock, 'b');
  a.elector.start();
  await settle(5);
  b.elector.start();
  await run(clock, 4_000);
  await a.elector.stop({ release: true });
  t.is((await lease(store)).spec?.holderIdentity, '');
  await run(clock, 2_500);
  t.true(b.elector.isLeader());
  await b.elector.stop();
  store.close();
});

test('leader election › failing to renew within the renew deadline loses leadership', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  const a = candidate(store, clock, 'a');
  a.elector.start();
  await settle(5);
  t.true(a.elector.isLeader());
  a.faults.failNext({ verb: '*', resource: 'leases', count: 1000, error: () => internalError('etcd unavailable') });
  await run(clock, 9_000);
  t.deepEqual(a.log, ['started'], 'still leading inside the renew deadline');
  await run(clock, 3_000);
  t.deepEqual(a.log, ['started', 'stopped']);
  t.false(a.elector.isLeader());
  store.close();
});

test('leader election › durations are checked like kube-controller-manager checks them', (t) => {
  const store = new MemoryStore();
  const base = { leases: new InProcessClient(store).resource<Lease>(leaseRef), identity: 'x', clock: new FakeClock(), random: () => 0, onStartedLeading() {}, onStoppedLeading() {} };
  t.throws(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }), { instanceOf: RangeError, message: /--leader-elect-lease-duration/ });
  t.throws(() => new LeaderElector({ ...base, retryPeriodMs: 9_000 }), { instanceOf: RangeError, message: /--leader-elect-renew-deadline/ });
  store.close();
});

/** A store, a fake clock, and Lease requests the test can hold or hang (controllableLeases). */
function controllableWorld() {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  return { store, clock, ...controllableLeases(store) };
}

/**
 * A Lease client over the store whose requests can be made to hang (as behind a stopped proxy)
 * or to hold an update and land it later; it records the signal of each attempt.
 */
function controllableLeases(store: MemoryStore) {
  const state = {
    hang: false,
    /** Holds the next update: it reaches the store only when the next get has been answered. */
    holdNextUpdate: false,
    held: undefined as (() => Promise<unknown>) | undefined,
    signals: [] as AbortSignal[],
  };
  const client = delegatingClient(new InProcessClient(store), (inner) => ({
    get: async (ns, name) => {
      if (state.hang) return new Promise<never>(() => {});
      const got = await inner.get(ns, name);
      const held = state.held;
      state.held = undefined;
      await held?.();
      return got;
    },
    update: (obj, o) => {
      if (state.hang) return new Promise<never>(() => {});
      if (!state.holdNextUpdate) return inner.update(obj, o);
      state.holdNextUpdate = false;
      return new Promise((resolve, reject) => {
        state.held = () => inner.update(obj, o).then(resolve, reject);
      });
    },
  }));
  const leases = (signal: AbortSignal): ResourceClient<Lease> => {
    state.signals.push(signal);
    return client.resource<Lease>(leaseRef);
  };
  return { state, leases };
}

test('leader election › a request that never answers cannot keep us leading: we step down at the renew deadline', async (t) => {
  const { store, clock, state, leases } = controllableWorld();
  const log: string[] = [];
  const a = new LeaderElector({ leases, identity: 'a', clock, random: () => 0, onStartedLeading: () => log.push('started'), onStoppedLeading: () => log.push('stopped') });
  a.start();
  await settle(5);
  t.true(a.isLeader());
  const acquiredAt = clock.now();
  state.hang = true;
  await run(clock, 9_500, 250);
  t.deepEqual(log, ['started'], 'still leading inside the renew deadline');
  t.true(a.isLeader());
  await run(clock, 1_000, 250);
  t.deepEqual(log, ['started', 'stopped'], 'stepped down although the request never answered');
  t.false(a.isLeader(), 'and reports not leading');
  t.true(state.signals.at(-1)!.aborted, 'the hung request was aborted');
  t.true(clock.now() - acquiredAt >= 10_000);
  // Nothing is left running: no timer, no further attempt.
  const attempts = state.signals.length;
  await run(clock, 5_000);
  t.is(state.signals.length, attempts);
  store.close();
});

test('leader election › a renewal hung behind a stopped proxy: the standby takes over, the old leader has stepped down before', async (t) => {
  const { store, clock, state, leases } = controllableWorld();
  const aLog: string[] = [];
  const a = new LeaderElector({ leases, identity: 'a', clock, random: () => 0, onStartedLeading: () => aLog.push('started'), onStoppedLeading: () => aLog.push('stopped') });
  const b = candidate(store, clock, 'b');
  a.start();
  await settle(5);
  b.elector.start();
  await run(clock, 4_000, 250);
  state.hang = true;
  let aStoppedAt = 0;
  let bStartedAt = 0;
  for (let i = 0; i < 200 && !bStartedAt; i++) {
    await run(clock, 100, 100);
    if (!aStoppedAt && aLog.includes('stopped')) aStoppedAt = clock.now();
    if (b.elector.isLeader()) bStartedAt = clock.now();
  }
  t.true(aStoppedAt > 0, 'a stepped down');
  t.true(bStartedAt > 0, 'b took over');
  t.true(aStoppedAt < bStartedAt, `never two leaders: a stopped at +${aStoppedAt - bStartedAt} ms from b starting`);
  await b.elector.stop();
  store.close();
});

test('leader election › stop aborts the renewal in flight, waits for it, and releases from a fresh read, retrying a 409 once', async (t) => {
  const { store, clock, state, leases } = controllableWorld();
  const a = new LeaderElector({ leases, identity: 'a', clock, random: () => 0, onStartedLeading() {}, onStoppedLeading() {} });
  a.start();
  await settle(5);
  t.true(a.isLeader());
  // The next renewal's write is on the wire when SIGTERM comes, and lands after release has read
  // the Lease: release's first write is then a 409.
  state.holdNextUpdate = true;
  await run(clock, 2_000);
  t.truthy(state.held, 'a renewal is in flight');
  const renewal = state.signals.at(-1)!;
  await a.stop({ release: true });
  const l = await lease(store);
  t.is(l.spec?.holderIdentity, '', 'released');
  t.is(l.spec?.leaseDurationSeconds, 1);
  t.true(renewal.aborted, 'the renewal in flight was aborted');
  t.false(a.isLeader());
  store.close();
});

test('leader election › stop waits for a hung attempt no longer than it takes to abort it', async (t) => {
  const { store, clock, state, leases } = controllableWorld();
  const a = new LeaderElector({ leases, identity: 'a', clock, random: () => 0, onStartedLeading() {}, onStoppedLeading() {} });
  a.start();
  await settle(5);
  state.hang = true;
  await run(clock, 2_000);
  state.hang = false;
  let stopped = false;
  void a.stop({ release: true }).then(() => (stopped = true));
  await settle(10);
  t.true(stopped, 'stopped without the clock moving');
  t.is((await lease(store)).spec?.holderIdentity, '');
  store.close();
});

/** The series of one leader-election family of a registry, by lease name. */
async function series(metrics: RuntimeMetrics, family: string): Promise<Record<string, number>> {
  const got = await metrics.registry.getSingleMetric(family)?.get();
  return Object.fromEntries((got?.values ?? []).map((v) => [String(v.labels.name), v.value]));
}
const masterStatus = (m: RuntimeMetrics) => series(m, 'leader_election_master_status');
const slowPaths = (m: RuntimeMetrics) => series(m, 'leader_election_slowpath_total');

test('leader election › leader_election_master_status: 0 from construction (a standby too), 1 on acquiring, 0 on losing', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  const aMetrics = createRuntimeMetrics({ processMetrics: false });
  const bMetrics = createRuntimeMetrics({ processMetrics: false });
  const a = candidate(store, clock, 'a', aMetrics);
  const b = candidate(store, clock, 'b', bMetrics);
  t.deepEqual(await masterStatus(aMetrics), { svcplane: 0 }, 'published before campaigning (client-go NewLeaderElector)');
  t.deepEqual(await masterStatus(bMetrics), { svcplane: 0 });
  a.elector.start();
  await settle(5);
  b.elector.start();
  await run(clock, 4_000);
  t.true(a.elector.isLeader());
  t.deepEqual(await masterStatus(aMetrics), { svcplane: 1 });
  t.deepEqual(await masterStatus(bMetrics), { svcplane: 0 }, 'the standby publishes its 0');
  // a cannot renew: it loses the Lease at the renew deadline and reports 0; b takes over.
  a.faults.failNext({ verb: '*', resource: 'leases', count: 1000, error: () => internalError('etcd unavailable') });
  await run(clock, 11_000);
  t.deepEqual(a.log, ['started', 'stopped']);
  t.deepEqual(await masterStatus(aMetrics), { svcplane: 0 });
  for (let i = 0; i < 40 && !b.elector.isLeader(); i++) await run(clock, 500);
  t.true(b.elector.isLeader());
  t.deepEqual(await masterStatus(bMetrics), { svcplane: 1 });
  // A graceful stop with release leaves the value as it is, as client-go's release() does (the
  // manager sets 0 once the Lease is released).
  await b.elector.stop({ release: true });
  t.is((await lease(store)).spec?.holderIdentity, '');
  t.deepEqual(await masterStatus(bMetrics), { svcplane: 1 });
  store.close();
});

test('leader election › the status series carries the Lease name; without leader election there is none', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  const metrics = createRuntimeMetrics({ processMetrics: false });
  t.deepEqual(await masterStatus(metrics), {}, 'no elector, no series');
  const elector = new LeaderElector({ leases: new InProcessClient(store).resource<Lease>(leaseRef), name: 'renamed', identity: 'a', clock, random: () => 0, onStartedLeading() {}, onStoppedLeading() {}, metrics });
  t.deepEqual(await masterStatus(metrics), { renamed: 0 });
  elector.start();
  await settle(5);
  t.deepEqual(await masterStatus(metrics), { renamed: 1 });
  await elector.stop();
  store.close();
});

test('leader election › the leader renews with one request: an update over the record it observed, no read (fast path)', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  const metrics = createRuntimeMetrics({ processMetrics: false });
  const a = candidate(store, clock, 'a', metrics);
  a.elector.start();
  await settle(5);
  t.deepEqual(a.faults.calls, ['get leases', 'create leases'], 'a candidate reads first');
  const acquired = await lease(store);
  a.faults.calls.length = 0;
  await run(clock, 4_000);
  t.deepEqual(a.faults.calls, ['update leases', 'update leases'], 'two renewals, one request each');
  const l = await lease(store);
  t.not(l.spec?.renewTime, acquired.spec?.renewTime);
  t.is(l.spec?.acquireTime, acquired.spec?.acquireTime, 'acquireTime carried over from the observed record');
  t.is(l.spec?.leaseTransitions, 0);
  t.deepEqual(await slowPaths(metrics), {}, 'no slow path, no series');
  await a.elector.stop();
  store.close();
});

test('leader election › a fast-path 409 falls back to read-then-update in the same attempt and counts leader_election_slowpath_total', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  const metrics = createRuntimeMetrics({ processMetrics: false });
  const a = candidate(store, clock, 'a', metrics);
  a.elector.start();
  await settle(5);
  // Someone else writes the Lease (still held by a): a's observed resourceVersion is stale.
  const leases = new InProcessClient(store).resource<Lease>(leaseRef);
  const seen = await lease(store);
  const other = await leases.update({ ...seen, metadata: { ...seen.metadata, annotations: { touched: 'yes' } } });
  a.faults.calls.length = 0;
  await run(clock, 2_000);
  t.deepEqual(a.faults.calls, ['update leases', 'get leases', 'update leases'], 'fast path refused, then the slow path, in one attempt');
  const l = await lease(store);
  t.is(l.spec?.holderIdentity, 'a');
  t.is(l.metadata.annotations?.touched, 'yes', 'written over the fresh read');
  t.not(l.metadata.resourceVersion, other.metadata.resourceVersion, 'renewed');
  t.deepEqual(await slowPaths(metrics), { svcplane: 1 });
  // The next renewal is a fast one again.
  a.faults.calls.length = 0;
  await run(clock, 2_000);
  t.deepEqual(a.faults.calls, ['update leases']);
  t.deepEqual(await slowPaths(metrics), { svcplane: 1 });
  // A transient failure of the fast path falls back too.
  a.faults.failNext({ verb: 'update', resource: 'leases', error: () => internalError('etcd timeout') });
  a.faults.calls.length = 0;
  await run(clock, 2_000);
  t.deepEqual(a.faults.calls, ['get leases', 'update leases']);
  t.deepEqual(await slowPaths(metrics), { svcplane: 2 });
  t.true(a.elector.isLeader());
  t.deepEqual(a.log, ['started']);
  const text = await metrics.registry.metrics();
  t.regex(text, /^# HELP leader_election_slowpath_total Total number of slow path exercised in renewing leader leases\. 'name' is the string used to identify the lease\. Please make sure to group by name\.$/m);
  t.regex(text, /^# TYPE leader_election_slowpath_total counter$/m);
  t.regex(text, /^leader_election_slowpath_total\{name="svcplane"\} 2$/m);
  await a.elector.stop();
  store.close();
});

test('leader election › a fast-path 409 because another took the Lease: the slow path reads it, does not write, counts nothing', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  const metrics = createRuntimeMetrics({ processMetrics: false });
  const a = candidate(store, clock, 'a', metrics);
  a.elector.start();
  await settle(5);
  const current = await lease(store);
  await new InProcessClient(store).resource<Lease>(leaseRef).update({ ...current, spec: { ...current.spec, holderIdentity: 'b', renewTime: microTime(clock.now()) } });
  a.faults.calls.length = 0;
  await run(clock, 2_000);
  t.deepEqual(a.faults.calls, ['update leases', 'get leases'], 'held by b and unexpired: no write');
  t.is(a.elector.leader(), 'b');
  t.is((await lease(store)).spec?.holderIdentity, 'b');
  t.deepEqual(await slowPaths(metrics), {});
  // a no longer takes the fast path: its observed record names b.
  a.faults.calls.length = 0;
  await run(clock, 2_000);
  t.deepEqual(a.faults.calls, ['get leases']);
  await run(clock, 8_000);
  t.deepEqual(a.log, ['started', 'stopped'], 'loses at the renew deadline');
  store.close();
});

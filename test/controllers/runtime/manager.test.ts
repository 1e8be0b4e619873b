import test from 'ava';
import { MemoryStore } from '../../../apiserver/store.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { Manager, type Controller, type ControllerContext } from '../../../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../../../controllers/runtime/metrics.js';
import { silentLogger } from '../../../controllers/runtime/logger.js';
import { tokenBucketThrottle } from '../../../controllers/runtime/throttle.js';
import { WorkQueue } from '../../../controllers/runtime/work-queue.js';
import { runWorkers, type WorkerPoolHandle } from '../../../controllers/runtime/worker-pool.js';
import type { Service } from '../../../api-types/core.js';
import type { Lease } from '../../../api-types/networking.js';
import { delegatingClient } from '../../helpers/delegating-client.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';

/** Records its life and the services its informer saw. */
class Probe implements Controller {
  readonly name = 'probe';
  life: string[] = [];
  seen: string[] = [];
  setup(ctx: ControllerContext): void {
    this.life.push('setup');
    ctx.informers.get('services').addHandler({ onAdd: (s) => this.seen.push(s.metadata.name ?? '') });
  }
  run(): void {
    this.life.push('run');
  }
  async stop(): Promise<void> {
    this.life.push('stop');
  }
}

function manager(store: MemoryStore, clock: FakeClock, identity?: string) {
  const probe = new Probe();
  const metrics = createRuntimeMetrics({ processMetrics: false });
  const m = new Manager({
    client: new InProcessClient(store),
    controllers: [probe],
    clock,
    random: () => 0,
    logger: silentLogger,
    metrics,
    leaderElection: identity ? { identity } : false,
  });
  /** `leader_election_master_status{name="svcplane"}`, or undefined when there is no series. */
  const leaderStatus = async (): Promise<number | undefined> =>
    (await metrics.registry.getSingleMetric('leader_election_master_status')?.get())?.values.find((v) => v.labels.name === 'svcplane')?.value;
  return { m, probe, leaderStatus };
}

test('manager › without leader election: setup, sync, run; ready once synced; stop in order', async (t) => {
  const store = new MemoryStore();
  store.create(resourceFor('', 'services'), 'default', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
  const { m, probe, leaderStatus } = manager(store, new FakeClock());
  t.false(m.ready());
  m.start();
  await m.whenRunning();
  t.deepEqual(probe.life, ['setup', 'run']);
  t.deepEqual(probe.seen, ['web']);
  t.is(await leaderStatus(), undefined, 'no leader election, no series');
  t.true(m.ready());
  t.true(m.healthy());
  await m.stop();
  t.deepEqual(probe.life, ['setup', 'run', 'stop']);
  t.false(m.healthy());
  store.close();
});

test('manager › with leader election only the leader runs workers; the standby is synced, ready and takes over', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  const a = manager(store, clock, 'a');
  const b = manager(store, clock, 'b');
  a.m.start();
  await a.m.whenRunning();
  b.m.start();
  for (let i = 0; i < 10; i++) {
    clock.advance(500);
    await settle(4);
  }
  t.deepEqual(a.probe.life, ['setup', 'run']);
  t.deepEqual(b.probe.life, ['setup'], 'the standby does not run');
  t.true(b.m.ready(), 'but it is ready: warm caches');
  t.false(b.m.isLeader());
  t.is(await a.leaderStatus(), 1);
  t.is(await b.leaderStatus(), 0, 'the standby publishes its 0');
  await a.m.stop();
  t.is(await a.leaderStatus(), 0, 'released');
  for (let i = 0; i < 10 && !b.m.isLeader(); i++) {
    clock.advance(500);
    await settle(4);
  }
  await b.m.whenRunning();
  t.deepEqual(b.probe.life, ['setup', 'run']);
  t.is(await b.leaderStatus(), 1);
  await b.m.stop();
  store.close();
});

/** Runs one key whose reconcile reads a Service through ctx.client and records an event first. */
class Hanger implements Controller {
  readonly name = 'hanger';
  #ctx?: ControllerContext;
  #pool?: WorkerPoolHandle;
  reconciling = 0;
  setup(ctx: ControllerContext): void {
    this.#ctx = ctx;
  }
  run(): void {
    const ctx = this.#ctx!;
    const queue = new WorkQueue<string>({ clock: ctx.clock });
    const services = ctx.client.resource<Service>({ group: '', version: 'v1', resource: 'services' });
    this.#pool = runWorkers(queue, {
      concurrency: 2,
      reconcile: async (key) => {
        this.reconciling++;
        ctx.recorder('hanger-controller').record({ regarding: { kind: 'Service', namespace: 'default', name: key }, type: 'Normal', reason: 'Probe', action: 'Probe', note: 'probing' });
        // Ignores the pool's abort signal, as a reconcile waiting in the client does.
        await services.get('default', key);
      },
    });
    queue.add('web');
    queue.add('api');
  }
  async stop(timeoutMs: number): Promise<void> {
    await this.#pool?.drain(timeoutMs);
  }
}

const leasesRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

test('manager › stop finishes within the drain timeout when in-flight requests hang, and releases the Lease', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  // Service reads and Event writes never answer (a saturated rate limit, a stalled connection).
  const hung: string[] = [];
  const client = delegatingClient(new InProcessClient(store), (inner, ref) =>
    ref.resource === 'services' ? { get: (ns, name) => (hung.push(`get ${name}`), new Promise<never>(() => {})) } : ref.resource === 'events' ? { create: () => (hung.push('create event'), new Promise<never>(() => {})) } : {},
  );
  const hanger = new Hanger();
  const m = new Manager({ client, controllers: [hanger], clock, random: () => 0, logger: silentLogger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: { identity: 'a' }, drainTimeoutMs: 10_000 });
  m.start();
  await m.whenRunning();
  await settle(10);
  t.is(hanger.reconciling, 2);
  t.true(hung.includes('get web') && hung.includes('create event'));
  t.is((await new InProcessClient(store).resource<Lease>(leasesRef).get('kube-system', 'svcplane')).spec?.holderIdentity, 'a');
  const stopAt = clock.now();
  let stoppedAt = 0;
  void m.stop().then(() => (stoppedAt = clock.now()));
  for (let i = 0; i < 60 && !stoppedAt; i++) {
    clock.advance(250);
    await settle(10);
  }
  t.true(stoppedAt > 0, 'stop finished although the requests never answered');
  // The drain timeout, then at most the least time events get.
  t.true(stoppedAt - stopAt <= 10_000 + 1_000, `stopped after ${stoppedAt - stopAt} ms`);
  t.is((await new InProcessClient(store).resource<Lease>(leasesRef).get('kube-system', 'svcplane')).spec?.holderIdentity, '', 'the Lease was released');
  store.close();
});

test('manager › the Lease goes through its own client: a saturated controllers\' rate limit does not hold renewals', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21));
  // The controllers' client waits in a token bucket that 1000 requests have drained (at 1 qps).
  const throttle = tokenBucketThrottle(1, 1, clock);
  for (let i = 0; i < 1000; i++) void throttle.acquire();
  const inner = new InProcessClient(store);
  const throttled = delegatingClient(inner, (r) => ({
    get: async (ns, name) => (await throttle.acquire(), r.get(ns, name)),
    create: async (ns, obj, o) => (await throttle.acquire(), r.create(ns, obj, o)),
    update: async (obj, o) => (await throttle.acquire(), r.update(obj, o)),
  }));
  let leading = 0;
  const m = new Manager({
    client: throttled,
    controllers: [],
    clock,
    random: () => 0,
    logger: silentLogger,
    metrics: createRuntimeMetrics({ processMetrics: false }),
    leaderElection: { identity: 'a', client: new InProcessClient(store) },
    onLeadershipLost: () => t.fail('lost the Lease'),
  });
  m.start();
  await settle(10);
  t.true(m.isLeader(), 'acquired without waiting in the controllers\' rate limit');
  const rv = (await inner.resource<Lease>(leasesRef).get('kube-system', 'svcplane')).metadata.resourceVersion;
  for (let i = 0; i < 30; i++) {
    clock.advance(500);
    await settle(5);
    if (m.isLeader()) leading++;
  }
  t.is(leading, 30, 'kept it for 15 s');
  t.not((await inner.resource<Lease>(leasesRef).get('kube-system', 'svcplane')).metadata.resourceVersion, rv, 'renewed');
  await m.stop();
  store.close();
});

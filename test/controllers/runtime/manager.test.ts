import test from 'ava';
import { MemoryStore } from '../../../apiserver/store.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { Manager, type Controller, type ControllerContext } from '../../../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../../../controllers/runtime/metrics.js';
import { silentLogger } from '../../../controllers/runtime/logger.js';
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
  const m = new Manager({
    client: new InProcessClient(store),
    controllers: [probe],
    clock,
    random: () => 0,
    logger: silentLogger,
    metrics: createRuntimeMetrics({ processMetrics: false }),
    leaderElection: identity ? { identity } : false,
  });
  return { m, probe };
}

test('manager › without leader election: setup, sync, run; ready once synced; stop in order', async (t) => {
  const store = new MemoryStore();
  store.create(resourceFor('', 'services'), 'default', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
  const { m, probe } = manager(store, new FakeClock());
  t.false(m.ready());
  m.start();
  await m.whenRunning();
  t.deepEqual(probe.life, ['setup', 'run']);
  t.deepEqual(probe.seen, ['web']);
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
  await a.m.stop();
  for (let i = 0; i < 10 && !b.m.isLeader(); i++) {
    clock.advance(500);
    await settle(4);
  }
  await b.m.whenRunning();
  t.deepEqual(b.probe.life, ['setup', 'run']);
  await b.m.stop();
  store.close();
});

import test, { type ExecutionContext } from 'ava';
import { ApiError } from '../../../api-types/api-error.js';
import type { KubeObject } from '../../../api-types/meta.js';
import type { IPAddress, ServiceCIDR } from '../../../api-types/networking.js';
import { startApiServer } from '../../../apiserver/index.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { MemoryStore } from '../../../apiserver/store.js';
import { ServiceCIDRController } from '../../../controllers/servicecidrs/index.js';
import { EndpointsController } from '../../../controllers/endpoints/index.js';
import { systemClock } from '../../../controllers/runtime/clock.js';
import type { KubeClient } from '../../../controllers/runtime/kube-client.js';
import { recordingLogger } from '../serviceip/harness.js';
import { FaultClient } from '../../../controllers/runtime/fault-client.js';
import { silentLogger } from '../../../controllers/runtime/logger.js';
import { Manager } from '../../../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../../../controllers/runtime/metrics.js';
import { FakeTimers } from '../../apiserver/http/fake-timers.js';
import { eventually } from '../../helpers/eventually.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';
import { FakeStoreClock } from '../../helpers/fake-store-clock.js';

const R = {
  servicecidrs: resourceFor('networking.k8s.io', 'servicecidrs'),
  ipaddresses: resourceFor('networking.k8s.io', 'ipaddresses'),
  events: resourceFor('events.k8s.io', 'events'),
};
const START = '2026-01-02T03:04:05Z';
const FINALIZER = 'networking.k8s.io/service-cidr-finalizer';
const BLOCKED = 'There are still IPAddresses referencing the ServiceCIDR, please remove them or create a new ServiceCIDR';

/** Counts its syncs. */
class CountingController extends ServiceCIDRController {
  syncs = 0;
  override sync(name: string) {
    this.syncs++;
    return super.sync(name);
  }
}

/**
 * The controller over `store` (a fresh one on a fake clock unless given), its clock and the
 * store's driven together from START.
 */
async function startController(t: ExecutionContext, given?: { store: MemoryStore; storeClock: FakeStoreClock }) {
  const storeClock = given?.storeClock ?? new FakeStoreClock(START);
  const store = given?.store ?? new MemoryStore({ clock: storeClock });
  const clock = new FakeClock(Date.parse(START));
  const faults = new FaultClient(new InProcessClient(store));
  const controller = new CountingController();
  const manager = new Manager({ client: faults, controllers: [controller], clock, random: Math.random, logger: silentLogger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: false, drainTimeoutMs: 2000 });
  manager.start();
  t.teardown(async () => {
    await manager.stop();
    store.close();
  });
  await manager.whenRunning();
  const writes: string[] = [];
  store.onWrite = (w) => void writes.push(`${w.type} ${w.resource.resource}/${w.object.metadata.name}`);
  /** Moves both clocks, then lets the workers run. */
  const advance = async (ms: number) => {
    storeClock.advance(ms);
    clock.advance(ms);
    await settle();
  };
  const get = (name: string) => {
    try {
      return store.get(R.servicecidrs, undefined, name) as ServiceCIDR;
    } catch {
      return undefined;
    }
  };
  return { store, storeClock, clock, faults, controller, writes, advance, get };
}

const ready = (sc: ServiceCIDR | undefined) => sc?.status?.conditions?.find((c) => c.type === 'Ready');
const serviceCIDR = (name: string, ...cidrs: string[]): KubeObject => ({ metadata: { name }, spec: { cidrs } });
const ipAddress = (ip: string, managedBy: string): IPAddress => ({
  metadata: { name: ip, labels: { 'ipaddress.kubernetes.io/ip-family': ip.includes(':') ? 'IPv6' : 'IPv4', 'ipaddress.kubernetes.io/managed-by': managedBy } },
  spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'web' } },
});
const isSettled = (sc: ServiceCIDR | undefined) => sc?.metadata.finalizers?.includes(FINALIZER) && ready(sc)?.status === 'True';

test('servicecidrs controller › a new ServiceCIDR gets the finalizer and Ready=True; a settled one is not written again', async (t) => {
  const w = await startController(t);
  w.store.create(R.servicecidrs, undefined, serviceCIDR('extra', '10.0.0.0/24'));
  const sc = await eventually('finalizer and Ready', () => isSettled(w.get('extra')) && w.get('extra'));
  t.deepEqual(sc.metadata.finalizers, [FINALIZER]);
  t.like(ready(sc), { status: 'True', reason: '', message: 'Kubernetes Service CIDR is ready', lastTransitionTime: START });
  t.true(sc.metadata.managedFields?.some((f) => f.manager === 'service-cidr-controller' && f.subresource === 'status'), 'status applied as service-cidr-controller');
  w.writes.length = 0;
  // An unrelated change to it is synced and makes no write.
  w.store.update(R.servicecidrs, undefined, 'extra', { ...sc, metadata: { ...sc.metadata, labels: { team: 'a' } } });
  const syncs = w.controller.syncs;
  await eventually('the change synced', () => w.controller.syncs > syncs);
  await w.advance(60_000);
  t.deepEqual(w.writes, ['MODIFIED servicecidrs/extra'], 'only the test\'s own write');
});

test('servicecidrs controller › Ready=True that cannot be written: a KubernetesServiceCIDRError Warning, then retried', async (t) => {
  const w = await startController(t);
  w.faults.failNext({ verb: 'patch', resource: 'servicecidrs', error: () => new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: 'boom' }) });
  // Created with the finalizer, so the status apply is the only write (and fails once).
  w.store.create(R.servicecidrs, undefined, { metadata: { name: 'extra', finalizers: [FINALIZER] }, spec: { cidrs: ['10.0.0.0/24'] } });
  const events = () => w.store.list(R.events, { namespace: 'default' }).items as { reason?: string; note?: string; type?: string; reportingController?: string; regarding?: { kind?: string; name?: string } }[];
  const [event] = await eventually('the event', () => events().length > 0 && events());
  t.like(event, { type: 'Warning', reason: 'KubernetesServiceCIDRError', note: 'The ServiceCIDR Status can not be set to Ready=True', reportingController: 'service-cidr-controller', regarding: { kind: 'ServiceCIDR', name: 'extra' } });
  t.is(ready(w.get('extra')), undefined, 'not written before the retry');
  await w.advance(1_000);
  await eventually('Ready on the retry', () => ready(w.get('extra'))?.status === 'True');
});

test('servicecidrs controller › a deleted ServiceCIDR without IPs keeps its finalizer for the 10 s grace period, then goes', async (t) => {
  const w = await startController(t);
  w.store.create(R.servicecidrs, undefined, serviceCIDR('extra', '10.0.0.0/24'));
  await eventually('settled', () => isSettled(w.get('extra')));
  w.store.delete(R.servicecidrs, undefined, 'extra');
  t.truthy(w.get('extra')?.metadata.deletionTimestamp);
  await w.advance(9_000);
  await settle(20);
  t.deepEqual(w.get('extra')?.metadata.finalizers, [FINALIZER], 'still there within the grace period');
  t.is(ready(w.get('extra'))?.status, 'True', 'not blocked: Ready stays as it was');
  await w.advance(1_000);
  await eventually('gone after the grace period', () => w.get('extra') === undefined);
});

for (const managedBy of ['ipallocator.k8s.io', 'serviceip-controller.svcplane.io']) {
  test(`servicecidrs controller › an IPAddress of ${managedBy} that only it holds keeps it, Ready=False; deleting the IPAddress lets it go`, async (t) => {
    const w = await startController(t);
    w.store.create(R.servicecidrs, undefined, serviceCIDR('extra', '10.0.0.0/24'));
    w.store.create(R.ipaddresses, undefined, ipAddress('10.0.0.5', managedBy));
    // Another manager's IPAddress holds nothing.
    w.store.create(R.ipaddresses, undefined, ipAddress('10.0.0.6', 'someone-else'));
    await eventually('settled', () => isSettled(w.get('extra')));
    w.store.delete(R.servicecidrs, undefined, 'extra');
    await eventually('Ready=False', () => ready(w.get('extra'))?.status === 'False');
    t.like(ready(w.get('extra')), { status: 'False', reason: 'Terminating', message: BLOCKED });
    await w.advance(30_000);
    await settle(20);
    t.deepEqual(w.get('extra')?.metadata.finalizers, [FINALIZER], 'held past the grace period');
    w.store.delete(R.ipaddresses, undefined, '10.0.0.5');
    await eventually('gone once the IPAddress is', () => w.get('extra') === undefined);
  });
}

test('servicecidrs controller › a held ServiceCIDR goes once a new ServiceCIDR contains its range', async (t) => {
  const w = await startController(t);
  w.store.create(R.servicecidrs, undefined, serviceCIDR('extra', '10.0.0.0/24'));
  w.store.create(R.ipaddresses, undefined, ipAddress('10.0.0.5', 'serviceip-controller.svcplane.io'));
  await eventually('settled', () => isSettled(w.get('extra')));
  w.store.delete(R.servicecidrs, undefined, 'extra');
  await eventually('Ready=False', () => ready(w.get('extra'))?.status === 'False');
  await w.advance(30_000);
  w.store.create(R.servicecidrs, undefined, serviceCIDR('wider', '10.0.0.0/16'));
  await eventually('gone once another holds the range', () => w.get('extra') === undefined);
  t.truthy(await eventually('the new one settled', () => isSettled(w.get('wider'))));
});

test('servicecidrs controller › a held deletion is checked again at a bounded pace and writes nothing more', async (t) => {
  const w = await startController(t);
  w.store.create(R.servicecidrs, undefined, serviceCIDR('extra', '10.0.0.0/24'));
  w.store.create(R.ipaddresses, undefined, ipAddress('10.0.0.5', 'ipallocator.k8s.io'));
  await eventually('settled', () => isSettled(w.get('extra')));
  w.store.delete(R.servicecidrs, undefined, 'extra');
  await eventually('Ready=False', () => ready(w.get('extra'))?.status === 'False');
  await settle(20);
  w.writes.length = 0;
  const before = w.controller.syncs;
  // Ten minutes, a second at a time.
  for (let i = 0; i < 600; i++) await w.advance(1_000);
  const syncs = w.controller.syncs - before;
  t.true(syncs >= 9 && syncs <= 11, `one check a minute, not a loop: ${syncs} syncs in 10 minutes`);
  t.deepEqual(w.writes, [], 'no write while nothing changed');
  t.truthy(w.get('extra'));
});

test('servicecidrs controller › the API server\'s kubernetes ServiceCIDR: both controllers converge, then neither writes', async (t) => {
  const storeClock = new FakeStoreClock(START);
  const store = new MemoryStore({ clock: storeClock });
  const timers = new FakeTimers();
  const server = await startApiServer({ store, timers, serviceClusterIPRange: '10.0.0.0/24', advertiseAddress: '192.0.2.10' });
  t.teardown(() => server.close());
  t.is(ready(store.get(R.servicecidrs, undefined, 'kubernetes') as ServiceCIDR)?.message, 'Kubernetes default Service CIDR is ready', 'the API server sets it first');
  const w = await startController(t, { store, storeClock });
  await eventually('settled', () => isSettled(w.get('kubernetes')) && ready(w.get('kubernetes'))?.message === 'Kubernetes Service CIDR is ready');
  await settle(20);
  w.writes.length = 0;
  const syncs = w.controller.syncs;
  // Five of the API server's 10 s intervals, on both clocks.
  for (let i = 0; i < 5; i++) {
    timers.advance(10_000);
    await w.advance(10_000);
  }
  t.deepEqual(w.writes.filter((x) => x.includes('servicecidrs/')), [], 'no ServiceCIDR write once converged');
  t.is(w.controller.syncs, syncs, 'and nothing to sync');
  t.like(ready(w.get('kubernetes')), { status: 'True', message: 'Kubernetes Service CIDR is ready' });
});

for (const code of [404, 403]) {
  test(`servicecidrs controller › where ServiceCIDR answers ${code}, it says so once and stays idle, and the other controllers run`, async (t) => {
    const store = new MemoryStore();
    const inner = new InProcessClient(store);
    const refusing: KubeClient = {
      resource(ref) {
        if (ref.resource !== 'servicecidrs') return inner.resource(ref);
        const fail = async (): Promise<never> => {
          throw new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', reason: code === 404 ? 'NotFound' : 'Forbidden', code, message: 'refused' });
        };
        return { get: fail, list: fail, watch: fail, create: fail, update: fail, updateStatus: fail, patch: fail, delete: fail };
      },
    };
    const { logger, lines } = recordingLogger();
    const manager = new Manager({ client: refusing, controllers: [new ServiceCIDRController(), new EndpointsController()], clock: systemClock, random: Math.random, logger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: false, drainTimeoutMs: 2000 });
    manager.start();
    t.teardown(async () => {
      await manager.stop();
      store.close();
    });
    await manager.whenRunning();
    t.true(manager.ready());
    // The Endpoints controller works: a selectorful Service gets its Endpoints.
    store.create(resourceFor('', 'services'), 'default', { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    await eventually('Endpoints written', () => store.list(resourceFor('', 'endpoints'), { namespace: 'default' }).items.find((e) => e.metadata.name === 'web'));
    const said = await eventually('the idle line', () => lines.find((l) => l.msg.includes('servicecidrs controller stays idle')));
    t.is(said.level, 30);
  });
}

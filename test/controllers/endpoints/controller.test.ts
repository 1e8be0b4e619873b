import test from 'ava';
import type { Endpoints } from '../../../api-types/core.js';
import { EndpointsController } from '../../../controllers/endpoints/controller.js';
import { eventually } from '../../helpers/eventually.js';
import { R, startWorld, type World } from '../../helpers/world.js';

const httpPort = [{ name: 'http', port: 80, targetPort: 'http' }];

function endpointsOf(w: World, name: string): Endpoints | undefined {
  return w.list<Endpoints>(R.endpoints).find((e) => e.metadata.name === name);
}

function counts(ep: Endpoints | undefined): [number, number] {
  const ready = (ep?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const notReady = (ep?.subsets ?? []).reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  return [ready, notReady];
}

test('endpoints controller › ready and not-ready pods, labels, and a readiness flip is one write', async (t) => {
  const w = await startWorld([new EndpointsController()]);
  try {
    w.service('web', { selector: { app: 'web' }, ports: httpPort });
    w.pod('a', { ip: '10.244.0.1' });
    w.pod('b', { ip: '10.244.0.2', ready: false });
    const ep = await eventually('1 ready + 1 not ready', () => { const e = endpointsOf(w, 'web'); return counts(e).join() === '1,1' && e; });
    t.deepEqual(ep.subsets, [{ addresses: [{ ip: '10.244.0.1', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: (w.store.get(R.pods, 'default', 'a').metadata.uid) } }], notReadyAddresses: [{ ip: '10.244.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: (w.store.get(R.pods, 'default', 'b').metadata.uid) } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]);
    t.is(ep.metadata.labels?.['endpoints.kubernetes.io/managed-by'], 'endpoint-controller');
    t.truthy(ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']);
    await new Promise((r) => setTimeout(r, 500));
    const rv = w.store.get(R.endpoints, 'default', 'web').metadata.resourceVersion;
    w.setPodStatus('b', { ready: true });
    const after = await eventually('2 ready', () => { const e = endpointsOf(w, 'web'); return counts(e).join() === '2,0' && e; });
    t.is(Number(after.metadata.resourceVersion) > Number(rv), true);
    await new Promise((r) => setTimeout(r, 500));
    t.is(w.store.get(R.endpoints, 'default', 'web').metadata.resourceVersion, after.metadata.resourceVersion, 'no further writes');
  } finally {
    await w.close();
  }
});

test('endpoints controller › 1,200 pods are truncated to 1,000 with the over-capacity annotation, removed when back under', async (t) => {
  const w = await startWorld([new EndpointsController()]);
  try {
    w.service('big', { selector: { app: 'big' }, ports: httpPort });
    for (let i = 0; i < 1200; i++) w.pod(`big-${i}`, { labels: { app: 'big' }, ready: i % 4 !== 0 });
    const ep = await eventually('truncated', () => { const e = endpointsOf(w, 'big'); return e?.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'] === 'truncated' && e; }, { timeoutMs: 30_000 });
    const [ready, notReady] = counts(ep);
    t.is(ready + notReady, 1000);
    t.is(ready, 900, 'every ready address is kept first');
    for (let i = 0; i < 300; i++) w.store.delete(R.pods, 'default', `big-${i}`, { gracePeriodSeconds: 0 });
    const under = await eventually('back under', () => { const e = endpointsOf(w, 'big'); return counts(e).reduce((a, b) => a + b) === 900 && e; }, { timeoutMs: 30_000 });
    t.is(under.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], undefined);
  } finally {
    await w.close();
  }
});

test('endpoints controller › Endpoints go with their Service; a selectorless Service\'s hand-written Endpoints are left alone', async (t) => {
  const w = await startWorld([new EndpointsController()]);
  try {
    w.service('manual', { ports: httpPort });
    w.store.create(R.endpoints, 'default', { metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '192.168.1.1' }], ports: [{ name: 'http', port: 80 }] }] });
    w.service('web', { selector: { app: 'web' }, ports: httpPort });
    w.pod('a');
    await eventually('web endpoints', () => counts(endpointsOf(w, 'web'))[0] === 1);
    w.store.delete(R.services, 'default', 'web');
    await eventually('web endpoints deleted', () => !endpointsOf(w, 'web'));
    t.deepEqual(endpointsOf(w, 'manual')?.subsets?.[0].addresses, [{ ip: '192.168.1.1' }], 'selectorless: untouched');
  } finally {
    await w.close();
  }
});

test('endpoints controller › the start-up sweep deletes Endpoints with no Service but keeps leader-election records', async (t) => {
  const controller = new EndpointsController();
  // Seed the store before the manager starts, through a world without controllers.
  const seed = await startWorld([]);
  seed.store.create(R.endpoints, 'default', { metadata: { name: 'leftover' }, subsets: [] });
  seed.store.create(R.endpoints, 'kube-system', { metadata: { name: 'old-lock', annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } } });
  const { Manager } = await import('../../../controllers/runtime/manager.js');
  const { InProcessClient } = await import('../../../apiserver/in-process-client.js');
  const { systemClock } = await import('../../../controllers/runtime/clock.js');
  const { silentLogger } = await import('../../../controllers/runtime/logger.js');
  const { createRuntimeMetrics } = await import('../../../controllers/runtime/metrics.js');
  const m = new Manager({ client: new InProcessClient(seed.store), controllers: [controller], clock: systemClock, random: Math.random, logger: silentLogger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: false });
  m.start();
  try {
    await m.whenRunning();
    await eventually('leftover deleted', () => !seed.list<Endpoints>(R.endpoints).some((e) => e.metadata.name === 'leftover'));
    t.true(seed.list<Endpoints>(R.endpoints, 'kube-system').some((e) => e.metadata.name === 'old-lock'));
  } finally {
    await m.stop();
    await seed.close();
  }
});

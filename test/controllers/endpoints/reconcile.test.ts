import test from 'ava';
import type { Endpoints, PodPhase } from '../../../api-types/core.js';
import { endpointsLabels, formatTriggerTime, reconcileEndpoints, StaleEndpointsTracker, type EndpointsPlan, type EndpointsSnapshot } from '../../../controllers/endpoints/reconcile.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { makePod, makeService, stored } from './fixtures.js';

const base = { namespace: 'default', name: 'web', existing: undefined } as const;

function written(plan: EndpointsPlan): Endpoints {
  if (plan.action !== 'create' && plan.action !== 'update') throw new Error(`expected a write, got ${plan.action}`);
  return plan.endpoints;
}

function count(ep: Endpoints): { ready: number; notReady: number } {
  let ready = 0;
  let notReady = 0;
  for (const ss of ep.subsets ?? []) {
    ready += ss.addresses?.length ?? 0;
    notReady += ss.notReadyAddresses?.length ?? 0;
  }
  return { ready, notReady };
}

// §4.6 / TestSyncServiceAddresses: [phase, ready, terminating, PNRA, ready addresses, not-ready addresses].
const inclusion: [PodPhase, boolean, boolean, boolean, number, number][] = [
  ['Running', true, false, false, 1, 0],
  ['Running', true, true, false, 0, 0],
  ['Unknown', true, false, false, 1, 0],
  ['Unknown', true, true, false, 0, 0],
  ['Pending', true, false, false, 1, 0],
  ['Pending', true, true, false, 0, 0],
  ['Running', false, false, false, 0, 1],
  ['Unknown', false, false, false, 0, 1],
  ['Pending', false, false, false, 0, 1],
  ['Failed', false, false, false, 0, 0],
  ['Succeeded', false, false, false, 0, 0],
  ['Failed', true, false, false, 0, 0],
  ['Running', false, false, true, 1, 0],
  ['Running', false, true, true, 1, 0],
  ['Running', true, true, true, 1, 0],
  ['Unknown', false, false, true, 1, 0],
  ['Unknown', false, true, true, 1, 0],
  ['Pending', false, false, true, 1, 0],
  ['Pending', false, true, true, 1, 0],
  ['Failed', false, false, true, 0, 0],
  ['Succeeded', false, false, true, 0, 0],
];
for (const [phase, ready, terminating, pnra, wantReady, wantNotReady] of inclusion) {
  test(`reconcileEndpoints › §4.6 ${phase}, ready=${ready}, terminating=${terminating}, PNRA=${pnra} → ${wantReady} ready, ${wantNotReady} not ready`, (t) => {
    const plan = reconcileEndpoints({ ...base, service: makeService({ publishNotReadyAddresses: pnra }), pods: [makePod('p', { phase, ready, terminating })] });
    t.deepEqual(count(written(plan)), { ready: wantReady, notReady: wantNotReady });
  });
}

for (const pnra of [false, true]) {
  test(`reconcileEndpoints › §4.6 a pod without IP is left out (PNRA=${pnra})`, (t) => {
    const plan = reconcileEndpoints({ ...base, service: makeService({ publishNotReadyAddresses: pnra }), pods: [makePod('p', { ips: [] })] });
    t.deepEqual(count(written(plan)), { ready: 0, notReady: 0 });
  });
}

test('reconcileEndpoints › creates the whole object: labels, managed-by, trigger time, targetRef without resourceVersion', (t) => {
  const plan = reconcileEndpoints({
    ...base, service: makeService({}, { app: 'web', tier: 'fe' }),
    pods: [makePod('b', { ip: '10.0.0.2' }), makePod('a', { ip: '10.0.0.1', ready: false, node: 'node-2' })],
    triggerTime: '2026-01-01T01:00:00.500000+01:00',
  });
  t.deepEqual(plan, {
    action: 'create', counts: { readyPods: 1, notReadyPods: 1, truncated: false },
    endpoints: {
      metadata: {
        name: 'web', namespace: 'default',
        labels: { app: 'web', tier: 'fe', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' },
        annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:00.5Z' },
      },
      subsets: [{
        addresses: [{ ip: '10.0.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }],
        notReadyAddresses: [{ ip: '10.0.0.1', nodeName: 'node-2', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      }],
    },
  });
});

test('reconcileEndpoints › headless without ports: one subset, no ports, headless label', (t) => {
  const service = makeService({ clusterIP: 'None', ports: undefined });
  const ep = written(reconcileEndpoints({ ...base, service, pods: [makePod('a', { ip: '10.0.0.9' }), makePod('b', { ip: '10.0.0.10' })] }));
  t.deepEqual(ep.subsets?.map((s) => [s.addresses?.map((a) => a.ip), s.ports]), [[['10.0.0.10', '10.0.0.9'], undefined]]);
  t.is(ep.metadata.labels?.['service.kubernetes.io/headless'], '');
});

test('reconcileEndpoints › clusterIP "" also gets the headless label; a ClusterIP Service does not', (t) => {
  t.is(written(reconcileEndpoints({ ...base, service: makeService({ clusterIP: '' }), pods: [] })).metadata.labels?.['service.kubernetes.io/headless'], '');
  t.false('service.kubernetes.io/headless' in (written(reconcileEndpoints({ ...base, service: makeService({}, { 'service.kubernetes.io/headless': '' }), pods: [] })).metadata.labels ?? {}));
});

test('reconcileEndpoints › a non-headless Service without ports gets no addresses', (t) => {
  const ep = written(reconcileEndpoints({ ...base, service: makeService({ ports: [] }), pods: [makePod('a')] }));
  t.is(ep.subsets, undefined);
});

test('reconcileEndpoints › named targetPort resolved per pod (sidecars too); a pod lacking it is left out for that port only', (t) => {
  const service = makeService({
    ports: [
      { name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP', appProtocol: 'http' },
    ],
  });
  const pods = [
    makePod('a', { ip: '10.0.0.1', ports: [{ name: 'web', containerPort: 8080 }] }),
    makePod('b', { ip: '10.0.0.2', sidecarPorts: [{ name: 'web', containerPort: 8081 }] }),
    makePod('c', { ip: '10.0.0.3', ports: [{ name: 'web', containerPort: 8080, protocol: 'UDP' }] }),
  ];
  const ep = written(reconcileEndpoints({ ...base, service, pods }));
  const shape = ep.subsets?.map((s) => ({ ips: s.addresses?.map((a) => a.ip), ports: s.ports?.map((p) => `${p.name}:${p.port}${p.appProtocol ? `/${p.appProtocol}` : ''}`) }));
  t.deepEqual(shape, [
    { ips: ['10.0.0.1'], ports: ['http:8080'] },
    { ips: ['10.0.0.1', '10.0.0.2', '10.0.0.3'], ports: ['metrics:9090/http'] },
    { ips: ['10.0.0.2'], ports: ['http:8081'] },
  ]);
});

test('reconcileEndpoints › pods serving every port share one subset with all ports', (t) => {
  const service = makeService({ ports: [{ name: 'b', port: 2, targetPort: 20 }, { name: 'a', port: 1, targetPort: 10 }] });
  const ep = written(reconcileEndpoints({ ...base, service, pods: [makePod('x', { ip: '10.0.0.1' }), makePod('y', { ip: '10.0.0.2' })] }));
  t.is(ep.subsets?.length, 1);
  t.deepEqual(ep.subsets?.[0].ports, [{ name: 'a', port: 10, protocol: 'TCP' }, { name: 'b', port: 20, protocol: 'TCP' }]);
});

test('reconcileEndpoints › hostname only when the pod subdomain names the Service', (t) => {
  const pods = [makePod('a', { ip: '10.0.0.1', hostname: 'a', subdomain: 'web' }), makePod('b', { ip: '10.0.0.2', hostname: 'b', subdomain: 'other' }), makePod('c', { ip: '10.0.0.3', subdomain: 'web' })];
  const ep = written(reconcileEndpoints({ ...base, service: makeService({ clusterIP: 'None' }), pods }));
  t.deepEqual(ep.subsets?.[0].addresses?.map((a) => a.hostname), ['a', undefined, undefined]);
});

test('reconcileEndpoints › only the primary family; canonical text; a pod without that family is skipped', (t) => {
  const v6 = makeService({ ipFamilies: ['IPv6', 'IPv4'], clusterIP: 'fd00::a' });
  const pods = [makePod('a', { ips: ['10.0.0.1', 'FD00:0:0::1'] }), makePod('b', { ips: ['10.0.0.2'] })];
  t.deepEqual(written(reconcileEndpoints({ ...base, service: v6, pods })).subsets?.[0].addresses?.map((a) => a.ip), ['fd00::1']);
  const v4 = makeService({ ipFamilies: undefined, clusterIP: '10.96.0.1' });
  t.deepEqual(written(reconcileEndpoints({ ...base, service: v4, pods: [makePod('c', { ip: '010.0.0.7' })] })).subsets?.[0].addresses?.map((a) => a.ip), ['10.0.0.7']);
  const headless = makeService({ ipFamilies: undefined, clusterIP: 'None' });
  t.deepEqual(written(reconcileEndpoints({ ...base, service: headless, pods: [makePod('d', { ips: ['fd00::4', '10.0.0.4'] })] })).subsets?.[0].addresses?.map((a) => a.ip), ['fd00::4']);
});

test('reconcileEndpoints › selectorless and ExternalName Services are left alone; a gone Service is deleted', (t) => {
  const existing = stored({ metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '1.2.3.4' }] }] });
  t.deepEqual(reconcileEndpoints({ ...base, service: makeService({ selector: undefined }), pods: [makePod('a')], existing }), { action: 'none', reason: 'selectorless' });
  t.deepEqual(reconcileEndpoints({ ...base, service: makeService({ selector: null }), pods: [], existing }), { action: 'none', reason: 'selectorless' });
  t.deepEqual(reconcileEndpoints({ ...base, service: makeService({ type: 'ExternalName', externalName: 'x.example' }), pods: [], existing }), { action: 'none', reason: 'externalName' });
  t.deepEqual(reconcileEndpoints({ ...base, service: undefined, pods: [], existing }), { action: 'delete', namespace: 'default', name: 'web' });
  t.deepEqual(reconcileEndpoints({ ...base, service: undefined, pods: [] }), { action: 'delete', namespace: 'default', name: 'web' });
});

test('reconcileEndpoints › an empty selector keeps the pods it is given', (t) => {
  t.is(count(written(reconcileEndpoints({ ...base, service: makeService({ selector: {} }), pods: [makePod('a')] }))).ready, 1);
});

function resync(s: EndpointsSnapshot, first: EndpointsPlan, rv = '5'): EndpointsPlan {
  return reconcileEndpoints({ ...s, existing: stored(written(first), rv) });
}

test('reconcileEndpoints › no write when nothing changed, even if only the trigger time or pod resourceVersions moved', (t) => {
  const s: EndpointsSnapshot = { ...base, service: makeService(), pods: [makePod('a', { ip: '10.0.0.1' }), makePod('b', { ip: '10.0.0.2', ready: false })], triggerTime: '2026-01-01T00:00:00Z' };
  const first = reconcileEndpoints(s);
  t.is(first.action, 'create');
  t.like(resync(s, first), { action: 'none', reason: 'unchanged' });
  t.like(resync({ ...s, triggerTime: '2026-01-01T00:09:00Z' }, first), { action: 'none' });
  t.like(resync({ ...s, triggerTime: undefined }, first), { action: 'none' });
  const withRV = structuredClone(written(first));
  for (const ss of withRV.subsets ?? []) for (const a of [...(ss.addresses ?? []), ...(ss.notReadyAddresses ?? [])]) a.targetRef!.resourceVersion = '99';
  t.like(reconcileEndpoints({ ...s, existing: stored(withRV) }), { action: 'none' });
});

test('reconcileEndpoints › no write when the stored subsets only differ in order (hash order upstream)', (t) => {
  const service = makeService({ ports: [{ name: 'a', port: 1, targetPort: 'a' }, { name: 'b', port: 2, targetPort: 'b' }] });
  const pods = [makePod('x', { ip: '10.0.0.1', ports: [{ name: 'a', containerPort: 10 }] }), makePod('y', { ip: '10.0.0.2', ports: [{ name: 'b', containerPort: 20 }] })];
  const first = written(reconcileEndpoints({ ...base, service, pods }));
  t.is(first.subsets?.length, 2);
  const reordered = { ...first, subsets: [...first.subsets!].reverse() };
  t.like(reconcileEndpoints({ ...base, service, pods, existing: stored(reordered) }), { action: 'none' });
});

test('reconcileEndpoints › labels are corrected: Service labels replace all, managed-by restored', (t) => {
  const s: EndpointsSnapshot = { ...base, service: makeService(), pods: [makePod('a')] };
  const ep = written(reconcileEndpoints(s));
  const drifted = { ...ep, metadata: { ...ep.metadata, labels: { app: 'web', stray: 'x' } } };
  const plan = reconcileEndpoints({ ...s, existing: stored(drifted) });
  t.is(plan.action, 'update');
  t.deepEqual(written(plan).metadata.labels, { app: 'web', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
  t.is(reconcileEndpoints({ ...s, service: makeService({}, { app: 'web', v: '2' }), existing: stored(ep) }).action, 'update');
});

test('reconcileEndpoints › an update keeps other annotations and metadata, drops a stale trigger time, sets the new subsets', (t) => {
  const s: EndpointsSnapshot = { ...base, service: makeService(), pods: [makePod('a', { ip: '10.0.0.1' })] };
  const ep = written(reconcileEndpoints(s));
  const existing = stored({ ...ep, metadata: { ...ep.metadata, annotations: { keep: 'me', 'endpoints.kubernetes.io/last-change-trigger-time': 'old' } } });
  const plan = reconcileEndpoints({ ...s, pods: [makePod('a', { ip: '10.0.0.1', ready: false })], existing });
  const out = written(plan);
  t.is(plan.action, 'update');
  t.deepEqual(out.metadata.annotations, { keep: 'me' });
  t.is(out.metadata.resourceVersion, '5');
  t.is(out.metadata.uid, 'ep-uid');
  t.deepEqual(count(out), { ready: 0, notReady: 1 });
});

test('reconcileEndpoints › truncation at 1000 with the over-capacity annotation, no rewrite, annotation removed once back under', (t) => {
  const pods = Array.from({ length: 1003 }, (_, i) => makePod(`p${i}`, { ip: `10.1.${i >> 8}.${i & 255}`, ready: i % 4 !== 0 }));
  const s: EndpointsSnapshot = { ...base, service: makeService(), pods };
  const first = reconcileEndpoints(s);
  const ep = written(first);
  t.deepEqual(count(ep), { ready: 752, notReady: 248 });
  t.is(ep.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], 'truncated');
  t.like(first, { counts: { readyPods: 752, notReadyPods: 251, truncated: true } });
  // the not-ready addresses kept are the lowest IP strings
  const kept = ep.subsets![0].notReadyAddresses!.map((a) => a.ip);
  const all = pods.filter((_, i) => i % 4 === 0).map((p) => p.status!.podIP!).sort();
  t.deepEqual(kept, all.slice(0, 248));
  t.like(resync(s, first), { action: 'none' });
  const warned = stored({ ...ep, metadata: { ...ep.metadata, annotations: { 'endpoints.kubernetes.io/over-capacity': 'warning' } } });
  t.is(written(reconcileEndpoints({ ...s, existing: warned })).metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], 'truncated');
  const under = reconcileEndpoints({ ...s, pods: pods.slice(0, 999), existing: stored(ep) });
  t.is(under.action, 'update');
  t.false('endpoints.kubernetes.io/over-capacity' in (written(under).metadata.annotations ?? {}));
  t.deepEqual(count(written(under)), { ready: 749, notReady: 250 });
});

test('reconcileEndpoints › an over-capacity annotation on an object within capacity is removed', (t) => {
  const s: EndpointsSnapshot = { ...base, service: makeService(), pods: [makePod('a')] };
  const ep = written(reconcileEndpoints(s));
  const plan = reconcileEndpoints({ ...s, existing: stored({ ...ep, metadata: { ...ep.metadata, annotations: { 'endpoints.kubernetes.io/over-capacity': 'truncated' } } }) });
  t.is(plan.action, 'update');
  t.is(written(plan).metadata.annotations, undefined);
});

test('reconcileEndpoints › a stale cached Endpoints fails the sync with a typed error', (t) => {
  const s: EndpointsSnapshot = { ...base, service: makeService(), pods: [makePod('a')] };
  const existing = stored(written(reconcileEndpoints(s)), '7');
  const tracker = new StaleEndpointsTracker();
  tracker.markStale(existing);
  const err = t.throws(() => reconcileEndpoints({ ...s, existing, isStale: (e) => tracker.isStale(e) }));
  t.is((err as { code?: string }).code, 'EndpointsCacheStale');
  t.is(err?.message, 'endpoints informer cache is out of date, resource version 7 already processed for endpoints default/web');
  t.like(reconcileEndpoints({ ...s, existing: stored(existing, '8'), isStale: (e) => tracker.isStale(e) }), { action: 'none' });
});

test('reconcileEndpoints › an existing object without resourceVersion is created, keeping its annotations', (t) => {
  const existing = deepFreeze({ metadata: { name: 'web', namespace: 'default', annotations: { a: 'b' } } }) as Endpoints;
  const plan = reconcileEndpoints({ ...base, service: makeService(), pods: [], existing });
  t.is(plan.action, 'create');
  t.deepEqual(written(plan).metadata.annotations, { a: 'b' });
});

test('formatTriggerTime › RFC3339Nano in UTC: trailing fraction zeros dropped, offsets converted', (t) => {
  t.is(formatTriggerTime('2026-01-01T00:00:00Z'), '2026-01-01T00:00:00Z');
  t.is(formatTriggerTime('2026-01-01T00:00:00.000000Z'), '2026-01-01T00:00:00Z');
  t.is(formatTriggerTime('2026-01-01T00:00:00.120000Z'), '2026-01-01T00:00:00.12Z');
  t.is(formatTriggerTime('2026-01-01T00:30:00.123456789-02:30'), '2026-01-01T03:00:00.123456789Z');
  t.is(formatTriggerTime('not a time'), 'not a time');
});

test('endpointsLabels › Service labels, headless when no IP, managed-by; reserved keys on the Service are overridden', (t) => {
  t.deepEqual(endpointsLabels(makeService({ clusterIP: 'None' }, { a: 'b', 'endpoints.kubernetes.io/managed-by': 'someone' })), {
    a: 'b', 'service.kubernetes.io/headless': '', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller',
  });
  t.deepEqual(endpointsLabels(makeService({}, {})), { 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
});

test('reconcileEndpoints › a pod removed: the update drops its address (repack fallback path)', (t) => {
  const s: EndpointsSnapshot = { ...base, service: makeService(), pods: [makePod('a', { ip: '10.0.0.1' }), makePod('b', { ip: '10.0.0.2' })] };
  const existing = stored(written(reconcileEndpoints(s)));
  const plan = reconcileEndpoints({ ...s, pods: [s.pods[1]], existing });
  t.deepEqual(written(plan).subsets?.[0].addresses?.map((a) => a.ip), ['10.0.0.2']);
});

test('reconcileEndpoints › no pods: an existing object with nil or empty subsets and right labels is left alone', (t) => {
  const service = makeService();
  const labels = { app: 'web', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' };
  for (const subsets of [undefined, []]) {
    const existing = stored({ metadata: { name: 'web', namespace: 'default', labels }, ...(subsets ? { subsets } : {}) });
    t.like(reconcileEndpoints({ ...base, service, pods: [], existing }), { action: 'none', reason: 'unchanged' });
  }
});

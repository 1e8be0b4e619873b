import test from 'ava';
import type { Pod } from '../../../api-types/core.js';
import { computeDesired, endpointPortsForPod, podToEndpoint } from '../../../controllers/endpointslice/desired.js';
import { reconcileSlices } from '../../../controllers/endpointslice/reconcile.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { defaultNodes, node, pod, pods, service, sizes, snapshot } from './fixtures.js';

const svc = service();
const pnra = service({ spec: { publishNotReadyAddresses: true } });

// §5.4 conditions: serving = Ready, terminating = deletionTimestamp, ready = PNRA || (serving && !terminating).
const conditionRows: { name: string; pod: Pod; pnra: boolean; want: { ready: boolean; serving: boolean; terminating: boolean } }[] = [
  { name: 'ready', pod: pod(0), pnra: false, want: { ready: true, serving: true, terminating: false } },
  { name: 'not ready', pod: pod(0, { ready: false }), pnra: false, want: { ready: false, serving: false, terminating: false } },
  { name: 'ready, terminating', pod: pod(0, { terminating: true }), pnra: false, want: { ready: false, serving: true, terminating: true } },
  { name: 'not ready, terminating', pod: pod(0, { ready: false, terminating: true }), pnra: false, want: { ready: false, serving: false, terminating: true } },
  { name: 'not ready, PNRA', pod: pod(0, { ready: false }), pnra: true, want: { ready: true, serving: false, terminating: false } },
  { name: 'terminating, PNRA', pod: pod(0, { ready: false, terminating: true }), pnra: true, want: { ready: true, serving: false, terminating: true } },
];
for (const row of conditionRows) {
  test(`podToEndpoint › conditions: ${row.name}`, (t) => {
    t.deepEqual(podToEndpoint(row.pod, node('node-1', 'zone-a'), row.pnra ? pnra : svc, 'IPv4').conditions, row.want);
  });
}

test('podToEndpoint › addresses of the family, nodeName, zone, targetRef without resourceVersion', (t) => {
  const p = pod(3, { ips: ['10.0.0.4', 'fd00::4'] });
  t.deepEqual(podToEndpoint(p, node('node-1', 'zone-a'), svc, 'IPv4'), {
    addresses: ['10.0.0.4'], conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', namespace: 'default', name: 'pod-3', uid: 'uid-3' }, nodeName: 'node-1', zone: 'zone-a',
  });
  t.deepEqual(podToEndpoint(p, node('node-1', 'zone-a'), svc, 'IPv6').addresses, ['fd00::4']);
  t.false('zone' in podToEndpoint(p, node('node-1'), svc, 'IPv4'), 'no zone label, no zone');
  t.false('zone' in podToEndpoint(p, undefined, svc, 'IPv4'), 'no node, no zone');
});

test('podToEndpoint › irregular pod IPs are canonicalised', (t) => {
  t.deepEqual(podToEndpoint(pod(0, { ips: ['010.000.000.001', 'FD00:0:0::0001'] }), undefined, svc, 'IPv4').addresses, ['10.0.0.1']);
  t.deepEqual(podToEndpoint(pod(0, { ips: ['010.000.000.001', 'FD00:0:0::0001'] }), undefined, svc, 'IPv6').addresses, ['fd00::1']);
});

test('podToEndpoint › hostname only when the subdomain is the Service name', (t) => {
  t.is(podToEndpoint(pod(0, { hostname: 'h0', subdomain: 'web' }), undefined, svc, 'IPv4').hostname, 'h0');
  t.false('hostname' in podToEndpoint(pod(0, { hostname: 'h0', subdomain: 'other' }), undefined, svc, 'IPv4'));
  t.false('hostname' in podToEndpoint(pod(0, { subdomain: 'web' }), undefined, svc, 'IPv4'));
});

test('endpointPortsForPod › named targetPort resolved per pod by name and protocol, sidecars too; missing names left out', (t) => {
  const multi = service({ spec: { ports: [
    { name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' },
    { name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP', appProtocol: 'dns' },
    { name: 'admin', port: 9901, targetPort: 'admin', protocol: 'TCP' },
    { port: 7, protocol: 'TCP' },
  ] } });
  const p = pod(0, { ports: [{ name: 'web', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'TCP' }], sidecarPorts: [{ name: 'admin', containerPort: 19901 }] });
  t.deepEqual(endpointPortsForPod(multi, p), [
    { name: 'http', port: 8080, protocol: 'TCP' },
    { name: 'admin', port: 19901, protocol: 'TCP' },
    { name: '', port: 7, protocol: 'TCP' },
  ]);
});

test('reconcileSlices › pods whose named port resolves differently go to different slices (5 ports × 60)', (t) => {
  const named = service({ spec: { ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } });
  const ps = Array.from({ length: 300 }, (_, i) => pod(i, { ports: [{ name: 'http', containerPort: 8000 + (i % 5) }] }));
  const plan = reconcileSlices(snapshot({ service: named, pods: ps }));
  t.deepEqual(sizes(plan.create), [60, 60, 60, 60, 60]);
  t.deepEqual(plan.create.map((s) => s.ports![0].port).sort(), [8000, 8001, 8002, 8003, 8004]);
});

test('computeDesired › terminal and IP-less pods are left out; terminating pods stay', (t) => {
  const ps = [pod(0, { phase: 'Succeeded' }), pod(1, { phase: 'Failed' }), pod(2, { ips: [] }), pod(3, { terminating: true }), pod(4, { phase: 'Pending' })];
  const d = computeDesired(svc, ps, defaultNodes(), ['IPv4']);
  const names = [...d.byAddressType.get('IPv4')!.values()].flatMap((g) => [...g.endpoints.values()].map((e) => e.targetRef?.name));
  t.deepEqual(names, ['pod-3', 'pod-4']);
});

test('computeDesired › a pod on an unknown node is skipped with NodeNotFound; with PNRA it is kept without zone', (t) => {
  const ps = [pod(0), pod(1, { nodeName: 'gone' })];
  const d = computeDesired(svc, ps, defaultNodes(), ['IPv4']);
  t.deepEqual(d.problems, [{ code: 'NodeNotFound', message: 'skipping Pod pod-1 for Service default/web: Node gone Not Found' }]);
  t.is([...d.byAddressType.get('IPv4')!.values()][0].endpoints.size, 1);
  const kept = computeDesired(pnra, ps, defaultNodes(), ['IPv4']);
  t.deepEqual(kept.problems, []);
  const eps = [...[...kept.byAddressType.get('IPv4')!.values()][0].endpoints.values()];
  t.deepEqual(eps.map((e) => [e.targetRef?.name, e.zone]), [['pod-0', 'zone-a'], ['pod-1', undefined]]);
});

test('reconcileSlices › the NodeNotFound problem rides along a plan that is still written', (t) => {
  const plan = reconcileSlices(snapshot({ service: svc, pods: [...pods(2), pod(9, { nodeName: 'gone' })] }));
  t.deepEqual(sizes(plan.create), [2]);
  t.is(plan.problems.length, 1);
  t.is(plan.problems[0].code, 'NodeNotFound');
});

test('computeDesired › a pod without an address of the family has no endpoint there', (t) => {
  const dual = ['IPv4', 'IPv6'] as const;
  const d = computeDesired(svc, [pod(0, { ips: ['10.0.0.1'] }), pod(1, { ips: ['10.0.0.2', 'fd00::2'] })], defaultNodes(), dual);
  const count = (f: 'IPv4' | 'IPv6') => [...d.byAddressType.get(f)!.values()].reduce((n, g) => n + g.endpoints.size, 0);
  t.is(count('IPv4'), 2);
  t.is(count('IPv6'), 1);
});

test('computeDesired › never mutates its inputs (deep-frozen)', (t) => {
  const ps = deepFreeze(pods(5));
  t.notThrows(() => computeDesired(svc, ps, defaultNodes(), ['IPv4', 'IPv6']));
});

test('computeDesired › the same pod object is re-read when the Service or its node object changes', (t) => {
  const p = pod(0, { ready: false });
  const first = computeDesired(svc, [p], defaultNodes(), ['IPv4']);
  const ep = () => [...[...first.byAddressType.get('IPv4')!.values()][0].endpoints.values()][0];
  t.false(ep().conditions?.ready);
  const again = computeDesired(pnra, [p], new Map([['node-1', node('node-1', 'zone-z')]]), ['IPv4']);
  const ep2 = [...[...again.byAddressType.get('IPv4')!.values()][0].endpoints.values()][0];
  t.true(ep2.conditions?.ready);
  t.is(ep2.zone, 'zone-z');
  t.true(Object.isFrozen(ep2), 'shared endpoints are frozen');
});

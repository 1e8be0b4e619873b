import test from 'ava';
import type { Pod } from '../../../api-types/core.js';
import { canonicalIP, endpointsAddressState, isPlainIPv4, isPodReady, plainIPv4Value, podIPsOfFamily, shouldPodBeInEndpoints, shouldSetHostname } from '../../../controllers/shared/pod.js';
import type { EndpointsAddressState } from '../../../controllers/shared/pod.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

function mk(phase: NonNullable<Pod['status']>['phase'], ready: boolean, o: { terminating?: boolean; ip?: boolean } = {}): Pod {
  return deepFreeze({
    metadata: { name: 'p', namespace: 'd', uid: 'u', ...(o.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [], nodeName: 'n' },
    status: { phase, ...(o.ip === false ? {} : { podIP: '10.0.0.1' }), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
}

// kubernetes-behaviour.md §4.6 (TestSyncServiceAddresses): [pod, PNRA=false, PNRA=true].
const rows: [string, Pod, EndpointsAddressState, EndpointsAddressState][] = [
  ['Running, Ready', mk('Running', true), 'ready', 'ready'],
  ['Running, Ready, terminating', mk('Running', true, { terminating: true }), 'excluded', 'ready'],
  ['Running, not Ready', mk('Running', false), 'notReady', 'ready'],
  ['Unknown, Ready', mk('Unknown', true), 'ready', 'ready'],
  ['Pending, Ready', mk('Pending', true), 'ready', 'ready'],
  ['Unknown, not Ready', mk('Unknown', false), 'notReady', 'ready'],
  ['Pending, not Ready', mk('Pending', false), 'notReady', 'ready'],
  ['Unknown, terminating', mk('Unknown', false, { terminating: true }), 'excluded', 'ready'],
  ['Pending, terminating', mk('Pending', true, { terminating: true }), 'excluded', 'ready'],
  ['Failed', mk('Failed', true), 'excluded', 'excluded'],
  ['Succeeded', mk('Succeeded', false), 'excluded', 'excluded'],
  ['no pod IP', mk('Running', true, { ip: false }), 'excluded', 'excluded'],
];
for (const [name, p, withoutPNRA, withPNRA] of rows) {
  test(`endpointsAddressState › §4.6 ${name}: ${withoutPNRA} / ${withPNRA} with publishNotReadyAddresses`, (t) => {
    t.is(endpointsAddressState(p, false), withoutPNRA);
    t.is(endpointsAddressState(p, true), withPNRA);
  });
}

test('shouldPodBeInEndpoints › includeTerminating keeps terminating pods; terminal and IP-less never', (t) => {
  t.true(shouldPodBeInEndpoints(mk('Running', false, { terminating: true }), true));
  t.false(shouldPodBeInEndpoints(mk('Running', false, { terminating: true }), false));
  t.false(shouldPodBeInEndpoints(mk('Failed', true), true));
  t.false(shouldPodBeInEndpoints(mk('Running', true, { ip: false }), true));
  const onlyPodIPs = deepFreeze({ ...mk('Running', true, { ip: false }), status: { phase: 'Running' as const, podIPs: [{ ip: 'fd00::1' }] } });
  t.true(shouldPodBeInEndpoints(onlyPodIPs, false));
});

test('isPodReady › only a Ready condition with status True', (t) => {
  t.true(isPodReady(mk('Running', true)));
  t.false(isPodReady(mk('Running', false)));
  t.false(isPodReady(deepFreeze({ metadata: { name: 'p' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' as const }] } })));
  t.false(isPodReady(deepFreeze({ metadata: { name: 'p' } })));
});

test('shouldSetHostname › hostname set, subdomain equal to the Service name, same namespace', (t) => {
  const svc = deepFreeze({ metadata: { name: 'web', namespace: 'd' } });
  const withHost = (hostname: string | undefined, subdomain: string, namespace = 'd'): Pod => deepFreeze({ metadata: { name: 'p', namespace }, spec: { containers: [], ...(hostname ? { hostname } : {}), subdomain } });
  t.true(shouldSetHostname(withHost('h', 'web'), svc));
  t.false(shouldSetHostname(withHost(undefined, 'web'), svc));
  t.false(shouldSetHostname(withHost('h', 'api'), svc));
  t.false(shouldSetHostname(withHost('h', 'web', 'other'), svc));
});

test('canonicalIP › sloppy IPv4 and IPv6 forms print canonically; garbage is undefined', (t) => {
  t.deepEqual(canonicalIP('10.0.0.1'), { family: 'IPv4', text: '10.0.0.1' });
  t.deepEqual(canonicalIP('01.2.3.4'), { family: 'IPv4', text: '1.2.3.4' });
  t.deepEqual(canonicalIP('FD00:0:0:0::01'), { family: 'IPv6', text: 'fd00::1' });
  t.deepEqual(canonicalIP('::ffff:1.2.3.4'), { family: 'IPv4', text: '1.2.3.4' });
  t.is(canonicalIP('256.0.0.1'), undefined);
  t.is(canonicalIP('nope'), undefined);
  t.is(canonicalIP(''), undefined);
});

test('podIPsOfFamily › the pod IPs of one family, canonical, podIP when podIPs is absent', (t) => {
  const dual = deepFreeze({ metadata: { name: 'p' }, status: { podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'FD00::1' }] } });
  t.deepEqual(podIPsOfFamily(dual, 'IPv4'), ['10.0.0.1']);
  t.deepEqual(podIPsOfFamily(dual, 'IPv6'), ['fd00::1']);
  t.deepEqual(podIPsOfFamily(mk('Running', true), 'IPv6'), []);
});

test('plainIPv4Value › canonical dotted quads only, as the value of the address', (t) => {
  t.is(plainIPv4Value('10.0.1.5'), 10 * 2 ** 24 + 1 * 2 ** 8 + 5);
  t.is(plainIPv4Value('255.255.255.255'), 2 ** 32 - 1);
  t.is(plainIPv4Value('0.0.0.0'), 0);
  for (const bad of ['01.2.3.4', '1.2.3.04', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', '1.2.3.4 ', '1234.1.1.1', '::1', '', 'a.b.c.d', '1.2.3.1000']) t.is(plainIPv4Value(bad), -1, bad);
  t.true(isPlainIPv4('192.168.0.1'));
  t.false(isPlainIPv4('192.168.0.01'));
});

import test from 'ava';
import type { Pod } from '../../../api-types/core.js';
import { isPodReady, readyOverride, runningPodStatus, statusDiffers, terminatingPodStatus } from '../../../controllers/kubelet-sim/pod-status.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const T0 = '2026-11-21T10:00:00Z';
const T1 = '2026-11-21T10:00:05Z';

function pod(annotations?: Record<string, string>): Pod {
  return deepFreeze({ metadata: { name: 'p', namespace: 'default', uid: 'u1', annotations }, spec: { nodeName: 'sim-node-1', containers: [{ name: 'app', image: 'nginx' }, { name: 'side', image: 'envoy' }] } }) as Pod;
}

test('readyOverride › "false" and "true" override; anything else defers to the delay', (t) => {
  t.is(readyOverride(pod({ 'svcplane.io/simulate-ready': 'false' })), false);
  t.is(readyOverride(pod({ 'svcplane.io/simulate-ready': 'true' })), true);
  t.is(readyOverride(pod({ 'svcplane.io/simulate-ready': 'yes' })), undefined);
  t.is(readyOverride(pod()), undefined);
});

test('runningPodStatus › Running with IPs in family order, host IPs, one running status per container, four conditions', (t) => {
  const st = runningPodStatus(pod(), { ips: ['10.244.0.2', 'fd00:10:244::2'], hostIPs: ['172.18.0.2'], ready: false, nowIso: T0 });
  t.is(st.phase, 'Running');
  t.is(st.podIP, '10.244.0.2');
  t.deepEqual(st.podIPs, [{ ip: '10.244.0.2' }, { ip: 'fd00:10:244::2' }]);
  t.is(st.hostIP, '172.18.0.2');
  t.deepEqual(st.conditions?.map((c) => `${c.type}=${c.status}`), ['PodScheduled=True', 'Initialized=True', 'ContainersReady=False', 'Ready=False']);
  t.deepEqual((st.containerStatuses as { name: string; ready: boolean }[]).map((c) => [c.name, c.ready]), [['app', false], ['side', false]]);
});

test('runningPodStatus › keeps the transition time of unchanged conditions and stamps changed ones', (t) => {
  const first = runningPodStatus(pod(), { ips: ['10.244.0.2'], hostIPs: [], ready: false, nowIso: T0 });
  const p = deepFreeze({ ...pod(), status: first }) as Pod;
  const second = runningPodStatus(p, { ips: ['10.244.0.2'], hostIPs: [], ready: true, nowIso: T1 });
  t.is(second.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime, T0);
  t.is(second.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime, T1);
  t.is(second.startTime, T0, 'startTime stays');
  t.true(isPodReady({ ...p, status: second }));
  t.true(statusDiffers(first, second));
  t.false(statusDiffers(second, runningPodStatus({ ...p, status: second }, { ips: ['10.244.0.2'], hostIPs: [], ready: true, nowIso: '2026-11-21T11:00:00Z' })), 'same state later: no write');
});

test('terminatingPodStatus › Ready and ContainersReady turn False, IPs and phase stay', (t) => {
  const running = runningPodStatus(pod(), { ips: ['10.244.0.2'], hostIPs: [], ready: true, nowIso: T0 });
  const st = terminatingPodStatus(deepFreeze({ ...pod(), status: running }) as Pod, T1);
  t.is(st.phase, 'Running');
  t.is(st.podIP, '10.244.0.2');
  t.is(st.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  t.is(st.conditions?.find((c) => c.type === 'ContainersReady')?.status, 'False');
  t.false((st.containerStatuses as { ready: boolean }[]).some((c) => c.ready));
});

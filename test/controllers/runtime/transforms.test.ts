import test from 'ava';
import { podIPs, slimNode, slimPod } from '../../../controllers/runtime/transforms.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import type { Pod } from '../../../api-types/core.js';

const fullPod = deepFreeze({
  metadata: {
    name: 'web-1', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'web' },
    annotations: { big: 'x'.repeat(1000) }, creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{ manager: 'kubectl', operation: 'Update' }], ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'r' }],
  },
  spec: {
    nodeName: 'n1', hostname: 'h', subdomain: 'sub',
    containers: [{ name: 'app', image: 'nginx', env: [{ name: 'A', value: 'b' }], ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }] }],
    initContainers: [{ name: 'init', image: 'busybox', ports: [{ containerPort: 1 }] }, { name: 'proxy', image: 'envoy', restartPolicy: 'Always', ports: [{ name: 'admin', containerPort: 9901 }] }],
    volumes: [{ name: 'v' }],
  },
  status: {
    phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }],
    conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z', reason: 'x' }],
    containerStatuses: [{ name: 'app', ready: true }],
  },
}) as unknown as Pod;

test('slimPod › keeps exactly what endpoint controllers read and drops the rest', (t) => {
  t.deepEqual(slimPod(fullPod), {
    metadata: { name: 'web-1', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'web' }, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {
      containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] }],
      nodeName: 'n1', hostname: 'h', subdomain: 'sub',
      initContainers: [{ name: 'proxy', restartPolicy: 'Always', ports: [{ name: 'admin', containerPort: 9901 }] }],
    },
    status: { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z' }] },
  });
  t.true(JSON.stringify(slimPod(fullPod)).length < JSON.stringify(fullPod).length / 3);
});

test('slimPod › a terminating pod keeps its deletionTimestamp; a pod without status stays without', (t) => {
  const p = slimPod({ metadata: { name: 'p', namespace: 'd', deletionTimestamp: '2026-01-01T00:01:00Z' }, spec: { containers: [] } });
  t.is(p.metadata.deletionTimestamp, '2026-01-01T00:01:00Z');
  t.is(p.status, undefined);
  t.deepEqual(podIPs(p), []);
});

test('podIPs › both families when two, the single podIP otherwise', (t) => {
  t.deepEqual(podIPs(slimPod(fullPod)), ['10.0.0.1', 'fd00::1']);
  t.deepEqual(podIPs(slimPod({ ...fullPod, status: { podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.9' }] } })), ['10.0.0.9']);
});

test('slimNode › keeps name, labels, allocatable cpu and the Ready condition', (t) => {
  const n = slimNode(deepFreeze({ metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'a' }, annotations: { x: 'y' } }, status: { allocatable: { cpu: '4', memory: '8Gi' }, conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True', reason: 'KubeletReady' }] } }));
  t.deepEqual(n, { metadata: { name: 'n1', namespace: undefined, uid: undefined, resourceVersion: undefined, labels: { 'topology.kubernetes.io/zone': 'a' } }, status: { allocatable: { cpu: '4' }, conditions: [{ type: 'Ready', status: 'True' }] } });
  t.is(slimNode({ metadata: { name: 'bare' } }).status, undefined);
});

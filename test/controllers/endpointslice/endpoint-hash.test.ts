import test from 'ava';
import type { SliceEndpoint } from '../../../api-types/networking.js';
import { endpointKey, endpointsEqualBeyondHash, portMapKey } from '../../../controllers/endpointslice/endpoint-hash.js';

const base: SliceEndpoint = {
  addresses: ['10.0.0.2', '10.0.0.1'], conditions: { ready: true, serving: true, terminating: false },
  targetRef: { kind: 'Pod', namespace: 'd', name: 'p', uid: 'u', resourceVersion: '1' }, nodeName: 'n', zone: 'z',
};

test('endpointKey › addresses in any order, hostname and targetRef namespace/name identify an endpoint', (t) => {
  t.is(endpointKey(base), endpointKey({ ...base, addresses: ['10.0.0.1', '10.0.0.2'], conditions: {}, targetRef: { ...base.targetRef, uid: 'other' } }));
  t.not(endpointKey(base), endpointKey({ ...base, hostname: 'h' }));
  t.not(endpointKey(base), endpointKey({ ...base, targetRef: { ...base.targetRef, name: 'q' } }));
  t.not(endpointKey(base), endpointKey({ ...base, addresses: ['10.0.0.1'] }));
});

test('endpointsEqualBeyondHash › nodeName, zone, conditions and targetRef count; resourceVersion and hints do not', (t) => {
  t.true(endpointsEqualBeyondHash(base, { ...base, targetRef: { ...base.targetRef, resourceVersion: '9' }, hints: { forZones: [{ name: 'x' }] } }));
  for (const change of [{ nodeName: 'm' }, { zone: undefined }, { conditions: { ready: false, serving: true, terminating: false } }, { conditions: { ready: true, serving: true } }, { targetRef: { ...base.targetRef, uid: 'v' } }]) {
    t.false(endpointsEqualBeyondHash(base, { ...base, ...change }), JSON.stringify(change));
  }
});

test('portMapKey › order-free; null, [] and absent equal; absent name and protocol take the wire defaults', (t) => {
  const a = [{ name: 'a', port: 1, protocol: 'TCP' as const }, { name: 'b', port: 2, protocol: 'UDP' as const }];
  t.is(portMapKey(a), portMapKey([...a].reverse()));
  t.is(portMapKey(null), portMapKey([]));
  t.is(portMapKey(undefined), portMapKey([]));
  t.is(portMapKey([{ port: 1 }]), portMapKey([{ name: '', port: 1, protocol: 'TCP' }]));
  t.not(portMapKey([{ port: 1 }]), portMapKey([{ port: 2 }]));
  t.not(portMapKey([{ port: 1, appProtocol: 'h2c' }]), portMapKey([{ port: 1 }]));
});

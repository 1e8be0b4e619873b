import test from 'ava';
import type { Endpoints, Service } from '../../api-types/core.js';
import type { EndpointSlice, SliceEndpoint } from '../../api-types/networking.js';
import { buildServiceRows } from '../../status/service-rows.js';
import { deepFreeze } from '../helpers/deep-freeze.js';

const service = (name: string, spec: Service['spec'], ns = 'default'): Service => ({ metadata: { name, namespace: ns }, spec });
const pod = (name: string, ip: string, ready?: boolean): SliceEndpoint => ({ addresses: [ip], conditions: ready === undefined ? {} : { ready }, targetRef: { kind: 'Pod', namespace: 'default', name } });
const slice = (name: string, svc: string, addressType: EndpointSlice['addressType'], endpoints: SliceEndpoint[], ns = 'default'): EndpointSlice => ({
  metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': svc } },
  addressType,
  endpoints,
});

test('buildServiceRows › counts from slices: distinct endpoints across families, unset ready means ready, fill fullest first', (t) => {
  const input = deepFreeze({
    services: [service('web', { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::10'], ports: [{ port: 80 }] })],
    slices: [
      slice('web-b', 'web', 'IPv4', [pod('a', '10.0.0.1', true)]),
      slice('web-a', 'web', 'IPv4', [pod('b', '10.0.0.2'), pod('c', '10.0.0.3', false)]),
      slice('web-6', 'web', 'IPv6', [pod('a', 'fd00::a', true), pod('b', 'fd00::b', true), pod('c', 'fd00::c', false)]),
      slice('other', 'api', 'IPv4', [pod('x', '10.0.0.9', true)]),
    ],
    endpoints: [],
  });
  const [row] = buildServiceRows(input);
  t.like(row, { name: 'web', clusterIPs: ['10.96.0.10', 'fd00::10'], endpointsFrom: 'EndpointSlices', ready: 2, notReady: 1, truncated: false });
  t.deepEqual(row.slices, [{ addressType: 'IPv4', counts: [2, 1] }, { addressType: 'IPv6', counts: [3] }]);
});

test('buildServiceRows › without slices, counts come from Endpoints (by IP over subsets); truncation is flagged', (t) => {
  const ep: Endpoints = {
    metadata: { name: 'legacy', namespace: 'default', annotations: { 'endpoints.kubernetes.io/over-capacity': 'truncated' } },
    subsets: [
      { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], notReadyAddresses: [{ ip: '10.0.0.3' }], ports: [{ port: 80 }] },
      { addresses: [{ ip: '10.0.0.1' }], notReadyAddresses: [{ ip: '10.0.0.2' }], ports: [{ port: 81 }] },
    ],
  };
  const [row] = buildServiceRows(deepFreeze({ services: [service('legacy', { clusterIP: '10.96.0.11' })], slices: [], endpoints: [ep] }));
  t.like(row, { endpointsFrom: 'Endpoints', ready: 2, notReady: 1, truncated: true, slices: [] });
});

test('buildServiceRows › truncation is flagged even when slices exist (they hold every endpoint)', (t) => {
  const ep: Endpoints = { metadata: { name: 'big', namespace: 'default', annotations: { 'endpoints.kubernetes.io/over-capacity': 'truncated' } }, subsets: [] };
  const [row] = buildServiceRows({ services: [service('big', {})], slices: [slice('big-1', 'big', 'IPv4', [pod('a', '10.0.0.1')])], endpoints: [ep] });
  t.like(row, { endpointsFrom: 'EndpointSlices', ready: 1, truncated: true });
});

test('buildServiceRows › types, headless, pending, nodePorts, ExternalName; sorted by namespace and name; slices of another namespace ignored', (t) => {
  const rows = buildServiceRows({
    services: [
      service('z', { type: 'NodePort', clusterIP: '10.96.0.5', ports: [{ port: 80, nodePort: 30080 }] }, 'a'),
      service('ext', { type: 'ExternalName', externalName: 'example.com' }, 'b'),
      service('headless', { clusterIP: 'None', clusterIPs: ['None'] }, 'a'),
      service('pending', { clusterIP: '' }, 'a'),
    ],
    slices: [slice('headless-1', 'headless', 'IPv4', [pod('p', '10.0.0.1')], 'elsewhere')],
    endpoints: [],
  });
  t.deepEqual(rows.map((r) => `${r.namespace}/${r.name}`), ['a/headless', 'a/pending', 'a/z', 'b/ext']);
  t.like(rows[0], { clusterIPs: ['None'], endpointsFrom: 'none', type: 'ClusterIP' });
  t.like(rows[1], { clusterIPs: [] });
  t.like(rows[2], { type: 'NodePort', nodePorts: [30080] });
  t.like(rows[3], { type: 'ExternalName', endpointsFrom: 'none', clusterIPs: [] });
});

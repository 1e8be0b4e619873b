import test from 'ava';
import type { KubeObject } from '../../../api-types/meta.js';
import {
  CONFIG_MAP_PRINTER,
  EVENTS_V1_PRINTER,
  EVENT_PRINTER,
  LEASE_PRINTER,
  NAMESPACE_PRINTER,
  NODE_PRINTER,
  SERVICE_ACCOUNT_PRINTER,
  nodeRoles,
} from '../../../apiserver/tables/core-printers.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const NOW = Date.parse('2026-01-02T03:04:05Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

type Json = Record<string, unknown>;

const obj = (kind: string, rest: Json, metadata: Json = {}): KubeObject =>
  deepFreeze({ apiVersion: 'v1', kind, metadata: { name: 'x', creationTimestamp: ago(90), ...metadata }, ...rest });

const node = (o: { spec?: Json; status?: Json; labels?: Json } = {}): KubeObject => obj('Node', { spec: o.spec ?? {}, status: o.status ?? {} }, { name: 'node-1', labels: o.labels });

test('NODE_PRINTER › Ready, roles, version, and wide addresses and system info', (t) => {
  const n = node({
    labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/': '', 'kubernetes.io/role': 'worker' },
    status: {
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
      addresses: [{ type: 'Hostname', address: 'node-1' }, { type: 'InternalIP', address: '172.18.0.2' }],
      nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://2.0.0' },
    },
  });
  t.deepEqual(NODE_PRINTER.print(n, NOW).cells, ['node-1', 'Ready', 'control-plane,worker', '90s', 'v1.33.1', '172.18.0.2', '<none>', 'Debian GNU/Linux 12', '6.8.0', 'containerd://2.0.0']);
});

test('NODE_PRINTER › NotReady, Unknown without a Ready condition, SchedulingDisabled when cordoned, <unknown> system info', (t) => {
  t.deepEqual(NODE_PRINTER.print(node({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }), NOW).cells.slice(1, 3), ['NotReady', '<none>']);
  t.deepEqual(NODE_PRINTER.print(node({ spec: { unschedulable: true } }), NOW).cells.slice(1, 2), ['Unknown,SchedulingDisabled']);
  t.deepEqual(NODE_PRINTER.print(node(), NOW).cells.slice(4), ['', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
});

test('nodeRoles › sorted, unique, empty suffixes and values skipped', (t) => {
  t.deepEqual(nodeRoles({ 'node-role.kubernetes.io/b': '', 'node-role.kubernetes.io/a': 'x', 'kubernetes.io/role': 'a' }), ['a', 'b']);
  t.deepEqual(nodeRoles({ 'kubernetes.io/role': '' }), []);
});

test('NAMESPACE_PRINTER, CONFIG_MAP_PRINTER, SERVICE_ACCOUNT_PRINTER, LEASE_PRINTER › their cells', (t) => {
  t.deepEqual(NAMESPACE_PRINTER.print(obj('Namespace', { status: { phase: 'Terminating' } }), NOW).cells, ['x', 'Terminating', '90s']);
  t.deepEqual(CONFIG_MAP_PRINTER.print(obj('ConfigMap', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), NOW).cells, ['x', 3, '90s']);
  t.deepEqual(CONFIG_MAP_PRINTER.print(obj('ConfigMap', {}), NOW).cells, ['x', 0, '90s']);
  t.deepEqual(SERVICE_ACCOUNT_PRINTER.print(obj('ServiceAccount', { secrets: [{ name: 's' }] }), NOW).cells, ['x', 1, '90s']);
  t.deepEqual(LEASE_PRINTER.print(obj('Lease', { spec: { holderIdentity: 'svcplane-abc_123' } }), NOW).cells, ['x', 'svcplane-abc_123', '90s']);
  t.deepEqual(LEASE_PRINTER.print(obj('Lease', { spec: {} }), NOW).cells, ['x', '', '90s']);
});

// Cells: last seen, type, reason, object, subobject, source, message, first seen, count, name.
test('EVENT_PRINTER › a core event with first and last timestamps and a count', (t) => {
  const ev = obj('Event', {
    involvedObject: { kind: 'Service', name: 'web', fieldPath: 'spec.ports[0]' },
    reason: 'ClusterIPAllocated', message: '  allocated 10.96.0.10 \n', type: 'Normal',
    source: { component: 'svcplane', host: 'node-1' }, firstTimestamp: ago(600), lastTimestamp: ago(30), count: 4,
  }, { name: 'web.1' });
  t.deepEqual(EVENT_PRINTER.print(ev, NOW).cells, ['30s', 'Normal', 'ClusterIPAllocated', 'service/web', 'spec.ports[0]', 'svcplane, node-1', 'allocated 10.96.0.10', '10m', 4, 'web.1']);
});

test('EVENT_PRINTER › without timestamps: eventTime for first seen, first seen for last seen, count 1, reporting controller as source', (t) => {
  const ev = obj('Event', { involvedObject: { kind: 'Node' }, type: 'Warning', reason: 'R', eventTime: '2026-01-02T03:02:05.000000Z', reportingComponent: 'ctrl', reportingInstance: 'ctrl-1' });
  t.deepEqual(EVENT_PRINTER.print(ev, NOW).cells, ['2m', 'Warning', 'R', 'node', '', 'ctrl, ctrl-1', '', '2m', 1, 'x']);
});

test('EVENT_PRINTER › a series gives last seen and count; no times at all is <unknown>', (t) => {
  const ev = obj('Event', { involvedObject: { kind: 'Pod', name: 'p' }, series: { count: 7, lastObservedTime: ago(5) }, eventTime: ago(100), count: 2 });
  t.deepEqual(EVENT_PRINTER.print(ev, NOW).cells.slice(0, 1).concat(EVENT_PRINTER.print(ev, NOW).cells.slice(7, 9)), ['5s', '100s', 7]);
  t.deepEqual(EVENT_PRINTER.print(obj('Event', { involvedObject: {} }), NOW).cells.slice(0, 1), ['<unknown>']);
});

test('EVENTS_V1_PRINTER › events.k8s.io fields print as the core ones (regarding, note, deprecated*)', (t) => {
  const ev = obj('Event', {
    apiVersion: 'events.k8s.io/v1', regarding: { kind: 'EndpointSlice', name: 'web-abc' }, note: 'hello', type: 'Normal', reason: 'Synced',
    reportingController: 'svcplane.io/endpointslice', reportingInstance: 'svcplane-0', eventTime: ago(60), deprecatedCount: 3, deprecatedFirstTimestamp: ago(300), deprecatedLastTimestamp: ago(10),
  });
  t.deepEqual(EVENTS_V1_PRINTER.print(ev, NOW).cells, ['10s', 'Normal', 'Synced', 'endpointslice/web-abc', '', 'svcplane.io/endpointslice, svcplane-0', 'hello', '5m', 3, 'x']);
  t.deepEqual(EVENTS_V1_PRINTER.columns, EVENT_PRINTER.columns);
});

test('EVENT_PRINTER › columns: Name last and wide-only, as upstream', (t) => {
  t.deepEqual(EVENT_PRINTER.columns.map((c) => [c.name, c.priority]), [
    ['Last Seen', 0], ['Type', 0], ['Reason', 0], ['Object', 0], ['Subobject', 1], ['Source', 1], ['Message', 0], ['First Seen', 1], ['Count', 1], ['Name', 1],
  ]);
});

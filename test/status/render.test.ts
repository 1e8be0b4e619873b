import test from 'ava';
import type { StatusView } from '../../status/model.js';
import { barCells, formatAge, renderStatus } from '../../status/render.js';
import { plainStyle, stripAnsi, styleFor } from '../../status/style.js';
import { deepFreeze } from '../helpers/deep-freeze.js';

const nowMs = Date.parse('2026-11-21T14:00:00Z');

/** A known cluster state: two ranges, five Services of every kind, two events. */
const view: StatusView = deepFreeze({
  server: 'https://127.0.0.1:6443',
  namespace: undefined,
  eventsFrom: 'events.k8s.io/v1',
  ranges: [
    { kind: 'ClusterIP', range: '10.96.0.0/28', family: 'IPv4', source: '--service-cluster-ip-range', size: 14n, used: 7, staticBand: undefined },
    { kind: 'ClusterIP', range: '10.0.0.0/24', family: 'IPv4', source: 'ServiceCIDR kubernetes', size: 254n, used: 20, staticBand: { first: '10.0.0.1', last: '10.0.0.16', size: 16, used: 4 } },
    { kind: 'NodePort', range: '30000-32767', source: '--service-node-port-range', size: 2768n, used: 2, staticBand: { first: '30000', last: '30085', size: 86, used: 1 } },
  ],
  services: [
    { namespace: 'default', name: 'big', type: 'ClusterIP', clusterIPs: ['10.0.0.40'], nodePorts: [], endpointsFrom: 'EndpointSlices', ready: 248, notReady: 2, slices: [{ addressType: 'IPv4', counts: [100, 100, 50] }], truncated: false },
    { namespace: 'default', name: 'dual', type: 'NodePort', clusterIPs: ['10.0.0.41', 'fd00::41'], nodePorts: [30000, 31080], endpointsFrom: 'EndpointSlices', ready: 3, notReady: 0, slices: [{ addressType: 'IPv4', counts: [3] }, { addressType: 'IPv6', counts: [3] }], truncated: false },
    { namespace: 'default', name: 'huge', type: 'ClusterIP', clusterIPs: ['None'], nodePorts: [], endpointsFrom: 'Endpoints', ready: 1000, notReady: 0, slices: [], truncated: true },
    { namespace: 'default', name: 'new', type: 'ClusterIP', clusterIPs: [], nodePorts: [], endpointsFrom: 'none', ready: 0, notReady: 0, slices: [], truncated: false },
    { namespace: 'other', name: 'ext', type: 'ExternalName', clusterIPs: [], nodePorts: [], endpointsFrom: 'none', ready: 0, notReady: 0, slices: [], truncated: false },
  ],
  events: [
    { at: '2026-11-21T13:59:15.000000Z', namespace: 'default', regarding: 'Service/new', reason: 'ClusterIPOutOfRange', controller: 'serviceip-controller', note: 'Cluster IP [IPv4]: 10.1.0.5 is not within any configured Service CIDR', count: 3 },
    { at: '2026-11-21T11:00:00Z', namespace: 'default', regarding: 'Endpoints/huge', reason: 'FailedToUpdateEndpoint', controller: 'endpoint-controller', note: 'Failed to update endpoint default/huge: conflict', count: 1 },
  ],
});

const golden = [
  'svcplane status  https://127.0.0.1:6443  all namespaces  2026-11-21T14:00:00Z',
  '',
  'RANGES',
  '  ClusterIP      10.96.0.0/28        [###############...............]  7 used, 7 free of 14         --service-cluster-ip-range',
  '  ClusterIP      10.0.0.0/24         [##............................]  20 used, 234 free of 254     ServiceCIDR kubernetes',
  '    static band  10.0.0.1-10.0.0.16  [########......................]  4 used, 12 free of 16',
  '  NodePort       30000-32767         [#.............................]  2 used, 2,766 free of 2,768  --service-node-port-range',
  '    static band  30000-30085         [#.............................]  1 used, 85 free of 86',
  '',
  'SERVICES  5 in all namespaces',
  '  NAMESPACE  NAME  TYPE          CLUSTER-IPS         NODE-PORTS   READY  NOT-READY  SLICES             NOTES',
  '  default    big   ClusterIP     10.0.0.40           -            248    2          100 100 50',
  '  default    dual  NodePort      10.0.0.41,fd00::41  30000,31080  3      0          IPv4: 3 | IPv6: 3',
  '  default    huge  ClusterIP     None                -            1000   0          -                  Endpoints truncated, from Endpoints',
  '  default    new   ClusterIP     <pending>           -            -      -          -',
  '  other      ext   ExternalName  -                   -            -      -          -',
  '',
  "WARNING EVENTS  latest 2 of the suite's controllers (events.k8s.io/v1)",
  '  LAST SEEN  NAMESPACE  OBJECT          REASON                  FROM                  COUNT  MESSAGE',
  '  45s        default    Service/new     ClusterIPOutOfRange     serviceip-controller  3      Cluster IP [IPv4]: 10.1.0.5 is not within any configured Service CIDR',
  '  3h         default    Endpoints/huge  FailedToUpdateEndpoint  endpoint-controller   1      Failed to update endpoint default/huge: conflict',
];

test('renderStatus › draws a known state: header, range bars with static bands, Services, events (golden)', (t) => {
  t.deepEqual(renderStatus(view, { nowMs }), golden);
});

test('renderStatus › colours change nothing but escape codes and bar glyphs', (t) => {
  const coloured = renderStatus(view, { nowMs, style: styleFor({ color: true, unicode: false }) });
  t.true(coloured.some((l) => l.includes('\x1b[')), 'colours are on');
  t.deepEqual(coloured.map(stripAnsi), golden);
  const unicode = renderStatus(view, { nowMs, style: styleFor({ color: true, unicode: true }) }).map(stripAnsi);
  t.deepEqual(unicode.map((l) => l.replaceAll('█', '#').replaceAll('░', '.')), golden);
});

test('renderStatus › empty sections say so, and a namespace scope is named', (t) => {
  const lines = renderStatus({ ...view, namespace: 'demo', services: [], events: [], eventsFrom: 'v1' }, { nowMs, style: plainStyle });
  t.true(lines[0].includes('namespace demo'));
  t.true(lines.includes('SERVICES  0 in namespace demo'));
  t.true(lines.includes('  (no Services)'));
  t.true(lines.includes("WARNING EVENTS  latest 0 of the suite's controllers (v1)"));
  t.true(lines.includes('  (none)'));
});

test('renderStatus › no line ends in spaces', (t) => {
  for (const line of renderStatus(view, { nowMs })) t.is(line, line.trimEnd());
});

test('barCells › empty is 0 cells, full is all, any use at least 1, never full before the range is', (t) => {
  t.is(barCells(0n, 100n, 30), 0);
  t.is(barCells(1n, 2n ** 64n - 1n, 30), 1);
  t.is(barCells(99n, 100n, 30), 29);
  t.is(barCells(100n, 100n, 30), 30);
  t.is(barCells(50n, 100n, 30), 15);
  t.is(barCells(5n, 0n, 30), 0);
});

test('formatAge › seconds, minutes, hours, days; unreadable times are unknown', (t) => {
  t.is(formatAge('2026-11-21T13:59:59Z', nowMs), '1s');
  t.is(formatAge('2026-11-21T14:00:05Z', nowMs), '0s', 'a clock skewed ahead is not negative');
  t.is(formatAge('2026-11-21T13:55:00Z', nowMs), '5m');
  t.is(formatAge('2026-11-21T09:00:00Z', nowMs), '5h');
  t.is(formatAge('2026-11-18T14:00:00Z', nowMs), '3d');
  t.is(formatAge('', nowMs), '<unknown>');
});

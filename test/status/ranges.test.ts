import test from 'ava';
import fc from 'fast-check';
import type { Service } from '../../api-types/core.js';
import { clusterIPRangeUse, clusterIPsOf, nodePortRangeUse, nodePortsOf } from '../../status/ranges.js';

const svc = (spec: Service['spec']): Service => ({ metadata: { name: 's', namespace: 'default' }, spec });

test('clusterIPsOf › clusterIPs (or the legacy clusterIP), never None or empty', (t) => {
  t.deepEqual(clusterIPsOf(svc({ clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1', 'fd00::1'] })), ['10.96.0.1', 'fd00::1']);
  t.deepEqual(clusterIPsOf(svc({ clusterIP: '10.96.0.2' })), ['10.96.0.2']);
  t.deepEqual(clusterIPsOf(svc({ clusterIP: 'None', clusterIPs: ['None'] })), []);
  t.deepEqual(clusterIPsOf(svc({ type: 'ExternalName', externalName: 'example.com' })), []);
  t.deepEqual(clusterIPsOf(svc(undefined)), []);
});

test('nodePortsOf › every nodePort and the healthCheckNodePort, once each, ascending', (t) => {
  t.deepEqual(nodePortsOf(svc({ ports: [{ port: 53, protocol: 'UDP', nodePort: 30053 }, { port: 53, protocol: 'TCP', nodePort: 30053 }, { port: 80, nodePort: 30001 }], healthCheckNodePort: 32000 })), [30001, 30053, 32000]);
  t.deepEqual(nodePortsOf(svc({ ports: [{ port: 80 }] })), []);
});

test('clusterIPRangeUse › counts distinct in-range addresses, however spelled, and the static band', (t) => {
  const use = clusterIPRangeUse('10.96.0.0/24', 'flag', ['10.96.0.1', '10.96.0.1', '10.96.0.200', '10.97.0.1', '10.96.0.0', '10.96.0.255', 'fd00::1', 'None', '']);
  t.is(use.used, 2, 'network, broadcast, other ranges, other families and non-IPs do not count');
  t.is(use.size, 254n);
  t.deepEqual(use.staticBand, { first: '10.96.0.1', last: '10.96.0.16', size: 16, used: 1 });
  const v6 = clusterIPRangeUse('fd00::/64', 'flag', ['FD00::10', 'fd00::10', 'fd00::1:0']);
  t.is(v6.used, 2);
  t.is(v6.size, 2n ** 64n - 1n);
  t.is(v6.family, 'IPv6');
  t.deepEqual(v6.staticBand, { first: 'fd00::1', last: 'fd00::100', size: 256, used: 1 });
});

test('clusterIPRangeUse › a range of 16 addresses or fewer has no static band; a bad CIDR throws', (t) => {
  t.is(clusterIPRangeUse('10.0.0.0/28', 'flag', []).staticBand, undefined);
  t.throws(() => clusterIPRangeUse('10.0.0.1/24', 'flag', []), { instanceOf: TypeError });
  t.throws(() => clusterIPRangeUse('fd00::/48', 'flag', []), { instanceOf: RangeError });
});

test('nodePortRangeUse › counts distinct in-range ports and the static band 30000-30085', (t) => {
  const use = nodePortRangeUse({ base: 30000, size: 2768 }, 'flag', [30000, 30085, 30086, 30086, 29999, 32768, 32767]);
  t.is(use.range, '30000-32767');
  t.is(use.used, 4);
  t.deepEqual(use.staticBand, { first: '30000', last: '30085', size: 86, used: 2 });
});

test('nodePortRangeUse › used never exceeds the range, and the band never exceeds used (property)', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(fc.integer({ min: 1, max: 4000 }), fc.array(fc.integer({ min: 29000, max: 35000 }), { maxLength: 50 }), (size, ports) => {
      const use = nodePortRangeUse({ base: 30000, size }, 'flag', ports);
      const inRange = new Set(ports.filter((p) => p >= 30000 && p < 30000 + size));
      return use.used === inRange.size && BigInt(use.used) <= use.size && (use.staticBand?.used ?? 0) <= use.used;
    }),
    { numRuns: 1000 },
  ));
});

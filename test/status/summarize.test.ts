import test from 'ava';
import type { Service } from '../../api-types/core.js';
import type { ServiceCIDR } from '../../api-types/networking.js';
import { summarizeCluster, type ClusterSnapshot, type RangeConfig } from '../../status/summarize.js';
import { deepFreeze } from '../helpers/deep-freeze.js';

const service = (ns: string, name: string, ip: string, nodePort?: number): Service => ({
  metadata: { namespace: ns, name },
  spec: { type: nodePort ? 'NodePort' : 'ClusterIP', clusterIP: ip, clusterIPs: [ip], ports: [{ port: 80, nodePort }] },
});
const cidr = (name: string, cidrs: string[]): ServiceCIDR => ({ metadata: { name }, spec: { cidrs } });

const base: ClusterSnapshot = deepFreeze({
  server: 'https://k',
  services: [service('a', 'one', '10.96.0.10', 30001), service('b', 'two', '10.100.0.20'), service('b', 'three', '10.96.0.30', 30002)],
  slices: [],
  endpoints: [],
  events: { from: 'events.k8s.io/v1', items: [] },
});
const config: RangeConfig = { serviceClusterIPRange: '10.96.0.0/16', serviceClusterIPRangeGiven: false, nodePortRange: { base: 30000, size: 2768 } };

test('summarizeCluster › without ServiceCIDRs the flag gives the ranges; use is cluster-wide whatever namespace is shown', (t) => {
  const view = summarizeCluster({ ...base, namespace: 'b' }, config);
  t.deepEqual(view.ranges.map((r) => [r.kind, r.range, r.used, r.source]), [
    ['ClusterIP', '10.96.0.0/16', 2, '--service-cluster-ip-range'],
    ['NodePort', '30000-32767', 2, '--service-node-port-range'],
  ]);
  t.deepEqual(view.services.map((s) => s.name), ['three', 'two']);
  t.is(view.namespace, 'b');
});

test('summarizeCluster › ServiceCIDR objects replace the default; each CIDR once; bad ones left out', (t) => {
  const view = summarizeCluster({ ...base, serviceCIDRs: [cidr('kubernetes', ['10.96.0.0/16', 'fd00::/108']), cidr('extra', ['10.100.0.0/24']), cidr('dup', ['10.96.0.0/16']), cidr('bad', ['10.0.0.0/4'])] }, config);
  t.deepEqual(view.ranges.map((r) => [r.range, r.used, r.source]), [
    ['10.96.0.0/16', 2, 'ServiceCIDR kubernetes, dup'],
    ['fd00::/108', 0, 'ServiceCIDR kubernetes'],
    ['10.100.0.0/24', 1, 'ServiceCIDR extra'],
    ['30000-32767', 2, '--service-node-port-range'],
  ]);
});

test('summarizeCluster › an explicit --service-cluster-ip-range wins over ServiceCIDR objects', (t) => {
  const view = summarizeCluster({ ...base, serviceCIDRs: [cidr('kubernetes', ['10.100.0.0/24'])] }, { ...config, serviceClusterIPRangeGiven: true, serviceClusterIPRange: '10.96.0.0/12,fd00::/64' });
  t.deepEqual(view.ranges.map((r) => r.range), ['10.96.0.0/12', 'fd00::/64', '30000-32767']);
});

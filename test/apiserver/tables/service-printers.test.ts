import test from 'ava';
import type { KubeObject } from '../../../api-types/meta.js';
import {
  ENDPOINTS_PRINTER,
  ENDPOINT_SLICE_PRINTER,
  IP_ADDRESS_PRINTER,
  SERVICE_CIDR_PRINTER,
  SERVICE_PRINTER,
  formatEndpoints,
} from '../../../apiserver/tables/service-printers.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const NOW = Date.parse('2026-01-02T03:04:05Z');
const CREATED = '2026-01-01T03:04:05Z'; // 24h before NOW

type Json = Record<string, unknown>;

const obj = (kind: string, rest: Json): KubeObject => deepFreeze({ apiVersion: 'v1', kind, metadata: { name: 'web', namespace: 'default', creationTimestamp: CREATED }, ...rest });
const svc = (spec: Json, status: Json = {}): KubeObject => obj('Service', { spec, status });
const tcp = (port: number, nodePort?: number): Json => ({ port, protocol: 'TCP', ...(nodePort ? { nodePort } : {}) });

// Cells: name, type, cluster-ip, external-ip, port(s), age, selector.
const services: { name: string; svc: KubeObject; want: unknown[] }[] = [
  {
    name: 'ClusterIP: its IP, no external IP, ports, sorted selector',
    svc: svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [tcp(80), { port: 53, protocol: 'UDP' }], selector: { tier: 'fe', app: 'web' } }),
    want: ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,53/UDP', '24h', 'app=web,tier=fe'],
  },
  {
    name: 'ClusterIP with externalIPs lists them',
    svc: svc({ type: 'ClusterIP', clusterIP: '10.96.0.11', ports: [tcp(80)], externalIPs: ['192.0.2.1', '192.0.2.2'] }),
    want: ['web', 'ClusterIP', '10.96.0.11', '192.0.2.1,192.0.2.2', '80/TCP', '24h', '<none>'],
  },
  {
    name: 'NodePort ports read port:nodePort/protocol',
    svc: svc({ type: 'NodePort', clusterIP: '10.96.0.12', ports: [tcp(80, 30080), tcp(443, 30443)] }),
    want: ['web', 'NodePort', '10.96.0.12', '<none>', '80:30080/TCP,443:30443/TCP', '24h', '<none>'],
  },
  {
    name: 'LoadBalancer without ingress is <pending>',
    svc: svc({ type: 'LoadBalancer', clusterIP: '10.96.0.13', ports: [tcp(80, 31000)] }),
    want: ['web', 'LoadBalancer', '10.96.0.13', '<pending>', '80:31000/TCP', '24h', '<none>'],
  },
  {
    name: 'LoadBalancer ingress IPs and hostnames, sorted and unique, never clipped (the server prints wide)',
    svc: svc({ type: 'LoadBalancer', clusterIP: '10.96.0.14', ports: [tcp(80, 31001)] }, { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'a-long-hostname.elb.example.com' }, { ip: '203.0.113.9' }] } }),
    want: ['web', 'LoadBalancer', '10.96.0.14', '203.0.113.9,a-long-hostname.elb.example.com', '80:31001/TCP', '24h', '<none>'],
  },
  {
    name: 'LoadBalancer ingress then externalIPs',
    svc: svc({ type: 'LoadBalancer', clusterIP: '10.96.0.15', ports: [tcp(80, 31002)], externalIPs: ['192.0.2.7'] }, { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } }),
    want: ['web', 'LoadBalancer', '10.96.0.15', '203.0.113.1,192.0.2.7', '80:31002/TCP', '24h', '<none>'],
  },
  {
    name: 'ExternalName: the name as external IP, no cluster IP, no ports',
    svc: svc({ type: 'ExternalName', externalName: 'db.example.com' }),
    want: ['web', 'ExternalName', '<none>', 'db.example.com', '<none>', '24h', '<none>'],
  },
  {
    name: 'headless: None as cluster IP; clusterIPs alone suffice',
    svc: svc({ type: 'ClusterIP', clusterIPs: ['None'], ports: [tcp(80)], selector: { app: 'db' } }),
    want: ['web', 'ClusterIP', 'None', '<none>', '80/TCP', '24h', 'app=db'],
  },
  {
    name: 'no type is <unknown>',
    svc: svc({ clusterIP: '10.96.0.16' }),
    want: ['web', '', '10.96.0.16', '<unknown>', '<none>', '24h', '<none>'],
  },
];

for (const c of services) {
  test(`SERVICE_PRINTER › ${c.name}`, (t) => {
    t.deepEqual(SERVICE_PRINTER.print(c.svc, NOW).cells, c.want);
  });
}

test('SERVICE_PRINTER › columns: Selector alone is wide-only', (t) => {
  t.deepEqual(SERVICE_PRINTER.columns.map((c) => [c.name, c.priority]), [['Name', 0], ['Type', 0], ['Cluster-IP', 0], ['External-IP', 0], ['Port(s)', 0], ['Age', 0], ['Selector', 1]]);
});

const endpoints: { name: string; subsets: unknown; want: string }[] = [
  { name: 'no subsets', subsets: undefined, want: '<none>' },
  { name: 'addresses with their port', subsets: [{ addresses: [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }], ports: [{ port: 8080 }] }], want: '10.1.0.1:8080,10.1.0.2:8080' },
  { name: 'every port of a subset', subsets: [{ addresses: [{ ip: '10.1.0.1' }], ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }] }], want: '10.1.0.1:80,10.1.0.1:81' },
  {
    name: 'three at most, then how many more',
    subsets: [{ addresses: ['1', '2', '3', '4', '5'].map((n) => ({ ip: `10.1.0.${n}` })), ports: [{ port: 80 }] }],
    want: '10.1.0.1:80,10.1.0.2:80,10.1.0.3:80 + 2 more...',
  },
  { name: 'IPv6 hosts in brackets', subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }], want: '[fd00::1]:80' },
  { name: 'headless without ports: bare addresses', subsets: [{ addresses: [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }] }], want: '10.1.0.1,10.1.0.2' },
  { name: 'not-ready addresses are not shown', subsets: [{ notReadyAddresses: [{ ip: '10.1.0.9' }], ports: [{ port: 80 }] }], want: '' },
];

for (const c of endpoints) {
  test(`formatEndpoints › ${c.name}`, (t) => {
    t.is(formatEndpoints(c.subsets), c.want);
  });
}

test('ENDPOINTS_PRINTER › name, endpoints, age', (t) => {
  t.deepEqual(ENDPOINTS_PRINTER.print(obj('Endpoints', { subsets: [{ addresses: [{ ip: '10.1.0.1' }], ports: [{ port: 80 }] }] }), NOW).cells, ['web', '10.1.0.1:80', '24h']);
});

test('ENDPOINT_SLICE_PRINTER › ports by number, else name, else *; three addresses then more; <unset> when empty', (t) => {
  const slice = obj('EndpointSlice', {
    addressType: 'IPv4',
    ports: [{ port: 80 }, { name: 'http' }, {}, { port: 443 }],
    endpoints: [{ addresses: ['10.1.0.1', '10.1.0.2'] }, { addresses: ['10.1.0.3'] }, { addresses: ['10.1.0.4'] }],
  });
  t.deepEqual(ENDPOINT_SLICE_PRINTER.print(slice, NOW).cells, ['web', 'IPv4', '80,http,* + 1 more...', '10.1.0.1,10.1.0.2,10.1.0.3 + 1 more...', '24h']);
  t.deepEqual(ENDPOINT_SLICE_PRINTER.print(obj('EndpointSlice', { addressType: 'IPv6', endpoints: null }), NOW).cells, ['web', 'IPv6', '<unset>', '<unset>', '24h']);
});

test('SERVICE_CIDR_PRINTER › cidrs comma-joined', (t) => {
  t.deepEqual(SERVICE_CIDR_PRINTER.print(obj('ServiceCIDR', { spec: { cidrs: ['10.96.0.0/16', 'fd00:10:96::/112'] } }), NOW).cells, ['web', '10.96.0.0/16,fd00:10:96::/112', '24h']);
});

test('IP_ADDRESS_PRINTER › parentRef as resource[.group][/namespace]/name, lowercased; the age cell past the last column, as upstream', (t) => {
  const ip = (parentRef: unknown) => obj('IPAddress', { spec: { parentRef } });
  t.deepEqual(IP_ADDRESS_PRINTER.print(ip({ group: '', resource: 'services', namespace: 'default', name: 'web' }), NOW).cells, ['web', 'services/default/web', '24h']);
  t.deepEqual(IP_ADDRESS_PRINTER.print(ip({ group: 'Gateway.Networking.k8s.io', resource: 'Gateways', name: 'gw' }), NOW).cells, ['web', 'gateways.gateway.networking.k8s.io/gw', '24h']);
  t.deepEqual(IP_ADDRESS_PRINTER.print(obj('IPAddress', { spec: {} }), NOW).cells, ['web', '<none>', '24h']);
  t.deepEqual(IP_ADDRESS_PRINTER.columns.map((c) => c.name), ['Name', 'ParentRef']);
});

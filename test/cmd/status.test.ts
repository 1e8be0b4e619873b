import test from 'ava';
import type { KubeObject } from '../../api-types/meta.js';
import { startApiServer, type ApiServerHandle } from '../../apiserver/index.js';
import { resourceFor } from '../../apiserver/resources.js';
import { main } from '../../cmd/svcplane.js';
import { eventually } from '../helpers/eventually.js';
import { runSvcplane } from '../helpers/svcplane-process.js';

const R = {
  services: resourceFor('', 'services'),
  endpoints: resourceFor('', 'endpoints'),
  endpointslices: resourceFor('discovery.k8s.io', 'endpointslices'),
  events: resourceFor('events.k8s.io', 'events'),
  namespaces: resourceFor('', 'namespaces'),
};

for (const [args, needle] of [
  [['--service-cluster-ip-range', '10.96.0.1/12'], /--service-cluster-ip-range.*'10\.96\.0\.1\/12'/],
  [['--service-cluster-ip-range', '10.0.0.0/24,10.1.0.0/24'], /--service-cluster-ip-range.*must be of different IP family/],
  [['--service-node-port-range', '32767-30000'], /--service-node-port-range.*'32767-30000'.*end port cannot be less than start port/],
  [['--namespace', 'Not_A_Namespace'], /--namespace.*'Not_A_Namespace'/],
  [['-n', 'demo', '--all-namespaces'], /option '-n, --namespace <namespace>' cannot be used with option '-A, --all-namespaces'/],
  [['--bogus'], /unknown option '--bogus'/],
] as const) {
  test(`svcplane status › "${args.join(' ')}" is a usage error (2) naming the flag`, async (t) => {
    let err = '';
    const code = await main(['node', 'svcplane', 'status', ...args], { writeOut: () => {}, writeErr: (s) => (err += s) });
    t.is(code, 2);
    t.regex(err, needle);
  });
}

const microNow = () => new Date().toISOString().replace('Z', '000Z');

function service(ns: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } };
}

function slice(ns: string, svc: string, name: string, ready: number, notReady = 0): KubeObject {
  const endpoints = Array.from({ length: ready + notReady }, (_, i) => ({
    addresses: [`10.244.${Math.floor(i / 250)}.${(i % 250) + 1}`],
    conditions: { ready: i < ready },
    targetRef: { kind: 'Pod', namespace: ns, name: `${name}-pod-${i}` },
  }));
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': svc, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
    addressType: 'IPv4',
    endpoints,
    ports: [{ name: '', port: 8080, protocol: 'TCP' }],
  };
}

function warning(ns: string, name: string, regarding: string, reason: string, controller: string, type: 'Warning' | 'Normal' = 'Warning'): KubeObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name, namespace: ns },
    eventTime: microNow(),
    type,
    reason,
    action: 'Test',
    reportingController: controller,
    reportingInstance: `${controller}-test`,
    regarding: { kind: 'Service', namespace: ns, name: regarding, apiVersion: 'v1' },
    note: `note of ${name}`,
  };
}

/** A known cluster state, written straight into the API server's store. */
function seed(s: ApiServerHandle): void {
  const st = s.store;
  st.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  st.create(R.services, 'default', service('default', 'web', { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] }));
  st.create(R.services, 'default', service('default', 'shop', { type: 'NodePort', clusterIP: '10.96.100.7', clusterIPs: ['10.96.100.7'], ports: [{ port: 80, nodePort: 30080 }] }));
  st.create(R.services, 'demo', service('demo', 'big', { clusterIP: '10.96.0.250', clusterIPs: ['10.96.0.250'] }));
  st.create(R.endpointslices, 'default', slice('default', 'web', 'web-abc', 2, 1));
  for (const [name, n] of [['big-1', 100], ['big-2', 100], ['big-3', 50]] as const) st.create(R.endpointslices, 'demo', slice('demo', 'big', name, n));
  st.create(R.endpoints, 'demo', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'big', namespace: 'demo', annotations: { 'endpoints.kubernetes.io/over-capacity': 'truncated' } }, subsets: [] });
  st.create(R.events, 'default', warning('default', 'shop.1', 'shop', 'PortAlreadyAllocated', 'nodeport-controller'));
  st.create(R.events, 'default', warning('default', 'web.1', 'web', 'Scheduled', 'nodeport-controller', 'Normal'));
  st.create(R.events, 'default', warning('default', 'web.2', 'web', 'SomethingElse', 'someone-else'));
}

test('svcplane status › draws a known cluster read through the API, then exits 0', async (t) => {
  const server = await startApiServer();
  t.teardown(() => server.close());
  seed(server);
  const r = runSvcplane(['status', '--kubeconfig', server.kubeconfigPath, '--all-namespaces']);
  t.teardown(() => r.child.kill('SIGKILL'));
  t.is(await r.exit, 0, r.stderr());
  const out = r.stdout();
  t.false(out.includes('\x1b['), 'no escape codes off a terminal');
  t.false(out.includes(server.token), 'the token in the server URL is not shown');
  t.regex(out, /^svcplane status {2}http:\/\/127\.0\.0\.1:\d+ {2}all namespaces/);
  t.regex(out, /^ {2}ClusterIP +10\.96\.0\.0\/12 +\[#\.+\] +3 used, 1,048,571 free of 1,048,574 +--service-cluster-ip-range$/m);
  t.regex(out, /^ {4}static band +10\.96\.0\.1-10\.96\.1\.0 +\[#\.+\] +2 used, 254 free of 256$/m);
  t.regex(out, /^ {2}NodePort +30000-32767 +\[#\.+\] +1 used, 2,767 free of 2,768/m);
  t.regex(out, /^ {4}static band +30000-30085 +\[#\.+\] +1 used, 85 free of 86$/m, "30080 is in the static band");
  t.regex(out, /^SERVICES {2}3 in all namespaces$/m);
  t.regex(out, /^ {2}default +shop +NodePort +10\.96\.100\.7 +30080 +- +- +-$/m);
  t.regex(out, /^ {2}default +web +ClusterIP +10\.96\.0\.10 +- +2 +1 +3$/m);
  t.regex(out, /^ {2}demo +big +ClusterIP +10\.96\.0\.250 +- +250 +0 +100 100 50 +Endpoints truncated$/m);
  t.regex(out, /^WARNING EVENTS {2}latest 1 of the suite's controllers \(events\.k8s\.io\/v1\)$/m);
  t.regex(out, /^ {2}\d+s +default +Service\/shop +PortAlreadyAllocated +nodeport-controller +1 +note of shop\.1$/m);
  t.false(out.includes('SomethingElse') || out.includes('Scheduled'), 'only Warnings of the suite');
});

test('svcplane status --watch › redraws after a change, one delimited frame at a time; SIGTERM exits 0', async (t) => {
  const server = await startApiServer();
  t.teardown(() => server.close());
  seed(server);
  const r = runSvcplane(['status', '--kubeconfig', server.kubeconfigPath, '--watch', '-n', 'default']);
  t.teardown(() => r.child.kill('SIGKILL'));
  const frames = () => r.stdout().split(/^---\n/m).slice(0, -1);
  await eventually('the first frame', () => frames().length >= 1 || r.child.exitCode !== null, { timeoutMs: 90_000, intervalMs: 50 });
  t.is(frames().length, 1, r.stderr());
  t.regex(frames()[0], /^SERVICES {2}2 in namespace default$/m);
  server.store.create(R.services, 'default', service('default', 'late', { clusterIP: '10.96.5.5', clusterIPs: ['10.96.5.5'] }));
  await eventually('a frame with the new Service', () => frames().some((f) => / late +ClusterIP +10\.96\.5\.5/.test(f)), { timeoutMs: 30_000, intervalMs: 50 });
  const last = frames().at(-1)!;
  t.regex(last, /^SERVICES {2}3 in namespace default$/m);
  t.regex(last, /^ {2}ClusterIP +10\.96\.0\.0\/12 +\[#\.+\] +4 used/m);
  r.child.kill('SIGTERM');
  t.is(await r.exit, 0);
});

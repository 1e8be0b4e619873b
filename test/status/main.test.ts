import test from 'ava';
import net from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../api-types/meta.js';
import { InProcessClient } from '../../apiserver/in-process-client.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { clearScreen, frameText, runStatus, serverOrigin, type StatusIO } from '../../status/main.js';
import { stripAnsi } from '../../status/style.js';
import { eventually } from '../helpers/eventually.js';
import { FakeClock, settle } from '../helpers/fake-clock.js';

const services = resourceFor('', 'services');
const events = resourceFor('events.k8s.io', 'events');

function kubeConfig(namespace?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://user:secret@api.example.com:6443/token/abc' }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u', namespace }],
    currentContext: 'ctx',
  });
  return kc;
}

function harness(opts: { tty?: boolean; env?: Record<string, string> } = {}) {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.parse('2026-11-21T14:00:00Z'));
  let out = '';
  let err = '';
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const io: StatusIO = {
    stdout: { write: (s) => void (out += s), isTTY: opts.tty ?? false },
    stderr: { write: (s) => void (err += s), isTTY: opts.tty ?? false },
    env: opts.env ?? {},
    clock,
    random: () => 0.5,
    untilStopped: () => stopped,
  };
  const svc = (name: string, ip: string) => store.create(services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { clusterIP: ip, clusterIPs: [ip], ports: [{ port: 80 }] } } as KubeObject);
  return { store, clock, io, svc, stop, out: () => out, err: () => err, client: new InProcessClient(store) };
}

const ranges = { serviceClusterIPRange: '10.96.0.0/12', serviceClusterIPRangeGiven: false, nodePortRange: { base: 30000, size: 2768 } };

test('runStatus › one frame, scoped to the context namespace, with the server shown without path or credentials', async (t) => {
  const h = harness();
  h.svc('web', '10.96.0.10');
  const code = await runStatus({ loadKubeConfig: () => kubeConfig('default'), client: h.client, watch: false, allNamespaces: false, ranges, io: h.io });
  t.is(code, 0, h.err());
  t.true(h.out().startsWith('svcplane status  https://api.example.com:6443  namespace default  2026-11-21T14:00:00Z\n'));
  t.false(h.out().includes('secret') || h.out().includes('token'));
  t.false(h.out().includes('---'), 'a single frame has no delimiter');
  const other = harness();
  t.is(await runStatus({ loadKubeConfig: () => kubeConfig('kube-system'), client: other.client, watch: false, allNamespaces: false, ranges, io: other.io }), 0);
  t.regex(other.out(), /^SERVICES {2}0 in namespace kube-system$/m);
  const none = harness();
  t.is(await runStatus({ loadKubeConfig: () => kubeConfig(), client: none.client, watch: false, allNamespaces: false, namespace: 'demo', ranges, io: none.io }), 0);
  t.regex(none.out(), /^SERVICES {2}0 in namespace demo$/m, '--namespace wins');
  const fallback = harness();
  t.is(await runStatus({ loadKubeConfig: () => kubeConfig(), client: fallback.client, watch: false, allNamespaces: false, ranges, io: fallback.io }), 0);
  t.regex(fallback.out(), /^SERVICES {2}0 in namespace default$/m, 'no context namespace: default');
});

test('runStatus › an unreachable API server is reported, exit 1, nothing on stdout', async (t) => {
  const h = harness();
  // A port that was free a moment ago: nothing listens there.
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((r) => probe.close(r));
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }], currentContext: 'ctx' });
  const code = await runStatus({ loadKubeConfig: () => kc, watch: false, allNamespaces: false, ranges, io: h.io });
  t.is(code, 1);
  t.regex(h.err(), /^error: .*ECONNREFUSED/);
  t.is(h.out(), '');
});

test('runStatus › a kubeconfig that cannot be loaded is reported, exit 1', async (t) => {
  const h = harness();
  const code = await runStatus({ loadKubeConfig: () => { throw new Error('ENOENT: no such file'); }, watch: false, allNamespaces: false, ranges, io: h.io });
  t.is(code, 1);
  t.is(h.err(), 'error: ENOENT: no such file\n');
  t.is(h.out(), '');
});

test('runStatus --watch › changes within the debounce make one frame; changes that show nothing new make none', async (t) => {
  const h = harness();
  h.svc('web', '10.96.0.10');
  const running = runStatus({ loadKubeConfig: () => kubeConfig(), client: h.client, watch: true, allNamespaces: true, ranges, io: h.io, debounceMs: 200 });
  const frames = () => h.out().split(/^---\n/m).slice(0, -1);
  await eventually('the first frame', () => frames().length === 1);
  h.svc('a', '10.96.0.11');
  h.svc('b', '10.96.0.12');
  await eventually('the changes are seen and a redraw is pending', () => h.clock.pendingTimers > 0);
  await settle();
  t.is(frames().length, 1, 'nothing is drawn before the quiet time');
  h.clock.advance(200);
  t.is(frames().length, 2);
  t.regex(frames()[1], /^SERVICES {2}3 in all namespaces$/m);
  // A Normal event changes nothing the view shows: no frame.
  h.store.create(events, 'default', { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'n1', namespace: 'default' }, eventTime: '2026-11-21T14:00:00.000000Z', type: 'Normal', reason: 'X', action: 'Y', reportingController: 'serviceip-controller', reportingInstance: 'i', regarding: { kind: 'Service', name: 'web', namespace: 'default' } } as KubeObject);
  await eventually('the event is seen', () => h.clock.pendingTimers > 0);
  h.clock.advance(200);
  t.is(frames().length, 2);
  h.stop();
  t.is(await running, 0);
});

test('runStatus --watch › on a terminal each frame clears the screen and is coloured, unless NO_COLOR', async (t) => {
  for (const [env, coloured] of [[{}, true], [{ NO_COLOR: '1' }, false]] as const) {
    const h = harness({ tty: true, env });
    const running = runStatus({ loadKubeConfig: () => kubeConfig(), client: h.client, watch: true, allNamespaces: true, ranges, io: h.io });
    await eventually('the first frame', () => h.out().length > 0);
    h.stop();
    t.is(await running, 0);
    t.true(h.out().startsWith(clearScreen));
    t.false(h.out().includes('\n---\n'));
    t.is(stripAnsi(h.out()) !== h.out(), coloured, JSON.stringify(env));
    t.true(h.out().includes('░'), 'block glyphs on a terminal');
  }
});

test('frameText › plain, delimited off a terminal in watch mode, clearing on one', (t) => {
  t.is(frameText(['a', 'b'], { tty: false, watch: false }), 'a\nb\n');
  t.is(frameText(['a', 'b'], { tty: true, watch: false }), 'a\nb\n');
  t.is(frameText(['a'], { tty: false, watch: true }), 'a\n---\n');
  t.is(frameText(['a'], { tty: true, watch: true }), `${clearScreen}a\n`);
});

test('serverOrigin › scheme, host and port only', (t) => {
  t.is(serverOrigin('http://127.0.0.1:1234/token/xyz'), 'http://127.0.0.1:1234');
  t.is(serverOrigin('https://rancher.example.com/k8s/clusters/c-1'), 'https://rancher.example.com');
  t.is(serverOrigin(''), '<unknown server>');
});

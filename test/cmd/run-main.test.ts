import test from 'ava';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { startApiServer } from '../../apiserver/index.js';
import { ApiError } from '../../api-types/api-error.js';
import type { Lease } from '../../api-types/networking.js';
import { RequestTimeoutError } from '../../controllers/runtime/abort.js';
import { controllerRequestTimeoutMs, createClients } from '../../cmd/run-main.js';
import { loadKubeConfig } from '../../cmd/kubeconfig.js';
import { eventually } from '../helpers/eventually.js';
import { FakeClock } from '../helpers/fake-clock.js';

const leasesRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
const servicesRef = { group: '', version: 'v1', resource: 'services' };

test('svcplane run clients › a Lease request does not queue behind the controllers\' saturated rate limit', async (t) => {
  const server = await startApiServer({ port: 0 });
  const clock = new FakeClock();
  const { client, leaderElectionClient } = createClients({ kubeConfig: loadKubeConfig(server.kubeconfigPath), qps: 1, burst: 1, renewDeadlineMs: 10_000, clock });
  try {
    // 200 controller requests at 1 qps: the last would leave the rate limit in 200 s (it never
    // will: the fake clock does not move).
    const services = client.resource(servicesRef);
    const queued = Array.from({ length: 200 }, (_, i) => services.get('default', `s${i}`).catch(() => undefined));
    let answered: unknown;
    leaderElectionClient.resource<Lease>(leasesRef).get('kube-system', 'svcplane').then((v) => (answered = v), (err: unknown) => (answered = err));
    await eventually('the Lease read was answered', () => answered !== undefined);
    t.true(answered instanceof ApiError && answered.code === 404, 'answered by the server (no Lease yet)');
    t.is(clock.now(), 0, 'without the clock moving');
    void queued;
  } finally {
    client.close();
    leaderElectionClient.close();
    await server.close();
  }
});

test('svcplane run clients › the Lease client times out at the renew deadline, the controllers\' client at its own timeout', async (t) => {
  // A server that reads every request and answers none (a stopped proxy).
  const server = http.createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  let requests = 0;
  server.on('request', () => requests++);
  const clock = new FakeClock();
  const { client, leaderElectionClient } = createClients({ kubeConfig: kc, qps: 20, burst: 30, renewDeadlineMs: 7_000, clock });
  try {
    const failed: string[] = [];
    const lease = leaderElectionClient.resource<Lease>(leasesRef).get('kube-system', 'svcplane').catch((err: unknown) => void failed.push(`lease ${err instanceof RequestTimeoutError}`));
    const svc = client.resource(servicesRef).get('default', 'web').catch((err: unknown) => void failed.push(`service ${err instanceof RequestTimeoutError}`));
    await eventually('both requests reached the server', () => requests === 2);
    clock.advance(7_000);
    await lease;
    t.deepEqual(failed, ['lease true']);
    clock.advance(controllerRequestTimeoutMs - 7_000);
    await svc;
    t.deepEqual(failed, ['lease true', 'service true']);
  } finally {
    client.close();
    leaderElectionClient.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

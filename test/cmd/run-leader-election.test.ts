import test from 'ava';
import { startApiServer } from '../../apiserver/index.js';
import { resourceFor } from '../../apiserver/resources.js';
import type { Lease } from '../../api-types/networking.js';
import { runSvcplane, type SvcplaneProcess } from '../helpers/svcplane-process.js';

const leases = resourceFor('coordination.k8s.io', 'leases');
const leaseMs = 3000;
const retryMs = 500;

/** `svcplane run` against the server, with short leader-election timings so the test is quick. */
function runInstance(kubeconfig: string): SvcplaneProcess {
  return runSvcplane([
    'run', '--kubeconfig', kubeconfig, '--log-format', 'json',
    '--leader-elect-lease-duration', `${leaseMs}ms`, '--leader-elect-renew-deadline', '2s', '--leader-elect-retry-period', `${retryMs}ms`,
    '--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', '127.0.0.1:0',
  ]);
}

/** The identity the process logged as its own. */
async function identityOf(p: SvcplaneProcess): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /"identity":"([^"]+)","leaderElect":true/.exec(p.stderr());
    if (m) return m[1];
    if (Date.now() > deadline || p.child.exitCode !== null) throw new Error(`no identity logged; stderr: ${p.stderr().slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('svcplane run › two instances: exactly one leads; after the leader is SIGKILLed the other takes over within lease + retry', async (t) => {
  const server = await startApiServer({ port: 0 });
  t.teardown(() => server.close());
  const a = runInstance(server.kubeconfigPath);
  const b = runInstance(server.kubeconfigPath);
  t.teardown(() => {
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
  });
  const [ida, idb] = await Promise.all([identityOf(a), identityOf(b)]);
  t.regex(ida, /^[^_]+_\d+_[bcdfghjklmnpqrstvwxz2456789]{5}$/, 'host_pid_suffix');
  /** The Lease's holder ('' before the Lease exists). */
  const holder = (): string => {
    try {
      return (server.store.get(leases, 'kube-system', 'svcplane') as Lease).spec?.holderIdentity ?? '';
    } catch {
      return '';
    }
  };
  const deadline = Date.now() + 30_000;
  while (![ida, idb].includes(holder())) {
    if (Date.now() > deadline) throw new Error('nobody took the lease');
    await new Promise((r) => setTimeout(r, 50));
  }
  // Let both campaign for a while: the holder must not change while the leader lives.
  const first = holder();
  await new Promise((r) => setTimeout(r, 2 * leaseMs));
  t.is(holder(), first, 'one leader, and it keeps the lease');
  const [leader, standby, standbyId] = first === ida ? [a, b, idb] : [b, a, ida];
  t.is((leader.stderr().match(/successfully acquired lease/g) ?? []).length, 1);
  t.is((standby.stderr().match(/successfully acquired lease/g) ?? []).length, 0, 'the standby never led');
  // Kill the leader without letting it release: the standby waits out the lease.
  const killedAt = Date.now();
  leader.child.kill('SIGKILL');
  while (holder() !== standbyId) {
    if (Date.now() - killedAt > 20_000) throw new Error('the standby did not take over');
    await new Promise((r) => setTimeout(r, 25));
  }
  const tookMs = Date.now() - killedAt;
  t.log(`took over after ${tookMs} ms`);
  // Lease duration plus one jittered retry period, with slack for a loaded test machine.
  t.true(tookMs <= leaseMs + retryMs * 1.2 + 1500, `took over after ${tookMs} ms`);
  standby.child.kill('SIGTERM');
  t.is(await standby.exit, 0, 'a graceful stop exits 0');
  t.is(holder(), '', 'and releases the lease');
});

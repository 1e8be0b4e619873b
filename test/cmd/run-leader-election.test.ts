import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startApiServer } from '../../apiserver/index.js';
import { resourceFor } from '../../apiserver/resources.js';
import type { MemoryStore } from '../../apiserver/store.js';
import type { Lease } from '../../api-types/networking.js';
import { runSvcplane, type SvcplaneProcess } from '../helpers/svcplane-process.js';

const leases = resourceFor('coordination.k8s.io', 'leases');

/** The Lease's holder ('' before the Lease exists). */
function holderOf(store: MemoryStore): string {
  try {
    return (store.get(leases, 'kube-system', 'svcplane') as Lease).spec?.holderIdentity ?? '';
  } catch {
    return '';
  }
}
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
  const holder = (): string => holderOf(server.store);
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
  t.regex(standby.stderr(), /shutting down: stopping controllers, draining queues, releasing the lease/);
  t.is(holder(), '', 'and releases the lease');
});

/**
 * A TCP proxy that can be frozen, as `kill -STOP` freezes a proxy process: connections are still
 * accepted (the kernel's backlog) but no byte moves either way.
 */
async function freezableProxy(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let frozen = false;
  const server = net.createServer((downstream) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
      if (frozen) s.pause();
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    downstream.on('close', () => upstream.destroy());
    upstream.on('close', () => downstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze(): void {
      frozen = true;
      for (const s of sockets) s.pause();
    },
    close(): void {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

test('svcplane run › a leader whose connection hangs steps down (exit 1) at the renew deadline, before the standby takes over', async (t) => {
  const server = await startApiServer({ port: 0 });
  t.teardown(() => server.close());
  const proxy = await freezableProxy(server.port);
  t.teardown(() => proxy.close());
  const proxied = path.join(path.dirname(server.kubeconfigPath), 'kubeconfig-proxied');
  writeFileSync(proxied, readFileSync(server.kubeconfigPath, 'utf8').replaceAll(server.url, `http://127.0.0.1:${proxy.port}`));
  const a = runInstance(proxied);
  t.teardown(() => a.child.kill('SIGKILL'));
  const ida = await identityOf(a);
  const holder = (): string => holderOf(server.store);
  const deadline = Date.now() + 30_000;
  while (holder() !== ida) {
    if (Date.now() > deadline) throw new Error('a did not take the lease');
    await new Promise((r) => setTimeout(r, 25));
  }
  const b = runInstance(server.kubeconfigPath);
  t.teardown(() => b.child.kill('SIGKILL'));
  const idb = await identityOf(b);
  await new Promise((r) => setTimeout(r, leaseMs));
  t.is(holder(), ida);
  const frozenAt = Date.now();
  proxy.freeze();
  let aExitedAt = 0;
  void a.exit.then(() => (aExitedAt = Date.now()));
  while (holder() !== idb) {
    if (Date.now() - frozenAt > 20_000) throw new Error(`the standby did not take over; a: ${a.stderr().slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const tookOverAt = Date.now();
  t.log(`a exited ${aExitedAt ? aExitedAt - frozenAt : '(not yet)'} ms after the freeze; b took over after ${tookOverAt - frozenAt} ms`);
  t.true(aExitedAt > 0 && aExitedAt <= tookOverAt, 'the old leader had stepped down before the standby led');
  t.is(await a.exit, 1, 'leadership lost: exit 1');
  t.regex(a.stderr(), /failed to renew lease within the renew deadline/);
});

/**
 * NO DUPLICATES: two serviceip controllers, both active (no leader election), each behind its own
 * FaultClient over one store, while Services are created and deleted concurrently with injected
 * 409s, 500s (before the write, and after it: lost responses) and closed watches. After settling: no two live Services share an IP, every Service
 * has its IP, and no IPAddress is left without a Service listing it. fast-check drives the
 * schedule so a failure reproduces from the printed seed. The flag's range is small (a /26);
 * halfway through, a ServiceCIDR that overlaps it (a /20 holding it) is created, so the two
 * replicas pick up a range at run time and draw from two ranges that share IPs.
 */
import test from 'ava';
import fc from 'fast-check';
import type { Service } from '../../../api-types/core.js';
import { conflict, internalError } from '../../../apiserver/errors.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { MemoryStore } from '../../../apiserver/store.js';
import { firstFree } from '../../../allocators/random.js';
import { FaultClient } from '../../../controllers/runtime/fault-client.js';
import type { KubeClient } from '../../../controllers/runtime/kube-client.js';
import { delegatingClient } from '../../helpers/delegating-client.js';
import { eventually } from '../../helpers/eventually.js';
import { claims, createServiceCIDR, services, startServiceIP } from './harness.js';

type FaultKind = 'conflict' | 'create500' | 'update500' | 'delete500' | 'closeWatches' | 'createLost' | 'updateLost';

interface Scenario {
  count: number;
  /** Which Services are deleted again (by index), and when (after which create). */
  deletes: { index: number; after: number }[];
  /** Fault bursts, by the create they follow. */
  faults: { after: number; replica: 0 | 1; kind: FaultKind; count: number }[];
}

function scenario(count: number): fc.Arbitrary<Scenario> {
  return fc.record({
    count: fc.constant(count),
    deletes: fc.array(fc.record({ index: fc.nat(count - 1), after: fc.nat(count - 1) }), { maxLength: Math.floor(count / 3) }),
    faults: fc.array(
      fc.record({
        after: fc.nat(count - 1),
        replica: fc.constantFrom(0 as const, 1 as const),
        kind: fc.constantFrom<FaultKind>('conflict', 'create500', 'update500', 'delete500', 'closeWatches', 'createLost', 'updateLost'),
        count: fc.integer({ min: 1, max: 5 }),
      }),
      { maxLength: Math.max(4, Math.floor(count / 20)) },
    ),
  });
}

/**
 * Loses responses: the write reaches the store, then the caller gets a 500 (a timeout after the
 * server committed), so the controller must cope with claims and updates it does not know it made.
 */
class LossyClient {
  readonly lose = { create: 0, update: 0 };
  readonly client: KubeClient;

  constructor(inner: KubeClient) {
    this.client = delegatingClient(inner, (r, ref) => ({
      create: async (ns, obj, o) => {
        const out = await r.create(ns, obj, o);
        if (ref.resource === 'ipaddresses' && this.lose.create > 0 && this.lose.create--) throw internalError('response lost');
        return out;
      },
      update: async (obj, o) => {
        const out = await r.update(obj, o);
        if (ref.resource === 'services' && this.lose.update > 0 && this.lose.update--) throw internalError('response lost');
        return out;
      },
    }));
  }
}

function inject(f: FaultClient, lossy: LossyClient, kind: FaultKind, count: number): void {
  if (kind === 'closeWatches') return f.closeWatches();
  if (kind === 'createLost') return void (lossy.lose.create += count);
  if (kind === 'updateLost') return void (lossy.lose.update += count);
  if (kind === 'conflict') return f.failNext({ verb: 'update', resource: 'services', count, error: () => conflict(services, 'x') });
  const verb = kind === 'create500' ? 'create' : kind === 'update500' ? 'update' : 'delete';
  const resource = kind === 'update500' ? 'services' : 'ipaddresses';
  f.failNext({ verb, resource, count, error: () => internalError('injected') });
}

async function run(s: Scenario): Promise<void> {
  const store = new MemoryStore();
  // At every instant, not only after settling: no IP is written onto a second live Service.
  const holder = new Map<string, string>();
  const violations: string[] = [];
  store.onWrite = (w) => {
    if (w.resource.resource !== 'services') return;
    const svc = w.object as Service;
    const name = svc.metadata.name ?? '';
    for (const [ip, n] of holder) if (n === name) holder.delete(ip);
    if (w.type === 'DELETED') return;
    for (const ip of svc.spec?.clusterIPs ?? []) {
      const other = holder.get(ip);
      if (other !== undefined && other !== name) violations.push(`${ip} written to ${name} while ${other} holds it`);
      holder.set(ip, name);
    }
  };
  const lossy = [new LossyClient(new InProcessClient(store)), new LossyClient(new InProcessClient(store))];
  const faults = lossy.map((l) => new FaultClient(l.client));
  // firstFree on both replicas: they race for the same IP every time, so claims collide constantly.
  const opts = { serviceClusterIPRange: '10.0.0.0/26', leakGracePeriodMs: 200, repairIntervalMs: 300, concurrency: 5, random: firstFree };
  const replicas = await Promise.all(faults.map((f) => startServiceIP(store, opts, f)));
  try {
    const deleted = new Set<number>();
    for (let i = 0; i < s.count; i++) {
      if (i === Math.floor(s.count / 2)) createServiceCIDR(store, 'wide', ['10.0.0.0/20']);
      store.create(services, 'default', { metadata: { name: `s${i}` }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } });
      for (const f of s.faults) if (f.after === i) inject(faults[f.replica], lossy[f.replica], f.kind, f.count);
      for (const d of s.deletes) {
        if (d.after === i && d.index <= i && !deleted.has(d.index)) {
          deleted.add(d.index);
          store.delete(services, 'default', `s${d.index}`);
        }
      }
      // Let the controllers interleave with the user.
      if (i % 25 === 0) await new Promise((r) => setImmediate(r));
    }
    for (const f of faults) f.clearFaults();
    for (const l of lossy) l.lose.create = l.lose.update = 0;
    await eventually(
      'settled: every Service allocated, no duplicate, no leak',
      () => {
        const live = store.list(services, { namespace: 'default' }).items as Service[];
        const owner = new Map<string, string>();
        for (const svc of live) {
          const ip = svc.spec?.clusterIP;
          if (!ip) return false;
          const other = owner.get(ip);
          if (other) throw new Error(`DUPLICATE: ${ip} on ${other} and ${svc.metadata.name}`);
          owner.set(ip, svc.metadata.name ?? '');
        }
        const held = claims(store);
        for (const [ip, name] of owner) if (held.get(ip)?.spec.parentRef.name !== name) return false;
        return held.size === owner.size && live.length === s.count - deleted.size;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    if (violations.length > 0) throw new Error(`DUPLICATES: ${violations.slice(0, 5).join('; ')}`);
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    store.close();
  }
}

test('serviceip › no duplicates: two active replicas, faults and churn (fast-check, 3 runs of 150 Services)', async (t) => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  t.log(`fast-check seed ${seed}`);
  await t.notThrowsAsync(fc.assert(fc.asyncProperty(scenario(150), run), { numRuns: 3, seed, endOnFailure: true }));
});

test('serviceip › no duplicates: one run at 2,000 Services', async (t) => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  t.log(`fast-check seed ${seed}`);
  await t.notThrowsAsync(fc.assert(fc.asyncProperty(scenario(2000), run), { numRuns: 1, seed, endOnFailure: true }));
});

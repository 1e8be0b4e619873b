/**
 * NO DUPLICATES: two nodeport instances, both active, each through its own FaultClient over one
 * store; 2,000 NodePort Services created and deleted concurrently while 409s, 500s and closed
 * watches are injected. The schedule comes from a fast-check seed, so a failure reproduces.
 */
import test from 'ava';
import fc from 'fast-check';
import type { Service } from '../../../api-types/core.js';
import { ApiError, conflict, internalError } from '../../../apiserver/errors.js';
import type { MemoryStore } from '../../../apiserver/store.js';
import type { FaultRule } from '../../../controllers/runtime/fault-client.js';
import { R, create, eventually, newStore, portMap, service, shutdown, startInstance, type Instance } from './harness.js';
import { collectServiceNodePorts } from '../../../controllers/nodeport/repair.js';

// 1,200 ports for at most 550 live Services of up to 2 ports: the free pool stays small, so two
// instances that did not serialise their claims would soon pick the same port.
const RANGE = '30000-31199';
const MAX_LIVE = 620;
const TOTAL = 2000;

interface Op {
  kind: 'create' | 'delete' | 'fault' | 'closeWatches';
  i: number;
  /** Which instance a fault hits. */
  who: number;
  fault: number;
}

const liveServices = (store: MemoryStore): Service[] => store.list(R.services, { namespace: 'default' }).items as Service[];

function servicePorts(svc: Service): number[] {
  return [...new Set(collectServiceNodePorts(svc))];
}

const faultRules: ((n: number) => FaultRule)[] = [
  (n) => ({ verb: 'update', resource: 'services', count: n, error: () => conflict({ group: '', resource: 'services' } as never, 'x') }),
  (n) => ({ verb: 'update', resource: 'configmaps', count: n, error: () => internalError('etcdserver: request timed out') }),
  (n) => ({ verb: 'update', resource: 'configmaps', count: n, error: () => conflict({ group: '', resource: 'configmaps' } as never, 'svcplane-nodeports') }),
  (n) => ({ verb: 'get', resource: '*', count: n, error: () => internalError('etcdserver: leader changed') }),
  (n) => ({ verb: 'list', resource: 'services', count: n, error: () => internalError('etcdserver: leader changed') }),
  (n) => ({ verb: 'update', resource: 'services', count: n, error: () => internalError('etcdserver: request timed out') }),
];

async function runSchedule(ops: Op[], t: { log(...v: unknown[]): void }): Promise<string | undefined> {
  const store = newStore();
  const opts = { serviceNodePortRange: RANGE, leakGracePeriodMs: 400, repairIntervalMs: 150, repairAfterDeleteMs: 50, concurrency: 8 };
  // Unequal worker counts keep the two instances out of step, so they claim for different
  // Services at the same time (in step, both would mostly race for the same Service).
  // Unequal worker counts keep the two instances out of step. (Both instances see events in the
  // same order, so claims for different Services rarely race here; the PortMapStore tests race
  // two stale copies directly.)
  const a = await startInstance(store, opts, 1);
  const b = await startInstance(store, { ...opts, concurrency: 2 }, 2);
  const instances: Instance[] = [a, b];
  const created = new Set<number>();
  try {
    let n = 0;
    for (const op of ops) {
      const inst = instances[op.who % 2] as Instance;
      if (op.kind === 'create') {
        // Every 60th requests a port of its own in the static band (30000-30036); every 7th is DNS-like (53/TCP+UDP share).
        const ports = op.i % 7 === 0 ? [{ port: 53, protocol: 'TCP' as const }, { port: 53, protocol: 'UDP' as const }] : op.i % 60 === 0 ? [{ port: 80, nodePort: 30000 + op.i / 60 }] : [{ port: 80 }, { port: 443 }];
        create(store, service(`s${op.i}`, { ports }));
        created.add(op.i);
      } else if (op.kind === 'delete' && created.has(op.i)) {
        try {
          store.delete(R.services, 'default', `s${op.i}`);
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
        created.delete(op.i);
      } else if (op.kind === 'fault') {
        inst.faults.failNext((faultRules[op.fault % faultRules.length] as (n: number) => FaultRule)(1 + (op.fault % 3)));
      } else if (op.kind === 'closeWatches') {
        inst.faults.closeWatches();
      }
      // Let the controllers run between bursts of API calls.
      if (++n % 25 === 0) await new Promise((r) => setImmediate(r));
    }
    for (const i of instances) i.faults.clearFaults();
    // Settled: every live Service has its ports.
    await eventually('every live Service has its nodePorts', () => liveServices(store).every((s) => (s.spec?.ports ?? []).every((p) => (p.nodePort ?? 0) > 0)), 40_000);
    const live = liveServices(store);
    // No two live Services share a nodePort (TCP/UDP sharing within one Service counts once).
    const holder = new Map<number, string>();
    for (const s of live) {
      for (const p of servicePorts(s)) {
        const other = holder.get(p);
        if (other) return `port ${p} held by ${other} and ${s.metadata.name}`;
        holder.set(p, s.metadata.name ?? '');
      }
    }
    // No port leaked: after the grace period the map equals the union of live ports.
    const want = [...holder.keys()].sort((x, y) => x - y).join();
    try {
      await eventually('the port map equals the live ports', () => portMap(store, RANGE).allocatedPorts().join() === want, 10_000);
    } catch {
      const got = portMap(store, RANGE).allocatedPorts();
      return `map has ${got.length} ports, live Services hold ${holder.size}; extra: ${got.filter((p) => !holder.has(p)).slice(0, 10).join(',')}`;
    }
    const map = portMap(store, RANGE);
    for (const [port, name] of holder) if (map.ownerOf(port)?.key !== `default/${name}`) return `port ${port} owned by ${map.ownerOf(port)?.key} but held by ${name}`;
    t.log(`${live.length} live Services, ${holder.size} ports, port map writes ${a.controller.portMap?.writes}+${b.controller.portMap?.writes}`);
    return undefined;
  } finally {
    await shutdown(store, a, b);
  }
}

/**
 * A schedule: every Service created once; past MAX_LIVE live ones, a random live one is deleted
 * with each create (so creates and deletes interleave); faults and closed watches in between.
 */
const schedule = fc.integer({ min: 0, max: 2 ** 30 }).map((seed) => {
  const rnd = fc.sample(fc.array(fc.integer({ min: 0, max: 999 }), { minLength: TOTAL * 4, maxLength: TOTAL * 4 }), { seed, numRuns: 1 })[0] as number[];
  let k = 0;
  const next = (): number => rnd[k++ % rnd.length] as number;
  const ops: Op[] = [];
  const live: number[] = [];
  for (let i = 0; i < TOTAL; i++) {
    ops.push({ kind: 'create', i, who: 0, fault: 0 });
    live.push(i);
    const r = next();
    if (live.length > MAX_LIVE || r < 100) ops.push({ kind: 'delete', i: live.splice(next() % live.length, 1)[0] as number, who: 0, fault: 0 });
    if (r % 40 === 0) ops.push({ kind: 'fault', i, who: next(), fault: next() });
    if (r % 400 === 7) ops.push({ kind: 'closeWatches', i, who: next(), fault: 0 });
  }
  return ops;
});

test('nodeport controller › no duplicates: two active instances, 2,000 Services created and deleted with 409s, 500s and closed watches', async (t) => {
  t.timeout(90_000);
  const seed = 20261121;
  let failure: string | undefined;
  await fc.assert(
    fc.asyncProperty(schedule, async (ops) => {
      failure = await runSchedule(ops, t);
      return failure === undefined;
    }),
    { seed, numRuns: 1, endOnFailure: true },
  ).catch((err: unknown) => {
    t.fail(`seed ${seed}: ${failure ?? String(err)}`);
  });
  t.is(failure, undefined);
});

import { isDeepStrictEqual } from 'node:util';
import test from 'ava';
import fc from 'fast-check';
import type { Endpoints, Pod, PodPhase, Service, ServicePort } from '../../../api-types/core.js';
import { planEndpoints, type EndpointsMemo } from '../../../controllers/endpoints/incremental.js';
import { reconcileEndpoints, type EndpointsPlan, type EndpointsSnapshot } from '../../../controllers/endpoints/reconcile.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { applyPodStep, podStep } from '../shared/pod-steps.js';
import { makePod, makeService } from './fixtures.js';

/**
 * A server and an informer for one Endpoints: a write gets a new resourceVersion; the reply
 * and the cached object are separate deep-frozen copies.
 */
class FakeEndpointsServer {
  cache: Endpoints | undefined;
  #rv = 100;

  apply(plan: EndpointsPlan): Endpoints | undefined {
    if (plan.action !== 'create' && plan.action !== 'update') return undefined;
    const obj = { ...plan.endpoints, metadata: { ...plan.endpoints.metadata, uid: 'ep-uid', resourceVersion: String(++this.#rv) } };
    this.cache = deepFreeze(structuredClone(obj));
    return deepFreeze(structuredClone(obj));
  }
}

const podSpec = fc.record({
  ip: fc.integer({ min: 1, max: 40 }),
  v6: fc.constantFrom(false, false, false, true),
  ready: fc.boolean(),
  phase: fc.constantFrom<PodPhase>('Running', 'Running', 'Running', 'Pending', 'Failed'),
  terminating: fc.constantFrom(false, false, false, true),
  node: fc.constantFrom('node-1', 'node-2'),
  hostname: fc.constantFrom(undefined, undefined, 'h'),
  web: fc.constantFrom(8080, 8080, 8080, 8080, 8080, 8080, 8081, undefined),
  uid: fc.constantFrom('a', 'a', 'a', 'b'),
});
type PodSpec = typeof podSpec extends fc.Arbitrary<infer T> ? T : never;

function buildPod(id: number, s: PodSpec): Pod {
  const v4 = `10.0.${s.ip % 3}.${s.ip}`;
  return makePod(`p${id}`, {
    ips: s.v6 ? [v4, `fd00::${s.ip.toString(16)}`] : [v4], ready: s.ready, phase: s.phase, terminating: s.terminating, node: s.node,
    hostname: s.hostname, subdomain: 'web', uid: `uid-${id}-${s.uid}`,
    ports: s.web ? [{ name: 'web', containerPort: s.web }] : undefined,
  });
}


const scenario = fc.record({
  family: fc.constantFrom('IPv4' as const, 'IPv4' as const, 'IPv6' as const),
  headless: fc.boolean(),
  pnra: fc.constantFrom(false, false, true),
  ports: fc.constantFrom<ServicePort[][]>(
    [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }],
    [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }, { name: 'alt', port: 81, targetPort: 7000, protocol: 'TCP' }],
    [],
  ),
  capacity: fc.constantFrom(undefined, undefined, undefined, 8),
  pods: fc.array(podSpec, { minLength: 1, maxLength: 30 }),
  steps: fc.array(podStep(podSpec), { minLength: 1, maxLength: 5 }),
});

function buildService(sc: { family: 'IPv4' | 'IPv6'; headless: boolean; pnra: boolean; ports: ServicePort[] }): Service {
  const clusterIP = sc.headless ? 'None' : sc.family === 'IPv4' ? '10.96.0.10' : 'fd00:96::a';
  return makeService({ ipFamilies: [sc.family], clusterIP, publishNotReadyAddresses: sc.pnra, ports: sc.ports });
}

test('planEndpoints › property: after random pod changes the plan equals the full reconcile\'s, whichever path made it', (t) => {
  let steps = 0;
  let fast = 0;
  t.notThrows(() => fc.assert(fc.property(scenario, (sc) => {
    const service = buildService(sc);
    const server = new FakeEndpointsServer();
    let nextId = 0;
    let pods = sc.pods.map((s) => buildPod(nextId++, s));
    let memo: EndpointsMemo | undefined;
    const sync = (): boolean => {
      const snap: EndpointsSnapshot = { namespace: 'default', name: 'web', service, pods, existing: server.cache, maxCapacity: sc.capacity, triggerTime: `2026-01-01T00:00:${String(steps % 60).padStart(2, '0')}Z` };
      const r = planEndpoints(snap, memo);
      if (!isDeepStrictEqual(r.plan, reconcileEndpoints(snap))) throw new Error(`the ${r.incremental ? 'incremental' : 'full'} plan differs from the full reconcile's`);
      memo = r.next?.settle(server.apply(r.plan));
      return r.incremental;
    };
    sync();
    for (const st of sc.steps) {
      const next = applyPodStep(pods, st, { build: buildPod, idOf: (p) => Number(p.metadata.name!.slice(1)), nextId: () => nextId++ });
      pods = next;
      steps++;
      if (sync()) fast++;
    }
  }), { numRuns: 400 }));
  // The property must exercise the fast path, not only the fallback.
  t.log(`${fast} of ${steps} steps took the fast path`);
  t.true(fast > steps / 4, `${fast} of ${steps} steps took the fast path`);
});

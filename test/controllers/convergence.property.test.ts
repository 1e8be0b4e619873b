/**
 * Issue 6's end-to-end property: for random sequences of pod and Service changes against the
 * API server, once the Endpoints and EndpointSlice controllers have converged, the union of the
 * slices equals the desired endpoints exactly, no slice exceeds the maximum, every selector
 * Service has at least one slice per family, and the Endpoints object equals the reference
 * computation (the pure reconciler over the server's current state plans no write).
 */
import test from 'ava';
import fc from 'fast-check';
import type { Endpoints, Pod, Service } from '../../api-types/core.js';
import type { EndpointSlice } from '../../api-types/networking.js';
import { EndpointsController } from '../../controllers/endpoints/controller.js';
import { reconcileEndpoints } from '../../controllers/endpoints/reconcile.js';
import { EndpointSliceController } from '../../controllers/endpointslice/controller.js';
import { selectorMatches } from '../../controllers/shared/service-pods.js';
import { slimPod } from '../../controllers/runtime/transforms.js';
import { R, startWorld, type World } from '../helpers/world.js';

const MAX = 3;

type Op =
  | { k: 'add'; n: number; app: 'a' | 'b'; ready: boolean }
  | { k: 'flip'; n: number }
  | { k: 'delete'; n: number }
  | { k: 'terminate'; n: number }
  | { k: 'selector'; app: 'a' | 'b' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('add' as const), n: fc.nat(11), app: fc.constantFrom('a' as const, 'b' as const), ready: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('flip' as const), n: fc.nat(11) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delete' as const), n: fc.nat(11) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('terminate' as const), n: fc.nat(11) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('selector' as const), app: fc.constantFrom('a' as const, 'b' as const) }) },
);

function apply(w: World, o: Op): void {
  const name = `p${o.k === 'selector' ? '' : o.n}`;
  const exists = () => w.list<Pod>(R.pods).some((p) => p.metadata.name === name);
  switch (o.k) {
    case 'add':
      if (!exists()) w.pod(name, { labels: { app: o.app }, ready: o.ready });
      return;
    case 'flip': {
      const p = w.list<Pod>(R.pods).find((x) => x.metadata.name === name);
      if (p && !p.metadata.deletionTimestamp) w.setPodStatus(name, { ready: !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') });
      return;
    }
    case 'delete':
      if (exists()) w.store.delete(R.pods, 'default', name, { gracePeriodSeconds: 0 });
      return;
    case 'terminate':
      // Bound pods delete gracefully: they stay, terminating, for the grace period.
      if (exists()) w.store.delete(R.pods, 'default', name, { gracePeriodSeconds: 600 });
      return;
    case 'selector': {
      const svc = w.store.get(R.services, 'default', 'web') as Service;
      w.store.update(R.services, 'default', 'web', { ...svc, spec: { ...svc.spec, selector: { app: o.app } } });
      return;
    }
  }
}

/** Why the world is not converged yet, or '' when every claim holds. */
function problems(w: World): string {
  const svc = w.store.get(R.services, 'default', 'web') as Service;
  const pods = w.list<Pod>(R.pods).filter((p) => selectorMatches(svc.spec?.selector, p.metadata.labels));
  const slices = w.list<EndpointSlice>(R.endpointslices).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web');
  if (slices.some((s) => (s.endpoints?.length ?? 0) > MAX)) return 'a slice exceeds the maximum';
  if (!slices.some((s) => s.addressType === 'IPv4')) return 'no IPv4 slice';
  // Desired: every selected pod with an IP; terminating pods included, marked terminating.
  const want = pods.map((p) => `${p.status?.podIP} ${p.metadata.deletionTimestamp ? 'terminating' : p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'ready' : 'not-ready'}`).sort();
  const got = slices.flatMap((s) => (s.endpoints ?? []).map((e) => `${e.addresses[0]} ${e.conditions?.terminating ? 'terminating' : e.conditions?.ready ? 'ready' : 'not-ready'}`)).sort();
  if (JSON.stringify(want) !== JSON.stringify(got)) return `slices ${JSON.stringify(got)} != desired ${JSON.stringify(want)}`;
  const existing = w.list<Endpoints>(R.endpoints).find((e) => e.metadata.name === 'web');
  const plan = reconcileEndpoints({ namespace: 'default', name: 'web', service: svc, pods: pods.map(slimPod), existing });
  if (plan.action !== 'none') return `Endpoints differ from the reference computation (${plan.action})`;
  return '';
}

test('endpoint controllers › property: after random pod and Service changes they converge to exactly the desired endpoints', async (t) => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  t.log(`fast-check seed ${seed}`);
  await t.notThrowsAsync(
    fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const w = await startWorld([new EndpointsController(), new EndpointSliceController({ maxEndpointsPerSlice: MAX })]);
        try {
          w.service('web', { selector: { app: 'a' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
          for (const o of ops) apply(w, o);
          const deadline = Date.now() + 15_000;
          let why = problems(w);
          while (why && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 50));
            why = problems(w);
          }
          if (why) throw new Error(`not converged: ${why}`);
          return true;
        } finally {
          await w.close();
        }
      }),
      { numRuns: 12, seed, endOnFailure: true },
    ),
  );
});

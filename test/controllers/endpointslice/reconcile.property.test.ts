import test from 'ava';
import fc from 'fast-check';
import type { IPFamily, Node, Pod, Service } from '../../../api-types/core.js';
import type { EndpointSlice, SliceEndpoint } from '../../../api-types/networking.js';
import { computeDesired, endpointPortsForPod, podToEndpoint } from '../../../controllers/endpointslice/desired.js';
import { endpointKey, endpointsEqualBeyondHash, portMapKey } from '../../../controllers/endpointslice/endpoint-hash.js';
import { isEmptyPlan, reconcileSlices } from '../../../controllers/endpointslice/reconcile.js';
import { newEndpointSlice } from '../../../controllers/endpointslice/slice-shape.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { applyPlan, node, pod, service } from './fixtures.js';

const nodes = new Map<string, Node>([['node-1', node('node-1', 'zone-a')], ['node-2', node('node-2', 'zone-b')]]);

const podSpec = fc.record({
  ready: fc.boolean(),
  terminating: fc.boolean(),
  phase: fc.constantFrom('Running', 'Running', 'Pending', 'Failed') as fc.Arbitrary<'Running' | 'Pending' | 'Failed'>,
  portVariant: fc.integer({ min: 0, max: 2 }),
  node: fc.constantFrom('node-1', 'node-2'),
  dual: fc.boolean(),
});
type PodSpec = typeof podSpec extends fc.Arbitrary<infer T> ? T : never;

function buildPod(i: number, s: PodSpec): Pod {
  const ports = s.portVariant === 2 ? [] : [{ name: 'http', containerPort: 8000 + s.portVariant }];
  return pod(i, { ready: s.ready, terminating: s.terminating, phase: s.phase, nodeName: s.node, ports, ips: s.dual ? [`10.0.0.${i + 1}`, `fd00::${i + 1}`] : [`10.0.0.${i + 1}`] });
}

function buildService(named: boolean, dual: boolean): Service {
  return service({ spec: {
    ports: [{ name: 'http', port: 80, targetPort: named ? 'http' : 8080, protocol: 'TCP' }],
    ipFamilies: dual ? ['IPv4', 'IPv6'] : ['IPv4'],
  } });
}

// Existing slices as an earlier state would have left them: the endpoints of an older set of
// pods under an older Service, chunked at random (each chunk within the maximum).
function existingSlices(svc: Service, oldPods: Pod[], chunks: number[], max: number, extras: { foreign: boolean; ipType: boolean }): EndpointSlice[] {
  const out: EndpointSlice[] = [];
  const families: IPFamily[] = svc.spec?.ipFamilies ?? ['IPv4'];
  let n = 0;
  for (const family of families) {
    const byKey = new Map<string, { ports: ReturnType<typeof endpointPortsForPod>; eps: SliceEndpoint[] }>();
    for (const p of oldPods) {
      const ep = podToEndpoint(p, nodes.get(p.spec?.nodeName ?? ''), svc, family);
      if (ep.addresses.length === 0 || p.status?.phase === 'Failed') continue;
      const ports = endpointPortsForPod(svc, p);
      const k = portMapKey(ports);
      if (!byKey.has(k)) byKey.set(k, { ports, eps: [] });
      byKey.get(k)!.eps.push(ep);
    }
    let c = 0;
    for (const { ports, eps } of byKey.values()) {
      for (let i = 0; i < eps.length;) {
        const size = Math.max(1, Math.min(max, chunks[c++ % chunks.length]));
        const base = newEndpointSlice(svc, ports, family);
        out.push(deepFreeze({ ...base, metadata: { ...base.metadata, generateName: undefined, name: `old-${n}`, uid: `old-${n}`, resourceVersion: '3' }, endpoints: eps.slice(i, i + size) }));
        n++;
        i += size;
      }
    }
  }
  if (extras.foreign) {
    const other = service({ metadata: { uid: 'foreign' } });
    const base = newEndpointSlice(other, [], 'IPv4');
    out.push(deepFreeze({ ...base, metadata: { ...base.metadata, name: 'foreign', uid: 'foreign' } }));
  }
  if (extras.ipType) {
    const base = newEndpointSlice(svc, [], 'IPv4');
    out.push(deepFreeze({ ...base, addressType: 'FQDN', metadata: { ...base.metadata, name: 'fqdn', uid: 'fqdn' } }));
  }
  return out;
}

const scenario = fc.record({
  max: fc.integer({ min: 1, max: 8 }),
  now: fc.array(podSpec, { maxLength: 24 }),
  before: fc.array(podSpec, { maxLength: 24 }),
  named: fc.boolean(),
  namedBefore: fc.boolean(),
  dual: fc.boolean(),
  chunks: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 6 }),
  foreign: fc.boolean(),
  ipType: fc.boolean(),
});

test('reconcileSlices › property: the applied plan holds exactly the desired endpoints, within the maximum, ≥1 slice per family, and is a fixed point', (t) => {
  t.notThrows(() => fc.assert(fc.property(scenario, (sc) => {
    const svc = buildService(sc.named, sc.dual);
    const pods = sc.now.map((s, i) => buildPod(i, s));
    const oldPods = sc.before.map((s, i) => buildPod(i, s));
    const existing = existingSlices(buildService(sc.namedBefore, sc.dual), oldPods, sc.chunks, sc.max, sc);
    const snap = { service: svc, pods, nodes, existingSlices: existing, maxEndpointsPerSlice: sc.max };
    const after = applyPlan(existing, reconcileSlices(snap));
    const families: IPFamily[] = sc.dual ? ['IPv4', 'IPv6'] : ['IPv4'];
    const desired = computeDesired(svc, pods, nodes, families);
    for (const family of families) {
      const mine = after.filter((s) => s.addressType === family);
      if (mine.length < 1) return false;
      const want = new Map<string, { ep: SliceEndpoint; ports: string }>();
      for (const [ports, g] of desired.byAddressType.get(family)!) for (const [k, ep] of g.endpoints) want.set(k, { ep, ports });
      let count = 0;
      for (const s of mine) {
        if ((s.endpoints?.length ?? 0) > sc.max) return false;
        for (const ep of s.endpoints ?? []) {
          count++;
          const w = want.get(endpointKey(ep));
          if (!w || !endpointsEqualBeyondHash(w.ep, ep) || w.ports !== portMapKey(s.ports)) return false;
        }
      }
      if (count !== want.size) return false;
    }
    if (after.some((s) => !families.includes(s.addressType as IPFamily))) return false;
    return isEmptyPlan(reconcileSlices({ ...snap, existingSlices: after }));
  }), { numRuns: 1000 }));
});

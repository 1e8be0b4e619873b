import test from 'ava';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { Node, Pod, Service } from '../../../api-types/core.js';
import { planSlices, type SliceMemo } from '../../../controllers/endpointslice/incremental.js';
import { reconcileSlices, type SliceSnapshot } from '../../../controllers/endpointslice/reconcile.js';
import { applyPodStep, podStep } from '../shared/pod-steps.js';
import { FakeSliceServer, node, pod, service } from './fixtures.js';

const nodeNames = ['node-1', 'node-2', 'node-3'];

const podSpec = fc.record({
  ready: fc.boolean(),
  terminating: fc.boolean(),
  phase: fc.constantFrom('Running', 'Running', 'Running', 'Pending', 'Failed') as fc.Arbitrary<'Running' | 'Pending' | 'Failed'>,
  port: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2),
  node: fc.constantFrom(...nodeNames),
  ip: fc.integer({ min: 1, max: 60 }),
  dual: fc.boolean(),
  uid: fc.constantFrom('a', 'a', 'a', 'b'),
});
type PodSpec = typeof podSpec extends fc.Arbitrary<infer T> ? T : never;

function buildPod(id: number, s: PodSpec): Pod {
  const ports = s.port === 2 ? [] : [{ name: 'http', containerPort: 8000 + s.port }];
  const ips = s.dual ? [`10.0.0.${s.ip}`, `fd00::${s.ip.toString(16)}`] : [`10.0.0.${s.ip}`];
  return pod(id, { ready: s.ready, terminating: s.terminating, phase: s.phase, nodeName: s.node, ports, ips, uid: `uid-${id}-${s.uid}` });
}

/**
 * One step: pods changed in place, readiness flipped, pods removed, added at the end; now and
 * then the node objects are replaced, with the same zones or with zones swapped.
 */
const step = fc.record({
  pods: podStep(podSpec),
  nodes: fc.constantFrom('same', 'same', 'same', 'same', 'same', 'same', 'same', 'same', 'replaced', 'rezoned'),
});

const scenario = fc.record({
  max: fc.integer({ min: 1, max: 12 }),
  named: fc.boolean(),
  dual: fc.boolean(),
  pnra: fc.constantFrom(false, false, true),
  missingNode: fc.constantFrom(false, false, false, false, false, false, false, true),
  pods: fc.array(podSpec, { minLength: 1, maxLength: 30 }),
  steps: fc.array(step, { minLength: 1, maxLength: 5 }),
});

function buildService(named: boolean, dual: boolean, pnra: boolean): Service {
  return service({ spec: {
    ports: [{ name: 'http', port: 80, targetPort: named ? 'http' : 8080, protocol: 'TCP' }],
    ipFamilies: dual ? ['IPv4', 'IPv6'] : ['IPv4'],
    publishNotReadyAddresses: pnra,
  } });
}

function nodeMap(zoneRound: number, missing: boolean): Map<string, Node> {
  const names = missing ? nodeNames.slice(0, 2) : nodeNames;
  return new Map(names.map((n, i) => [n, node(n, `zone-${(i + zoneRound) % 2}`)]));
}

test('planSlices › property: after random pod changes the plan equals the full reconcile\'s, whichever path made it', (t) => {
  let steps = 0;
  let fast = 0;
  t.notThrows(() => fc.assert(fc.property(scenario, (sc) => {
    const svc = buildService(sc.named, sc.dual, sc.pnra);
    const server = new FakeSliceServer();
    let nextId = 0;
    let pods = sc.pods.map((s) => buildPod(nextId++, s));
    let zoneRound = 0;
    let nodesGeneration = 0;
    let nodes = nodeMap(zoneRound, sc.missingNode);
    let memo: SliceMemo | undefined;
    const sync = (): boolean => {
      const snap: SliceSnapshot = { service: svc, pods, nodes, nodesGeneration, existingSlices: server.cache, maxEndpointsPerSlice: sc.max, triggerTime: `2026-01-01T00:00:${String(nodesGeneration).padStart(2, '0')}Z` };
      const r = planSlices(snap, memo);
      const full = reconcileSlices(snap);
      if (!isDeepStrictEqual(r.plan, full)) {
        throw new Error(`the ${r.incremental ? 'incremental' : 'full'} plan differs from the full reconcile's`);
      }
      memo = r.next?.settle(server.apply(r.plan));
      return r.incremental;
    };
    sync();
    for (const st of sc.steps) {
      const next = applyPodStep(pods, st.pods, { build: buildPod, idOf: (p) => Number(p.metadata.name!.slice(4)), nextId: () => nextId++ });
      pods = next;
      if (st.nodes !== 'same') {
        if (st.nodes === 'rezoned') zoneRound++;
        nodes = nodeMap(zoneRound, sc.missingNode);
        nodesGeneration++;
      }
      steps++;
      if (sync()) fast++;
    }
  }), { numRuns: 400 }));
  // The property must exercise the fast path, not only the fallback.
  t.log(`${fast} of ${steps} steps took the fast path`);
  t.true(fast > steps / 4, `${fast} of ${steps} steps took the fast path`);
});

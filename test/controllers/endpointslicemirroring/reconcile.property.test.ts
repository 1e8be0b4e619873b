import test from 'ava';
import fc from 'fast-check';
import type { EndpointSubset, Endpoints } from '../../../api-types/core.js';
import type { EndpointSlice } from '../../../api-types/networking.js';
import { repackSubsets } from '../../../controllers/endpoints/repack.js';
import { isEmptyMirroringPlan, reconcileMirroring, type MirroringPlan } from '../../../controllers/endpointslicemirroring/reconcile.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const service = deepFreeze({ metadata: { name: 'ext', namespace: 'ns', uid: 's' }, spec: {} });

function persist(plan: MirroringPlan, previous: EndpointSlice[]): EndpointSlice[] {
  const gone = new Set([...plan.delete, ...plan.update].map((sl) => sl.metadata.name));
  const created = plan.create.map((sl, i) => ({ ...structuredClone(sl), metadata: { ...structuredClone(sl.metadata), generateName: undefined, name: `gen-${previous.length}-${i}`, resourceVersion: '1' } }));
  return [...previous.filter((p) => !gone.has(p.metadata.name)), ...created, ...plan.update.map((sl) => structuredClone(sl))];
}

const ip = fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', 'fd00::1', 'fd00::2', 'bad', '010.0.0.9', '::ffff:10.0.0.8');
/** How the mirroring controller writes each generated address (ParseIPSloppy, then String()); undefined: invalid. */
const mirroredAs: Record<string, string | undefined> = { bad: undefined, '010.0.0.9': '10.0.0.9', '::ffff:10.0.0.8': '10.0.0.8' };
const address = fc.record({ ip, node: fc.constantFrom(undefined, 'n1') }).map(({ ip: a, node }) => (node ? { ip: a, nodeName: node } : { ip: a }));
const port = fc.constantFrom({ name: 'a', port: 1, protocol: 'TCP' as const }, { name: 'b', port: 2, protocol: 'UDP' as const });
const subset = fc.record({ addresses: fc.array(address, { maxLength: 4 }), notReadyAddresses: fc.array(address, { maxLength: 3 }), ports: fc.uniqueArray(port, { maxLength: 2, selector: (p) => p.name }) });

/** The (IP, ready) pairs a simple reading of §6 mirrors per (address type, ports). */
function model(subsets: EndpointSubset[], max: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ss of repackSubsets(subsets)) {
    const ports = (ss.ports ?? []).map((p) => p.name).sort().join();
    let n = 0;
    for (const [list, ready] of [[ss.addresses ?? [], true], [ss.notReadyAddresses ?? [], false]] as const) {
      for (const a of list) {
        if (n >= max) break;
        const text = a.ip in mirroredAs ? mirroredAs[a.ip] : a.ip;
        if (text === undefined) continue;
        n++;
        const key = `${text.includes(':') ? 'IPv6' : 'IPv4'} ${ports}`;
        out.set(key, [...(out.get(key) ?? []), `${text}:${ready}`].sort());
      }
    }
  }
  return out;
}

test('reconcileMirroring › property: slices hold what a simple model mirrors; a second sync writes nothing; changes converge', (t) => {
  fc.assert(
    fc.property(fc.array(subset, { maxLength: 4 }), fc.array(subset, { maxLength: 4 }), fc.integer({ min: 1, max: 5 }), (first, second, max) => {
      const ep = (subsets: EndpointSubset[]): Endpoints => deepFreeze({ metadata: { name: 'ext', namespace: 'ns', uid: 'e', labels: { l: '1' } }, subsets: structuredClone(subsets) });
      let slices: EndpointSlice[] = [];
      for (const subsets of [first, second]) {
        const plan = reconcileMirroring({ namespace: 'ns', name: 'ext', service, endpoints: ep(subsets), existingSlices: deepFreeze(structuredClone(slices)), maxEndpointsPerSubset: max });
        slices = persist(plan, slices);
        const got = new Map(slices.map((sl) => [`${sl.addressType} ${(sl.ports ?? []).map((p) => p.name).sort().join()}`, (sl.endpoints ?? []).map((e) => `${e.addresses[0]}:${e.conditions?.ready}`).sort()]));
        t.deepEqual([...got].sort(), [...model(subsets, max)].sort());
        t.is(got.size, slices.length);
        const again = reconcileMirroring({ namespace: 'ns', name: 'ext', service, endpoints: ep(subsets), existingSlices: deepFreeze(structuredClone(slices)), maxEndpointsPerSubset: max });
        t.true(isEmptyMirroringPlan(again));
        t.deepEqual(again.events, plan.events);
      }
    }),
    { numRuns: 1000 },
  );
});

import test from 'ava';
import fc from 'fast-check';
import type { EndpointAddress, EndpointSubset } from '../../../api-types/core.js';
import { repackSubsets as serverRepack } from '../../../apiserver/validation/endpoints.js';
import { repackSubsets } from '../../../controllers/endpoints/repack.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const a = (ip: string, uid?: string): EndpointAddress => (uid ? { ip, targetRef: { kind: 'Pod', name: uid, uid } } : { ip });

test('repackSubsets › not ready wins; addresses deduplicated by (IP, UID); ports grouped by identical address sets', (t) => {
  const input: EndpointSubset[] = deepFreeze([
    { addresses: [a('10.0.0.2', 'x'), a('10.0.0.1', 'y')], ports: [{ name: 'p', port: 80, protocol: 'TCP' }] },
    { notReadyAddresses: [a('10.0.0.1', 'y')], ports: [{ name: 'p', port: 80, protocol: 'TCP' }] },
    { addresses: [a('10.0.0.2', 'x')], notReadyAddresses: [a('10.0.0.1', 'y')], ports: [{ name: 'q', port: 81, protocol: 'TCP' }] },
    { addresses: [a('10.0.0.2', 'x'), a('10.0.0.2', 'z')], ports: [{ name: 'r', port: 82, protocol: 'UDP' }] },
  ]);
  t.deepEqual(repackSubsets(input), [
    { addresses: [a('10.0.0.2', 'x')], notReadyAddresses: [a('10.0.0.1', 'y')], ports: [{ name: 'p', port: 80, protocol: 'TCP' }, { name: 'q', port: 81, protocol: 'TCP' }] },
    { addresses: [a('10.0.0.2', 'x'), a('10.0.0.2', 'z')], ports: [{ name: 'r', port: 82, protocol: 'UDP' }] },
  ]);
});

test('repackSubsets › subsets without ports merge into one subset without ports; an address without targetRef sorts first', (t) => {
  const input: EndpointSubset[] = deepFreeze([{ addresses: [a('10.0.0.9', 'u')] }, { addresses: [a('10.0.0.9'), a('10.0.0.10', 'v')], ports: [] }]);
  t.deepEqual(repackSubsets(input), [{ addresses: [a('10.0.0.10', 'v'), a('10.0.0.9'), a('10.0.0.9', 'u')] }]);
  t.deepEqual(repackSubsets([]), []);
});

const address = fc.record({ ip: fc.constantFrom('10.0.0.1', '10.0.0.10', '10.0.0.9', 'fd00::1', '1.2.3.4'), uid: fc.constantFrom(undefined, 'u1', 'u2'), node: fc.constantFrom(undefined, 'n1') })
  .map(({ ip, uid, node }) => ({ ...a(ip, uid), ...(node ? { nodeName: node } : {}) }));
const port = fc.record({ name: fc.constantFrom('', 'a', 'b'), port: fc.constantFrom(80, 81), protocol: fc.constantFrom('TCP' as const, 'UDP' as const) })
  .map((p) => (p.name ? p : { port: p.port, protocol: p.protocol }));
const subset = fc.record({ addresses: fc.array(address, { maxLength: 4 }), notReadyAddresses: fc.array(address, { maxLength: 3 }), ports: fc.array(port, { maxLength: 3 }) }, { requiredKeys: [] });

test('repackSubsets › agrees exactly with the API server canonicalization (apiserver/validation/endpoints.ts)', (t) => {
  fc.assert(
    fc.property(fc.array(subset, { maxLength: 5 }), (subsets) => {
      const frozen = deepFreeze(structuredClone(subsets));
      const ours = repackSubsets(frozen);
      t.deepEqual(ours, serverRepack(structuredClone(subsets)));
      // canonical form is a fixed point
      t.deepEqual(repackSubsets(ours), ours);
    }),
    { numRuns: 1000 },
  );
});

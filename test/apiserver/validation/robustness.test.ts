import test from 'ava';
import fc from 'fast-check';
import type { KubeObject } from '../../../api-types/meta.js';
import { RESOURCES } from '../../../apiserver/resources.js';
import { canonicalizeObject, defaultObject, prepareForUpdate, validateObject } from '../../../apiserver/validation/index.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

// Bodies arrive as arbitrary JSON; Kubernetes would refuse ill-typed ones while decoding (400).
// Whatever the store passes in, the pipeline must answer with causes, never throw.
const json = fc.jsonValue({ maxDepth: 3 });
const leaf = fc.dictionary(fc.constantFrom('name', 'port', 'protocol', 'ip', 'uid', 'nodePort', 'targetPort', 'containerPort', 'image', 'appProtocol', 'hostname', 'nodeName', 'timeoutSeconds'), json, { maxKeys: 4 });
const item = fc.oneof(json, leaf, fc.record({ ports: fc.array(fc.oneof(json, leaf), { maxLength: 2 }), targetRef: fc.oneof(json, leaf), clientIP: fc.oneof(json, leaf) }, { requiredKeys: [] }));
const value = fc.oneof(json, fc.array(item, { maxLength: 3 }), item);
const field = (names: string[]) => fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 5 });
const body = fc.record({
  metadata: fc.record({ name: fc.constantFrom('a', 'B', ''), namespace: fc.constantFrom('default', ''), labels: fc.oneof(json, fc.constant({ a: 'b' })) }, { requiredKeys: ['name'] }),
  spec: fc.oneof(json, field(['ports', 'clusterIP', 'clusterIPs', 'type', 'ipFamilies', 'containers', 'cidrs', 'parentRef', 'selector', 'renewTime', 'externalIPs', 'sessionAffinityConfig', 'initContainers', 'finalizers', 'podCIDRs', 'acquireTime', 'leaseDurationSeconds', 'nodeName', 'loadBalancerSourceRanges', 'externalName', 'ipFamilyPolicy'])),
  subsets: fc.oneof(json, fc.array(fc.oneof(json, field(['addresses', 'notReadyAddresses', 'ports'])), { maxLength: 2 })),
  endpoints: value, ports: value, addressType: json, data: value, binaryData: value, eventTime: json, involvedObject: value, regarding: value, series: value,
  status: fc.oneof(json, field(['loadBalancer', 'podIPs', 'phase', 'ingress'])), subsetsB: value,
}, { requiredKeys: ['metadata'] }) as fc.Arbitrary<KubeObject>;

test('validation pipeline › never throws on arbitrary JSON bodies, for every served resource', (t) => {
  t.notThrows(() => fc.assert(fc.property(fc.constantFrom(...RESOURCES), body, body, fc.boolean(), (r, a, b, isUpdate) => {
    const next = structuredClone(a);
    defaultObject(r, next);
    let prev: KubeObject | undefined;
    if (isUpdate) {
      prev = structuredClone(b);
      defaultObject(r, prev);
      prepareForUpdate(r, next, deepFreeze(structuredClone(prev)));
    }
    canonicalizeObject(r, next);
    const causes = validateObject(r, deepFreeze(next), prev && deepFreeze(prev));
    return Array.isArray(causes) && causes.every((c) => typeof c.message === 'string' && typeof c.field === 'string');
  }), { numRuns: 1000 }));
});

import test from 'ava';
import fc from 'fast-check';
import type { KubeObject } from '../../../api-types/meta.js';
import { ApiError } from '../../../apiserver/errors.js';
import { RESOURCES, type ResourceInfo } from '../../../apiserver/resources.js';
import { checkDecodes } from '../../../apiserver/store-admission.js';
import { canonicalizeObject, defaultObject, prepareForUpdate, validateObject } from '../../../apiserver/validation/index.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

// Bodies arrive as arbitrary JSON. The store refuses ill-typed ones first (checkDecodes: 400, as
// kube-apiserver's decoder does); whatever passes that, the pipeline must answer with causes,
// never throw.
// Objects with toString or valueOf members too: String() throws on some of them.
const json = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.constantFrom('toString', 'valueOf', 'constructor', 'length'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }));
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

/** Whether the store lets `obj` through to validation; any refusal must be a 400. */
function decodes(r: ResourceInfo, obj: KubeObject): boolean {
  try {
    checkDecodes(r, obj);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.code === 400 && e.status.message?.includes('cannot be handled as a')) return false;
    throw e;
  }
}

test('validation pipeline › never throws on arbitrary JSON bodies, for every served resource', (t) => {
  t.notThrows(() => fc.assert(fc.property(fc.constantFrom(...RESOURCES), body, body, fc.boolean(), (r, a, b, isUpdate) => {
    if (!decodes(r, a) || !decodes(r, b)) return true;
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
  }), { numRuns: 2000 }));
});

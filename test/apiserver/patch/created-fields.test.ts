import test from 'ava';
import fc from 'fast-check';
import type { KubeObject, ManagedFieldsEntry } from '../../../api-types/meta.js';
import { encodeCreatedFields } from '../../../apiserver/patch/created-fields.js';
import { FieldSet } from '../../../apiserver/patch/field-set.js';
import type { JsonObject } from '../../../apiserver/patch/json-value.js';
import { ownableFields, recordUpdate, toSeconds } from '../../../apiserver/patch/managed-fields.js';
import { schemaFor } from '../../../apiserver/patch/merge-keys.js';
import { compareValues } from '../../../apiserver/patch/typed-value.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

/**
 * The general path's answer for a create: the fields Compare finds added against nothing, less
 * what no manager owns, encoded (what recordUpdate computed for every write before the one-walk
 * encoding, and still computes for updates).
 */
function generalFieldsV1(obj: KubeObject, subresource?: 'status'): JsonObject {
  const { managedFields: _m, ...metadata } = obj.metadata ?? {};
  const diff = compareValues(undefined, { ...obj, metadata }, schemaFor(obj.kind));
  return ownableFields(diff.modified.union(diff.added), subresource).toFieldsV1();
}

function generalEntries(obj: KubeObject, manager: string, apiVersion: string, now: string, subresource?: 'status'): ManagedFieldsEntry[] | undefined {
  const fieldsV1 = generalFieldsV1(obj, subresource);
  if (Object.keys(fieldsV1).length === 0) return undefined;
  const e: ManagedFieldsEntry = { manager, operation: 'Update', apiVersion, time: toSeconds(now), fieldsType: 'FieldsV1', fieldsV1 };
  if (subresource) e.subresource = subresource;
  return [e];
}

// Shapes of the served kinds, with the irregular data a live object may hold: items without
// keys or duplicated, nulls, a protocol left to its default, and now and then any JSON at all.
const anyJson = fc.jsonValue({ maxDepth: 2 });
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> => fc.oneof({ weight: 8, arbitrary: arb }, { weight: 1, arbitrary: anyJson });
const word = fc.constantFrom('a', 'b', 'web', 'x.y/z', '__proto__', '0', '10', 'é');
const stringMap = fc.dictionary(word, fc.oneof(fc.string({ maxLength: 3 }), fc.constant(null)), { maxKeys: 4 });
const protocol = fc.constantFrom('TCP', 'UDP', undefined);
const port = fc.record({ containerPort: fc.integer({ min: 79, max: 81 }), protocol, name: fc.constantFrom('http', undefined) }, { requiredKeys: [] });
const env = fc.record({ name: word, value: fc.string({ maxLength: 3 }) }, { requiredKeys: ['value'] });
const container = fc.record({
  name: fc.constantFrom('main', 'side', 'init'),
  image: fc.string({ maxLength: 4 }),
  command: fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
  ports: maybe(fc.array(fc.oneof({ weight: 6, arbitrary: port }, { weight: 1, arbitrary: anyJson }), { maxLength: 4 })),
  env: fc.array(env, { maxLength: 4 }),
  resources: fc.oneof(fc.constant({}), fc.record({ limits: stringMap }, { requiredKeys: [] })),
  volumeMounts: fc.array(fc.record({ mountPath: fc.constantFrom('/a', '/b'), name: word }), { maxLength: 2 }),
}, { requiredKeys: ['name'] });
const metadata = fc.record({
  name: word,
  namespace: fc.constant('default'),
  uid: fc.constant('u-1'),
  resourceVersion: fc.constant('7'),
  generation: fc.constant(1),
  creationTimestamp: fc.constant('2026-01-01T00:00:00Z'),
  labels: maybe(stringMap),
  annotations: stringMap,
  finalizers: fc.array(fc.oneof(word, fc.constant(null)), { maxLength: 3 }),
  ownerReferences: fc.array(fc.record({ uid: fc.constantFrom('o1', 'o2'), kind: word }, { requiredKeys: [] }), { maxLength: 3 }),
  // Entries that cannot be decoded: the create takes none of them over.
  managedFields: fc.constant([{ manager: 'x', operation: 'Update', apiVersion: 'v1', fieldsType: 'Other' }]),
}, { requiredKeys: [] });
const conditions = fc.array(fc.record({ type: fc.constantFrom('Ready', 'Synced'), status: fc.constantFrom('True', 'False') }), { maxLength: 2 });

const pod = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Pod'),
  metadata,
  spec: maybe(fc.record({
    containers: fc.array(fc.oneof({ weight: 8, arbitrary: container }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 3 }),
    initContainers: fc.array(container, { maxLength: 1 }),
    tolerations: fc.array(fc.record({ key: word }), { maxLength: 2 }),
    nodeName: word,
  }, { requiredKeys: [] })),
  status: fc.record({ phase: word, conditions, podIPs: fc.array(fc.record({ ip: fc.constantFrom('10.0.0.1', '10.0.0.2') }), { maxLength: 2 }), hostIPs: fc.array(fc.record({ ip: word }), { maxLength: 2 }) }, { requiredKeys: [] }),
}, { requiredKeys: ['apiVersion', 'kind'] });
const service = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Service'),
  metadata,
  spec: fc.record({
    type: fc.constantFrom('ClusterIP', 'LoadBalancer'),
    ports: maybe(fc.array(fc.record({ port: fc.integer({ min: 79, max: 81 }), protocol, targetPort: fc.oneof(fc.integer({ min: 1, max: 3 }), word) }, { requiredKeys: [] }), { maxLength: 4 })),
    selector: stringMap,
    clusterIPs: fc.array(fc.constantFrom('10.0.0.1', 'fd00::1'), { maxLength: 2 }),
  }, { requiredKeys: [] }),
  status: fc.record({ loadBalancer: fc.oneof(fc.constant({}), fc.record({ ingress: fc.array(fc.record({ ip: word }), { maxLength: 2 }) })), conditions }, { requiredKeys: [] }),
}, { requiredKeys: ['apiVersion', 'kind'] });
const configMap = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('ConfigMap'),
  metadata,
  data: maybe(stringMap),
  binaryData: stringMap,
  immutable: fc.boolean(),
}, { requiredKeys: ['apiVersion', 'kind', 'metadata'] });
const node = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Node'),
  metadata,
  spec: fc.record({ podCIDRs: fc.array(fc.oneof(word, fc.constant(null), anyJson), { maxLength: 3 }) }, { requiredKeys: [] }),
  status: fc.record({ addresses: fc.array(fc.record({ type: fc.constantFrom('InternalIP', 'Hostname'), address: word }), { maxLength: 3 }), nodeInfo: stringMap }, { requiredKeys: [] }),
}, { requiredKeys: ['apiVersion', 'kind'] });
// Any kind, typed by metadata only, holding anything.
const other = fc.record({ kind: fc.constantFrom('EndpointSlice', 'Event'), metadata, spec: anyJson, endpoints: anyJson }, { requiredKeys: ['kind'] });
const object = fc.oneof(pod, service, configMap, node, other) as fc.Arbitrary<KubeObject>;
const subresource = fc.constantFrom(undefined, 'status' as const);

test('encodeCreatedFields › gives the FieldsV1 of the general path, byte for byte', (t) => {
  fc.assert(fc.property(object, subresource, (obj, sub) => {
    const got = encodeCreatedFields(obj as unknown as JsonObject, schemaFor(obj.kind), sub);
    t.is(JSON.stringify(got), JSON.stringify(generalFieldsV1(obj, sub)));
  }), { numRuns: 2000 });
});

test('recordUpdate › a create records exactly the entry of the general path', (t) => {
  fc.assert(fc.property(object, subresource, fc.constantFrom('kubectl', 'ctl'), (obj, sub, manager) => {
    const input = deepFreeze(obj);
    const out = recordUpdate(undefined, input, manager, 'v1', '2026-03-04T05:06:07.5Z', sub);
    t.is(JSON.stringify(out.metadata.managedFields), JSON.stringify(generalEntries(input, manager, 'v1', '2026-03-04T05:06:07.5Z', sub)));
    t.is(JSON.stringify({ ...out, metadata: { ...out.metadata, managedFields: undefined } }), JSON.stringify({ ...input, metadata: { ...input.metadata, managedFields: undefined } }));
  }), { numRuns: 1000 });
});

test('encodeCreatedFields › its stored encoding decodes as its JSON copy does, and encodes back to itself', (t) => {
  fc.assert(fc.property(object, (obj) => {
    const stored = deepFreeze(encodeCreatedFields(obj as unknown as JsonObject, schemaFor(obj.kind)));
    const decoded = FieldSet.fromFieldsV1(stored);
    t.deepEqual(decoded.paths(), FieldSet.fromFieldsV1(JSON.parse(JSON.stringify(stored))).paths());
    if (Object.keys(stored).length > 0) t.is(decoded.toFieldsV1(), stored);
  }), { numRuns: 500 });
});

test('toSeconds › converts each time, whether or not it converted it just before', (t) => {
  t.is(toSeconds('2026-03-04T05:06:07.9Z'), '2026-03-04T05:06:07Z');
  t.is(toSeconds('2026-03-04T05:06:07.9Z'), '2026-03-04T05:06:07Z');
  t.is(toSeconds('2026-03-04T05:06:08+01:00'), '2026-03-04T04:06:08Z');
  t.is(toSeconds('not a time'), 'not a time');
  t.is(toSeconds('2026-03-04T05:06:07.9Z'), '2026-03-04T05:06:07Z');
});

test('recordUpdate › a create of a Pod marks maps and keyed items with "." and skips server-set metadata', (t) => {
  const created: KubeObject = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u', labels: { app: 'web' } },
    spec: { containers: [{ name: 'main', ports: [{ containerPort: 80 }], resources: {} }] },
    status: { phase: 'Pending' },
  };
  const out = recordUpdate(undefined, deepFreeze(created), 'kubectl', 'v1', '2026-03-04T05:06:07.123Z');
  t.deepEqual(out.metadata.managedFields, [{
    manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-03-04T05:06:07Z', fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { '.': {}, 'k:{"name":"main"}': { '.': {}, 'f:name': {}, 'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } } },
    },
  }]);
});

test('recordUpdate › a create that sets nothing ownable records no entry', (t) => {
  const out = recordUpdate(undefined, deepFreeze({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } }), 'kubectl', 'v1', '2026-03-04T05:06:07Z');
  t.false('managedFields' in out.metadata);
});

test('recordUpdate › a create carrying decodable managedFields keeps the others\' fields apart', (t) => {
  const given = [{ manager: 'first', operation: 'Apply' as const, apiVersion: 'v1', fieldsType: 'FieldsV1' as const, fieldsV1: { 'f:data': { 'f:a': {} } } }];
  const out = recordUpdate(undefined, deepFreeze({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: given }, data: { a: '1', b: '2' } }), 'kubectl', 'v1', '2026-03-04T05:06:07Z');
  // An update always forces: the writer takes every field it set, the given entry is left with nothing.
  t.deepEqual(out.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1]), [['kubectl', { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} } }]]);
});

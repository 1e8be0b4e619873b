import test from 'ava';
import fc from 'fast-check';
import { ALL_KINDS } from '../../../apiserver/protobuf/registry.js';
import { applyErrors, jsonTypeError } from '../../../apiserver/validation/json-types.js';
import { messageArb } from '../../helpers/schema-arbitrary.js';

const svc = (spec: unknown, metadata: unknown = { name: 's' }) => ({ apiVersion: 'v1', kind: 'Service', metadata, spec });
const cannot = (value: string, field: string, type: string) => `json: cannot unmarshal ${value} into Go struct field ${field} of type ${type}`;

test('jsonTypeError › Go’s words: the JSON kind, the struct and field path, the Go type', (t) => {
  const cases: [object, string][] = [
    [svc({ ports: [{ port: '80' }] }), cannot('string', 'ServicePort.spec.ports.port', 'int32')],
    [svc({ ports: [{ port: 80, nodePort: true }] }), cannot('bool', 'ServicePort.spec.ports.nodePort', 'int32')],
    [svc({ ports: [{ port: 80.5 }] }), cannot('number 80.5', 'ServicePort.spec.ports.port', 'int32')],
    [svc({ ports: [{ port: 2 ** 31 }] }), cannot('number 2147483648', 'ServicePort.spec.ports.port', 'int32')],
    [svc({ ports: [{ port: 80, protocol: 6 }] }), cannot('number', 'ServicePort.spec.ports.protocol', 'v1.Protocol')],
    [svc({ ports: 'x' }), cannot('string', 'ServiceSpec.spec.ports', '[]v1.ServicePort')],
    [svc({ ports: [7] }), cannot('number', 'ServiceSpec.spec.ports', 'v1.ServicePort')],
    [svc({ ipFamilies: [4] }), cannot('number', 'ServiceSpec.spec.ipFamilies', 'v1.IPFamily')],
    [svc({ ipFamilyPolicy: 1 }), cannot('number', 'ServiceSpec.spec.ipFamilyPolicy', 'v1.IPFamilyPolicy')],
    [svc({ selector: ['a'] }), cannot('array', 'ServiceSpec.spec.selector', 'map[string]string')],
    [svc({}, 'x'), cannot('string', 'Service.metadata', 'v1.ObjectMeta')],
    [svc({}, { name: 's', labels: { a: { toString: 0 } } }), cannot('object', 'ObjectMeta.metadata.labels', 'string')],
    [svc({}, { name: 's', uid: 3 }), cannot('number', 'ObjectMeta.metadata.uid', 'types.UID')],
    [{ metadata: { name: 'c' }, binaryData: { a: 1 } }, cannot('number', 'ConfigMap.binaryData', '[]uint8')],
  ];
  for (const [obj, message] of cases) t.is(jsonTypeError('v1', (obj as { kind?: string }).kind ?? 'ConfigMap', obj), message);
  t.is(
    jsonTypeError('discovery.k8s.io/v1', 'EndpointSlice', { addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: 'yes' } }] }),
    cannot('string', 'EndpointConditions.endpoints.conditions.ready', 'bool'),
  );
});

test('jsonTypeError › apimachinery’s own types: IntOrString, Time, Quantity', (t) => {
  t.is(jsonTypeError('v1', 'Service', svc({ ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] })), undefined);
  t.is(jsonTypeError('v1', 'Service', svc({ ports: [{ port: 80, targetPort: {} }] })), cannot('object', 'ServicePort.spec.ports.targetPort', 'int32'));
  t.is(jsonTypeError('v1', 'Service', svc({ ports: [{ port: 80, targetPort: 1.5 }] })), cannot('number 1.5', 'ServicePort.spec.ports.targetPort', 'int32'));
  t.is(jsonTypeError('coordination.k8s.io/v1', 'Lease', { spec: { renewTime: 5 } }), cannot('number', 'LeaseSpec.spec.renewTime', 'string'));
  const pod = (limits: unknown) => ({ spec: { containers: [{ name: 'c', resources: { limits } }] } });
  t.is(jsonTypeError('v1', 'Pod', pod({ cpu: '500m', memory: 1024 })), undefined);
  t.is(jsonTypeError('v1', 'Pod', pod({ cpu: true })), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
});

test('jsonTypeError › the first error in document order, unless a type’s own decoder fails later: that one stops Go’s decoder and wins', (t) => {
  t.is(jsonTypeError('v1', 'Service', svc({ ports: [{ port: 'a', nodePort: 'b' }] })), cannot('string', 'ServicePort.spec.ports.port', 'int32'));
  t.is(jsonTypeError('v1', 'Service', svc({ ports: [{ port: 'a', targetPort: [] }] })), cannot('array', 'ServicePort.spec.ports.targetPort', 'int32'));
});

test('jsonTypeError › null is a zero value, unknown members and kinds are not this check’s business', (t) => {
  t.is(jsonTypeError('v1', 'Service', svc({ ports: [null, { port: null, name: null }], selector: { a: null }, clusterIP: null })), undefined);
  t.is(jsonTypeError('v1', 'Service', svc({ portz: 'x', ports: [{ port: 80, nodeport: 'y' }] })), undefined);
  t.is(jsonTypeError('v1', 'Service', { apiVersion: 7, kind: [], metadata: null }), undefined);
  t.is(jsonTypeError('example.com/v1', 'Widget', { spec: 1 }), undefined);
});

test('applyErrors › every unknown member and wrong value in document order, items of keyed lists named by their keys, in structured-merge-diff’s words', (t) => {
  t.deepEqual(applyErrors('v1', 'Service', svc({ ports: [{ port: 80, name: 7 }, { port: '81', protocol: 6 }], portz: 1, selector: { app: 1 } })), [
    '.spec.ports[port=80,protocol="TCP"].name: expected string, got &value.valueUnstructured{Value:7}',
    // The key is built from the values as they are, wrong types included.
    '.spec.ports[port="81",protocol=6].port: expected numeric (int or float), got string',
    '.spec.ports[port="81",protocol=6].protocol: expected string, got &value.valueUnstructured{Value:6}',
    '.spec.portz: field not declared in schema',
    '.spec.selector.app: expected string, got &value.valueUnstructured{Value:1}',
  ]);
  const pod = { spec: { containers: [{ name: 'main', ports: [{ containerPort: 80, hostIP: 1 }], bogus: true }] }, metadata: { finalizers: ['a/b'], labels: { x: 'y' } } };
  t.deepEqual(applyErrors('v1', 'Pod', pod), [
    '.spec.containers[name="main"].ports[containerPort=80,protocol="TCP"].hostIP: expected string, got &value.valueUnstructured{Value:1}',
    '.spec.containers[name="main"].bogus: field not declared in schema',
  ]);
  t.deepEqual(applyErrors('v1', 'Service', svc({ ports: [{ port: 1.5, targetPort: 2.5 }] })), [], 'any number is numeric to it, any scalar an IntOrString');
});

test('jsonTypeError › property: an object with only its kind’s fields, of their types, decodes', (t) => {
  for (const [apiVersion, byKind] of Object.entries(ALL_KINDS)) {
    for (const [kind, key] of Object.entries(byKind)) {
      fc.assert(
        fc.property(messageArb(key, 0), (members) => {
          const obj = { apiVersion, kind, ...members };
          t.is(jsonTypeError(apiVersion, kind, obj), undefined, `${apiVersion} ${kind}`);
          t.deepEqual(applyErrors(apiVersion, kind, obj), [], `${apiVersion} ${kind}`);
        }),
        { numRuns: 15 },
      );
    }
  }
});

test('jsonTypeError › property: a port of any JSON value but an int32 is refused, naming the field', (t) => {
  const notInt32 = fc.oneof(fc.string(), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)), fc.integer({ min: 2 ** 31, max: 2 ** 40 }), fc.array(fc.nat(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.nat(), { maxKeys: 2 }));
  t.notThrows(() => {
    fc.assert(
      fc.property(notInt32, (port) => {
        const why = jsonTypeError('v1', 'Service', svc({ ports: [{ name: 'a', port }] }));
        return why !== undefined && why.endsWith('into Go struct field ServicePort.spec.ports.port of type int32');
      }),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.integer(), (port) => jsonTypeError('v1', 'Service', svc({ ports: [{ port }] })) === undefined), { numRuns: 200 });
  });
});

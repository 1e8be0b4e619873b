import test from 'ava';
import fc from 'fast-check';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { decodeKubernetesProtobuf } from '../../../apiserver/protobuf/decode.js';
import { ProtobufDecodeError, ProtobufKindError } from '../../../apiserver/protobuf/errors.js';
import { ALL_KINDS, ALL_MESSAGES } from '../../../apiserver/protobuf/registry.js';
import { parseFieldType, referencedMessages } from '../../../apiserver/protobuf/schema.js';
import { encodeKubernetesProtobuf, encodeMessage, envelope } from '../../helpers/protobuf-encode.js';
import { messageArb } from '../../helpers/schema-arbitrary.js';

test('registry › every message a field names is defined, and every kind names a defined message', (t) => {
  const missing = referencedMessages(ALL_MESSAGES).filter((r) => !(r.message in ALL_MESSAGES));
  t.deepEqual(missing, []);
  for (const [apiVersion, byKind] of Object.entries(ALL_KINDS)) {
    for (const [kind, key] of Object.entries(byKind)) t.true(key in ALL_MESSAGES, `${apiVersion} ${kind} → ${key}`);
  }
  t.true(Object.keys(ALL_MESSAGES).length > 150);
});

test('parseFieldType › reads scalars, pointers, lists, maps and messages; a pointer to a message is refused', (t) => {
  t.deepEqual(parseFieldType('*int32'), { kind: 'scalar', scalar: 'int32', isPointer: true });
  t.deepEqual(parseFieldType('[]core.ServicePort'), { kind: 'repeated', of: { kind: 'message', message: 'core.ServicePort' } });
  t.deepEqual(parseFieldType('map<resource.Quantity>'), { kind: 'map', of: { kind: 'message', message: 'resource.Quantity' } });
  t.throws(() => parseFieldType('*core.Probe'), { instanceOf: TypeError });
});

const svcBytes = (spec: Uint8Array) =>
  envelope('v1', 'Service', new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(encodeMessage('meta.ObjectMeta', { name: 'web' })).tag(2, WireType.LengthDelimited).bytes(spec).finish());

test('decode › zero-valued value fields are left out, a pointer field keeps its zero, unknown fields are skipped', (t) => {
  const spec = new BinaryWriter()
    .tag(3, WireType.LengthDelimited).string('') // clusterIP '' (a value field: written even when empty)
    .tag(13, WireType.Varint).bool(false) // publishNotReadyAddresses false
    .tag(20, WireType.Varint).bool(false) // allocateLoadBalancerNodePorts: *bool false
    .tag(99, WireType.LengthDelimited).string('from a newer Kubernetes') // unknown field
    .tag(4, WireType.LengthDelimited).string('NodePort')
    .finish();
  t.deepEqual(decodeKubernetesProtobuf(svcBytes(spec)), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', allocateLoadBalancerNodePorts: false } });
});

test('decode › times: whole seconds for Time, microseconds for MicroTime, an empty or Go-zero time is no time', (t) => {
  const ts = (seconds: number, nanos = 0) => new BinaryWriter().tag(1, WireType.Varint).int64(seconds).tag(2, WireType.Varint).int32(nanos).finish();
  const meta = new BinaryWriter()
    .tag(1, WireType.LengthDelimited).string('x')
    .tag(8, WireType.LengthDelimited).bytes(ts(1_700_000_000, 999_999_999)) // creationTimestamp
    .tag(9, WireType.LengthDelimited).bytes(new Uint8Array()) // deletionTimestamp: empty
    .finish();
  const ns = decodeKubernetesProtobuf(envelope('v1', 'Namespace', new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(meta).finish()));
  t.deepEqual(ns.metadata, { name: 'x', creationTimestamp: '2023-11-14T22:13:20Z' });
  const spec = new BinaryWriter().tag(1, WireType.LengthDelimited).string('holder').tag(3, WireType.LengthDelimited).bytes(ts(1_700_000_000, 123_456_789)).tag(4, WireType.LengthDelimited).bytes(ts(-62135596800)).finish();
  const lease = decodeKubernetesProtobuf(envelope('coordination.k8s.io/v1', 'Lease', new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(spec).finish()));
  t.deepEqual(lease.spec, { holderIdentity: 'holder', acquireTime: '2023-11-14T22:13:20.123456Z' });
});

test('decode › IntOrString, Quantity, bytes, FieldsV1, maps and packed lists read as their JSON forms', (t) => {
  const obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { a: '', b: 'c' }, managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { '.': {} } } }] },
    spec: {
      containers: [{ name: 'c', resources: { limits: { cpu: '500m', memory: '1Gi' } }, readinessProbe: { httpGet: { port: 'http', path: '/' } }, livenessProbe: { tcpSocket: { port: 8080 } } }],
      securityContext: { supplementalGroups: [0, 5, 2 ** 40] },
      volumes: [{ name: 'v', configMap: { name: 'cm', defaultMode: 0 } }],
    },
  };
  t.deepEqual(decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj)), obj);
  // supplementalGroups packed: one length-delimited run of varints.
  const packed = new BinaryWriter().tag(4, WireType.LengthDelimited).bytes(new BinaryWriter().int64(7).int64(0).int64(9).finish()).finish();
  const spec = new BinaryWriter().tag(14, WireType.LengthDelimited).bytes(packed).finish();
  const pod = decodeKubernetesProtobuf(envelope('v1', 'Pod', new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(spec).finish()));
  t.deepEqual(pod.spec, { securityContext: { supplementalGroups: [7, 0, 9] } });
  const cm = decodeKubernetesProtobuf(encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', binaryData: { b: Buffer.from([0, 255]).toString('base64') } }));
  t.deepEqual(cm.binaryData, { b: 'AP8=' });
});

test('decode › errors: no prefix, the prefix alone, truncated data, a wrong wire type, a kind with no table', (t) => {
  t.throws(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}')), { instanceOf: ProtobufDecodeError, message: /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/ });
  t.throws(() => decodeKubernetesProtobuf(Buffer.from([0x6b, 0x38, 0x73, 0x00])), { instanceOf: ProtobufDecodeError, message: 'empty body' });
  const whole = encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } });
  t.throws(() => decodeKubernetesProtobuf(whole.subarray(0, whole.length - 3)), { instanceOf: ProtobufDecodeError });
  const badWire = svcBytes(new BinaryWriter().tag(3, WireType.Varint).int32(1).finish());
  t.throws(() => decodeKubernetesProtobuf(badWire), { instanceOf: ProtobufDecodeError, message: /core\.ServiceSpec\.clusterIP: wire type/ });
  const err = t.throws(() => decodeKubernetesProtobuf(envelope('example.com/v1', 'Widget', new Uint8Array())), { instanceOf: ProtobufKindError });
  t.is(err?.kind, 'Widget');
});

test('decode › property: every kind a body may carry decodes to the object it was encoded from', (t) => {
  for (const [apiVersion, byKind] of Object.entries(ALL_KINDS)) {
    for (const [kind, key] of Object.entries(byKind)) {
      fc.assert(
        fc.property(messageArb(key, 0), (members) => {
          const obj = { apiVersion, kind, ...members };
          t.deepEqual(decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj)), obj, `${apiVersion} ${kind}`);
        }),
        { numRuns: 25 },
      );
    }
  }
});

test('decode › property: any bytes give an object or a ProtobufDecodeError, never another failure', (t) => {
  const service = encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { a: 'b' } }, spec: { ports: [{ port: 80, targetPort: 'http' }] } });
  const mutated = fc.tuple(fc.nat(service.length - 5), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, bytes]) => {
    const copy = Buffer.from(service);
    copy.set(bytes.subarray(0, copy.length - 4 - at), 4 + at);
    return copy;
  });
  const random = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), b]));
  fc.assert(
    fc.property(fc.oneof(mutated, random), (body) => {
      try {
        t.is(typeof decodeKubernetesProtobuf(body), 'object');
      } catch (e) {
        t.true(e instanceof ProtobufDecodeError || e instanceof ProtobufKindError, String(e));
      }
    }),
    { numRuns: 2000 },
  );
});

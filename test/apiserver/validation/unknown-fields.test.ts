import test from 'ava';
import fc from 'fast-check';
import { ALL_KINDS } from '../../../apiserver/protobuf/registry.js';
import { unknownFields } from '../../../apiserver/validation/unknown-fields.js';
import { messageArb } from '../../helpers/schema-arbitrary.js';

test('unknownFields › paths through objects, lists, inline members and maps of messages', (t) => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { anything: 'goes' }, bogus: 1 },
    spec: {
      containers: [{ name: 'a' }, { name: 'b', imagePullPolicy: 'Always', imagepullpolicy: 'x', resources: { limits: { cpu: '1' } } }],
      volumes: [{ name: 'v', hostPath: { path: '/x', typo: true } }],
      overhead: { cpu: '1' },
    },
    extra: {},
  };
  t.deepEqual(unknownFields('v1', 'Pod', pod), ['metadata.bogus', 'spec.containers[1].imagepullpolicy', 'spec.volumes[0].hostPath.typo', 'extra']);
  const pdb = { spec: { selector: { matchLabels: { a: 'b' } } }, status: { disruptedPods: { p: '2024-01-01T00:00:00Z' }, conditions: [{ type: 'x', nope: 1 }] } };
  t.deepEqual(unknownFields('policy/v1', 'PodDisruptionBudget', pdb), ['status.conditions[0].nope']);
  t.is(unknownFields('example.com/v1', 'Widget', {}), undefined);
});

test('unknownFields › pruning deletes exactly the unknown members and keeps the rest', (t) => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', x: 1 }, spec: { portz: 3, ports: [{ port: 80, nodeport: 1 }], type: 'NodePort' } };
  t.deepEqual(unknownFields('v1', 'Service', svc, true), ['metadata.x', 'spec.portz', 'spec.ports[0].nodeport']);
  t.deepEqual(svc, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }], type: 'NodePort' } });
});

test('unknownFields › property: an object with only its kind’s fields has no unknown field', (t) => {
  for (const [apiVersion, byKind] of Object.entries(ALL_KINDS)) {
    for (const [kind, key] of Object.entries(byKind)) {
      fc.assert(
        fc.property(messageArb(key, 0), (members) => t.deepEqual(unknownFields(apiVersion, kind, { apiVersion, kind, ...members }), [], `${apiVersion} ${kind}`)),
        { numRuns: 15 },
      );
    }
  }
});

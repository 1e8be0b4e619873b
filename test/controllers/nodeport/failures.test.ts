/** The words of refused nodePort requests, and what makes one failed attempt distinct from another. */
import test from 'ava';
import type { Service } from '../../../api-types/core.js';
import { failureSignature, internalErrorNote, invalidNodePortNote } from '../../../controllers/nodeport/failures.js';

const base: Service = { metadata: { name: 'b', namespace: 'default', uid: 'u1', resourceVersion: '7' }, spec: { type: 'NodePort', selector: { app: 'b' }, ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] } };
const notes = ['Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'];

test('notes › read as kube-apiserver 1.33 answers (NewInvalid, NewInternalError)', (t) => {
  t.is(invalidNodePortNote(base, 'spec.ports[0].nodePort', 30080, 'provided port is already allocated'), notes[0]);
  t.is(internalErrorNote('failed to allocate a nodePort: range is full'), 'Internal error occurred: failed to allocate a nodePort: range is full');
});

test('failureSignature › re-checks of one request agree; another request, object or failure differs', (t) => {
  const sig = (svc: Service, n: readonly string[] = notes): string => failureSignature(svc, n);
  t.is(sig({ ...base, metadata: { ...base.metadata, resourceVersion: '9', labels: { x: 'y' } } }), sig(base), 'metadata only');
  t.is(sig({ ...base, spec: { ...base.spec, selector: { app: 'c' } } }), sig(base), 'another selector');
  const differ: [string, string][] = [
    ['another uid', sig({ ...base, metadata: { ...base.metadata, uid: 'u2' } })],
    ['another nodePort', sig({ ...base, spec: { ...base.spec, ports: [{ port: 80, protocol: 'TCP', nodePort: 30081 }] } })],
    ['another port entry', sig({ ...base, spec: { ...base.spec, ports: [...(base.spec?.ports ?? []), { port: 81, protocol: 'TCP' }] } })],
    ['another type', sig({ ...base, spec: { ...base.spec, type: 'LoadBalancer' } })],
    ['a health-check port', sig({ ...base, spec: { ...base.spec, healthCheckNodePort: 31000 } })],
    ['another failure', sig(base, ['Internal error occurred: failed to allocate a nodePort: range is full'])],
  ];
  for (const [what, s] of differ) t.not(s, sig(base), what);
});

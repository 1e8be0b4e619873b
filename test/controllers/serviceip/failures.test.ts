/** The words of refused ClusterIP requests, and what makes one failed attempt distinct from another. */
import test from 'ava';
import type { Service } from '../../../api-types/core.js';
import { failureSignature, invalidServiceNote, rangeFullNote, requestedIPNote } from '../../../controllers/serviceip/failures.js';

test('notes › read as kube-apiserver 1.33 answers (NewInvalid, NewInternalError)', (t) => {
  t.is(requestedIPNote('b', ['10.0.0.5', ''], '10.0.0.5', 'provided IP is already allocated'), 'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5", ""}: failed to allocate IP 10.0.0.5: provided IP is already allocated');
  t.is(rangeFullNote, 'Internal error occurred: failed to allocate a serviceIP: range is full');
  const two = invalidServiceNote('x', [
    { field: 'spec.ipFamilyPolicy', value: 'SingleStack', message: "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified" },
    { field: 'spec.ipFamilyPolicy', value: 'SingleStack', message: "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified" },
  ]);
  t.is(two, 'Service "x" is invalid: [spec.ipFamilyPolicy: Invalid value: "SingleStack": must be \'RequireDualStack\' or \'PreferDualStack\' when multiple cluster IPs are specified, spec.ipFamilyPolicy: Invalid value: "SingleStack": must be \'RequireDualStack\' or \'PreferDualStack\' when multiple IP families are specified]');
});

const base: Service = { metadata: { name: 'b', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { a: '1' } }, spec: { selector: { app: 'b' }, ports: [{ port: 80 }], clusterIP: '10.0.0.5' } };
const note = 'Service "b" is invalid: ...';
const sig = (svc: Service, reason = 'ClusterIPAlreadyAllocated', n = note): string => failureSignature(svc, reason, n);

test('failureSignature › re-checks of one request agree; another request, object or failure differs', (t) => {
  const same: [string, Service][] = [
    ['a later resourceVersion', { ...base, metadata: { ...base.metadata, resourceVersion: '9' } }],
    ['other labels', { ...base, metadata: { ...base.metadata, labels: { a: '2' } } }],
    ['other ports', { ...base, spec: { ...base.spec, ports: [{ port: 8080 }] } }],
  ];
  for (const [what, svc] of same) t.is(sig(svc), sig(base), what);
  const differ: [string, string][] = [
    ['another uid (re-created)', sig({ ...base, metadata: { ...base.metadata, uid: 'u2' } })],
    ['another clusterIP', sig({ ...base, spec: { ...base.spec, clusterIP: '10.0.0.6' } })],
    ['a policy set', sig({ ...base, spec: { ...base.spec, ipFamilyPolicy: 'SingleStack' } })],
    ['families set', sig({ ...base, spec: { ...base.spec, ipFamilies: ['IPv4'] } })],
    ['another type', sig({ ...base, spec: { ...base.spec, type: 'NodePort' } })],
    ['no selector', sig({ ...base, spec: { ...base.spec, selector: undefined } })],
    ['another reason', sig(base, 'ClusterIPOutOfRange')],
    ['another note', sig(base, 'ClusterIPAlreadyAllocated', 'other')],
  ];
  for (const [what, s] of differ) t.not(s, sig(base), what);
});

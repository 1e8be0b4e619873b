import test from 'ava';
import type { ObjectMeta } from '../../../api-types/meta.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../../apiserver/validation/meta.js';
import { nameIsDNSSubdomain } from '../../../apiserver/validation/names.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const opts = { namespaced: true, validateName: nameIsDNSSubdomain };
const fields = (meta: ObjectMeta, o: { namespaced: boolean; validateName: typeof nameIsDNSSubdomain } = opts) =>
  validateObjectMeta(deepFreeze(meta), o).map((c) => `${c.field} ${c.reason}`);
const owner = { apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'u1' };

const cases: { name: string; meta: ObjectMeta; want: string[]; clusterScoped?: boolean }[] = [
  { name: 'accepts a complete object', meta: { name: 'web', namespace: 'default', labels: { 'app.kubernetes.io/name': 'web', empty: '' }, annotations: { 'Example.com/Note': 'x' }, ownerReferences: [{ ...owner, controller: true }], finalizers: ['example.com/cleanup', 'foregroundDeletion'] }, want: [] },
  { name: 'requires name or generateName', meta: { namespace: 'default' }, want: ['metadata.name FieldValueRequired'] },
  { name: 'checks generateName as a prefix', meta: { generateName: 'Web-', namespace: 'default' }, want: ['metadata.generateName FieldValueInvalid'] },
  { name: 'requires a namespace on namespaced types', meta: { name: 'web' }, want: ['metadata.namespace FieldValueRequired'] },
  { name: 'forbids a namespace on cluster-scoped types', meta: { name: 'web', namespace: 'default' }, clusterScoped: true, want: ['metadata.namespace FieldValueForbidden'] },
  { name: 'rejects bad label keys and values', meta: { name: 'web', namespace: 'default', labels: { 'a/b/c': 'x', ok: '-bad' } }, want: ['metadata.labels FieldValueInvalid', 'metadata.labels FieldValueInvalid'] },
  { name: 'rejects a label value over 63 characters', meta: { name: 'web', namespace: 'default', labels: { a: 'x'.repeat(64) } }, want: ['metadata.labels FieldValueInvalid'] },
  { name: 'rejects bad annotation keys and oversize annotations', meta: { name: 'web', namespace: 'default', annotations: { '/x': 'y', big: 'x'.repeat(256 * 1024) } }, want: ['metadata.annotations FieldValueInvalid', 'metadata.annotations FieldValueTooLong'] },
  { name: 'requires ownerReference fields', meta: { name: 'web', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/', kind: '', name: '', uid: '' }] }, want: ['metadata.ownerReferences.apiVersion FieldValueInvalid', 'metadata.ownerReferences.kind FieldValueInvalid', 'metadata.ownerReferences.name FieldValueInvalid', 'metadata.ownerReferences.uid FieldValueInvalid'] },
  { name: 'allows only one controller owner', meta: { name: 'web', namespace: 'default', ownerReferences: [{ ...owner, controller: true }, { ...owner, name: 'b', uid: 'u2', controller: true }] }, want: ['metadata.ownerReferences FieldValueInvalid'] },
  { name: 'rejects unqualified and conflicting finalizers', meta: { name: 'web', namespace: 'default', finalizers: ['cleanup', 'orphan', 'foregroundDeletion'] }, want: ['metadata.finalizers FieldValueInvalid', 'metadata.finalizers FieldValueInvalid'] },
  { name: 'rejects a negative generation', meta: { name: 'web', namespace: 'default', generation: -1 }, want: ['metadata.generation FieldValueInvalid'] },
];
for (const c of cases) {
  test(`object meta › ${c.name}`, (t) => {
    t.deepEqual(fields(c.meta, c.clusterScoped ? { ...opts, namespaced: false } : opts).sort(), [...c.want].sort());
  });
}

test('object meta › exact messages for a missing name and two controllers', (t) => {
  t.is(validateObjectMeta({ namespace: 'd' }, opts)[0].message, 'Required value: name or generateName is required');
  const two = validateObjectMeta({ name: 'w', namespace: 'd', ownerReferences: [{ ...owner, controller: true }, { ...owner, name: 'b', controller: true }] }, opts);
  t.regex(two[0].message, /Only one reference can have Controller set to true. Found "true" in references for Service\/web and Service\/b$/);
});

test('object meta › name, namespace, uid and creationTimestamp are immutable', (t) => {
  const prev = { name: 'a', namespace: 'x', uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z' };
  t.deepEqual(validateObjectMetaUpdate(prev, prev), []);
  const got = validateObjectMetaUpdate({ name: 'b', namespace: 'y', uid: 'u2', creationTimestamp: '2026-01-02T00:00:00Z' }, prev);
  t.deepEqual(got.map((c) => c.field), ['metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.creationTimestamp']);
  t.is(got[0].message, 'Invalid value: "b": field is immutable');
});

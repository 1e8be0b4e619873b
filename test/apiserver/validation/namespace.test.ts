import test from 'ava';
import type { Namespace } from '../../../api-types/core.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { MemoryStore } from '../../../apiserver/store.js';
import { FakeStoreClock } from '../../helpers/fake-store-clock.js';
import { type Case, tableTest } from './table.js';

const v = (field: string) => ({ field, reason: 'FieldValueInvalid' });
const nsObj = (name: string, finalizers?: string[]): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: finalizers ? { finalizers } : undefined });

tableTest('namespace validation', '', 'namespaces', [
  { name: 'accepts a DNS-1123 label', obj: nsObj('team-a', ['kubernetes']), wantCauses: [] },
  { name: 'rejects a dotted name', obj: nsObj('team.a'), wantCauses: [v('metadata.name')] },
  { name: 'rejects an unqualified custom finalizer', obj: nsObj('team-a', ['cleanup']), wantCauses: [v('spec.finalizers[0]')] },
  { name: 'rejects a rename', old: nsObj('team-a'), obj: nsObj('team-b'), wantCauses: [v('metadata.name')] },
  { name: 'status updates check the phase', old: nsObj('team-a'), obj: { ...nsObj('team-a'), status: { phase: 'Gone' as 'Active' } }, subresource: 'status', wantCauses: [{ field: 'status.phase', reason: 'FieldValueNotSupported' }] },
  { name: 'status phase Terminating needs a deletionTimestamp', old: nsObj('team-a'), obj: { ...nsObj('team-a'), status: { phase: 'Terminating' } }, subresource: 'status', wantCauses: [v('status.phase')] },
  { name: 'a terminating namespace keeps phase Terminating', old: { ...nsObj('team-a'), metadata: { name: 'team-a', deletionTimestamp: '2026-01-01T00:00:00Z' } }, obj: { ...nsObj('team-a'), metadata: { name: 'team-a', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } }, subresource: 'status', wantCauses: [] },
] satisfies Case[]);


test('namespace defaulting › every named namespace carries kubernetes.io/metadata.name, on create (generated names too) and on every update', (t) => {
  const s = new MemoryStore({ clock: new FakeStoreClock() });
  const namespaces = resourceFor('', 'namespaces');
  t.is(s.get(namespaces, undefined, 'default').metadata.labels?.['kubernetes.io/metadata.name'], 'default');
  const made = s.create(namespaces, undefined, { metadata: { name: 'team', labels: { tier: 'web', 'kubernetes.io/metadata.name': 'other' } } });
  t.deepEqual(made.metadata.labels, { tier: 'web', 'kubernetes.io/metadata.name': 'team' });
  const generated = s.create(namespaces, undefined, { metadata: { generateName: 'ns-' } });
  t.is(generated.metadata.labels?.['kubernetes.io/metadata.name'], generated.metadata.name);
  const updated = s.update(namespaces, undefined, 'team', { ...made, metadata: { ...made.metadata, labels: {} } }).object;
  t.deepEqual(updated.metadata.labels, { 'kubernetes.io/metadata.name': 'team' });
  t.deepEqual(s.list(namespaces, { labelSelector: 'kubernetes.io/metadata.name in (team,kube-system)' }).items.map((n) => n.metadata.name), ['kube-system', 'team']);
  s.close();
});

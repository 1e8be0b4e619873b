import type { Namespace } from '../../../api-types/core.js';
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


import test from 'ava';
import type { Lease } from '../../../api-types/networking.js';
import { type Case, runPipeline, tableTest } from './table.js';

const lease = (spec: Lease['spec']): Lease => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'svcplane-leader', namespace: 'kube-system' }, spec });
const v = (field: string) => ({ field, reason: 'FieldValueInvalid' });
const t6 = '2026-01-02T03:04:05.123456Z';

const cases: Case[] = [
  { name: 'accepts MicroTimes with exactly 6 fractional digits', obj: lease({ holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: t6, renewTime: '2026-01-02T03:04:05.000000+01:00', leaseTransitions: 0 }), wantCauses: [] },
  { name: 'accepts an empty spec and null times', obj: lease({ acquireTime: null, renewTime: null }), wantCauses: [] },
  { name: 'rejects leaseDurationSeconds 0', obj: lease({ leaseDurationSeconds: 0 }), wantCauses: [v('spec.leaseDurationSeconds')] },
  { name: 'rejects negative leaseTransitions', obj: lease({ leaseTransitions: -1 }), wantCauses: [v('spec.leaseTransitions')] },
  { name: 'rejects a name that is not a DNS subdomain', obj: { ...lease({}), metadata: { name: 'Leader', namespace: 'kube-system' } }, wantCauses: [v('metadata.name')] },
];
tableTest('lease validation', 'coordination.k8s.io', 'leases', cases);

test('lease validation › exact messages', (t) => {
  const causes = runPipeline('coordination.k8s.io', 'leases', lease({ leaseDurationSeconds: 0 }));
  const byField = Object.fromEntries(causes.map((c) => [c.field, c.message]));
  t.is(byField['spec.leaseDurationSeconds'], 'Invalid value: 0: must be greater than 0');
});

/** Table tests of what the serviceip controller keeps as a Service's settled ("old") state. */
import test from 'ava';
import type { Service, ServiceSpec } from '../../../api-types/core.js';
import type { ServiceIPPlan } from '../../../controllers/serviceip/reconcile.js';
import { settledAfter, settledStateOf } from '../../../controllers/serviceip/settled.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const svc = (spec: ServiceSpec): Service => ({ metadata: { name: 'web', namespace: 'default', uid: 'svc-1' }, spec: { selector: { app: 'web' }, ...spec } });
const single: ServiceSpec = { type: 'ClusterIP', clusterIP: '10.0.0.20', clusterIPs: ['10.0.0.20'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'PreferDualStack' };

const rows: { name: string; spec: ServiceSpec; settled: boolean }[] = [
  { name: 'a complete single-stack allocation', spec: single, settled: true },
  { name: 'a complete dual-stack allocation', spec: { ...single, clusterIPs: ['10.0.0.20', 'fd00::20'], ipFamilies: ['IPv4', 'IPv6'] }, settled: true },
  { name: 'headless with families and policy', spec: { clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'PreferDualStack' }, settled: true },
  { name: 'nothing allocated yet', spec: { type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack' }, settled: false },
  { name: 'no policy', spec: { ...single, ipFamilyPolicy: undefined }, settled: false },
  { name: 'no families', spec: { ...single, ipFamilies: undefined }, settled: false },
  { name: 'a family without its IP', spec: { ...single, ipFamilies: ['IPv4', 'IPv6'] }, settled: false },
  { name: 'ExternalName', spec: { type: 'ExternalName', externalName: 'db.example.com' }, settled: false },
];

for (const row of rows) {
  test(`settledStateOf › ${row.name}`, (t) => {
    const got = settledStateOf(deepFreeze(svc(row.spec)));
    if (!row.settled) return t.is(got, undefined);
    t.deepEqual(got, { uid: 'svc-1', type: row.spec.type, ipFamilyPolicy: row.spec.ipFamilyPolicy, ipFamilies: row.spec.ipFamilies, clusterIPs: row.spec.clusterIPs });
  });
}

test('settledAfter › the plan\'s fields, with the IPs the applier filled in, on the Service\'s uid and type', (t) => {
  const plan: ServiceIPPlan = { fields: { clusterIPs: ['10.0.0.20', 'fd00::20'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'PreferDualStack' }, needsWrite: true, claims: [], release: [], findings: [] };
  t.deepEqual(settledAfter(deepFreeze(svc({ ...single, type: 'NodePort' })), plan), { uid: 'svc-1', type: 'NodePort', ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'], clusterIPs: ['10.0.0.20', 'fd00::20'] });
});

test('settledAfter › nothing for a Service that is gone or has no fields (ExternalName), or a slot left empty', (t) => {
  const none: ServiceIPPlan = { needsWrite: false, claims: [], release: [], findings: [] };
  t.is(settledAfter(undefined, none), undefined);
  t.is(settledAfter(svc({ type: 'ExternalName', externalName: 'db.example.com' }), none), undefined);
  const unfilled: ServiceIPPlan = { ...none, fields: { clusterIPs: [''], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' } };
  t.is(settledAfter(svc({}), unfilled), undefined);
});

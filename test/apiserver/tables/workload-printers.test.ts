import test from 'ava';
import type { KubeObject } from '../../../api-types/meta.js';
import { CLUSTER_ROLE_BINDING_PRINTER, DEPLOYMENT_PRINTER, POD_DISRUPTION_BUDGET_PRINTER, ROLE_BINDING_PRINTER } from '../../../apiserver/tables/workload-printers.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const NOW = Date.parse('2026-01-02T03:04:05Z');
const obj = (kind: string, rest: Record<string, unknown>): KubeObject =>
  deepFreeze({ kind, metadata: { name: 'svcplane', creationTimestamp: '2025-12-30T03:04:05Z' }, ...rest });

test('DEPLOYMENT_PRINTER › ready/desired, up-to-date, available, age, and wide containers, images, selector', (t) => {
  const d = obj('Deployment', {
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'svcplane' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }, { key: 'canary', operator: 'DoesNotExist' }] },
      template: { spec: { containers: [{ name: 'controller', image: 'svcplane:1' }, { name: 'proxy', image: 'envoy:1' }] } },
    },
    status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  });
  t.deepEqual(DEPLOYMENT_PRINTER.print(d, NOW).cells, ['svcplane', '2/3', 3, 2, '3d', 'controller,proxy', 'svcplane:1,envoy:1', 'app=svcplane,!canary,tier in (a,b)']);
});

test('DEPLOYMENT_PRINTER › no status, replicas defaulted to 1, no selector, a bad operator reads <invalid>', (t) => {
  t.deepEqual(DEPLOYMENT_PRINTER.print(obj('Deployment', { spec: {} }), NOW).cells, ['svcplane', '0/1', 0, 0, '3d', '', '', '']);
  const bad = obj('Deployment', { spec: { replicas: 0, selector: { matchExpressions: [{ key: 'a', operator: 'Near' }] } } });
  t.deepEqual(DEPLOYMENT_PRINTER.print(bad, NOW).cells.slice(1, 2).concat(DEPLOYMENT_PRINTER.print(bad, NOW).cells.slice(7)), ['0/0', '<invalid>']);
});

test('POD_DISRUPTION_BUDGET_PRINTER › int-or-string bounds, N/A when unset, allowed disruptions as an integer', (t) => {
  t.deepEqual(POD_DISRUPTION_BUDGET_PRINTER.print(obj('PodDisruptionBudget', { spec: { minAvailable: 1 }, status: { disruptionsAllowed: 2 } }), NOW).cells, ['svcplane', '1', 'N/A', 2, '3d']);
  t.deepEqual(POD_DISRUPTION_BUDGET_PRINTER.print(obj('PodDisruptionBudget', { spec: { maxUnavailable: '25%' } }), NOW).cells, ['svcplane', 'N/A', '25%', 0, '3d']);
  t.is(POD_DISRUPTION_BUDGET_PRINTER.columns[3].type, 'integer');
});

test('ROLE_BINDING_PRINTER and CLUSTER_ROLE_BINDING_PRINTER › Kind/name of the role, wide users, groups and namespace/name service accounts', (t) => {
  const subjects = [
    { kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', namespace: 'svcplane-system', name: 'svcplane' },
    { kind: 'Group', name: 'devs' }, { kind: 'User', name: 'bob' }, { kind: 'Other', name: 'ignored' },
  ];
  t.deepEqual(ROLE_BINDING_PRINTER.print(obj('RoleBinding', { roleRef: { kind: 'Role', name: 'leader-election' }, subjects }), NOW).cells,
    ['svcplane', 'Role/leader-election', '3d', 'alice, bob', 'devs', 'svcplane-system/svcplane']);
  t.deepEqual(CLUSTER_ROLE_BINDING_PRINTER.print(obj('ClusterRoleBinding', { roleRef: { kind: 'ClusterRole', name: 'svcplane' } }), NOW).cells, ['svcplane', 'ClusterRole/svcplane', '3d', '', '', '']);
  t.deepEqual(CLUSTER_ROLE_BINDING_PRINTER.columns.slice(3).map((c) => c.description), ['Users in the clusterRoleBinding', 'Groups in the clusterRoleBinding', 'ServiceAccounts in the clusterRoleBinding']);
});

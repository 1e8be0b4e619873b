/**
 * Printers of the kinds this server stores for svcplane's own manifests: Deployment,
 * PodDisruptionBudget, RoleBinding and ClusterRoleBinding, ported from k8s.io/kubernetes
 * pkg/printers/internalversion/printers.go (AddHandlers column definitions; printDeployment,
 * printPodDisruptionBudget, printRoleBinding and printClusterRoleBinding with
 * pkg/apis/rbac/helpers.go SubjectsStrings).
 */
import type { KubeObject, LabelSelector } from '../../api-types/meta.js';
import { AGE_COLUMN, NAME_COLUMN, age, column, containerCells, int, list, record, selectorString, str } from './format.js';
import type { TablePrinter } from './types.js';

const name = (obj: KubeObject): string => str(obj.metadata?.name);

/** The Deployment printer: READY is ready/desired; containers, images and selector are wide-only. */
export const DEPLOYMENT_PRINTER: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', { text: 'Number of the pod with ready state' }),
    column('Up-to-date', 'string', 'DeploymentStatus.updatedReplicas'),
    column('Available', 'string', 'DeploymentStatus.availableReplicas'),
    AGE_COLUMN,
    column('Containers', 'string', { text: 'Names of each container in the template.' }, { priority: 1 }),
    column('Images', 'string', { text: 'Images referenced by each container in the template.' }, { priority: 1 }),
    column('Selector', 'string', 'DeploymentSpec.selector', { priority: 1 }),
  ],
  print(d, nowMs) {
    const spec = record(d.spec);
    const status = record(d.status);
    // kube-apiserver defaults an absent spec.replicas to 1 before anything reads it.
    const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const [containers, images] = containerCells(record(record(spec.template).spec).containers);
    const selector = selectorString(spec.selector as LabelSelector | undefined) ?? '<invalid>';
    return {
      cells: [name(d), `${int(status.readyReplicas)}/${desired}`, int(status.updatedReplicas), int(status.availableReplicas), age(d, nowMs), containers, images, selector],
    };
  },
};

/** An IntOrString as text (intstr.String()), or N/A when unset. */
function intOrString(v: unknown): string {
  if (typeof v === 'number') return String(Math.trunc(v));
  return typeof v === 'string' ? v : 'N/A';
}

/** The PodDisruptionBudget printer. */
export const POD_DISRUPTION_BUDGET_PRINTER: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Min Available', 'string', { text: 'The minimum number of pods that must be available.' }),
    column('Max Unavailable', 'string', { text: 'The maximum number of pods that may be unavailable.' }),
    column('Allowed Disruptions', 'integer', { text: 'Calculated number of pods that may be disrupted at this time.' }),
    AGE_COLUMN,
  ],
  print(pdb, nowMs) {
    const spec = record(pdb.spec);
    return { cells: [name(pdb), intOrString(spec.minAvailable), intOrString(spec.maxUnavailable), int(record(pdb.status).disruptionsAllowed), age(pdb, nowMs)] };
  },
};

/** Users, groups and `namespace/name` service accounts among a binding's subjects (SubjectsStrings). */
function subjectCells(subjects: unknown): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const accounts: string[] = [];
  for (const s of list<unknown>(subjects).map(record)) {
    if (s.kind === 'ServiceAccount') accounts.push(`${str(s.namespace)}/${str(s.name)}`);
    else if (s.kind === 'User') users.push(str(s.name));
    else if (s.kind === 'Group') groups.push(str(s.name));
  }
  return [users.join(', '), groups.join(', '), accounts.join(', ')];
}

/** A binding printer; `which` names it in the wide columns' descriptions (roleBinding or clusterRoleBinding). */
function bindingPrinter(roleRefDoc: 'RoleBinding.roleRef' | 'ClusterRoleBinding.roleRef', which: string): TablePrinter {
  return {
    columns: [
      NAME_COLUMN,
      column('Role', 'string', roleRefDoc),
      AGE_COLUMN,
      column('Users', 'string', { text: `Users in the ${which}` }, { priority: 1 }),
      column('Groups', 'string', { text: `Groups in the ${which}` }, { priority: 1 }),
      column('ServiceAccounts', 'string', { text: `ServiceAccounts in the ${which}` }, { priority: 1 }),
    ],
    print(binding, nowMs) {
      const ref = record(binding.roleRef);
      return { cells: [name(binding), `${str(ref.kind)}/${str(ref.name)}`, age(binding, nowMs), ...subjectCells(binding.subjects)] };
    },
  };
}

/** The RoleBinding printer. */
export const ROLE_BINDING_PRINTER = bindingPrinter('RoleBinding.roleRef', 'roleBinding');

/** The ClusterRoleBinding printer. */
export const CLUSTER_ROLE_BINDING_PRINTER = bindingPrinter('ClusterRoleBinding.roleRef', 'clusterRoleBinding');

/**
 * The mutating admission plugins kube-apiserver runs by default, and envtest keeps, that touch the
 * kinds this server serves (plugin/pkg/admission in kubernetes 1.33):
 * - DefaultTolerationSeconds: a Pod (create and update, not its subresources) that does not
 *   tolerate the `node.kubernetes.io/not-ready` or `unreachable` NoExecute taints gets a
 *   toleration of each for 300 s;
 * - Priority: a new Pod gets `priority` and `preemptionPolicy` from its PriorityClass: 0 and
 *   PreemptLowerPriority without one (no PriorityClass is a global default here), the values of
 *   the two system classes, a 403 for any other name (this server stores no PriorityClasses); an
 *   update that leaves them out keeps them;
 * - TaintNodesByCondition: a new Node gets the `node.kubernetes.io/not-ready:NoSchedule` taint.
 */
import type { KubeObject } from '../api-types/meta.js';
import { forbidden } from './errors.js';
import type { ResourceInfo } from './resources.js';

/** The PriorityClasses kube-apiserver creates at start (pkg/apis/scheduling SystemPriorityClasses). */
const SYSTEM_PRIORITY_CLASSES: ReadonlyMap<string, number> = new Map([
  ['system-node-critical', 2000001000],
  ['system-cluster-critical', 2000000000],
]);

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';
const DEFAULT_TOLERATION_SECONDS = 300;

type Spec = Record<string, unknown>;

/**
 * Runs the plugins on a create (`old` undefined) or update of `obj`, in place. Throws 403, naming
 * `errorName` when given (a create's generateName: admission runs before the name is made).
 */
export function admitByPlugins(r: ResourceInfo, obj: KubeObject, old: KubeObject | undefined, subresource: 'status' | undefined, errorName?: string): void {
  if (r.group !== '' || subresource !== undefined) return;
  const isPod = r.resource === 'pods';
  if (!isPod && !(r.resource === 'nodes' && !old)) return;
  const given = obj.spec ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return;
  // The body's spec may be the caller's (or frozen): the plugins write to a copy, made only when
  // they change something (an update that sends back what it read changes nothing).
  const changes: Spec = {};
  if (isPod) {
    const oldSpec = old?.spec as Spec | undefined;
    if (old) keepPriority(given as Spec, oldSpec, changes);
    else setPriority(r, errorName ?? obj.metadata?.name ?? '', given as Spec, changes);
    addDefaultTolerations(given as Spec, changes);
  } else {
    addNotReadyTaint(given as Spec, changes);
  }
  for (const _ in changes) {
    obj.spec = { ...(given as Spec), ...changes };
    return;
  }
}

function setPriority(r: ResourceInfo, name: string, spec: Spec, changes: Spec): void {
  const className = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  const priority = className === '' ? 0 : SYSTEM_PRIORITY_CLASSES.get(className);
  if (priority === undefined) throw forbidden(r, name, `no PriorityClass with name ${className} was found`);
  if (typeof spec.priority === 'number' && spec.priority !== priority) {
    throw forbidden(r, name, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  if (spec.priority !== priority) changes.priority = priority;
  // Every class here preempts lower priorities (a PriorityClass's default).
  if (typeof spec.preemptionPolicy === 'string' && spec.preemptionPolicy !== 'PreemptLowerPriority') {
    throw forbidden(r, name, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name`);
  }
  if (spec.preemptionPolicy !== 'PreemptLowerPriority') changes.preemptionPolicy = 'PreemptLowerPriority';
}

function keepPriority(spec: Spec, oldSpec: Spec | undefined, changes: Spec): void {
  if ((spec.priority === undefined || spec.priority === null) && oldSpec?.priority !== undefined) changes.priority = oldSpec.priority;
  if ((spec.preemptionPolicy === undefined || spec.preemptionPolicy === null) && oldSpec?.preemptionPolicy !== undefined) changes.preemptionPolicy = oldSpec.preemptionPolicy;
}

/**
 * Whether a toleration tolerates the NoExecute taint `key` (an empty key or effect matches all).
 * JSON null reads as Go's zero value: a null member is empty, a null entry tolerates everything.
 */
function tolerates(t: unknown, key: string): boolean {
  if (t === null) return true;
  if (typeof t !== 'object') return false;
  const { key: k, effect } = t as { key?: unknown; effect?: unknown };
  return (k === key || k === undefined || k === null || k === '') && (effect === 'NoExecute' || effect === undefined || effect === null || effect === '');
}

function addDefaultTolerations(spec: Spec, changes: Spec): void {
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const added = [NOT_READY, UNREACHABLE]
    .filter((key) => !tolerations.some((t) => tolerates(t, key)))
    .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS }));
  if (added.length > 0) changes.tolerations = [...tolerations, ...added];
}

function addNotReadyTaint(spec: Spec, changes: Spec): void {
  const taints = Array.isArray(spec.taints) ? spec.taints : [];
  const has = taints.some((t) => typeof t === 'object' && t !== null && (t as { key?: unknown }).key === NOT_READY && (t as { effect?: unknown }).effect === 'NoSchedule');
  if (!has) changes.taints = [...taints, { key: NOT_READY, effect: 'NoSchedule' }];
}

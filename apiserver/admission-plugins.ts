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

/** Runs the plugins on a create (`old` undefined) or update of `obj`, in place. Throws 403. */
export function admitByPlugins(r: ResourceInfo, obj: KubeObject, old: KubeObject | undefined, subresource: 'status' | undefined): void {
  if (r.group !== '' || subresource !== undefined) return;
  const isPod = r.resource === 'pods';
  if (!isPod && !(r.resource === 'nodes' && !old)) return;
  const given = obj.spec ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return;
  // The body's spec may be the caller's (or frozen): the plugins write a copy.
  const spec: Spec = { ...(given as Spec) };
  if (isPod) {
    if (old) keepPriority(spec, old.spec as Spec | undefined);
    else setPriority(r, obj, spec);
    addDefaultTolerations(spec);
  } else {
    addNotReadyTaint(spec);
  }
  obj.spec = spec;
}

function setPriority(r: ResourceInfo, obj: KubeObject, spec: Spec): void {
  const className = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  const name = obj.metadata?.name ?? '';
  const priority = className === '' ? 0 : SYSTEM_PRIORITY_CLASSES.get(className);
  if (priority === undefined) throw forbidden(r, name, `no PriorityClass with name ${className} was found`);
  if (typeof spec.priority === 'number' && spec.priority !== priority) {
    throw forbidden(r, name, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  spec.priority = priority;
  // Every class here preempts lower priorities (a PriorityClass's default).
  if (typeof spec.preemptionPolicy === 'string' && spec.preemptionPolicy !== 'PreemptLowerPriority') {
    throw forbidden(r, name, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name`);
  }
  spec.preemptionPolicy = 'PreemptLowerPriority';
}

function keepPriority(spec: Spec, oldSpec: Spec | undefined): void {
  if ((spec.priority === undefined || spec.priority === null) && oldSpec?.priority !== undefined) spec.priority = oldSpec.priority;
  if ((spec.preemptionPolicy === undefined || spec.preemptionPolicy === null) && oldSpec?.preemptionPolicy !== undefined) spec.preemptionPolicy = oldSpec.preemptionPolicy;
}

/** Whether a toleration tolerates the NoExecute taint `key` (an empty key or effect matches all). */
function tolerates(t: unknown, key: string): boolean {
  if (typeof t !== 'object' || t === null) return false;
  const { key: k, effect } = t as { key?: unknown; effect?: unknown };
  return (k === key || k === undefined || k === '') && (effect === 'NoExecute' || effect === undefined || effect === '');
}

function addDefaultTolerations(spec: Spec): void {
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const added = [NOT_READY, UNREACHABLE]
    .filter((key) => !tolerations.some((t) => tolerates(t, key)))
    .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS }));
  if (added.length > 0) spec.tolerations = [...tolerations, ...added];
}

function addNotReadyTaint(spec: Spec): void {
  const taints = Array.isArray(spec.taints) ? spec.taints : [];
  const has = taints.some((t) => typeof t === 'object' && t !== null && (t as { key?: unknown }).key === NOT_READY && (t as { effect?: unknown }).effect === 'NoSchedule');
  if (!has) spec.taints = [...taints, { key: NOT_READY, effect: 'NoSchedule' }];
}

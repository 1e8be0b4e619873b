/**
 * The Endpoints reconciler: a Service, its selected pods and the current Endpoints in; one
 * create, update, delete or nothing out (../shared/reference/kubernetes-behaviour.md §4.2–§4.6,
 * §9.6–§9.8). Ported from `pkg/controller/endpoint/endpoints_controller.go` (`syncService`).
 * Pure: no client, clock, logger or randomness; inputs (informer-cache objects) are never mutated.
 */
import type { EndpointSubset, Endpoints, Pod, Service } from '../../api-types/core.js';
import type { StringMap } from '../../api-types/meta.js';
import { Annotations, Labels, ManagedBy, OverCapacityTruncated } from '../../api-types/well-known.js';
import { desiredSubsets, type DesiredSubsets } from './desired.js';
import { sameStringMap, subsetsEqualIgnoringResourceVersion } from './equal.js';
import { StaleEndpointsError } from './errors.js';
import { repackSubsets } from './repack.js';

export { isLeftover, hasLeaderElectionRecord } from './leftover.js';
export { StaleEndpointsTracker } from './tracker.js';
export { StaleEndpointsError } from './errors.js';

/** Everything one sync of one Service reads. */
export interface EndpointsSnapshot {
  /** The Service's namespace (also the Endpoints'). */
  namespace: string;
  /** The Service's name (also the Endpoints'). */
  name: string;
  /** The Service, or undefined when it no longer exists. */
  service: Service | undefined;
  /** The pods the Service's selector matched, each once (not re-filtered by labels here). */
  pods: readonly Pod[];
  /** The Endpoints in the informer cache, if any. */
  existing: Endpoints | undefined;
  /**
   * The last-change trigger time (controllers/shared/trigger-time.ts), RFC 3339; undefined
   * removes the annotation on the next write. A change of it alone never causes a write.
   */
  triggerTime?: string;
  /** The stale-cache check (tracker.ts `StaleEndpointsTracker.isStale`). @default never stale */
  isStale?: (endpoints: Endpoints) => boolean;
  /** The most addresses one Endpoints carries. Kubernetes fixes it; tests lower it. @default 1000 */
  maxCapacity?: number;
}

/** Counts for the "Update endpoints" log line and metrics. */
export interface EndpointsSyncCounts {
  /** Pods included as ready (before truncation). */
  readyPods: number;
  /** Pods included as not ready (before truncation). */
  notReadyPods: number;
  /** Whether the object is cut to 1000 addresses. */
  truncated: boolean;
}

/** What apply.ts must do after one sync. */
export type EndpointsPlan =
  | { action: 'none'; reason: 'unchanged'; counts: EndpointsSyncCounts }
  | { action: 'none'; reason: 'externalName' | 'selectorless' }
  | { action: 'create'; endpoints: Endpoints; counts: EndpointsSyncCounts }
  /** `endpoints` is the full object to PUT; record `existing` as stale once the write moved its resourceVersion. */
  | { action: 'update'; endpoints: Endpoints; counts: EndpointsSyncCounts }
  /** Delete `namespace/name` (NotFound counts as done) and forget its trigger-time and stale state. */
  | { action: 'delete'; namespace: string; name: string };

const wholeSecondsUTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/**
 * Prints a trigger time as Kubernetes does (`time.RFC3339Nano` in UTC: trailing zeros of the
 * fraction dropped). Text that is not RFC 3339 is returned as given.
 */
export function formatTriggerTime(text: string): string {
  // Whole seconds in UTC (what the API server writes) print as they are.
  if (wholeSecondsUTC.test(text)) return text;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) return text;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  let seconds = m[1];
  if (m[3] !== 'Z' && m[3] !== 'z') {
    const ms = Date.parse(`${m[1]}${m[3]}`);
    if (Number.isNaN(ms)) return text;
    seconds = new Date(ms).toISOString().slice(0, 19);
  }
  return `${seconds}${fraction ? `.${fraction}` : ''}Z`;
}

/**
 * The labels an Endpoints gets: the Service's (replacing all others), the headless label when
 * the Service has no IP (clusterIP `""` or `None`, §9.7), and the managed-by label.
 */
export function endpointsLabels(service: Service): StringMap {
  const current = service.metadata.labels;
  const clusterIP = service.spec?.clusterIP;
  const headless = !clusterIP || clusterIP === 'None';
  // Copied key by key (in order, as a spread would) rather than spread and then deleted from
  // or added to: both are slow paths in V8, and every Endpoints write takes this.
  const labels: StringMap = {};
  if (current) for (const k in current) if (Object.hasOwn(current, k) && (headless || k !== Labels.headless)) labels[k] = current[k];
  if (headless) labels[Labels.headless] = '';
  labels[Labels.endpointsManagedBy] = ManagedBy.endpointsController;
  return labels;
}

function pairCount(subsets: readonly EndpointSubset[] | undefined): number {
  let n = 0;
  for (const ss of subsets ?? []) n += ((ss.addresses?.length ?? 0) + (ss.notReadyAddresses?.length ?? 0)) * Math.max(1, ss.ports?.length ?? 0);
  return n;
}

/**
 * Computes the one write (or none) that makes the Service's Endpoints right.
 *
 * 1. Service gone: delete. ExternalName or a nil selector: leave the Endpoints alone.
 * 2. Compute the desired subsets, repacked and truncated (desired.ts).
 * 3. A cached Endpoints whose resourceVersion this controller already replaced: throw
 *    {@link StaleEndpointsError} (retried with backoff).
 * 4. No write when the object exists and its subsets (directly or once repacked; targetRef
 *    resourceVersions ignored), its labels and its over-capacity annotation are all already
 *    right. Upstream rewrites an over-capacity object on every sync; comparing the truncated
 *    result instead gives the same object with no needless writes.
 * 5. Otherwise build the object from a copy of the current one (other annotations kept): new
 *    subsets, labels, the trigger-time annotation (set or removed) and over-capacity.
 */
export function reconcileEndpoints(s: EndpointsSnapshot): EndpointsPlan {
  return reconcileEndpointsWithDesired(s).plan;
}

/** reconcileEndpoints, also returning the desired subsets it computed (undefined when it computed none). */
export function reconcileEndpointsWithDesired(s: EndpointsSnapshot): { plan: EndpointsPlan; desired?: DesiredSubsets } {
  // 1.
  const { service, existing } = s;
  if (!service) return { plan: { action: 'delete', namespace: s.namespace, name: s.name } };
  if (service.spec?.type === 'ExternalName') return { plan: { action: 'none', reason: 'externalName' } };
  if (service.spec?.selector == null) return { plan: { action: 'none', reason: 'selectorless' } };
  // 2.
  const desired = desiredSubsets(service, s.pods, s.maxCapacity);
  const counts: EndpointsSyncCounts = { readyPods: desired.readyPods, notReadyPods: desired.notReadyPods, truncated: desired.truncated };
  const labels = endpointsLabels(service);
  // 3.
  if (existing && s.isStale?.(existing)) {
    throw new StaleEndpointsError(`${s.namespace}/${s.name}`, existing.metadata.resourceVersion ?? '');
  }
  // 4.
  if (existing?.metadata.resourceVersion) {
    const current = existing;
    const capacityOK = desired.truncated
      ? current.metadata.annotations?.[Annotations.overCapacity] === OverCapacityTruncated
      : !Object.hasOwn(current.metadata.annotations ?? {}, Annotations.overCapacity);
    // Repacking can only merge duplicates away, so a current object with fewer (address, port)
    // pairs than desired cannot match even once repacked: skip the repack then.
    const subsetsOK =
      subsetsEqualIgnoringResourceVersion(desired.subsets, current.subsets) ||
      (pairCount(current.subsets) >= pairCount(desired.subsets) && subsetsEqualIgnoringResourceVersion(desired.subsets, repackSubsets(current.subsets ?? [])));
    if (capacityOK && subsetsOK && sameStringMap(labels, current.metadata.labels)) return { plan: { action: 'none', reason: 'unchanged', counts }, desired };
  }
  // 5.
  return { plan: planWrite(s, desired.subsets, desired.truncated, labels, counts), desired };
}

/**
 * Step 5 of reconcileEndpoints: the create or update that writes `subsets`, built from a copy
 * of the current object (other annotations kept) with `labels`, the trigger-time annotation
 * (set or removed) and the over-capacity annotation.
 */
export function planWrite(s: EndpointsSnapshot, subsets: EndpointSubset[], truncated: boolean, labels: StringMap, counts: EndpointsSyncCounts): EndpointsPlan {
  const { existing } = s;
  // Built key by key rather than copied and deleted from: deleting is slow in V8, and this runs
  // on every write.
  const annotations: StringMap = {};
  let annotated = false;
  const current = existing?.metadata.annotations;
  if (current) {
    for (const k in current) {
      if (k === Annotations.lastChangeTriggerTime || k === Annotations.overCapacity || !Object.hasOwn(current, k)) continue;
      annotations[k] = current[k];
      annotated = true;
    }
  }
  if (s.triggerTime) {
    annotations[Annotations.lastChangeTriggerTime] = formatTriggerTime(s.triggerTime);
    annotated = true;
  }
  if (truncated) {
    annotations[Annotations.overCapacity] = OverCapacityTruncated;
    annotated = true;
  }
  if (!existing?.metadata.resourceVersion) {
    const endpoints: Endpoints = { metadata: { name: s.name, namespace: s.namespace, labels } };
    if (annotated) endpoints.metadata.annotations = annotations;
    if (subsets.length > 0) endpoints.subsets = subsets;
    return { action: 'create', endpoints, counts };
  }
  let metadata: Endpoints['metadata'];
  if (annotated) {
    // annotations first: V8 adds a key the spread object lacks on a slow path (~1 µs).
    metadata = { annotations, ...existing.metadata, labels };
    metadata.annotations = annotations;
  } else if (!Object.hasOwn(existing.metadata, 'annotations')) {
    metadata = { ...existing.metadata, labels };
  } else {
    const { annotations: _dropped, ...rest } = existing.metadata;
    metadata = { ...rest, labels };
  }
  if (subsets.length > 0) return { action: 'update', endpoints: { ...existing, metadata, subsets }, counts };
  const { subsets: _dropped, ...rest } = existing;
  return { action: 'update', endpoints: { ...rest, metadata }, counts };
}

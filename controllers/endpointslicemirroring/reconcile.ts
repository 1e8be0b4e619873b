/**
 * The EndpointSlice mirroring reconciler: a selectorless Service's user-written Endpoints and
 * the slices mirrored from it in; the slices to create, update and delete out
 * (../shared/reference/kubernetes-behaviour.md §6). Ported from
 * `pkg/controller/endpointslicemirroring/endpointslicemirroring_controller.go` (`syncEndpoints`,
 * `shouldMirror`), `reconciler.go` (`reconcile`, `reconcileByPortMapping`, `finalize`,
 * `totalChanges`) and `reconciler_helpers.go` (`recycleSlices`).
 * Pure: no client, clock, logger or randomness; inputs are never mutated.
 */
import type { Endpoints, Service } from '../../api-types/core.js';
import type { StringMap } from '../../api-types/meta.js';
import type { EndpointSlice, SliceEndpoint } from '../../api-types/networking.js';
import { Annotations, Defaults, Labels, ManagedBy } from '../../api-types/well-known.js';
import { sameStringMap } from '../endpoints/equal.js';
import { endpointKey, endpointsEqualBeyondHash } from '../endpointslice/endpoint-hash.js';
import { sliceNamePrefix } from '../endpointslice/slice-shape.js';
import { desiredMirror, sliceGroupKey, type DesiredSliceGroup, type MirroringEvent } from './desired.js';

export { MirroringReasons, type MirroringEvent } from './desired.js';

/** Everything one sync of one Endpoints name reads. */
export interface MirroringSnapshot {
  /** The namespace of the Service and Endpoints. */
  namespace: string;
  /** The name of the Service and Endpoints. */
  name: string;
  /** The Service of that name, or undefined when there is none. */
  service: Service | undefined;
  /** The Endpoints of that name, or undefined when there is none. */
  endpoints: Endpoints | undefined;
  /**
   * The slices labelled `kubernetes.io/service-name=<name>` in the namespace; only those managed
   * by the mirroring controller are considered.
   */
  existingSlices: readonly EndpointSlice[];
  /** At most this many addresses per Endpoints subset are mirrored (1–1000). @default 1000 */
  maxEndpointsPerSubset?: number;
}

/** Numbers for the `endpoint_slice_mirroring_controller_*` metrics. */
export interface MirroringMetrics {
  endpointsAdded: number;
  endpointsUpdated: number;
  endpointsRemoved: number;
  addressesSkipped: number;
  endpointsDesired: number;
  desiredSlices: number;
}

/** What apply.ts must write and record after one sync. */
export interface MirroringPlan {
  /** New slices: no name, generateName `<name>-`. */
  create: EndpointSlice[];
  /** Full objects to PUT (name and resourceVersion of the slice they replace). */
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Events to record on the Endpoints object. */
  events: MirroringEvent[];
  metrics: MirroringMetrics;
}

/** True when a plan writes nothing. */
export function isEmptyMirroringPlan(plan: MirroringPlan): boolean {
  return plan.create.length === 0 && plan.update.length === 0 && plan.delete.length === 0;
}

/**
 * True when this Endpoints is mirrored: not labelled skip-mirror `"true"`, no leader-election
 * record, and a Service of the same name exists with a nil selector.
 */
export function shouldMirror(endpoints: Endpoints | undefined, service: Service | undefined): boolean {
  if (!endpoints || !service || service.spec?.selector != null) return false;
  if (endpoints.metadata.labels?.[Labels.skipMirror] === 'true') return false;
  return !Object.hasOwn(endpoints.metadata.annotations ?? {}, Annotations.leader);
}

function withoutKeys(m: StringMap | undefined, keys: readonly string[]): StringMap {
  const out: StringMap = { ...m };
  for (const k of keys) delete out[k];
  return out;
}

const reservedLabels = [Labels.serviceName, Labels.endpointSliceManagedBy];
const uncopiedAnnotations = [Annotations.lastChangeTriggerTime, Annotations.lastAppliedConfiguration];

/** The name and resourceVersion of a slice being replaced (an update is conditional on it). */
function identity(slice: EndpointSlice): { name?: string; resourceVersion?: string } {
  const out: { name?: string; resourceVersion?: string } = { name: slice.metadata.name };
  if (slice.metadata.resourceVersion !== undefined) out.resourceVersion = slice.metadata.resourceVersion;
  return out;
}

/** A new mirrored slice for a group: Endpoints labels and annotations, a controller reference to the Endpoints. */
function newSlice(endpoints: Endpoints, group: DesiredSliceGroup, sliceEndpoints: SliceEndpoint[], existing?: EndpointSlice): EndpointSlice {
  const name = endpoints.metadata.name ?? '';
  const labels: StringMap = { ...endpoints.metadata.labels, [Labels.serviceName]: name, [Labels.endpointSliceManagedBy]: ManagedBy.endpointSliceMirroringController };
  const annotations = withoutKeys(endpoints.metadata.annotations, uncopiedAnnotations);
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      ...(existing ? identity(existing) : { generateName: sliceNamePrefix(name) }),
      namespace: endpoints.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name, uid: endpoints.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType: group.addressType,
    endpoints: sliceEndpoints,
    ports: group.ports,
  };
  return slice;
}

interface Totals {
  added: number;
  updated: number;
  removed: number;
}

function totalChanges(existing: EndpointSlice, desired: Map<string, SliceEndpoint>): Totals {
  const totals: Totals = { added: 0, updated: 0, removed: 0 };
  let matched = 0;
  for (const ep of existing.endpoints ?? []) {
    const want = desired.get(endpointKey(ep));
    if (!want) totals.removed++;
    else {
      matched++;
      if (!endpointsEqualBeyondHash(want, ep)) totals.updated++;
    }
  }
  totals.added = desired.size - matched;
  return totals;
}

/**
 * Computes the plan that makes the mirrored slices match the Endpoints, with the fewest writes.
 *
 * 1. Not mirrored (§6 "When an Endpoints object is mirrored"): delete every mirrored slice.
 * 2. Desired groups by (address type, ports) and skipped-address events (desired.ts).
 * 3. Per group: no desired endpoints → delete its slices; else keep the first slice (deleting
 *    the others) and leave it alone when its endpoints, labels (reserved keys aside) and
 *    annotations already match, or write it (update; create when there is none).
 * 4. Slices of keys no longer desired are deleted.
 * 5. Recycle: creates paired with deletes of the same address type become updates of those
 *    slices. No creates while the Endpoints is being deleted.
 */
export function reconcileMirroring(s: MirroringSnapshot): MirroringPlan {
  const max = s.maxEndpointsPerSubset ?? Defaults.maxEndpointsPerSubset;
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new RangeError(`maxEndpointsPerSubset must be an integer in 1–1000, got ${max}`);
  const mine = s.existingSlices.filter((sl) => sl.metadata.labels?.[Labels.endpointSliceManagedBy] === ManagedBy.endpointSliceMirroringController);
  const plan: MirroringPlan = {
    create: [], update: [], delete: [], events: [],
    metrics: { endpointsAdded: 0, endpointsUpdated: 0, endpointsRemoved: 0, addressesSkipped: 0, endpointsDesired: 0, desiredSlices: 0 },
  };
  // 1.
  const endpoints = s.endpoints;
  if (!endpoints || !shouldMirror(endpoints, s.service)) {
    plan.delete.push(...mine);
    for (const sl of mine) plan.metrics.endpointsRemoved += sl.endpoints?.length ?? 0;
    return plan;
  }
  // 2.
  const desired = desiredMirror(endpoints, max);
  plan.events = desired.events;
  plan.metrics.addressesSkipped = desired.addressesSkipped;
  const existingByKey = new Map<string, EndpointSlice[]>();
  for (const sl of mine) {
    const k = sliceGroupKey(sl.addressType, sl.ports);
    existingByKey.set(k, [...(existingByKey.get(k) ?? []), sl]);
  }
  const wantLabels = withoutKeys(endpoints.metadata.labels, reservedLabels);
  const wantAnnotations = withoutKeys(endpoints.metadata.annotations, uncopiedAnnotations);
  // 3.
  for (const [key, group] of desired.groups) {
    const existing = existingByKey.get(key) ?? [];
    plan.metrics.endpointsDesired += group.endpoints.size;
    if (group.endpoints.size === 0) {
      plan.delete.push(...existing);
      for (const sl of existing) plan.metrics.endpointsRemoved += sl.endpoints?.length ?? 0;
      continue;
    }
    plan.metrics.desiredSlices++;
    const [first, ...extra] = existing;
    plan.delete.push(...extra);
    const wanted = [...group.endpoints.values()].slice(0, max);
    if (!first) {
      plan.metrics.endpointsAdded += group.endpoints.size;
      plan.create.push(newSlice(endpoints, group, wanted));
      continue;
    }
    const totals = totalChanges(first, group.endpoints);
    plan.metrics.endpointsAdded += totals.added;
    plan.metrics.endpointsUpdated += totals.updated;
    plan.metrics.endpointsRemoved += totals.removed;
    const unchanged = totals.added === 0 && totals.updated === 0 && totals.removed === 0
      && sameStringMap(wantLabels, withoutKeys(first.metadata.labels, reservedLabels))
      && sameStringMap(wantAnnotations, first.metadata.annotations);
    if (!unchanged) plan.update.push(newSlice(endpoints, group, wanted, first));
  }
  // 4.
  for (const [key, slices] of existingByKey) if (!desired.groups.has(key)) plan.delete.push(...slices);
  // 5.
  for (const addressType of ['IPv4', 'IPv6'] as const) {
    const creates = plan.create.filter((sl) => sl.addressType === addressType);
    const deletes = plan.delete.filter((sl) => sl.addressType === addressType);
    for (let i = 0; i < creates.length && i < deletes.length; i++) {
      plan.create.splice(plan.create.indexOf(creates[i]), 1);
      plan.delete.splice(plan.delete.indexOf(deletes[i]), 1);
      const { generateName: _generateName, ...meta } = creates[i].metadata;
      plan.update.push({ ...creates[i], metadata: { ...identity(deletes[i]), ...meta } });
    }
  }
  if (endpoints.metadata.deletionTimestamp) plan.create = [];
  return plan;
}

/**
 * The EndpointSlice reconciler: a Service, its pods, the nodes and the Service's existing
 * slices in; the slices to create, update and delete out
 * (../shared/reference/kubernetes-behaviour.md §5.3–§5.7). Ported from
 * `staging/src/k8s.io/endpointslice/reconciler.go` (`Reconcile`, `reconcileByAddressType`,
 * `finalize`). Pure: no client, clock, logger or randomness; inputs are never mutated.
 */
import type { IPFamily, Node, Pod, Service } from '../../api-types/core.js';
import type { StringMap } from '../../api-types/meta.js';
import type { EndpointSlice } from '../../api-types/networking.js';
import { Annotations, ManagedBy } from '../../api-types/well-known.js';
import { computeDesired } from './desired.js';
import type { SliceProblem } from './desired.js';
import type { SliceEvent, SliceInfo } from './hints.js';
import { TopologyMessages, TopologyReasons, applyTrafficDistributionHints, computeZoneCPURatios, removeHints, topologyHintsEnabled, validTrafficDistribution, withAddressType } from './hints.js';
import { portMapKey } from './endpoint-hash.js';
import { packPortMapping } from './slice-packing.js';
import { addressTypesForService, isEquivalentPlaceholder, isOwnedBy, newEndpointSlice } from './slice-shape.js';
import { applyTopologyHints } from './topology-hints.js';

export type { SliceProblem } from './desired.js';
export type { SliceEvent } from './hints.js';

/** Everything one reconcile of one Service reads. */
export interface SliceSnapshot {
  service: Service;
  /** The pods in the Service's namespace matching its selector (already selected; not re-filtered). */
  pods: readonly Pod[];
  /** Nodes by name, for endpoint zones and the node-not-found rule. */
  nodes: ReadonlyMap<string, Node>;
  /**
   * A number that changes whenever a node in `nodes` changes (the controller counts node
   * events). Only the incremental planner reads it: while it stays the same, the nodes of
   * unchanged pods need no second look. @default undefined: they are looked at on every sync
   */
  nodesGeneration?: number;
  /**
   * The Service's slices: labelled with its service-name and this controller's managed-by.
   * Slices with a deletionTimestamp are ignored.
   */
  existingSlices: readonly EndpointSlice[];
  /** At most this many endpoints per slice (1–1000; Kubernetes' default is 100). */
  maxEndpointsPerSlice: number;
  /** The last-change trigger time (RFC 3339), or undefined to remove the annotation on writes. */
  triggerTime?: string;
  /** The managed-by label value. @default 'endpointslice-controller.k8s.io' */
  controllerName?: string;
  /** Accept trafficDistribution PreferSameZone and PreferSameNode. @default false */
  preferSameTrafficDistribution?: boolean;
  /**
   * Zone CPU shares for topology-aware hints (hints.ts computeZoneCPURatios), kept by the
   * controller across syncs. @default computed from `nodes`, only when the Service asks for topology hints
   */
  zoneCPURatios?: ReadonlyMap<string, number> | null;
  /**
   * Whether this controller populated topology hints for the Service before (Kubernetes keeps
   * this in memory). @default in topology mode, whether an existing slice carries zone hints; otherwise false
   */
  topologyHintsPopulated?: boolean;
}

/** Numbers for the `endpoint_slice_controller_*` metrics (§5.8). */
export interface SliceMetrics {
  endpointsAdded: number;
  endpointsRemoved: number;
  endpointsDesired: number;
  /** Sum over port mappings of ceil(endpoints / max); at least 1. */
  desiredSlices: number;
  /** Slices after the plan is applied. */
  actualSlices: number;
  /** Creates + updates + deletes. */
  slicesChanged: number;
  /** The `topology` label: `Auto` or `Disabled`. */
  topology: 'Auto' | 'Disabled';
  /** The `traffic_distribution` label: the applied value or `""`. */
  trafficDistribution: string;
}

/**
 * What the apply layer must write, record and report after one reconcile. Slices and their
 * metadata are fresh objects; endpoint objects may be shared with the cache or other plans
 * and are frozen: copy one before editing it.
 */
export interface SlicePlan {
  /** New slices: no name, generateName `<service>-`. */
  create: EndpointSlice[];
  /** Full objects to PUT, by name (a recycled slice carries the name and resourceVersion of the slice it replaces). */
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Events to record on the Service. */
  events: SliceEvent[];
  /** Non-empty: apply the plan, then fail the sync so it is retried with backoff. */
  problems: SliceProblem[];
  /** The new value of the Service's topology-hints-populated state. */
  topologyHintsPopulated: boolean;
  /** Topology hints per zone and address type, when allocated (for overload detection). */
  topologyHintsByZone: Partial<Record<IPFamily, Map<string, number>>>;
  metrics: SliceMetrics;
}

/** True when a plan writes nothing. */
export function isEmptyPlan(plan: SlicePlan): boolean {
  return plan.create.length === 0 && plan.update.length === 0 && plan.delete.length === 0;
}

/** A plan that writes nothing, with zeroed metrics. */
export function emptyPlan(): SlicePlan {
  return {
    create: [], update: [], delete: [], events: [], problems: [], topologyHintsPopulated: false, topologyHintsByZone: {},
    metrics: { endpointsAdded: 0, endpointsRemoved: 0, endpointsDesired: 0, desiredSlices: 0, actualSlices: 0, slicesChanged: 0, topology: 'Disabled', trafficDistribution: '' },
  };
}

/** Sets (or, without a trigger time, removes) the last-change-trigger-time annotation on a slice the plan writes. */
export function setTriggerTime(slice: EndpointSlice, triggerTime: string | undefined): void {
  const current = slice.metadata.annotations;
  const key = Annotations.lastChangeTriggerTime;
  // Copied key by key (in order, as a spread would) rather than spread and then deleted from
  // or added to: both are slow paths in V8, and every slice write takes this.
  const annotations: StringMap = {};
  if (current) for (const k in current) if (Object.hasOwn(current, k) && (triggerTime || k !== key)) annotations[k] = current[k];
  if (triggerTime) annotations[key] = triggerTime;
  slice.metadata.annotations = annotations;
}

/**
 * Computes the plan that makes the Service's EndpointSlices match its pods, with the fewest
 * writes. ExternalName and selectorless Services get an empty plan.
 *
 * 1. Existing slices of an address type the Service no longer has are deleted.
 * 2. Per address type: slices not owned by this Service's UID are deleted; the desired
 *    endpoints are grouped by port mapping and each group packed (slice-packing.ts); slices
 *    of port mappings no longer desired are deleted.
 * 3. Placeholder: when every slice of the type would be deleted and none created, one empty
 *    slice is created, unless the only slice deleted already is one (then nothing happens).
 * 4. Hints: topology mode, else trafficDistribution, else none (hints removed).
 * 5. Recycling: a create paired with a delete of the same type owned by the Service becomes
 *    an update of that slice. Creates are dropped while the Service is being deleted.
 * 6. Creates and updates carry the trigger-time annotation (removed when there is none).
 */
export function reconcileSlices(s: SliceSnapshot): SlicePlan {
  const max = s.maxEndpointsPerSlice;
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new RangeError(`maxEndpointsPerSlice must be an integer from 1 to 1000, got ${max}`);
  const { service } = s;
  const plan = emptyPlan();
  if (service.spec?.type === 'ExternalName' || service.spec?.selector == null) return plan;
  const controllerName = s.controllerName ?? ManagedBy.endpointSliceController;
  const addressTypes = addressTypesForService(service);
  const topologyMode = topologyHintsEnabled(service);
  const trafficDistribution = topologyMode ? undefined : validTrafficDistribution(service, s.preferSameTrafficDistribution ?? false);
  // Without the controller's memory, only topology mode may infer it from the slices: zone
  // hints there could also come from trafficDistribution, which must not raise a Disabled event.
  let populated = s.topologyHintsPopulated ?? (topologyMode && s.existingSlices.some((sl) => sl.endpoints?.some((ep) => ep.hints?.forZones?.length)));
  const ratios = topologyMode ? (s.zoneCPURatios !== undefined ? s.zoneCPURatios : computeZoneCPURatios(s.nodes.values())) : null;

  // 1.
  const existingByType = new Map<IPFamily, EndpointSlice[]>(addressTypes.map((t) => [t, []]));
  const unsupported: EndpointSlice[] = [];
  for (const slice of s.existingSlices) {
    if (slice.metadata.deletionTimestamp) continue;
    const bucket = existingByType.get(slice.addressType as IPFamily);
    if (bucket) bucket.push(slice);
    else unsupported.push(slice);
  }

  const desired = computeDesired(service, s.pods, s.nodes, addressTypes);
  plan.problems = desired.problems;
  let desiredSlices = 0;
  for (const addressType of addressTypes) {
    const existing = existingByType.get(addressType)!;
    const groups = desired.byAddressType.get(addressType)!;
    // 2.
    const del: EndpointSlice[] = [];
    const existingByKey = new Map<string, EndpointSlice[]>();
    for (const slice of existing) {
      if (!isOwnedBy(slice, service)) {
        del.push(slice);
        continue;
      }
      const key = portMapKey(slice.ports);
      const list = existingByKey.get(key);
      if (list) list.push(slice);
      else existingByKey.set(key, [slice]);
    }
    const si: SliceInfo = { addressType, create: [], update: [], unchanged: [] };
    for (const [key, group] of groups) {
      plan.metrics.endpointsDesired += group.endpoints.size;
      desiredSlices += Math.ceil(group.endpoints.size / max);
      const r = packPortMapping(existingByKey.get(key) ?? [], group.endpoints, { service, addressType, ports: group.ports, maxEndpointsPerSlice: max, controllerName });
      plan.metrics.endpointsAdded += r.added;
      plan.metrics.endpointsRemoved += r.removed;
      si.create.push(...r.create);
      si.update.push(...r.update);
      si.unchanged.push(...r.unchanged);
      del.push(...r.delete);
    }
    for (const [key, slices] of existingByKey) if (!groups.has(key)) del.push(...slices);
    // 3.
    if (existing.length === del.length && si.create.length === 0) {
      const placeholder = newEndpointSlice(service, [], addressType, controllerName);
      if (del.length === 1 && isEquivalentPlaceholder(del[0], placeholder)) {
        si.unchanged.push(del.pop()!);
      } else {
        si.create.push(placeholder);
      }
    }
    // 4.
    if (topologyMode) {
      const r = applyTopologyHints(si, ratios);
      plan.events.push(...r.events);
      if (r.allocatedByZone) {
        plan.topologyHintsByZone[addressType] = r.allocatedByZone;
        if (!populated) plan.events.push({ type: 'Normal', reason: TopologyReasons.enabled, message: withAddressType(TopologyMessages.enabled, addressType) });
        populated = true;
      } else {
        populated = false;
      }
    } else {
      if (populated) {
        plan.events.push({ type: 'Warning', reason: TopologyReasons.disabled, message: withAddressType(TopologyMessages.disabled, addressType) });
        populated = false;
      }
      if (trafficDistribution) applyTrafficDistributionHints(si, trafficDistribution);
      else removeHints(si);
    }
    // 5.
    finalize(si, del, service, plan);
  }
  plan.delete.push(...unsupported);
  // 6.
  for (const slice of plan.create) setTriggerTime(slice, s.triggerTime);
  for (const slice of plan.update) setTriggerTime(slice, s.triggerTime);

  plan.topologyHintsPopulated = populated;
  const existingCount = s.existingSlices.filter((sl) => !sl.metadata.deletionTimestamp).length;
  plan.metrics.desiredSlices = Math.max(1, desiredSlices);
  plan.metrics.actualSlices = existingCount + plan.create.length - plan.delete.length;
  plan.metrics.slicesChanged = plan.create.length + plan.update.length + plan.delete.length;
  plan.metrics.topology = topologyMode ? 'Auto' : 'Disabled';
  plan.metrics.trafficDistribution = trafficDistribution ?? '';
  return plan;
}

function finalize(si: SliceInfo, del: EndpointSlice[], service: Service, plan: SlicePlan): void {
  const create = si.create;
  for (let i = 0; i < del.length && create.length > 0;) {
    const old = del[i];
    const slice = create[create.length - 1];
    if (old.addressType === slice.addressType && isOwnedBy(old, service)) {
      create.pop();
      delete slice.metadata.generateName;
      slice.metadata.name = old.metadata.name;
      if (old.metadata.resourceVersion) slice.metadata.resourceVersion = old.metadata.resourceVersion;
      si.update.push(slice);
      del.splice(i, 1);
    } else {
      i++;
    }
  }
  // Creating while the Service is being deleted would race the garbage collector.
  if (!service.metadata.deletionTimestamp) plan.create.push(...create);
  plan.update.push(...si.update);
  plan.delete.push(...del);
}

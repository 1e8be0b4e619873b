/**
 * The EndpointSlice planner the controller calls: the full reconcile (reconcile.ts), or, when
 * only a few pods changed since the last applied plan, the same plan computed from those pods
 * alone (docs/decisions/008-incremental-endpoint-plans.md). Pure: the memo of the last sync
 * comes in, the plan and the memo's next state come out; nothing given is edited.
 *
 * The fast path handles what one pod event usually does in a steady Service — endpoints
 * changed in place, removed from a slice that keeps others, or added to slices as step 2 and 3
 * of packPortMapping would — for Services with one port mapping, no hints and no NodeNotFound
 * pods. Anything else (a slice created or deleted, a placeholder, labels, hints, many changes,
 * a cache that is not what the last plan left) takes the full reconcile.
 */
import type { Node, Pod, Service } from '../../api-types/core.js';
import type { StringMap } from '../../api-types/meta.js';
import type { EndpointSlice, SliceEndpoint } from '../../api-types/networking.js';
import { Labels, ManagedBy } from '../../api-types/well-known.js';
import { diffPods } from '../shared/pod-changes.js';
import { shouldPodBeInEndpoints } from '../shared/pod.js';
import { computeDesired, endpointPortsForPod, freshPodEndpoint } from './desired.js';
import { endpointKey, portMapKey } from './endpoint-hash.js';
import { topologyHintsEnabled, validTrafficDistribution } from './hints.js';
import { emptyPlan, reconcileSlices, setTriggerTime, type SlicePlan, type SliceSnapshot } from './reconcile.js';
import { copySlice, sliceToFill } from './slice-packing.js';
import { addressTypesForService, sliceLabels } from './slice-shape.js';
import { editSlice, editsSlice, fillSlice, type SliceRecord, type TypeDelta, type TypeMemo, type Updated } from './slice-edits.js';

/**
 * What the planner remembers of one Service after an applied plan. Opaque to the controller,
 * which keeps one per Service and drops it when the Service goes or a sync fails.
 */
export interface SliceMemo {
  readonly service: Service;
  readonly maxEndpointsPerSlice: number;
  readonly controllerName: string;
  readonly preferSame: boolean;
  readonly portKey: string;
  readonly uniformPorts: boolean;
  /**
   * The labels every slice of the Service gets (sliceLabels; they depend on the Service and
   * controller name alone, both fixed for the memo). Shared by the plans' slices, read only.
   */
  readonly labels: StringMap;
  readonly types: readonly TypeMemo[];
  /** Every slice of the Service by name. */
  readonly slices: Map<string, SliceRecord>;
  /** Zone label ('' without one) or null (missing) of each node a pod was on. */
  readonly zones: Map<string, string | null>;
  pods: readonly Pod[];
  nodesGeneration: number | undefined;
  /** Pods included at all (shouldPodBeInEndpoints): while any is, the port mapping exists. */
  included: number;
}

/** The memo's next state, once the plan's writes are known. */
export interface PendingSliceMemo {
  /**
   * The memo after the plan was applied in full. `written` are the server's replies to the
   * plan's creates and then its updates, in plan order. The memo given to planSlices must not
   * be used again. Undefined when some write is missing.
   */
  settle(written: readonly EndpointSlice[]): SliceMemo | undefined;
}

/** The plan of one sync and how it was made. */
export interface SlicePlanResult {
  plan: SlicePlan;
  /** True when the plan came from the changed pods alone. */
  incremental: boolean;
  /** The next memo; undefined when the fast path cannot follow this plan. */
  next?: PendingSliceMemo;
}

function zoneOf(node: Node | undefined): string | null {
  return node ? (node.metadata.labels?.[Labels.topologyZone] ?? '') : null;
}

/** At most this many changed pods take the fast path: beyond, one full pass costs less. */
function changeLimit(pods: number): number {
  return Math.max(4, pods >> 3);
}

/**
 * Plans one sync: the incremental plan when `memo` allows it, else reconcileSlices. Either way
 * the plan equals what reconcileSlices(s) returns (test/controllers/endpointslice/
 * incremental.property.test.ts).
 */
export function planSlices(s: SliceSnapshot, memo: SliceMemo | undefined): SlicePlanResult {
  const fast = memo ? planFromChanges(s, memo) : undefined;
  if (fast) return fast;
  const plan = reconcileSlices(s);
  return { plan, incremental: false, next: memoAfterFullPlan(s, plan) };
}

/**
 * The memo a full plan leaves, when the fast path can follow it: one port mapping, no hints,
 * no problems, and every slice after the plan non-empty and holding only desired endpoints.
 */
function memoAfterFullPlan(s: SliceSnapshot, plan: SlicePlan): PendingSliceMemo | undefined {
  const { service } = s;
  const preferSame = s.preferSameTrafficDistribution ?? false;
  if (service.spec?.type === 'ExternalName' || service.spec?.selector == null || service.metadata.deletionTimestamp) return undefined;
  if (topologyHintsEnabled(service) || validTrafficDistribution(service, preferSame)) return undefined;
  if (plan.problems.length > 0 || plan.events.length > 0 || plan.topologyHintsPopulated) return undefined;
  const addressTypes = addressTypesForService(service);
  const desired = computeDesired(service, s.pods, s.nodes, addressTypes);
  const groups = desired.byAddressType.get(addressTypes[0])!;
  if (groups.size !== 1) return undefined;
  const [portKey] = groups.keys();
  const replaced = new Set<string>();
  for (const sl of [...plan.update, ...plan.delete]) replaced.add(sl.metadata.name ?? '');
  const after: { slice: EndpointSlice; written: boolean }[] = [];
  for (const sl of s.existingSlices) if (!sl.metadata.deletionTimestamp && !replaced.has(sl.metadata.name ?? '')) after.push({ slice: sl, written: false });
  for (const sl of [...plan.create, ...plan.update]) after.push({ slice: sl, written: true });
  const types: TypeMemo[] = addressTypes.map((addressType) => ({ addressType, byKey: new Map(), byPod: new Map() }));
  const records: { rec: SliceRecord; written: boolean }[] = [];
  for (const { slice, written } of after) {
    const type = types.find((t) => t.addressType === slice.addressType);
    if (!type || portMapKey(slice.ports) !== portKey || !slice.endpoints?.length) return undefined;
    const group = desired.byAddressType.get(type.addressType)!.get(portKey)!;
    const eps: SliceEndpoint[] = [];
    const rec: SliceRecord = { slice, eps, type };
    for (const ep of slice.endpoints) {
      const key = endpointKey(ep);
      const want = group.endpoints.get(key);
      if (ep.hints || !want || type.byKey.has(key)) return undefined;
      eps.push(want);
      type.byKey.set(key, rec);
      type.byPod.set(want.targetRef?.name ?? '', { ep: want, key });
    }
    records.push({ rec, written });
  }
  for (const type of types) if (type.byKey.size !== desired.byAddressType.get(type.addressType)!.get(portKey)!.endpoints.size) return undefined;
  const zones = new Map<string, string | null>();
  let included = 0;
  for (const pod of s.pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    included++;
    const nodeName = pod.spec?.nodeName ?? '';
    if (!zones.has(nodeName)) zones.set(nodeName, zoneOf(s.nodes.get(nodeName)));
  }
  const uniformPorts = (service.spec?.ports ?? []).every((p) => typeof p.targetPort !== 'string');
  const controllerName = s.controllerName ?? ManagedBy.endpointSliceController;
  const labels = sliceLabels(undefined, service, controllerName).labels;
  return {
    settle(replies) {
      const slices = new Map<string, SliceRecord>();
      let w = 0;
      for (const { rec, written } of records) {
        if (written) {
          const reply = replies[w++];
          if (!reply) return undefined;
          rec.slice = reply;
        }
        slices.set(rec.slice.metadata.name ?? '', rec);
      }
      return {
        service, maxEndpointsPerSlice: s.maxEndpointsPerSlice, controllerName, preferSame,
        portKey, uniformPorts, labels, types, slices, zones, pods: s.pods, nodesGeneration: s.nodesGeneration, included,
      };
    },
  };
}

/**
 * The fast path; undefined whenever it cannot be sure to match reconcileSlices.
 *
 * 1. The memo is for this Service object and options, and the cached slices are exactly the
 *    ones it expects (the same objects, or the replies to our writes by uid and resourceVersion).
 * 2. Nodes: unchanged generation, or every remembered node still has its zone.
 * 3. Diff the pods by identity; per changed pod and address type, its old endpoint (memo) and
 *    new one (desired.ts): same key → replaced in its slice; otherwise removed and/or added.
 * 4. Per address type, as packPortMapping: edited slices keep their endpoints in order in the
 *    desired version (update when one differs or one went; a slice left empty falls back);
 *    added endpoints fill the updated slices fullest first, then the unchanged slice closest
 *    to full that takes them all; a new slice would be needed → fall back.
 * 5. The plan: the updates with labels and trigger time, and the metrics reconcileSlices reports.
 */
function planFromChanges(s: SliceSnapshot, memo: SliceMemo): SlicePlanResult | undefined {
  const { service } = s;
  const max = s.maxEndpointsPerSlice;
  const controllerName = s.controllerName ?? ManagedBy.endpointSliceController;
  // 1.
  if (service !== memo.service || max !== memo.maxEndpointsPerSlice || controllerName !== memo.controllerName) return undefined;
  if ((s.preferSameTrafficDistribution ?? false) !== memo.preferSame || s.topologyHintsPopulated) return undefined;
  if (s.existingSlices.length !== memo.slices.size) return undefined;
  // Each cached slice's record, position by position (step 4 reads them again).
  const recs: SliceRecord[] = [];
  for (const slice of s.existingSlices) {
    const rec = memo.slices.get(slice.metadata.name ?? '');
    if (!rec || slice.metadata.deletionTimestamp || slice.addressType !== rec.type.addressType) return undefined;
    recs.push(rec);
    const known = rec.slice.metadata;
    if (rec.slice !== slice && !(known.resourceVersion !== undefined && known.resourceVersion === slice.metadata.resourceVersion && known.uid === slice.metadata.uid)) return undefined;
  }
  // 2.
  if (s.nodesGeneration === undefined || s.nodesGeneration !== memo.nodesGeneration) {
    for (const [name, zone] of memo.zones) if (zoneOf(s.nodes.get(name)) !== zone) return undefined;
  }
  // 3.
  const changes = diffPods(memo.pods, s.pods, changeLimit(s.pods.length));
  if (!changes) return undefined;
  const pnra = !!service.spec?.publishNotReadyAddresses;
  let included = memo.included;
  const newZones: [string, string | null][] = [];
  const deltas: TypeDelta[] = [];
  for (const type of memo.types) deltas.push({ type, podEndpoints: [], keysGone: [], placed: [], records: [], edits: [], added: [] });
  for (const c of changes) {
    const wasIncluded = c.before !== undefined && shouldPodBeInEndpoints(c.before, true);
    if (wasIncluded) included--;
    const after = c.after && shouldPodBeInEndpoints(c.after, true) ? c.after : undefined;
    let node: Node | undefined;
    if (after) {
      included++;
      // Ports resolve on the containers: the same (interned) containers as before, the same mapping.
      const sameContainers = wasIncluded && after.spec?.containers === c.before!.spec?.containers && after.spec?.initContainers === c.before!.spec?.initContainers;
      if (!memo.uniformPorts && !sameContainers && portMapKey(endpointPortsForPod(service, after)) !== memo.portKey) return undefined;
      const nodeName = after.spec?.nodeName ?? '';
      node = s.nodes.get(nodeName);
      if (!node && !pnra) return undefined;
      if (!memo.zones.has(nodeName)) newZones.push([nodeName, zoneOf(node)]);
    }
    const podName = (c.after ?? c.before)!.metadata.name ?? '';
    for (const delta of deltas) {
      const old = c.before ? delta.type.byPod.get(podName) : undefined;
      const next = after ? freshPodEndpoint(after, node, service, delta.type.addressType, old) : null;
      if (old === undefined && next === null) continue;
      delta.podEndpoints.push([podName, next]);
      if (old) {
        const rec = delta.type.byKey.get(old.key);
        if (!rec) return undefined;
        if (next && old.key === next.key) {
          delta.edits.push({ rec, old: old.ep, key: old.key, now: next.ep });
          continue;
        }
        delta.edits.push({ rec, old: old.ep, key: old.key, now: undefined });
        delta.keysGone.push(old.key);
      }
      if (next) delta.added.push(next);
    }
  }
  if (included === 0) return undefined;
  // 4.
  const plan = emptyPlan();
  let desiredSlices = 0;
  for (const delta of deltas) {
    const update: Updated[] = [];
    let unchanged: EndpointSlice[] = [];
    let count = 0;
    for (let i = 0; i < s.existingSlices.length; i++) {
      const slice = s.existingSlices[i];
      if (slice.addressType !== delta.type.addressType) continue;
      const rec = recs[i];
      if (!editsSlice(delta.edits, rec)) {
        count += rec.eps.length;
        unchanged.push(slice);
        continue;
      }
      const cached = slice.endpoints ?? [];
      const edited = editSlice(rec, cached, delta.edits);
      if (!edited) return undefined;
      const { kept, changed } = edited;
      count += kept.length;
      if (!changed) {
        delta.records.push({ rec, eps: kept, written: false });
        unchanged.push(slice);
        continue;
      }
      if (kept.length === 0) return undefined;
      plan.metrics.endpointsRemoved += cached.length - kept.length;
      // What copySlice and packPortMapping make of it, without copying what is replaced next
      // (the endpoints, labels, and annotations, which setTriggerTime replaces).
      const metadata = { ...slice.metadata, labels: memo.labels };
      update.push({ slice: { ...slice, metadata, endpoints: kept }, rec, eps: kept });
    }
    const added = delta.added;
    plan.metrics.endpointsAdded += added.length;
    count += added.length;
    let next = 0;
    if (added.length > 0 && update.length > 0) {
      const fullestFirst = update.length === 1 ? update : [...update].sort((a, b) => b.slice.endpoints!.length - a.slice.endpoints!.length);
      for (const u of fullestFirst) next = fillSlice(u, added, next, max, delta);
    }
    if (next < added.length) {
      const pick = added.length - next < max && unchanged.length > 0 ? sliceToFill(unchanged, added.length - next, max) : undefined;
      if (!pick) return undefined;
      unchanged = unchanged.filter((sl) => sl !== pick);
      const rec = memo.slices.get(pick.metadata.name ?? '')!;
      const prior = delta.records.findIndex((r) => r.rec === rec);
      const eps = prior >= 0 ? delta.records.splice(prior, 1)[0].eps : [...rec.eps];
      const u = { slice: copySlice(pick), rec, eps };
      update.push(u);
      next = fillSlice(u, added, next, max, delta);
    }
    for (const u of update) {
      setTriggerTime(u.slice, s.triggerTime);
      plan.update.push(u.slice);
      delta.records.push({ rec: u.rec, eps: u.eps, written: true });
    }
    plan.metrics.endpointsDesired += count;
    desiredSlices += Math.ceil(count / max);
  }
  // 5.
  plan.metrics.desiredSlices = Math.max(1, desiredSlices);
  plan.metrics.actualSlices = s.existingSlices.length;
  plan.metrics.slicesChanged = plan.update.length;
  const next: PendingSliceMemo = {
    settle(replies) {
      let w = 0;
      for (const delta of deltas) {
        for (const [name, ep] of delta.podEndpoints) {
          if (ep) delta.type.byPod.set(name, ep);
          else delta.type.byPod.delete(name);
        }
        for (const key of delta.keysGone) delta.type.byKey.delete(key);
        for (const [key, rec] of delta.placed) delta.type.byKey.set(key, rec);
        for (const { rec, eps, written } of delta.records) {
          rec.eps = eps;
          if (!written) continue;
          const reply = replies[w++];
          if (!reply) return undefined;
          rec.slice = reply;
        }
      }
      for (const [name, zone] of newZones) memo.zones.set(name, zone);
      memo.pods = s.pods;
      memo.nodesGeneration = s.nodesGeneration;
      memo.included = included;
      return memo;
    },
  };
  return { plan, incremental: true, next };
}

/**
 * The pure NodePort decisions for one Service: which ports it must own, which automatic ports it
 * needs, which claims may be released, and what cannot be applied. Ported behaviour:
 * pkg/registry/core/service/storage/alloc.go (`initNodePorts`, `updateNodePorts`,
 * `allocHealthCheckNodePort`, `shouldAllocateNodePorts`, `findRequestedNodePort`) and
 * pkg/api/service/util.go (`NeedsHealthCheck`), adapted to a controller that runs after the
 * Service is stored: the spec already holds every value the user or an earlier pass wrote, so
 * "keep" means "never reassign a port the Service holds" (the API server's patchAllocatedValues
 * restores omitted values on update, see docs/decisions/002 and 005).
 */
import type { Service, ServiceSpec } from '../../api-types/core.js';
import { PortEventReasons } from '../../api-types/well-known.js';
import { internalErrorNote, invalidNodePortNote as invalidNote } from './failures.js';
import { compareResourceVersions, type PortOwner } from './port-map.js';

/** What the plan reads of the port map. */
export interface PortMapView {
  readonly rangeText: string;
  /** Whether the port lies in the configured range. */
  inRange(port: number): boolean;
  isAllocated(port: number): boolean;
  ownerOf(port: number): PortOwner | undefined;
  portsOwnedBy(key: string): number[];
}

/** The snapshot a plan is computed from. */
export interface NodePortInput {
  /** The Service key, `namespace/name`. */
  key: string;
  /** The Service as cached (or freshly read), undefined when it does not exist. */
  service: Readonly<Service> | undefined;
  /** Reads any cached Service by key (to judge other owners). */
  lookup: (key: string) => Readonly<Service> | undefined;
  /** The resourceVersion the Service cache has caught up with (the informer's lastSyncResourceVersion). */
  cacheRV: string;
  map: PortMapView;
}

/** Spec entries that get one automatic port: service port entries (shared by port number) or the health check. */
export type Slot = { kind: 'ports'; indices: number[] } | { kind: 'healthCheck' };

/** Something Kubernetes would have answered with a 422 or 500; reported, never retried hot. */
export interface NodePortProblem {
  code: 'AlreadyAllocated' | 'NotInRange' | 'RangeFull';
  reason: string;
  note: string;
  scope: 'static' | 'dynamic';
}

/** What to do for one Service. */
export interface NodePortPlan {
  /** The stamp of every port claimed for the Service (its uid and the resourceVersion written against). */
  owner?: PortOwner;
  /** Ports the spec holds that the map does not have allocated: claim them for the Service. */
  claim: number[];
  /** Ports to copy onto spec entries without a new claim (initNodePorts sharing with an explicit sibling). */
  copy: { index: number; port: number }[];
  /** Entries that need automatic ports. */
  slots: Slot[];
  /**
   * Ports the map holds for this uid that the spec does not: they fill slots first, so a claim
   * made for a write that then conflicted is used again, and a value a request dropped comes back
   * (patchAllocatedValues' intent, ascending ports to entries in order).
   */
  reuse: number[];
  /** The reuse ports that isReleasable allows: freed when no slot takes them. */
  releaseIfUnused: number[];
  /** Claims whose owner provably no longer holds them (see isReleasable). */
  release: number[];
  problems: NodePortProblem[];
}

/** Whether the Service type uses nodePorts (NodePort or LoadBalancer). */
export function needsNodePorts(spec: ServiceSpec | undefined): boolean {
  return spec?.type === 'NodePort' || spec?.type === 'LoadBalancer';
}

/** Whether automatic nodePorts are allocated (`shouldAllocateNodePorts`). */
export function shouldAllocateNodePorts(spec: ServiceSpec | undefined): boolean {
  if (spec?.type === 'NodePort') return true;
  if (spec?.type === 'LoadBalancer') return spec.allocateLoadBalancerNodePorts !== false;
  return false;
}

/** Whether a health-check nodePort is needed: LoadBalancer with externalTrafficPolicy Local (`NeedsHealthCheck`). */
export function needsHealthCheck(spec: ServiceSpec | undefined): boolean {
  return spec?.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

/** Every non-zero nodePort and healthCheckNodePort a Service holds. */
export function heldPorts(svc: Readonly<Service> | undefined): Set<number> {
  const out = new Set<number>();
  for (const p of svc?.spec?.ports ?? []) if (p.nodePort) out.add(p.nodePort);
  if (svc?.spec?.healthCheckNodePort) out.add(svc.spec.healthCheckNodePort);
  return out;
}

/**
 * Whether a claim may be freed now, with no grace period, because no write based on it can land:
 *
 * 1. The owner (its uid at its key) is not in a cache that has caught up with the claim's
 *    resourceVersion: it existed then, so it has been deleted since.
 * 2. The owner is cached, does not hold the port, and has moved past the claim's
 *    resourceVersion: any in-flight write based on it would fail its precondition.
 *
 * An ownerless bit, or non-numeric resourceVersions, are never releasable here (the repair
 * frees those after its grace period).
 */
export function isReleasable(port: number, owner: PortOwner | undefined, lookup: NodePortInput['lookup'], cacheRV: string): boolean {
  if (!owner) return false;
  const svc = lookup(owner.key);
  if (!svc || svc.metadata.uid !== owner.uid) return (compareResourceVersions(cacheRV, owner.rv) ?? -1) >= 0;
  if (heldPorts(svc).has(port)) return false;
  return (compareResourceVersions(svc.metadata.resourceVersion ?? '', owner.rv) ?? -1) > 0;
}

/**
 * Plans one Service.
 *
 * 1. Claims held under the Service's key that isReleasable allows are released (a deleted
 *    Service, a type change, a removed port, a new uid at the same name).
 * 2. Services that do not use nodePorts stop here.
 * 3. Every explicit nodePort must be owned by the Service: in range, and either owned by its
 *    uid already or free (claimed), or held by an owner that is provably gone (taken over).
 *    Anything else is a problem and the Service is left as it is.
 * 4. Entries with nodePort 0 share by service port number as initNodePorts does: an explicit
 *    sibling's value is copied, otherwise the entries of one port number get one automatic port.
 *    The controller cannot tell a create from an update, so it shares on every pass (Kubernetes'
 *    updateNodePorts gives each new entry its own port, §9.5). None with
 *    allocateLoadBalancerNodePorts false.
 * 5. The health-check port, when needed: explicit (claimed as in 3) or automatic.
 */
export function planNodePorts(input: NodePortInput): NodePortPlan {
  const { key, service: svc, map, lookup, cacheRV } = input;
  const plan: NodePortPlan = { claim: [], copy: [], slots: [], reuse: [], releaseIfUnused: [], release: [], problems: [] };
  const held = heldPorts(svc);
  // 1. Release what can no longer be written; ports the same uid still may use are reuse candidates.
  for (const port of map.portsOwnedBy(key)) {
    const owner = map.ownerOf(port);
    if (svc && owner?.uid === svc.metadata.uid && !held.has(port)) {
      plan.reuse.push(port);
      if (isReleasable(port, owner, lookup, cacheRV)) plan.releaseIfUnused.push(port);
    } else if (isReleasable(port, owner, lookup, cacheRV)) plan.release.push(port);
  }
  // 2.
  if (!svc || !needsNodePorts(svc.spec)) {
    plan.release.push(...plan.releaseIfUnused);
    plan.reuse = [];
    plan.releaseIfUnused = [];
    return plan;
  }
  const spec = svc.spec ?? {};
  plan.owner = { key, uid: svc.metadata.uid ?? '', rv: svc.metadata.resourceVersion ?? '' };
  const ports = spec.ports ?? [];
  // 3. Explicit values; a nodePort is shared only by entries with the same service port number.
  const byNodePort = new Map<number, number>();
  const requireOwned = (port: number, field: string, hc: boolean): void => {
    const fail = (code: NodePortProblem['code'], reason: string, why: string): void => {
      plan.problems.push({ code, reason, scope: 'static', note: hc ? internalErrorNote(`failed to allocate requested HealthCheck NodePort ${port}: ${why}`) : invalidNote(svc, field, port, why) });
    };
    if (!map.inRange(port)) return fail('NotInRange', PortEventReasons.portOutOfRange, `provided port is not in the valid range. The range of valid ports is ${map.rangeText}`);
    if (plan.claim.includes(port)) return;
    const owner = map.ownerOf(port);
    if (map.isAllocated(port) && owner?.uid === svc.metadata.uid) return;
    if (!map.isAllocated(port) || (owner && owner.key !== key && isReleasable(port, owner, lookup, cacheRV))) {
      plan.claim.push(port);
      return;
    }
    fail('AlreadyAllocated', PortEventReasons.portAlreadyAllocated, 'provided port is already allocated');
  };
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const field = `spec.ports[${i}].nodePort`;
    const sharedWith = byNodePort.get(p.nodePort);
    if (sharedWith !== undefined && sharedWith !== p.port) {
      plan.problems.push({ code: 'AlreadyAllocated', reason: PortEventReasons.portAlreadyAllocated, scope: 'static', note: invalidNote(svc, field, p.nodePort, 'provided port is already allocated') });
      return;
    }
    byNodePort.set(p.nodePort, p.port);
    requireOwned(p.nodePort, field, false);
  });
  const hc = needsHealthCheck(spec);
  if (hc && spec.healthCheckNodePort) {
    if (byNodePort.has(spec.healthCheckNodePort)) {
      plan.problems.push({ code: 'AlreadyAllocated', reason: PortEventReasons.portAlreadyAllocated, scope: 'static', note: internalErrorNote(`failed to allocate requested HealthCheck NodePort ${spec.healthCheckNodePort}: provided port is already allocated`) });
    } else requireOwned(spec.healthCheckNodePort, 'spec.healthCheckNodePort', true);
  }
  // 4. Automatic values, shared by service port number (initNodePorts): a zero entry takes an
  // explicit sibling's value, and zero entries of one port number share one automatic port.
  if (shouldAllocateNodePorts(spec)) {
    const groups = new Map<number, number[]>();
    ports.forEach((p, i) => {
      if (p.nodePort) return;
      const sibling = ports.find((q) => q.port === p.port && q.nodePort)?.nodePort;
      if (sibling) plan.copy.push({ index: i, port: sibling });
      else groups.set(p.port, [...(groups.get(p.port) ?? []), i]);
    });
    for (const indices of groups.values()) plan.slots.push({ kind: 'ports', indices });
  }
  // 5.
  if (hc && !spec.healthCheckNodePort) plan.slots.push({ kind: 'healthCheck' });
  return plan;
}

/** A resolved slot: the entries and the port they get. */
export interface SlotAssignment {
  slot: Slot;
  port: number;
}

/**
 * Returns a copy of the Service with the assigned ports written into its spec, or undefined when
 * nothing changes (a no-op sync makes no write).
 */
export function assignNodePorts(svc: Readonly<Service>, plan: Pick<NodePortPlan, 'copy'>, assigned: readonly SlotAssignment[]): Service | undefined {
  if (assigned.length === 0 && plan.copy.length === 0) return undefined;
  // Copies only what changes (metadata, spec, its ports); the rest is shared with the cached
  // object and never mutated (the client serialises the body).
  const ports = (svc.spec?.ports ?? []).map((p) => ({ ...p }));
  const spec: ServiceSpec = { ...svc.spec };
  if (svc.spec?.ports) spec.ports = ports;
  // managedFields are left out: an update without them keeps them, and the body is smaller.
  const { managedFields: _kept, ...metadata } = svc.metadata;
  const out: Service = { ...svc, metadata, spec };
  for (const { index, port } of plan.copy) if (ports[index]) ports[index].nodePort = port;
  for (const { slot, port } of assigned) {
    if (slot.kind === 'healthCheck') spec.healthCheckNodePort = port;
    else for (const i of slot.indices) if (ports[i]) ports[i].nodePort = port;
  }
  return out;
}

/** Whether a plan asks for nothing: no claim, release, reuse, slot, copy or problem. */
export function isNoOpPlan(plan: NodePortPlan): boolean {
  return plan.claim.length === 0 && plan.release.length === 0 && plan.reuse.length === 0 && plan.slots.length === 0 && plan.copy.length === 0 && plan.problems.length === 0;
}

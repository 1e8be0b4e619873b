/**
 * The NodePort repair pass (pkg/registry/core/service/portallocator/controller/repair.go,
 * `runOnce` and `collectServiceNodePorts`), run as one change of the port map: rebuild the
 * allocations from the Services, report what cannot be fixed, and free leaks. Differences from
 * Kubernetes (docs/decisions/005-nodeport-port-map.md):
 *
 * - A port two Services hold stays with the owner the map records; Kubernetes keeps it for the
 *   first Service of its LIST (etcd key order) and reports the rest, an order that says nothing
 *   about who was allocated the port (its API refuses the second request, so there it is rare).
 * - A Service whose own request cannot be met keeps the claims it held before, as a refused
 *   update leaves them in Kubernetes.
 * - A claim whose owner provably cannot write it any more is freed at once (isReleasable); any
 *   other leak after a grace period of controller-clock time (default 60 s) instead of on the
 *   third 3-minute pass, once a live read of its owner (not the cache) confirmed it: the
 *   approach of the ClusterIP leak repair (controllers/serviceip/repair.ts), in place of
 *   Kubernetes' direct LIST or its newer wait for the informer to catch up.
 */
import type { Service } from '../../api-types/core.js';
import { PortEventReasons } from '../../api-types/well-known.js';
import type { PortMapState, PortOwner } from './port-map.js';
import { heldPorts, isReleasable, planNodePorts, type NodePortInput } from './reconcile.js';

/** An allocated port no Service holds, waiting out the grace period. */
export interface LeakCandidate {
  port: number;
  /** Its owner in the map when first seen; undefined for an ownerless bit. */
  owner?: PortOwner;
  /** When this pass or an earlier one first saw it (controller clock). */
  firstSeenMs: number;
}

/** What the pass reads. */
export interface RepairInput {
  /** Every cached Service. */
  services: readonly Readonly<Service>[];
  lookup: NodePortInput['lookup'];
  /** The informer's lastSyncResourceVersion. */
  cacheRV: string;
  nowMs: number;
  /** How long a leak candidate waits before it is freed. */
  graceMs: number;
  /** The leak candidates of the previous pass, by leakCandidateId. */
  leakSeen: ReadonlyMap<string, LeakCandidate>;
  /**
   * The candidates (by leakCandidateId) whose owner a live read made for this pass showed gone
   * or not holding the port (isLeakConfirmed). Only these are freed after the grace period.
   */
  confirmed: ReadonlySet<string>;
}

/** A problem found on a Service, reported as a Warning Event by portallocator-repair-controller. */
export interface RepairFinding {
  service: Readonly<Service>;
  /** The `port_errors_total` type. */
  type: 'repair' | 'duplicate' | 'outOfRange';
  reason: string;
  note: string;
}

/** What the pass found and did. */
export interface RepairOutcome {
  findings: RepairFinding[];
  /** Ports freed as leaks. */
  released: number[];
  /** Leak candidates still waiting, for the next pass. */
  leakSeen: Map<string, LeakCandidate>;
  changed: boolean;
}

/**
 * The ports a Service holds, as `collectServiceNodePorts` counts them: every non-zero nodePort,
 * the same nodePort with another protocol once, with the same protocol twice (a duplicate); the
 * health-check port unless it shares a nodePort that has no TCP entry.
 */
export function collectServiceNodePorts(svc: Readonly<Service>): number[] {
  const out: number[] = [];
  const protocols = new Map<number, Set<string>>();
  for (const p of svc.spec?.ports ?? []) {
    if (!p.nodePort) continue;
    const proto = p.protocol ?? 'TCP';
    const seen = protocols.get(p.nodePort);
    if (!seen) {
      protocols.set(p.nodePort, new Set([proto]));
      out.push(p.nodePort);
    } else if (seen.has(proto)) out.push(p.nodePort);
    else seen.add(proto);
  }
  const hc = svc.spec?.healthCheckNodePort;
  if (hc) {
    const seen = protocols.get(hc);
    if (!seen || seen.has('TCP')) out.push(hc);
  }
  return out;
}

const keyOf = (s: Readonly<Service>): string => `${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`;
const ownerOf = (s: Readonly<Service>): PortOwner => ({ key: keyOf(s), uid: s.metadata.uid ?? '', rv: s.metadata.resourceVersion ?? '' });

/** The identity of a leak candidate: the port and the claim (owner key, uid, resourceVersion). */
export function leakCandidateId(port: number, owner: PortOwner | undefined): string {
  return `${port} ${owner?.key ?? ''} ${owner?.uid ?? ''} ${owner?.rv ?? ''}`;
}

/** The candidates whose grace period is over at `nowMs`: the ones to confirm by a live read. */
export function dueLeakCandidates(leakSeen: ReadonlyMap<string, LeakCandidate>, nowMs: number, graceMs: number): [string, LeakCandidate][] {
  return [...leakSeen].filter(([, c]) => nowMs - c.firstSeenMs >= graceMs);
}

/**
 * Whether a live read confirms a leak: `live` is the candidate owner's key as the API server
 * returned it (undefined: not found). Confirmed when the owner is gone (not found, or another uid
 * at its name) or does not hold the port; not when it holds it (the cache was behind). An
 * ownerless bit has nothing to read and is confirmed: no cached Service held it for the whole
 * grace period, and a Service holding it without a claim only gets it once it is free.
 */
export function isLeakConfirmed(candidate: LeakCandidate, live: Readonly<Service> | undefined): boolean {
  const owner = candidate.owner;
  if (!owner || !live || live.metadata.uid !== owner.uid) return true;
  return !heldPorts(live).has(candidate.port);
}

/**
 * Runs one repair pass on `state`.
 *
 * 1. Choose who keeps each port more than one Service holds: the holder the map records as its
 *    owner (by uid), else the oldest holder.
 * 2. Walk the Services oldest first: a port out of range is PortOutOfRange; a port kept by
 *    another Service, or held twice by this one, PortAlreadyAllocated; a port not allocated is
 *    claimed for the Service (PortNotAllocated, "repairing"). An allocated port whose recorded
 *    owner is gone or missing is re-owned by its holder.
 * 3. Every allocated port no Service holds: kept while its owner waits on a request the map
 *    cannot meet (a refused update keeps its old ports); freed at once if isReleasable;
 *    otherwise a leak candidate, freed once it has waited `graceMs` and is in `confirmed`.
 */
export function repairPortMap(state: PortMapState, input: RepairInput): RepairOutcome {
  const out: RepairOutcome = { findings: [], released: [], leakSeen: new Map(), changed: false };
  const services = [...input.services].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || keyOf(a).localeCompare(keyOf(b)));
  const held = services.flatMap((svc) => collectServiceNodePorts(svc).map((port) => ({ svc, port })));
  // 1. The owner's claim is what its Service was allocated; the others' requests were refused
  // (or never made through the map), so they are the duplicates.
  const isOwner = (svc: Readonly<Service>, port: number): boolean => !!svc.metadata.uid && state.ownerOf(port)?.uid === svc.metadata.uid;
  const keepers = new Map<number, Readonly<Service>>();
  for (const { svc, port } of held) {
    const kept = keepers.get(port);
    if (!kept || (!isOwner(kept, port) && isOwner(svc, port))) keepers.set(port, svc);
  }
  // 2.
  const holders = new Set<number>();
  for (const { svc, port } of held) {
    if (!state.range.contains(port)) {
      out.findings.push({ service: svc, type: 'outOfRange', reason: PortEventReasons.portOutOfRange, note: `Port ${port} is not within the port range ${state.rangeText}; please recreate service` });
      continue;
    }
    if (keepers.get(port) !== svc || holders.has(port)) {
      out.findings.push({ service: svc, type: 'duplicate', reason: PortEventReasons.portAlreadyAllocated, note: `Port ${port} was assigned to multiple services; please recreate service` });
      continue;
    }
    holders.add(port);
    if (!state.isAllocated(port)) {
      state.claim(port, ownerOf(svc));
      out.changed = true;
      out.findings.push({ service: svc, type: 'repair', reason: PortEventReasons.portNotAllocated, note: `Port ${port} is not allocated; repairing` });
      continue;
    }
    const owner = state.ownerOf(port);
    if (!owner || (owner.uid !== svc.metadata.uid && isReleasable(port, owner, input.lookup, input.cacheRV))) {
      state.setOwner(port, ownerOf(svc));
      out.changed = true;
    }
  }
  // 3.
  const waiting = new Map<string, boolean>();
  const isWaiting = (owner: PortOwner): boolean => {
    const svc = input.lookup(owner.key);
    if (!svc || svc.metadata.uid !== owner.uid) return false;
    let w = waiting.get(owner.key);
    if (w === undefined) {
      w = planNodePorts({ key: owner.key, service: svc, lookup: input.lookup, cacheRV: input.cacheRV, map: state }).problems.length > 0;
      waiting.set(owner.key, w);
    }
    return w;
  };
  for (const port of state.allocatedPorts()) {
    if (holders.has(port)) continue;
    const owner = state.ownerOf(port);
    if (owner && isWaiting(owner)) continue;
    if (isReleasable(port, owner, input.lookup, input.cacheRV)) {
      state.release(port);
      out.released.push(port);
      out.changed = true;
      continue;
    }
    const id = leakCandidateId(port, owner);
    const firstSeenMs = input.leakSeen.get(id)?.firstSeenMs ?? input.nowMs;
    if (input.nowMs - firstSeenMs >= input.graceMs && input.confirmed.has(id)) {
      state.release(port);
      out.released.push(port);
      out.changed = true;
      continue;
    }
    out.leakSeen.set(id, { port, owner, firstSeenMs });
  }
  return out;
}

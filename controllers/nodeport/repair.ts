/**
 * The NodePort repair pass (pkg/registry/core/service/portallocator/controller/repair.go,
 * `doRunOnce` and `collectServiceNodePorts`), run as one change of the port map: rebuild the
 * allocations from the Services, report what cannot be fixed, and free leaks. Differences from
 * Kubernetes (docs/decisions/005-nodeport-port-map.md): a claim whose owner provably cannot
 * write it any more is freed at once (isReleasable); any other leak is freed after a grace
 * period of wall time (default 60 s) instead of on the third 3-minute pass, and only when the
 * Service cache has been proven fresh.
 */
import type { Service } from '../../api-types/core.js';
import { PortEventReasons } from '../../api-types/well-known.js';
import type { PortMapState, PortOwner } from './port-map.js';
import { isReleasable, type NodePortInput } from './reconcile.js';

/** What the pass reads. */
export interface RepairInput {
  /** Every cached Service. */
  services: readonly Readonly<Service>[];
  lookup: NodePortInput['lookup'];
  /** The informer's lastSyncResourceVersion. */
  cacheRV: string;
  /** Whether the cache was proven to have caught up with the server (list with limit 1). */
  fresh: boolean;
  nowMs: number;
  /** How long a leak candidate waits before it is freed. */
  graceMs: number;
  /** When each leak candidate (`port uid rv`) was first seen, from the previous pass. */
  leakSeen: ReadonlyMap<string, number>;
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
  leakSeen: Map<string, number>;
  /** Whether candidates were kept because the cache was not proven fresh. */
  deferred: boolean;
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

/**
 * Runs one repair pass on `state`.
 *
 * 1. Walk the Services oldest first (so the older of two holders keeps a duplicate): a port out
 *    of range is PortOutOfRange, one already counted for another Service PortAlreadyAllocated,
 *    one not allocated is claimed for the Service (PortNotAllocated, "repairing"). An allocated
 *    port whose recorded owner is gone or missing is re-owned by its holder.
 * 2. Every allocated port no Service holds: freed at once if isReleasable; otherwise a leak
 *    candidate, freed once it has waited `graceMs` and the cache is fresh.
 */
export function repairPortMap(state: PortMapState, input: RepairInput): RepairOutcome {
  const out: RepairOutcome = { findings: [], released: [], leakSeen: new Map(), deferred: false, changed: false };
  const services = [...input.services].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || keyOf(a).localeCompare(keyOf(b)));
  const holders = new Map<number, Readonly<Service>>();
  // 1.
  for (const svc of services) {
    for (const port of collectServiceNodePorts(svc)) {
      if (!state.range.contains(port)) {
        out.findings.push({ service: svc, type: 'outOfRange', reason: PortEventReasons.portOutOfRange, note: `Port ${port} is not within the port range ${state.rangeText}; please recreate service` });
        continue;
      }
      if (holders.has(port)) {
        out.findings.push({ service: svc, type: 'duplicate', reason: PortEventReasons.portAlreadyAllocated, note: `Port ${port} was assigned to multiple services; please recreate service` });
        continue;
      }
      holders.set(port, svc);
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
  }
  // 2.
  for (const port of state.allocatedPorts()) {
    if (holders.has(port)) continue;
    const owner = state.ownerOf(port);
    if (isReleasable(port, owner, input.lookup, input.cacheRV)) {
      state.release(port);
      out.released.push(port);
      out.changed = true;
      continue;
    }
    const candidate = `${port} ${owner?.uid ?? ''} ${owner?.rv ?? ''}`;
    // A stale cache proves nothing: the candidate's wait starts again (its counter does not advance).
    const firstSeenMs = input.fresh ? (input.leakSeen.get(candidate) ?? input.nowMs) : input.nowMs;
    if (input.fresh && input.nowMs - firstSeenMs >= input.graceMs) {
      state.release(port);
      out.released.push(port);
      out.changed = true;
      continue;
    }
    if (!input.fresh) out.deferred = true;
    out.leakSeen.set(candidate, firstSeenMs);
  }
  return out;
}

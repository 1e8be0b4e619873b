/**
 * Runs a NodePort plan against the port map state, as one step of a compare-and-swap batch:
 * everything is checked before anything changes, so a Service that cannot be served leaves the
 * state as it was (apart from its releasable claims). Randomness comes from the state's range.
 */
import { PortEventReasons } from '../../api-types/well-known.js';
import { internalErrorNote } from './failures.js';
import type { PortMapState } from './port-map.js';
import type { NodePortPlan, NodePortProblem, SlotAssignment } from './reconcile.js';

/** What running a plan did. */
export interface PlanOutcome {
  plan: NodePortPlan;
  /** Automatic ports given to slots (reused or new). */
  assigned: SlotAssignment[];
  /** Ports freed. */
  released: number[];
  /** Explicit ports newly claimed. */
  staticClaims: number;
  /** Automatic ports newly allocated (not reused). */
  dynamicClaims: number;
  problems: NodePortProblem[];
  /** Whether the state changed (a write is needed). */
  changed: boolean;
}

/**
 * Applies `plan` to `state`.
 *
 * 1. Release the releasable claims.
 * 2. With problems, stop: the Service is left as it is.
 * 3. Check there are enough free ports for the automatic slots not covered by reuse; if not, a
 *    PortRangeFull problem (Kubernetes' 500 `Internal error occurred: failed to allocate a
 *    nodePort: range is full`).
 * 4. Claim the explicit ports (taking over ports whose owner is provably gone).
 * 5. Fill slots: reused ports first (re-stamped with this write's resourceVersion), then new ones.
 * 6. Free the reuse ports no slot took, when releasable (a removed port entry).
 */
export function runPlan(state: PortMapState, plan: NodePortPlan): PlanOutcome {
  const out: PlanOutcome = { plan, assigned: [], released: [], staticClaims: 0, dynamicClaims: 0, problems: [...plan.problems], changed: false };
  // 1.
  for (const port of plan.release) {
    state.release(port);
    out.released.push(port);
    out.changed = true;
  }
  // 2.
  const owner = plan.owner;
  if (!owner || out.problems.length > 0) return out;
  // 3.
  const fresh = Math.max(0, plan.slots.length - plan.reuse.length);
  const takeover = plan.claim.filter((p) => state.isAllocated(p)).length;
  if (fresh + plan.claim.length - takeover > state.range.free) {
    const hcOnly = plan.slots.length === 1 && plan.slots[0]?.kind === 'healthCheck';
    out.problems.push({
      code: 'RangeFull',
      reason: PortEventReasons.portRangeFull,
      scope: 'dynamic',
      note: internalErrorNote(hcOnly ? 'failed to allocate a HealthCheck NodePort 0: range is full' : 'failed to allocate a nodePort: range is full'),
    });
    return out;
  }
  // 4.
  for (const port of plan.claim) {
    if (state.isAllocated(port)) state.release(port);
    state.claim(port, owner);
    out.staticClaims++;
    out.changed = true;
  }
  // 5.
  const reuse = [...plan.reuse];
  for (const slot of plan.slots) {
    const reused = reuse.shift();
    if (reused !== undefined) {
      state.setOwner(reused, owner);
      out.assigned.push({ slot, port: reused });
    } else {
      out.assigned.push({ slot, port: state.claimNext(owner) });
      out.dynamicClaims++;
    }
    out.changed = true;
  }
  // 6.
  for (const port of reuse) {
    if (!plan.releaseIfUnused.includes(port)) continue;
    state.release(port);
    out.released.push(port);
    out.changed = true;
  }
  return out;
}

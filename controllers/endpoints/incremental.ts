/**
 * The Endpoints planner the controller calls: the full reconcile (reconcile.ts), or, when only
 * a few pods changed since the last applied plan, the same plan computed from those pods alone
 * (docs/decisions/008-incremental-endpoint-plans.md). Pure: the memo of the last sync comes in,
 * the plan and the memo's next state come out; nothing given is edited.
 *
 * The fast path covers Services whose Endpoints is one subset (every included pod resolves the
 * Service's ports the same way) and stays within capacity: a changed pod's address is taken
 * out of its sorted list and the new one put in its place. Anything else (truncation, several
 * subsets, no address left, a cache that is not what the last plan left) takes the full
 * reconcile.
 */
import type { EndpointAddress, EndpointPort, Endpoints, EndpointSubset, Pod, Service } from '../../api-types/core.js';
import type { StringMap } from '../../api-types/meta.js';
import { findPort } from '../shared/find-port.js';
import { diffPods } from '../shared/pod-changes.js';
import { endpointsAddressState } from '../shared/pod.js';
import { endpointsFamily, podIPFor, toAddress, type DesiredSubsets } from './desired.js';
import { sameAddress } from './equal.js';
import { StaleEndpointsError } from './errors.js';
import { endpointsLabels, planWrite, reconcileEndpointsWithDesired, type EndpointsPlan, type EndpointsSnapshot } from './reconcile.js';
import { compareText } from './repack.js';
import { maxEndpointsCapacity } from './truncate.js';

interface PodAddress {
  address: EndpointAddress;
  ready: boolean;
}

/**
 * What the planner remembers of one Service after an applied plan. Opaque to the controller,
 * which keeps one per Service and drops it when the Service goes or a sync fails.
 */
export interface EndpointsMemo {
  readonly service: Service;
  readonly capacity: number;
  /** How every included pod resolves the Service's ports (portSignature). */
  readonly signature: string;
  readonly ports: EndpointPort[] | undefined;
  /** endpointsLabels of the Service, once: shared by the plans' objects, read only. */
  readonly labels: StringMap;
  /** The Endpoints as the cache should hold it: the cached object, or the server's reply to our write. */
  endpoints: Endpoints;
  pods: readonly Pod[];
  /** The one subset's addresses, in canonical order. */
  ready: EndpointAddress[];
  notReady: EndpointAddress[];
  readonly byPod: Map<string, PodAddress>;
}

/** The memo's next state, once the plan's write is known. */
export interface PendingEndpointsMemo {
  /**
   * The memo after the plan was applied: `written` is the server's reply to its create or
   * update (ignored when it writes nothing). The memo given to planEndpoints must not be used
   * again. Undefined when a reply was expected and is missing.
   */
  settle(written: Endpoints | undefined): EndpointsMemo | undefined;
}

/** The plan of one sync and how it was made. */
export interface EndpointsPlanResult {
  plan: EndpointsPlan;
  /** True when the plan came from the changed pods alone. */
  incremental: boolean;
  /** The next memo; undefined when the fast path cannot follow this plan. */
  next?: PendingEndpointsMemo;
}

/**
 * How a pod resolves each Service port (the numbers, `-` where a named port is missing);
 * undefined when it serves none of them (it is then left out). Pods with equal signatures
 * land in the same subsets.
 */
function portSignature(service: Service, pod: Pod): string | undefined {
  const ports = service.spec?.ports ?? [];
  let served = ports.length === 0;
  let sig = '';
  for (const sp of ports) {
    const n = findPort(pod, sp);
    if (n !== undefined) served = true;
    sig += `${n ?? '-'},`;
  }
  return served ? sig : undefined;
}

/** At most this many changed pods take the fast path: beyond, one full pass costs less. */
function changeLimit(pods: number): number {
  return Math.max(4, pods >> 3);
}

/**
 * Plans one sync: the incremental plan when `memo` allows it, else reconcileEndpoints. Either
 * way the plan equals what reconcileEndpoints(s) returns, and throws what it throws
 * (test/controllers/endpoints/incremental.property.test.ts).
 */
export function planEndpoints(s: EndpointsSnapshot, memo: EndpointsMemo | undefined): EndpointsPlanResult {
  const fast = memo ? planFromChanges(s, memo) : undefined;
  if (fast) return fast;
  const { plan, desired } = reconcileEndpointsWithDesired(s);
  return { plan, incremental: false, next: memoAfterFullPlan(s, plan, desired) };
}

function memoAfterFullPlan(s: EndpointsSnapshot, plan: EndpointsPlan, desired: DesiredSubsets | undefined): PendingEndpointsMemo | undefined {
  const { service } = s;
  if (!service || !desired || desired.truncated || desired.subsets.length !== 1) return undefined;
  if (plan.action === 'delete' || (plan.action === 'none' && plan.reason !== 'unchanged')) return undefined;
  const ss = desired.subsets[0];
  const ready = ss.addresses ?? [];
  const notReady = ss.notReadyAddresses ?? [];
  const byPod = new Map<string, PodAddress>();
  for (const address of ready) byPod.set(address.targetRef?.name ?? '', { address, ready: true });
  for (const address of notReady) byPod.set(address.targetRef?.name ?? '', { address, ready: false });
  if (byPod.size === 0 || byPod.size !== ready.length + notReady.length) return undefined;
  const first = (ready[0] ?? notReady[0]).targetRef?.name;
  const pod = s.pods.find((p) => p.metadata.name === first);
  const signature = pod && portSignature(service, pod);
  if (signature === undefined) return undefined;
  const labels = endpointsLabels(service);
  return {
    settle(written) {
      const endpoints = plan.action === 'none' ? s.existing : written;
      if (!endpoints) return undefined;
      return { service, capacity: s.maxCapacity ?? maxEndpointsCapacity, signature, ports: ss.ports, labels, endpoints, pods: s.pods, ready, notReady, byPod };
    },
  };
}

/** Inserts in (IP, UID) order; false when an address with the same IP and UID is there already. */
function insertSorted(list: EndpointAddress[], a: EndpointAddress): boolean {
  let lo = 0;
  let hi = list.length;
  // One relational comparison of the IP texts per step (string comparisons dominate here); the
  // UID only decides between equal IPs.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const ip = list[mid].ip;
    const c = ip === a.ip ? compareText(list[mid].targetRef?.uid ?? '', a.targetRef?.uid ?? '') : ip < a.ip ? -1 : 1;
    if (c === 0) return false;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, a);
  return true;
}

/**
 * The fast path; undefined whenever it cannot be sure to match reconcileEndpoints.
 *
 * 1. The memo is for this Service object and capacity, and the cached Endpoints is the one it
 *    expects (the same object, or the reply to our write by uid and resourceVersion).
 * 2. Diff the pods by identity. Per changed pod: its address and list before (memo) and now
 *    (§4.6 state, IP of the family, port signature equal to the memo's or none at all).
 * 3. Unchanged addresses leave the object as it is: no write. Otherwise the lists are copied,
 *    edited, checked against capacity, and written as reconcileEndpoints step 5 does.
 */
function planFromChanges(s: EndpointsSnapshot, memo: EndpointsMemo): EndpointsPlanResult | undefined {
  const { service, existing } = s;
  // 1.
  if (!service || service !== memo.service || (s.maxCapacity ?? maxEndpointsCapacity) !== memo.capacity || !existing) return undefined;
  const known = memo.endpoints.metadata;
  if (existing !== memo.endpoints && !(known.resourceVersion !== undefined && known.resourceVersion === existing.metadata.resourceVersion && known.uid === existing.metadata.uid)) return undefined;
  if (s.isStale?.(existing)) throw new StaleEndpointsError(`${s.namespace}/${s.name}`, existing.metadata.resourceVersion ?? '');
  // 2.
  const changes = diffPods(memo.pods, s.pods, changeLimit(s.pods.length));
  if (!changes) return undefined;
  const pnra = service.spec?.publishNotReadyAddresses === true;
  const family = endpointsFamily(service);
  let ready = memo.ready;
  let notReady = memo.notReady;
  const edits: [string, PodAddress | undefined][] = [];
  for (const c of changes) {
    const name = (c.after ?? c.before)!.metadata.name ?? '';
    const old = c.before ? memo.byPod.get(name) : undefined;
    let now: PodAddress | undefined;
    if (c.after) {
      const state = endpointsAddressState(c.after, pnra);
      const ip = state === 'excluded' ? undefined : podIPFor(c.after, family);
      // Ports resolve on the containers: the same (interned) containers as before, the same signature.
      const sameContainers = old !== undefined && c.after.spec?.containers === c.before!.spec?.containers && c.after.spec?.initContainers === c.before!.spec?.initContainers;
      const signature = ip === undefined ? undefined : sameContainers ? memo.signature : portSignature(service, c.after);
      if (signature !== undefined && signature !== memo.signature) return undefined;
      if (signature !== undefined) now = { address: toAddress(c.after, ip!, service), ready: state === 'ready' };
    }
    if (!old && !now) continue;
    if (old && now && old.ready === now.ready && sameAddress(old.address, now.address)) continue;
    edits.push([name, now]);
    if (old) {
      if (old.ready && ready === memo.ready) ready = [...ready];
      if (!old.ready && notReady === memo.notReady) notReady = [...notReady];
      const list = old.ready ? ready : notReady;
      const at = list.indexOf(old.address);
      if (at < 0) return undefined;
      list.splice(at, 1);
    }
    if (now) {
      if (now.ready && ready === memo.ready) ready = [...ready];
      if (!now.ready && notReady === memo.notReady) notReady = [...notReady];
      if (!insertSorted(now.ready ? ready : notReady, now.address)) return undefined;
    }
  }
  // 3.
  const counts = { readyPods: ready.length, notReadyPods: notReady.length, truncated: false };
  let plan: EndpointsPlan;
  if (edits.length === 0) {
    plan = { action: 'none', reason: 'unchanged', counts };
  } else {
    const total = ready.length + notReady.length;
    if (total === 0 || total > memo.capacity) return undefined;
    const subset: EndpointSubset = {};
    if (ready.length > 0) subset.addresses = ready;
    if (notReady.length > 0) subset.notReadyAddresses = notReady;
    if (memo.ports) subset.ports = memo.ports;
    plan = planWrite(s, [subset], false, memo.labels, counts);
  }
  const next: PendingEndpointsMemo = {
    settle(written) {
      const endpoints = plan.action === 'none' ? existing : written;
      if (!endpoints) return undefined;
      for (const [name, now] of edits) {
        if (now) memo.byPod.set(name, now);
        else memo.byPod.delete(name);
      }
      memo.endpoints = endpoints;
      memo.pods = s.pods;
      memo.ready = ready;
      memo.notReady = notReady;
      return memo;
    },
  };
  return { plan, incremental: true, next };
}

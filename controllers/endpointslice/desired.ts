/**
 * Pods → desired endpoints, grouped by port mapping, per address type
 * (../shared/reference/kubernetes-behaviour.md §5.4 "Endpoints", "Pods included", "Pod's node
 * not in the node cache"; §5.5 step 3). Ported from `staging/src/k8s.io/endpointslice/
 * reconciler.go` (`reconcileByAddressType`, desired-state part) and `utils.go`
 * (`podToEndpoint`, `getEndpointPorts`). Cost is O(pods of the Service × ports).
 */
import type { IPFamily, Node, Pod, Service } from '../../api-types/core.js';
import type { SliceEndpoint, SlicePort } from '../../api-types/networking.js';
import { Labels } from '../../api-types/well-known.js';
import { findPort } from '../shared/find-port.js';
import { isPodReady, podIPsOfFamily, shouldPodBeInEndpoints, shouldSetHostname } from '../shared/pod.js';
import { computeEndpointKey, endpointKey, portMapKey, sameEndpointKey } from './endpoint-hash.js';

/** The desired endpoints of one port mapping, keyed by endpoint identity (endpointKey). */
export interface DesiredGroup {
  ports: SlicePort[];
  endpoints: Map<string, SliceEndpoint>;
}

/** A reason the reconcile must be retried even though its plan is applied. */
export interface SliceProblem {
  /** `NodeNotFound`: a pod's node is not in the node cache (the pod is left out). */
  code: 'NodeNotFound';
  /** Kubernetes' words, e.g. `skipping Pod p for Service ns/s: Node n Not Found`. */
  message: string;
}

/** Desired state of every address type of a Service. */
export interface DesiredState {
  /** Per address type, the groups by port-map key (portMapKey). */
  byAddressType: Map<IPFamily, Map<string, DesiredGroup>>;
  problems: SliceProblem[];
}

/**
 * The endpoint ports of a pod: one per Service port whose target resolves on the pod, named
 * after the Service port (`""` when unnamed), with its protocol and appProtocol.
 */
export function endpointPortsForPod(service: Service, pod: Pod): SlicePort[] {
  const out: SlicePort[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: SlicePort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/**
 * The endpoint of a pod for one address type (`podToEndpoint`): serving = Ready condition,
 * terminating = deletionTimestamp set, ready = publishNotReadyAddresses or (serving and not
 * terminating); nodeName, zone (from the node's label), hostname and targetRef.
 */
export function podToEndpoint(pod: Pod, node: Node | undefined, service: Service, addressType: IPFamily): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = !!service.spec?.publishNotReadyAddresses || (serving && !terminating);
  const ep: SliceEndpoint = {
    addresses: podIPsOfFamily(pod, addressType),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[Labels.topologyZone];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, service)) ep.hostname = pod.spec!.hostname;
  return ep;
}

/**
 * Computes the desired endpoints of every address type. Pods that are terminal or have no IP
 * are left out; terminating pods are kept. A pod whose node is missing from `nodes` is left
 * out with a NodeNotFound problem, unless publishNotReadyAddresses is set (then it is kept
 * without a zone). A pod without an address of a family has no endpoint in that family, but
 * its port mapping still counts as desired, as in Kubernetes.
 */
export function computeDesired(service: Service, pods: readonly Pod[], nodes: ReadonlyMap<string, Node>, addressTypes: readonly IPFamily[]): DesiredState {
  const byAddressType = new Map<IPFamily, Map<string, DesiredGroup>>();
  for (const t of addressTypes) byAddressType.set(t, new Map());
  const problems: SliceProblem[] = [];
  const publishNotReady = !!service.spec?.publishNotReadyAddresses;
  const ns = service.metadata.namespace;
  const name = service.metadata.name;
  // Numeric target ports resolve the same on every pod: compute the mapping once.
  const uniform = (service.spec?.ports ?? []).every((p) => typeof p.targetPort !== 'string');
  let sharedPorts: SlicePort[] | undefined;
  let sharedKey = '';
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    let ports = sharedPorts;
    let key = sharedKey;
    if (!ports) {
      ports = endpointPortsForPod(service, pod);
      key = portMapKey(ports);
      if (uniform) [sharedPorts, sharedKey] = [ports, key];
    }
    const nodeName = pod.spec?.nodeName ?? '';
    const node = nodes.get(nodeName);
    const skip = !node && !publishNotReady;
    if (skip) problems.push({ code: 'NodeNotFound', message: `skipping Pod ${pod.metadata.name} for Service ${ns}/${name}: Node ${nodeName} Not Found` });
    for (const [addressType, groups] of byAddressType) {
      let group = groups.get(key);
      if (!group) {
        group = { ports, endpoints: new Map() };
        groups.set(key, group);
      }
      if (skip) continue;
      const m = podEndpoint(pod, node, service, addressType);
      if (m) group.endpoints.set(m.key, m.ep);
    }
  }
  return { byAddressType, problems };
}

interface PodMemo {
  service: Service;
  node: Node | undefined;
  byType: Map<IPFamily, { ep: SliceEndpoint; key: string } | null>;
}

// Informer-cache objects are never edited, only replaced, so a pod's endpoint is a function of
// the (pod, node, Service) objects: remembered per pod object and reused while the Service
// and node objects are the same. The endpoints are frozen, as they are shared between plans.
const podMemo = new WeakMap<Pod, PodMemo>();

/**
 * The pod's endpoint of one address type and its identity key (endpointKey), or null when the
 * pod has no address of that type: {@link podToEndpoint}, remembered per pod object (while the
 * node and Service objects are the same) and frozen.
 */
export function podEndpoint(pod: Pod, node: Node | undefined, service: Service, addressType: IPFamily): { ep: SliceEndpoint; key: string } | null {
  let memo = podMemo.get(pod);
  if (!memo || memo.service !== service || memo.node !== node) {
    memo = { service, node, byType: new Map() };
    podMemo.set(pod, memo);
  }
  let hit = memo.byType.get(addressType);
  if (hit === undefined) {
    const ep = podToEndpoint(pod, node, service, addressType);
    hit = ep.addresses.length > 0 ? { ep: freezeEndpoint(ep), key: endpointKey(ep) } : null;
    memo.byType.set(addressType, hit);
  }
  return hit;
}

/**
 * {@link podEndpoint} without remembering it: for a pod object seen once (the incremental
 * planner's changed pods), where a WeakMap entry would cost more than it ever saves. When
 * `before` (the pod's previous endpoint) has the same identity, its key is reused rather
 * than built again. Not frozen either: four freezes cost about as much as building the
 * endpoint, and a frozen `addresses` array is slower to read in every later plan. No planner
 * edits an endpoint (the hint passes replace them with copies), so nothing shared changes.
 */
export function freshPodEndpoint(pod: Pod, node: Node | undefined, service: Service, addressType: IPFamily, before?: { ep: SliceEndpoint; key: string }): { ep: SliceEndpoint; key: string } | null {
  const ep = podToEndpoint(pod, node, service, addressType);
  if (ep.addresses.length === 0) return null;
  return { ep, key: before && sameEndpointKey(before.ep, ep) ? before.key : computeEndpointKey(ep) };
}

function freezeEndpoint(ep: SliceEndpoint): SliceEndpoint {
  Object.freeze(ep.addresses);
  Object.freeze(ep.conditions);
  Object.freeze(ep.targetRef);
  return Object.freeze(ep);
}

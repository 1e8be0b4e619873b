/**
 * The subsets an Endpoints object should hold for a Service and its selected pods
 * (../shared/reference/kubernetes-behaviour.md §4.2 steps 5–8, §4.3, §4.4, §4.6). Ported from
 * `pkg/controller/endpoint/endpoints_controller.go` (`syncService`, `podToEndpointAddressForService`,
 * `addEndpointSubset`, `endpointPortFromServicePort`).
 *
 * Upstream makes one subset per (pod, port), repacks them and then truncates. The result here is
 * the same, built directly: pods are grouped by the set of ports they resolve, ports by the pods
 * that serve them, truncation is decided on counts, and only the addresses that survive it are
 * selected (radix-order.ts), sorted and built. That keeps a 5,000-pod sync linear.
 */
import type { EndpointAddress, EndpointPort, EndpointSubset, IPFamily, Pod, Service, ServicePort } from '../../api-types/core.js';
import { findPort } from '../shared/find-port.js';
import { canonicalIP, canonicalIPOfFamily, endpointsAddressState, plainIPv4Value, shouldSetHostname } from '../shared/pod.js';
import { ipv4TextKey, lowestByIPThenUID } from './radix-order.js';
import { comparePorts, compareText, portKey, repackSubsets, subsetSortKey } from './repack.js';
import { allocateTruncation, maxEndpointsCapacity } from './truncate.js';

/** The desired subsets of one Service's Endpoints. */
export interface DesiredSubsets {
  /** Canonical (repacked) subsets, truncated to 1000 addresses. */
  subsets: EndpointSubset[];
  /** Whether addresses were cut (the over-capacity annotation is then set). */
  truncated: boolean;
  /** Pods included as ready, before truncation. */
  readyPods: number;
  /** Pods included as not ready, before truncation. */
  notReadyPods: number;
}

/**
 * The family an Endpoints carries (it is single-family): `spec.ipFamilies[0]`, else the family
 * of the ClusterIP; undefined for a headless Service without families, where each pod's first IP
 * decides.
 */
export function endpointsFamily(service: Service): IPFamily | undefined {
  const first = service.spec?.ipFamilies?.[0];
  if (first) return first;
  const clusterIP = service.spec?.clusterIP;
  if (clusterIP && clusterIP !== 'None') return clusterIP.includes(':') ? 'IPv6' : 'IPv4';
  return undefined;
}

/** The pod's first IP of the family, canonical (`01.2.3.4` → `1.2.3.4`); undefined if none. */
export function podIPFor(pod: Pod, family: IPFamily | undefined): string | undefined {
  const status = pod.status;
  const list = status?.podIPs;
  // Read in place rather than through podIPs(): this runs for every pod on every sync.
  if (!list?.length) {
    const single = status?.podIP;
    if (!single) return undefined;
    return canonicalIPOfFamily(single, family ?? canonicalIP(single)?.family ?? 'IPv4');
  }
  // Upstream reads a headless Service's family off status.podIP, the first of podIPs.
  const want = family ?? canonicalIP(list[0].ip)?.family ?? 'IPv4';
  for (const { ip } of list) {
    const text = canonicalIPOfFamily(ip, want);
    if (text !== undefined) return text;
  }
  return undefined;
}

function endpointPort(src: ServicePort, port: number): EndpointPort {
  // Key order as Kubernetes prints it; an empty name is omitted as Go's omitempty does.
  const out: EndpointPort = src.name ? { name: src.name, port } : { port };
  out.protocol = src.protocol ?? 'TCP';
  if (src.appProtocol !== undefined) out.appProtocol = src.appProtocol;
  return out;
}

/** The address of a pod in the Service's Endpoints: IP, hostname (when it applies), nodeName and targetRef. */
export function toAddress(pod: Pod, ip: string, service: Service): EndpointAddress {
  const a: EndpointAddress = { ip };
  if (shouldSetHostname(pod, service)) a.hostname = pod.spec!.hostname;
  // Upstream always sets nodeName (a pointer to spec.nodeName); an empty name would fail
  // validation, and a pod with an IP is scheduled, so it is left out only when empty.
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  a.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return a;
}

interface Group {
  ports: EndpointPort[];
  sigs: Uint8Array;
  ready: number[];
  notReady: number[];
  key: string;
}

/**
 * Computes the desired subsets. `pods` are the pods the Service's selector matched; inclusion
 * (§4.6), named ports and hostnames are decided here through controllers/shared/.
 *
 * @param capacity the most addresses kept; Kubernetes' {@link maxEndpointsCapacity} unless a test lowers it.
 *
 * 1. Resolve each pod: state (ready, not ready, excluded), its IP of the Endpoints family, and
 *    its signature: the ports it serves (a named targetPort it lacks leaves it out of that port).
 * 2. Pods are distinct (an informer cache holds each once), so (IP, UID) pairs are unique and
 *    RepackSubsets' de-duplication has nothing to do.
 * 3. Group ports served by the same signatures: one subset per group (RepackSubsets' grouping),
 *    ordered by first address and ports.
 * 4. Truncate by counts (§4.4), then select, order and build only the addresses kept.
 */
export function desiredSubsets(service: Service, pods: readonly Pod[], capacity = maxEndpointsCapacity): DesiredSubsets {
  const spec = service.spec ?? {};
  const servicePorts = spec.ports ?? [];
  const headlessNoPorts = servicePorts.length === 0;
  if (headlessNoPorts && spec.clusterIP !== 'None') return { subsets: [], truncated: false, readyPods: 0, notReadyPods: 0 };
  const family = endpointsFamily(service);
  const pnra = spec.publishNotReadyAddresses === true;

  // 1. Port ids: index into `ports`; a headless Service without ports has one id and no port.
  const ports: (EndpointPort | undefined)[] = [];
  const portIds = new Map<string, number>();
  const idOf = (p: EndpointPort): number => {
    const k = portKey(p);
    let id = portIds.get(k);
    if (id === undefined) portIds.set(k, (id = ports.push(p) - 1));
    return id;
  };
  const allNumeric = servicePorts.every((sp) => typeof (sp.targetPort ?? sp.port) === 'number');
  const sigIds = new Map<string, number>();
  const sigPorts: number[][] = [];
  const sigOf = (ids: number[]): number => {
    const k = ids.join(',');
    let id = sigIds.get(k);
    if (id === undefined) sigIds.set(k, (id = sigPorts.push(ids) - 1));
    return id;
  };
  let fixedSig = -1;
  if (headlessNoPorts) {
    ports.push(undefined);
    fixedSig = sigOf([0]);
  } else if (allNumeric) {
    fixedSig = sigOf(servicePorts.map((sp) => idOf(endpointPort(sp, (sp.targetPort ?? sp.port) as number))));
  }

  const sigByContainers = new Map<readonly object[], number>();
  let lastContainers: readonly object[] | undefined;
  let lastSig = -1;
  const ips: string[] = [];
  const uids: string[] = [];
  const podOf: Pod[] = [];
  const readyOf = new Uint8Array(pods.length);
  const sigOfPod = new Int32Array(pods.length);
  // Every included pod by readiness: the subset's lists when one signature covers all pods.
  const readyIds: number[] = [];
  const notReadyIds: number[] = [];
  // ipv4TextKey of each IP, while every IP is canonical IPv4 (read once here, not again to order).
  let keys: number[] | undefined = [];
  for (const pod of pods) {
    const state = endpointsAddressState(pod, pnra);
    if (state === 'excluded') continue;
    // The common case first: the pod's first IP is canonical IPv4, and the Service takes IPv4 (or
    // a headless one without families takes the first IP's family): that IP is the address.
    const list = pod.status?.podIPs;
    const first = list?.length ? list[0].ip : pod.status?.podIP;
    const value = first !== undefined && family !== 'IPv6' ? plainIPv4Value(first) : -1;
    const ip = value >= 0 ? first : podIPFor(pod, family);
    if (ip === undefined) continue;
    let sig = fixedSig;
    if (sig < 0) {
      // Pods of one template share their (interned, frozen) containers array: resolve once per array.
      // The last pod's array first: a Service's pods are mostly of one template.
      const containers = pod.spec?.initContainers ? undefined : pod.spec?.containers;
      const cached = containers === undefined ? undefined : containers === lastContainers ? lastSig : sigByContainers.get(containers);
      if (cached !== undefined) sig = cached;
      else {
        const ids: number[] = [];
        for (let i = 0; i < servicePorts.length; i++) {
          const num = findPort(pod, servicePorts[i]);
          if (num !== undefined) ids.push(idOf(endpointPort(servicePorts[i], num)));
        }
        sig = ids.length === 0 ? -1 : sigOf(ids);
        if (containers) sigByContainers.set(containers, sig);
      }
      lastContainers = containers;
      lastSig = sig;
      if (sig < 0) continue;
    }
    (state === 'ready' ? readyIds : notReadyIds).push(ips.length);
    readyOf[ips.length] = state === 'ready' ? 1 : 0;
    sigOfPod[ips.length] = sig;
    ips.push(ip);
    if (keys) {
      const v = value >= 0 ? value : plainIPv4Value(ip);
      if (v >= 0) keys.push(ipv4TextKey(v));
      else keys = undefined;
    }
    uids.push(pod.metadata.uid ?? '');
    podOf.push(pod);
  }

  // 2. (Pods come from a cache keyed by name: each appears once, so (IP, UID) pairs are unique.)
  // 3. A port's column is the set of signatures holding it; equal columns share a subset.
  const columns = new Map<string, Group>();
  for (let p = 0; p < ports.length; p++) {
    const sigs = new Uint8Array(sigPorts.length);
    const members: number[] = [];
    for (let s = 0; s < sigPorts.length; s++) {
      if (!sigPorts[s].includes(p)) continue;
      sigs[s] = 1;
      members.push(s);
    }
    const ck = members.join(',');
    let g = columns.get(ck);
    if (!g) columns.set(ck, (g = { ports: [], sigs, ready: [], notReady: [], key: '' }));
    const port = ports[p];
    if (port) g.ports.push(port);
  }
  const groups: Group[] = [];
  for (const g of columns.values()) {
    if (sigPorts.length === 1 && g.sigs[0] === 1) {
      g.ready = readyIds;
      g.notReady = notReadyIds;
    } else {
      for (let id = 0; id < ips.length; id++) if (g.sigs[sigOfPod[id]]) (readyOf[id] ? g.ready : g.notReady).push(id);
    }
    if (g.ready.length + g.notReady.length === 0) continue;
    g.ports.sort(comparePorts);
    groups.push(g);
  }
  if (groups.length > 1) {
    for (const g of groups) {
      const first = lowestByIPThenUID(ips, uids, g.ready.length > 0 ? g.ready : g.notReady, 1, keys)[0];
      g.key = subsetSortKey({ addresses: [{ ip: ips[first], targetRef: { uid: uids[first] } }], ports: g.ports });
    }
    groups.sort((a, b) => compareText(a.key, b.key));
  }

  // 4. Truncation needs only the counts; then only the addresses kept are ordered and built.
  const alloc = allocateTruncation(groups.map((g) => g.ready.length), groups.map((g) => g.notReady.length), capacity);
  const build = (ids: number[], keep: number): EndpointAddress[] => {
    const out: EndpointAddress[] = [];
    for (const id of lowestByIPThenUID(ips, uids, ids, keep, keys)) out.push(toAddress(podOf[id], ips[id], service));
    return out;
  };
  const subsets = groups.map((g, i) => {
    const ss: EndpointSubset = {};
    const nReady = alloc ? alloc.ready[i] : g.ready.length;
    const nNotReady = alloc ? alloc.notReady[i] : g.notReady.length;
    if (nReady > 0) ss.addresses = build(g.ready, nReady);
    if (nNotReady > 0) ss.notReadyAddresses = build(g.notReady, nNotReady);
    if (g.ports.length > 0) ss.ports = g.ports;
    return ss;
  });
  // Cutting can empty a subset or make two subsets' address sets equal; the API server would
  // repack them on write, so repack here too. One subset stays canonical as it is.
  return { subsets: alloc && subsets.length > 1 ? repackSubsets(subsets) : subsets, truncated: alloc !== undefined, readyPods: readyIds.length, notReadyPods: notReadyIds.length };
}

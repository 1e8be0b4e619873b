/**
 * Pod inclusion rules shared by the Endpoints and EndpointSlice controllers
 * (../shared/reference/kubernetes-behaviour.md §4.2 steps 5–8, §4.6, §5.4). Ported from
 * `staging/src/k8s.io/endpointslice/util/controller_utils.go` (`ShouldPodBeInEndpoints`,
 * `ShouldSetHostname`, `IsPodReady`) and `utils.go` (`getEndpointAddresses`).
 * Pure functions over slim pods (controllers/runtime/transforms.ts `slimPod`).
 */
import ipaddr from 'ipaddr.js';
import type { IPFamily, Pod, Service } from '../../api-types/core.js';
import { podIPs } from '../runtime/transforms.js';

/** True when the pod is in a terminal phase (`Succeeded` or `Failed`). */
export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** True when the pod's Ready condition is `True`. */
export function isPodReady(pod: Pod): boolean {
  const conditions = pod.status?.conditions;
  if (!conditions) return false;
  for (const c of conditions) if (c.type === 'Ready') return c.status === 'True';
  return false;
}

/** The lastTransitionTime of the pod's Ready condition (the pod's trigger time, §4.5), if any. */
export function podReadyTransitionTime(pod: Pod): string | undefined {
  const conditions = pod.status?.conditions;
  if (conditions) for (const c of conditions) if (c.type === 'Ready') return c.lastTransitionTime;
  return undefined;
}

/**
 * Decides whether a pod belongs in Endpoints or EndpointSlices at all: not terminal, has an
 * IP, and (unless `includeTerminating`) has no deletionTimestamp. The EndpointSlice controller
 * always passes true; the Endpoints controller passes `publishNotReadyAddresses`.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** Where the Endpoints controller puts a pod (§4.6): `ready`, `notReady`, or excluded. */
export type EndpointsAddressState = 'ready' | 'notReady' | 'excluded';

/**
 * Classifies a pod for the Endpoints controller, the table of §4.6: terminal or IP-less pods
 * are excluded; terminating pods only appear with publishNotReadyAddresses; with it every
 * included pod is ready, without it the Ready condition decides.
 */
export function endpointsAddressState(pod: Pod, publishNotReadyAddresses: boolean): EndpointsAddressState {
  if (!shouldPodBeInEndpoints(pod, publishNotReadyAddresses)) return 'excluded';
  return publishNotReadyAddresses || isPodReady(pod) ? 'ready' : 'notReady';
}

/**
 * True when an endpoint of this pod carries a hostname for the Service: the pod has a
 * hostname, its subdomain is the Service's name, and they share a namespace.
 */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === service.metadata.name && pod.metadata.namespace === service.metadata.namespace;
}

/** One IP in canonical text with its family; undefined when the text is no IP at all. */
export interface CanonicalIP {
  readonly family: IPFamily;
  readonly text: string;
}

const plainIPv4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const sloppyIPv4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Parses a pod IP the way Kubernetes' `ParseIPSloppy` does and prints it canonically:
 * `01.2.3.4` becomes `1.2.3.4` (leading zeros read as decimal), IPv6 in RFC 5952 form, and an
 * IPv4-mapped IPv6 address counts as IPv4. Plain IPv4 text (the common case) takes a fast path.
 */
export function canonicalIP(s: string): CanonicalIP | undefined {
  if (s === lastIPText) return lastIP;
  lastIPText = s;
  lastIP = parseIP(s);
  return lastIP;
}

// canonicalIP's last answer: both endpoint controllers read the same pod's IP for one event.
let lastIPText: string | undefined;
let lastIP: CanonicalIP | undefined;

function parseIP(s: string): CanonicalIP | undefined {
  if (plainIPv4.test(s)) return { family: 'IPv4', text: s };
  if (sloppyIPv4.test(s)) {
    const parts = s.split('.').map(Number);
    return parts.every((p) => p <= 255) ? { family: 'IPv4', text: parts.join('.') } : undefined;
  }
  if (!s.includes(':') || !ipaddr.IPv6.isValid(s)) return undefined;
  const v6 = ipaddr.IPv6.parse(s);
  if (v6.isIPv4MappedAddress()) return { family: 'IPv4', text: v6.toIPv4Address().toString() };
  return { family: 'IPv6', text: v6.toString() };
}

/** The pod's IPs of one family, canonicalised, in the pod's order (`getEndpointAddresses`). */
export function podIPsOfFamily(pod: Pod, family: IPFamily): string[] {
  const out: string[] = [];
  for (const ip of podIPs(pod)) {
    const c = canonicalIP(ip);
    if (c && c.family === family) out.push(c.text);
  }
  return out;
}

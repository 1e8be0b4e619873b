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

/**
 * The value (0 to 2³²−1) of IPv4 text already canonical: four decimal octets of 0–255 without
 * leading zeros; −1 for any other text. Read character by character: it runs once per pod per
 * sync, where a regular expression costs a few times more.
 */
export function plainIPv4Value(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let i = 0;
  let out = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (s.charCodeAt(i) !== 46) return -1;
      i++;
    }
    const start = i;
    let octet = 0;
    for (; i < n && i - start < 3; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + c - 48;
    }
    const digits = i - start;
    if (digits === 0 || octet > 255 || (digits > 1 && s.charCodeAt(start) === 48)) return -1;
    out = out * 256 + octet;
  }
  return i === n ? out : -1;
}

/** True when `s` is IPv4 text already canonical ({@link plainIPv4Value}). */
export function isPlainIPv4(s: string): boolean {
  return plainIPv4Value(s) >= 0;
}

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
  if (isPlainIPv4(s)) return { family: 'IPv4', text: s };
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
    const text = canonicalIPOfFamily(ip, family);
    if (text !== undefined) out.push(text);
  }
  return out;
}

/** `ip` in canonical text when it is of `family`; undefined otherwise (or when no IP at all). */
export function canonicalIPOfFamily(ip: string, family: IPFamily): string | undefined {
  // Canonical IPv4 text (nearly every pod IP) needs neither parsing nor a new object; the last
  // answer (one pod read by both controllers) is checked first.
  if (ip !== lastIPText && isPlainIPv4(ip)) return family === 'IPv4' ? ip : undefined;
  const c = canonicalIP(ip);
  return c && c.family === family ? c.text : undefined;
}

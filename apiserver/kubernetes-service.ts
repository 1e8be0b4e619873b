/**
 * What kube-apiserver creates for itself at start, as objects: the `default/kubernetes` Service,
 * the `kubernetes` ServiceCIDR, and the `default/kubernetes` Endpoints and EndpointSlice that
 * point at the server. Pure: the range checks, the desired objects and the comparisons;
 * kubernetes-service-controller.ts writes them.
 *
 * Ported behaviour:
 * - pkg/controlplane/apiserver/options/options.go `ServiceIPRange`: at least 8 addresses; the
 *   Service IP is the first address after the network address.
 * - cmd/kube-apiserver/app/options/validation.go `validatePublicIPServiceClusterIPRangeIPFamilies`:
 *   the advertised address is of the primary range's family.
 * - pkg/controlplane/controller/kubernetesservice/controller.go
 *   (`CreateOrUpdateMasterServiceIfNeeded`, `createPortAndServiceSpec`, `createEndpointPortSpec`).
 * - pkg/controlplane/reconcilers/lease.go (`doReconcile`, `checkEndpointSubsetFormatWithLease`)
 *   and endpointsadapter.go (`endpointSliceFromEndpoints`, `EnsureEndpointSliceFromEndpoints`,
 *   `setSkipMirrorTrue`).
 * - pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go (`sync`,
 *   `syncStatus`).
 */
import { networkInterfaces } from 'node:os';
import type { Endpoints, IPFamily, Service } from '../api-types/core.js';
import type { Condition } from '../api-types/meta.js';
import type { EndpointSlice, ServiceCIDR } from '../api-types/networking.js';
import { KubernetesService, Labels } from '../api-types/well-known.js';
import { parseServiceClusterIPRanges } from '../allocators/cluster-ip-range.js';
import { familyOf, formatIP, isIP, type ParsedCIDR } from '../allocators/ip.js';
import { deepEqual } from './deep-equal.js';

const FLAG = '--service-cluster-ip-range';
/** `ServiceIPRange`: a range must hold at least this many addresses (network and broadcast included). */
const MIN_RANGE_ADDRESSES = 8n;

/** Everything the objects are built from. */
export interface KubernetesServiceConfig {
  /** The ranges in canonical text, primary first (the ServiceCIDR's `spec.cidrs`). */
  cidrs: string[];
  /** The Service's ClusterIP: the primary range's first address after the network address. */
  serviceIP: string;
  /** The address the Endpoints and EndpointSlice publish (kube-apiserver's advertise address). */
  publicIP: string;
  /** The server's port: the Service's targetPort and the endpoints' port. */
  port: number;
}

/**
 * Parses `--service-cluster-ip-range` as the bundled API server takes it: one or two CIDRs, one
 * per family, in strict network form, as svcplane's allocators take them
 * ({@link parseServiceClusterIPRanges}), and each of at least 8 addresses (`ServiceIPRange`).
 * Throws a TypeError or RangeError naming the flag.
 */
export function parseServiceIPRanges(flag: string): ParsedCIDR[] {
  const cidrs = parseServiceClusterIPRanges(flag);
  cidrs.forEach((cidr, i) => {
    if (1n << BigInt(cidr.bits - cidr.prefixLength) < MIN_RANGE_ADDRESSES) {
      throw new RangeError(`${FLAG}[${i}] ${JSON.stringify(cidr.text)} (in ${JSON.stringify(flag)}): the service cluster IP range must be at least ${MIN_RANGE_ADDRESSES} IP addresses`);
    }
  });
  return cidrs;
}

/** The first address after the network address: the `kubernetes` Service's ClusterIP. */
export function firstServiceIP(cidr: ParsedCIDR): string {
  return formatIP(cidr.network + 1n, cidr.family);
}

/** The loopback address of a family. */
export function loopbackOf(family: IPFamily): string {
  return family === 'IPv4' ? '127.0.0.1' : '::1';
}

/** One address of a host interface, as os.networkInterfaces() lists them. */
export interface HostAddress {
  address: string;
  internal: boolean;
}

/** The host's interface addresses, in the order the system lists them. */
export function hostAddresses(): HostAddress[] {
  return Object.values(networkInterfaces()).flatMap((list) => list ?? []);
}

/**
 * The address to publish when none is given, as kube-apiserver picks its advertise address
 * (DefaultAdvertiseAddress → apimachinery ResolveBindAddress): a specific listening address is
 * itself; for a loopback or every-address listener it is a host interface's global unicast
 * address of the listener's family (chooseHostInterface, which takes the default route's
 * interface; here the first the system lists). The family check against the range comes after,
 * as in kube-apiserver. A host with none of that family gets the listener's loopback, which
 * validation then refuses in the Endpoints, and a line at info says so: kube-apiserver would
 * take the other family's address, or not start, but a test server should start.
 */
export function defaultPublicIP(listening: string, host: readonly HostAddress[] = hostAddresses()): string {
  if (!isLoopbackOrUnspecified(listening)) return listening;
  const family = familyOf(listening) ?? 'IPv4';
  const usable = host.filter((a) => !a.internal && isIP(a.address) && isGlobalUnicast(a.address));
  const found = usable.find((a) => familyOf(a.address) === family);
  return found?.address ?? loopbackOf(family);
}

/**
 * The address to publish when `--advertise-address` is not given, for a server bound to `host`:
 * as {@link defaultPublicIP} for a given IP; for the default loopback listener, a host address
 * of the primary range's family (its loopback on a host without one), since this server's
 * listener and the range need not share a family; undefined for a host name (known once
 * listening).
 */
export function defaultAdvertiseAddress(host: string | undefined, primary: ParsedCIDR, addresses: readonly HostAddress[] = hostAddresses()): string | undefined {
  if (host === undefined) return defaultPublicIP(loopbackOf(primary.family), addresses);
  return isIP(host) ? defaultPublicIP(host, addresses) : undefined;
}

function isLoopbackOrUnspecified(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::' || ip === '::1' || ip.startsWith('127.');
}

/** Not loopback, link-local (169.254/16, fe80::/10) or unspecified: what an advertise address may be. */
function isGlobalUnicast(ip: string): boolean {
  if (isLoopbackOrUnspecified(ip) || ip.startsWith('169.254.')) return false;
  return !/^fe[89ab]/i.test(ip);
}

/**
 * Why `publicIP` cannot be published for the primary range, in kube-apiserver's words, or
 * undefined: it must be an IP of the primary range's family.
 */
export function publicIPProblem(primary: ParsedCIDR, publicIP: string): string | undefined {
  if (!isIP(publicIP)) return `the advertise address must be an IP address, got ${JSON.stringify(publicIP)}`;
  if (familyOf(publicIP) !== primary.family) return `service IP family ${JSON.stringify(primary.text)} must match public address family ${JSON.stringify(publicIP)}`;
  return undefined;
}

/** Builds the configuration; throws a RangeError when `publicIP` does not fit the primary range. */
export function kubernetesServiceConfig(ranges: readonly ParsedCIDR[], publicIP: string, port: number): KubernetesServiceConfig {
  const problem = publicIPProblem(ranges[0], publicIP);
  if (problem) throw new RangeError(problem);
  return { cidrs: ranges.map((r) => r.text), serviceIP: firstServiceIP(ranges[0]), publicIP, port };
}

/**
 * The Service as kube-apiserver creates it: no selector (its endpoints are the API server's
 * business), the first IP of the primary range, SingleStack, port https 443 → the server's port.
 * `ipFamilies` and `clusterIPs` are left to allocation, as in kube-apiserver's create.
 */
export function desiredService(cfg: KubernetesServiceConfig): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: KubernetesService.name, namespace: KubernetesService.namespace, labels: { ...KubernetesService.labels } },
    spec: {
      type: 'ClusterIP',
      ports: [{ name: KubernetesService.portName, protocol: 'TCP', port: KubernetesService.port, targetPort: cfg.port }],
      clusterIP: cfg.serviceIP,
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
    },
  };
}

/** The default ServiceCIDR, without status. */
export function desiredServiceCIDR(cfg: KubernetesServiceConfig): ServiceCIDR {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: KubernetesService.serviceCIDRName }, spec: { cidrs: [...cfg.cidrs] } };
}

/**
 * Whether the stored default ServiceCIDR is to be upgraded from single- to dual-stack (1.33
 * `sync`): two ranges configured, one stored, and it is the configured primary.
 */
export function isServiceCIDRUpgrade(stored: ServiceCIDR, cfg: KubernetesServiceConfig): boolean {
  const cidrs = stored.spec?.cidrs ?? [];
  return cfg.cidrs.length === 2 && cidrs.length === 1 && cidrs[0] === cfg.cidrs[0];
}

/** What the default ServiceCIDR controller does about the status of the stored ServiceCIDR. */
export type ServiceCIDRStatusAction = 'none' | 'set-ready' | 'not-ready' | 'mismatch';

/**
 * Decides about the stored ServiceCIDR's status (1.33 `syncStatus`): nothing while it is being
 * deleted or once Ready=True; `not-ready` when Ready is another status (reported, not changed);
 * `set-ready` when there is no Ready condition and its CIDRs are the configured ones; `mismatch`
 * (left alone) when they are not.
 */
export function serviceCIDRStatusAction(stored: ServiceCIDR, cfg: KubernetesServiceConfig): ServiceCIDRStatusAction {
  if (stored.metadata.deletionTimestamp) return 'none';
  const ready = stored.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready) return ready.status === 'True' ? 'none' : 'not-ready';
  return deepEqual(stored.spec?.cidrs ?? [], cfg.cidrs) ? 'set-ready' : 'mismatch';
}

/** The Ready condition the default ServiceCIDR controller applies (no reason; Go sends it empty). */
export function serviceCIDRReadyCondition(now: string): Condition {
  return { type: 'Ready', status: 'True', lastTransitionTime: now, reason: '', message: KubernetesService.serviceCIDRReadyMessage };
}

function endpointPorts(cfg: KubernetesServiceConfig): { name: string; port: number; protocol: 'TCP' }[] {
  return [{ name: KubernetesService.portName, port: cfg.port, protocol: 'TCP' }];
}

/**
 * The Endpoints for `existing` (or a new one): labelled skip-mirror `"true"` (other labels kept,
 * `setSkipMirrorTrue`), one subset with the public IP and the https port.
 */
export function desiredEndpoints(cfg: KubernetesServiceConfig, existing?: Endpoints): Endpoints {
  const metadata = existing
    ? { ...existing.metadata, labels: { ...existing.metadata.labels, [Labels.skipMirror]: 'true' } }
    : { name: KubernetesService.name, namespace: KubernetesService.namespace, labels: { [Labels.skipMirror]: 'true' } };
  return { apiVersion: 'v1', kind: 'Endpoints', metadata, subsets: [{ addresses: [{ ip: cfg.publicIP }], ports: endpointPorts(cfg) }] };
}

/** True when the stored Endpoints already is what {@link desiredEndpoints} would write. */
export function isEndpointsCurrent(existing: Endpoints, cfg: KubernetesServiceConfig): boolean {
  const want = desiredEndpoints(cfg, existing);
  return deepEqual(existing.metadata.labels ?? {}, want.metadata.labels ?? {}) && deepEqual(existing.subsets ?? [], want.subsets);
}

/**
 * The EndpointSlice (`endpointSliceFromEndpoints`): named and labelled after the Service (only
 * `kubernetes.io/service-name`, no managed-by: no controller owns it), the address type of the
 * public IP, one ready endpoint, the https port.
 */
export function desiredEndpointSlice(cfg: KubernetesServiceConfig, existing?: EndpointSlice): EndpointSlice {
  const metadata = existing
    ? { ...existing.metadata, labels: { [Labels.serviceName]: KubernetesService.name } }
    : { name: KubernetesService.name, namespace: KubernetesService.namespace, labels: { [Labels.serviceName]: KubernetesService.name } };
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata,
    addressType: familyOf(cfg.publicIP) === 'IPv6' ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [cfg.publicIP], conditions: { ready: true } }],
    ports: endpointPorts(cfg),
  };
}

/** What to do with the stored EndpointSlice: nothing, an update, or (address type changed) delete and create. */
export function endpointSliceAction(existing: EndpointSlice, cfg: KubernetesServiceConfig): 'none' | 'update' | 'recreate' {
  const want = desiredEndpointSlice(cfg, existing);
  if (existing.addressType !== want.addressType) return 'recreate';
  const same = deepEqual(existing.endpoints ?? [], want.endpoints) && deepEqual(existing.ports ?? [], want.ports) && deepEqual(existing.metadata.labels ?? {}, want.metadata.labels);
  return same ? 'none' : 'update';
}

/**
 * Options of the simulated kubelet and their defaults, and the `--cluster-cidr` flag parser
 * (comma-separated, at most one CIDR per family, as kube-controller-manager takes it:
 * cmd/kube-controller-manager/app/core.go, processCIDRs).
 */
import type { IPFamily } from '../../api-types/core.js';
import { Annotations, Labels } from '../../api-types/well-known.js';
import { parseCIDR, type ParsedCIDR } from '../../allocators/ip.js';

/** The annotation a demo sets on a pod to force its readiness: "false" keeps it not ready, "true" makes it ready. */
export const SimulateReadyAnnotation = Annotations.simulateReady;

/** The label every node the simulation creates carries, so they can be told apart from real ones. */
export const SimulatedNodeLabel = Labels.simulatedNode;

/** The zones the default nodes are spread over, one per node in turn. */
export const DefaultZones = ['zone-a', 'zone-b', 'zone-c'] as const;

/** Options of the simulated kubelet. */
export interface KubeletSimOptions {
  /** How many Nodes to create (`sim-node-1..N`, zones zone-a/b/c in turn), >= 1. @default 3 */
  nodes?: number;
  /**
   * The pod network: one CIDR, or one per family for dual-stack (the first is the primary
   * family), as a list or a comma-separated `--cluster-cidr` value.
   * @default '10.244.0.0/16'
   */
  clusterCIDR?: string | string[];
  /** Prefix length of each node's podCIDR per family (node IPAM's --node-cidr-mask-size-ipv4/6). @default { IPv4: 24, IPv6: 64 } */
  nodeCIDRMaskSize?: Partial<Record<IPFamily, number>>;
  /** How long a pod runs before its Ready condition turns True. @default 1000 */
  readyDelayMs?: number;
  /** The simulated shutdown: a terminating pod is force-deleted after min(its grace period, this). @default 2000 */
  shutdownMs?: number;
  /** Concurrent pod syncs. @default 4 */
  concurrency?: number;
}

/** Options with every default filled in and the CIDRs parsed. */
export interface ResolvedKubeletSimOptions {
  nodeNames: string[];
  zones: string[];
  clusterCIDRs: ParsedCIDR[];
  nodeCIDRMaskSize: Record<IPFamily, number>;
  readyDelayMs: number;
  shutdownMs: number;
  concurrency: number;
}

/**
 * Parses a `--cluster-cidr` value: one CIDR, or two of different families separated by a comma.
 * Throws a TypeError naming the value when it is not.
 */
export function parseClusterCIDRs(value: string | string[]): ParsedCIDR[] {
  const parts = (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new TypeError(`--cluster-cidr: expected one CIDR or two comma-separated CIDRs, got "${String(value)}"`);
  if (parts.length > 2) throw new TypeError(`--cluster-cidr: at most two CIDRs (one per IP family), got ${parts.length}`);
  const cidrs = parts.map((p) => parseCIDR(p));
  if (cidrs.length === 2 && cidrs[0].family === cidrs[1].family) {
    throw new TypeError(`--cluster-cidr: a dual-stack value needs one CIDR of each family, got "${parts.join(',')}"`);
  }
  return cidrs;
}

function nonNegativeInteger(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name}: expected an integer >= 0, got ${v}`);
  return v;
}

/** Fills in the defaults and checks every option; throws a TypeError or RangeError on a bad one. */
export function resolveKubeletSimOptions(opts: KubeletSimOptions = {}): ResolvedKubeletSimOptions {
  const count = opts.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new RangeError(`nodes: expected an integer in [1, 1000], got ${count}`);
  const clusterCIDRs = parseClusterCIDRs(opts.clusterCIDR ?? '10.244.0.0/16');
  const nodeCIDRMaskSize = { IPv4: opts.nodeCIDRMaskSize?.IPv4 ?? 24, IPv6: opts.nodeCIDRMaskSize?.IPv6 ?? 64 };
  for (const c of clusterCIDRs) {
    const mask = nodeCIDRMaskSize[c.family];
    // Upstream refuses a node mask shorter than the cluster's and more than 16 bits longer
    // (pkg/controller/nodeipam/ipam/cidrset/cidr_set.go, NewCIDRSet).
    if (!Number.isInteger(mask) || mask < c.prefixLength || mask > c.bits || mask - c.prefixLength > 16) {
      throw new RangeError(`nodeCIDRMaskSize.${c.family}: expected an integer in [${c.prefixLength}, ${Math.min(c.bits, c.prefixLength + 16)}] for ${c.text}, got ${mask}`);
    }
  }
  const concurrency = opts.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency: expected an integer >= 1, got ${concurrency}`);
  const nodeNames = Array.from({ length: count }, (_, i) => `sim-node-${i + 1}`);
  return {
    nodeNames,
    zones: nodeNames.map((_, i) => DefaultZones[i % DefaultZones.length]),
    clusterCIDRs,
    nodeCIDRMaskSize,
    readyDelayMs: nonNegativeInteger('readyDelayMs', opts.readyDelayMs ?? 1000),
    shutdownMs: nonNegativeInteger('shutdownMs', opts.shutdownMs ?? 2000),
    concurrency,
  };
}

/**
 * The Node objects the simulation creates: what a kubelet registers (labels, addresses,
 * capacity) plus the podCIDRs node IPAM would assign, and the Ready condition a healthy kubelet
 * keeps posting. Pure.
 */
import type { IPFamily, Node } from '../../api-types/core.js';
import { Labels } from '../../api-types/well-known.js';
import { SimulatedNodeLabel } from './options.js';

/** What a simulated node needs. */
export interface SimNodeSpec {
  name: string;
  zone: string;
  /** 0-based position: picks the node's addresses. */
  index: number;
  /** One podCIDR per family, primary first. */
  podCIDRs: string[];
  /** The families of the cluster, primary first. */
  families: IPFamily[];
  /** RFC 3339 time for the condition timestamps. */
  nowIso: string;
}

/**
 * The node's InternalIP per family: 172.18.0.(index+2) and fc00:f853:ccd:e793::(index+2), the
 * addresses a kind cluster's nodes would have. Only for display and hostIP: nothing routes to them.
 */
export function nodeAddresses(index: number, families: IPFamily[]): string[] {
  return families.map((f) => (f === 'IPv4' ? `172.18.0.${(index % 250) + 2}` : `fc00:f853:ccd:e793::${(index + 2).toString(16)}`));
}

/** Builds the Node a kubelet would register, with status (a Node may be created with its status). */
export function simNode(s: SimNodeSpec): Node {
  const internal = nodeAddresses(s.index, s.families);
  const resources = { cpu: '4', memory: '16Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: s.name,
      labels: {
        'kubernetes.io/hostname': s.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        [Labels.topologyZone]: s.zone,
        [SimulatedNodeLabel]: 'true',
      },
    },
    spec: { podCIDR: s.podCIDRs[0], podCIDRs: [...s.podCIDRs] },
    status: {
      capacity: { ...resources },
      allocatable: { ...resources },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status (simulated)', lastHeartbeatTime: s.nowIso, lastTransitionTime: s.nowIso },
      ],
      addresses: [...internal.map((address) => ({ type: 'InternalIP', address })), { type: 'Hostname', address: s.name }],
      nodeInfo: { kubeletVersion: 'v1.33.0-svcplane-sim', containerRuntimeVersion: 'sim://0', operatingSystem: 'linux', architecture: 'amd64' },
    },
  };
}

/** The InternalIPs of a node, in the order it lists them. */
export function internalIPs(node: Node): string[] {
  return (node.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address);
}

/**
 * Endpoint hints: trafficDistribution and topology-aware (`service.kubernetes.io/topology-mode:
 * Auto`) (../shared/reference/kubernetes-behaviour.md §5.7). Ported from
 * `staging/src/k8s.io/endpointslice/trafficdist/trafficdist.go`, `topologycache/
 * {topologycache.go,utils.go,sliceinfo.go,event.go}` and `reconciler.go` (the hint branch).
 * Endpoint objects are never edited in place (they may be informer-cache objects): an
 * endpoint whose hints change is replaced by a copy in its (already copied) slice.
 */
import type { IPFamily, Node, Service } from '../../api-types/core.js';
import type { EndpointSlice, SliceEndpoint } from '../../api-types/networking.js';
import { Annotations, Labels } from '../../api-types/well-known.js';
import { copySlice } from './slice-packing.js';

/** The overload threshold of topology-aware hints: 20 % (`overloadThreshold`). */
export const overloadThreshold = 0.2;

/** An event the reconcile asks the controller to record on the Service. */
export interface SliceEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Slices of one address type, sorted by what will happen to them; the hint passes move slices from unchanged to update. */
export interface SliceInfo {
  addressType: IPFamily;
  create: EndpointSlice[];
  update: EndpointSlice[];
  unchanged: EndpointSlice[];
}

/** Topology-aware hint event messages (`topologycache/event.go`). */
export const TopologyMessages = {
  noZoneSpecified: 'One or more endpoints do not have a zone specified',
  noAllocatedHintsForZones: 'No hints allocated for zones',
  enabled: 'Topology Aware Hints has been enabled',
  disabled: 'Topology Aware Hints has been disabled',
  insufficientNodeInfo: 'Insufficient Node information: allocatable CPU or zone not specified on one or more nodes',
  nodesReadyInOneZoneOnly: 'Nodes only ready in one zone',
  insufficientNumberOfEndpoints: 'Insufficient number of endpoints',
  minAllocationExceedsOverloadThreshold: 'Unable to allocate minimum required endpoints to each zone without exceeding overload threshold',
} as const;

/** Event reasons of topology-aware hints. */
export const TopologyReasons = { enabled: 'TopologyAwareHintsEnabled', disabled: 'TopologyAwareHintsDisabled' } as const;

/** Appends `, addressType: <type>` to a message, as every topology event does. */
export function withAddressType(message: string, addressType: IPFamily): string {
  return `${message}, addressType: ${addressType}`;
}

/**
 * True when the Service asks for topology-aware hints: the deprecated
 * `service.kubernetes.io/topology-aware-hints` annotation if present (it wins), otherwise
 * `service.kubernetes.io/topology-mode`, with the value `Auto` or `auto`.
 */
export function topologyHintsEnabled(service: Service): boolean {
  const a = service.metadata.annotations;
  if (!a) return false;
  const v = Annotations.topologyAwareHints in a ? a[Annotations.topologyAwareHints] : a[Annotations.topologyMode];
  return v === 'Auto' || v === 'auto';
}

/**
 * The Service's trafficDistribution when it applies: `PreferClose` always; `PreferSameZone`
 * and `PreferSameNode` only with `preferSame`. Undefined otherwise.
 */
export function validTrafficDistribution(service: Service, preferSame: boolean): string | undefined {
  const td = service.spec?.trafficDistribution;
  if (td === 'PreferClose') return td;
  if (preferSame && (td === 'PreferSameZone' || td === 'PreferSameNode')) return td;
  return undefined;
}

function isReady(ep: SliceEndpoint): boolean {
  return ep.conditions?.ready === true;
}

function withoutHints(ep: SliceEndpoint): SliceEndpoint {
  const { hints: _hints, ...rest } = ep;
  return rest;
}

function setHints(slice: EndpointSlice, i: number, hints: SliceEndpoint['hints'] | undefined): void {
  const ep = slice.endpoints![i];
  slice.endpoints![i] = hints ? { ...ep, hints } : withoutHints(ep);
}

/**
 * Removes hints from every slice being created or updated, and moves unchanged slices that
 * carry hints to update without them (`RemoveHintsFromSlices`).
 */
export function removeHints(si: SliceInfo): void {
  moveUnchanged(si, (s) => s.endpoints?.some((ep) => ep.hints) ?? false);
  for (const slice of [...si.create, ...si.update]) {
    slice.endpoints!.forEach((ep, i) => {
      if (ep.hints) setHints(slice, i, undefined);
    });
  }
}

function moveUnchanged(si: SliceInfo, needsUpdate: (s: EndpointSlice) => boolean): void {
  const still: EndpointSlice[] = [];
  for (const s of si.unchanged) {
    if (needsUpdate(s)) si.update.push(copySlice(s));
    else still.push(s);
  }
  si.unchanged = still;
}

function wantedTrafficHints(ep: SliceEndpoint, sameNode: boolean): SliceEndpoint['hints'] | undefined {
  const forZones = ep.zone !== undefined ? [{ name: ep.zone }] : undefined;
  const forNodes = ep.nodeName !== undefined && sameNode ? [{ name: ep.nodeName }] : undefined;
  if (!forZones && !forNodes) return undefined;
  const h: NonNullable<SliceEndpoint['hints']> = {};
  if (forZones) h.forZones = forZones;
  if (forNodes) h.forNodes = forNodes;
  return h;
}

function trafficHintsWrong(ep: SliceEndpoint, sameNode: boolean): boolean {
  const h = ep.hints;
  if (ep.zone !== undefined) {
    if (h?.forZones?.length !== 1 || h.forZones[0].name !== ep.zone) return true;
  } else if (h?.forZones?.length) return true;
  if (ep.nodeName !== undefined && sameNode) {
    if (h?.forNodes?.length !== 1 || h.forNodes[0].name !== ep.nodeName) return true;
  } else if (h?.forNodes?.length) return true;
  return false;
}

/**
 * Applies trafficDistribution hints (`trafficdist.ReconcileHints`, close heuristic): every
 * ready endpoint gets `forZones: [its zone]`, plus `forNodes: [its node]` for PreferSameNode.
 * Unchanged slices whose ready endpoints lack or carry wrong hints are copied into update.
 */
export function applyTrafficDistributionHints(si: SliceInfo, trafficDistribution: string): void {
  const sameNode = trafficDistribution === 'PreferSameNode';
  moveUnchanged(si, (s) => s.endpoints?.some((ep) => isReady(ep) && trafficHintsWrong(ep, sameNode)) ?? false);
  for (const slice of [...si.create, ...si.update]) {
    slice.endpoints!.forEach((ep, i) => {
      if (!isReady(ep) || !trafficHintsWrong(ep, sameNode)) return;
      setHints(slice, i, wantedTrafficHints(ep, sameNode));
    });
  }
}

/** Parses a CPU quantity (`4`, `3800m`, `0.5`, `2k`) to millicores, rounding up; 0 when unreadable. */
export function cpuMillis(q: string | undefined): number {
  const m = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(m|k|M|G)?$/.exec(q ?? '');
  if (!m) return 0;
  const factor = { m: 1, k: 1e6, M: 1e9, G: 1e12 }[m[2] as 'm'] ?? 1000;
  return Math.ceil(Number(m[1]) * factor);
}

function isNodeReady(node: Node): boolean {
  // As upstream's topology cache: only a node whose Ready condition is True counts.
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

/**
 * True when a Node update can change the zone CPU ratios: its readiness or its
 * `topology.kubernetes.io/zone` label changed. Kubernetes recomputes the topology cache only
 * then (`pkg/controller/endpointslice/endpointslice_controller.go`, `updateNode`); heartbeats
 * and other status updates are ignored. Node adds and deletes always count (`addNode`,
 * `deleteNode`).
 */
export function isNodeTopologyChange(old: Node, cur: Node): boolean {
  return isNodeReady(old) !== isNodeReady(cur) || old.metadata.labels?.[Labels.topologyZone] !== cur.metadata.labels?.[Labels.topologyZone];
}

/**
 * Each zone's share of the allocatable CPU of ready, non-control-plane nodes
 * (`topologycache/topologycache.go`, `TopologyCache.SetNodes`). Null — no usable node
 * information — when any counted node lacks a zone or CPU, when no CPU is counted, or when fewer
 * than two zones have any: SetNodes clears its ratios in all three cases, so AddHints then
 * reports "Insufficient Node information" even for a single zone. (AddHints' "Nodes only ready
 * in one zone" is met only before SetNodes first runs, while the ratios are still the empty map
 * NewTopologyCache starts with; the controller starts from that empty map too.) The controller
 * computes this on node changes, not per sync.
 */
export function computeZoneCPURatios(nodes: Iterable<Node>): Map<string, number> | null {
  const byZone = new Map<string, number>();
  let total = 0;
  for (const node of nodes) {
    const labels = node.metadata.labels ?? {};
    if (Labels.nodeRoleControlPlane in labels || Labels.nodeRoleMaster in labels) continue;
    if (!isNodeReady(node)) continue;
    const zone = labels[Labels.topologyZone];
    const cpu = cpuMillis(node.status?.allocatable?.cpu);
    if (!zone || cpu === 0) return null;
    total += cpu;
    byZone.set(zone, (byZone.get(zone) ?? 0) + cpu);
  }
  if (total === 0 || byZone.size < 2) return null;
  const ratios = new Map<string, number>();
  for (const [zone, cpu] of byZone) ratios.set(zone, cpu / total);
  return ratios;
}

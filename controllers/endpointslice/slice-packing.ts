/**
 * The churn-minimising packing of one port mapping's endpoints into slices
 * (../shared/reference/kubernetes-behaviour.md §5.5 step 4). Ported from
 * `staging/src/k8s.io/endpointslice/reconciler.go` (`reconcileByPortMapping`) and `utils.go`
 * (`getSliceToFill`).
 */
import type { IPFamily, Service } from '../../api-types/core.js';
import type { EndpointSlice, SliceEndpoint, SlicePort } from '../../api-types/networking.js';
import { endpointKey, endpointsEqualBeyondHash } from './endpoint-hash.js';
import { newEndpointSlice, sliceLabels } from './slice-shape.js';

/** What packing one port mapping decided. Slices in create/update are fresh copies. */
export interface PackResult {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Existing slices left exactly as they are (the cached objects themselves). */
  unchanged: EndpointSlice[];
  /** Desired endpoints that were not in any existing slice. */
  added: number;
  /** Existing endpoints no longer desired. */
  removed: number;
}

/** Options of packPortMapping. */
export interface PackOptions {
  service: Service;
  addressType: IPFamily;
  ports: SlicePort[];
  maxEndpointsPerSlice: number;
  controllerName: string;
}

/** A shallow copy of a slice that may be edited: new metadata, labels, annotations and endpoints array. */
export function copySlice(slice: EndpointSlice): EndpointSlice {
  const metadata = { ...slice.metadata };
  if (metadata.labels) metadata.labels = { ...metadata.labels };
  if (metadata.annotations) metadata.annotations = { ...metadata.annotations };
  return { ...slice, metadata, endpoints: slice.endpoints ? [...slice.endpoints] : [] };
}

/**
 * The unchanged slice that would be closest to full after taking all `count` endpoints; it
 * must fit them all, and an exact fit wins at once. Undefined when none fits.
 */
export function sliceToFill(slices: readonly EndpointSlice[], count: number, max: number): EndpointSlice | undefined {
  let closest = max;
  let best: EndpointSlice | undefined;
  for (const s of slices) {
    const diff = max - (count + (s.endpoints?.length ?? 0));
    if (diff >= 0 && diff < closest) {
      closest = diff;
      best = s;
      if (diff === 0) break;
    }
  }
  return best;
}

function fill(slice: EndpointSlice, desired: Map<string, SliceEndpoint>, max: number): void {
  const eps = slice.endpoints!;
  for (const [key, ep] of desired) {
    if (eps.length >= max) break;
    eps.push(ep);
    desired.delete(key);
  }
}

/**
 * Packs the desired endpoints of one port mapping into the existing slices of that mapping,
 * writing as little as possible. Consumes `desired`.
 *
 * 1. In place: each existing slice keeps its still-desired endpoints (in their desired
 *    version). Dropped or changed endpoints → update (delete when none is left); only
 *    non-reserved labels differ → update; otherwise unchanged.
 * 2. Fill the slices already being updated, fullest first, up to the maximum.
 * 3. While endpoints remain: with fewer than the maximum left, put them all in the unchanged
 *    slice that ends closest to full (it moves to update); otherwise, or when none fits, start
 *    a new slice. Fill up to the maximum.
 */
export function packPortMapping(existing: readonly EndpointSlice[], desired: Map<string, SliceEndpoint>, opts: PackOptions): PackResult {
  const { service, maxEndpointsPerSlice: max, controllerName } = opts;
  const update: EndpointSlice[] = [];
  const del: EndpointSlice[] = [];
  let unchanged: EndpointSlice[] = [];
  let removed = 0;

  // 1.
  for (const slice of existing) {
    const old = slice.endpoints ?? [];
    const kept: SliceEndpoint[] = [];
    let changed = false;
    for (const ep of old) {
      const key = endpointKey(ep);
      const want = desired.get(key);
      if (!want) continue;
      kept.push(want);
      if (!endpointsEqualBeyondHash(want, ep)) changed = true;
      desired.delete(key);
    }
    const { labels, changed: labelsChanged } = sliceLabels(slice.metadata.labels, service, controllerName);
    if (changed || kept.length !== old.length) {
      removed += old.length - kept.length;
      if (kept.length === 0) {
        del.push(slice);
      } else {
        const copy = copySlice(slice);
        copy.endpoints = kept;
        copy.metadata.labels = labels;
        update.push(copy);
      }
    } else if (labelsChanged) {
      const copy = copySlice(slice);
      copy.metadata.labels = labels;
      update.push(copy);
    } else {
      unchanged.push(slice);
    }
  }
  const added = desired.size;

  // 2.
  if (desired.size > 0 && update.length > 0) {
    const byFullness = [...update].sort((a, b) => b.endpoints!.length - a.endpoints!.length);
    for (const slice of byFullness) {
      if (desired.size === 0) break;
      fill(slice, desired, max);
    }
  }

  // 3.
  const create: EndpointSlice[] = [];
  while (desired.size > 0) {
    let target: EndpointSlice | undefined;
    if (desired.size < max && unchanged.length > 0) {
      const pick = sliceToFill(unchanged, desired.size, max);
      if (pick) {
        unchanged = unchanged.filter((s) => s !== pick);
        target = copySlice(pick);
        update.push(target);
      }
    }
    if (!target) {
      target = newEndpointSlice(service, opts.ports, opts.addressType, controllerName);
      create.push(target);
    }
    fill(target, desired, max);
  }
  return { create, update, delete: del, unchanged, added, removed };
}

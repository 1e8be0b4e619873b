/**
 * The incremental EndpointSlice planner's records (incremental.ts): which slice holds each
 * endpoint and each pod's endpoints, and the edits one sync makes to one cached slice, as
 * packPortMapping keeps and fills slices (staging/src/k8s.io/endpointslice/reconciler.go).
 */
import type { IPFamily } from '../../api-types/core.js';
import type { EndpointSlice, SliceEndpoint } from '../../api-types/networking.js';
import { endpointsEqualBeyondHash, sameEndpointKey } from './endpoint-hash.js';

/** One slice of the memo. */
export interface SliceRecord {
  /** The slice as the cache should hold it: the cached object, or the server's reply to our write. */
  slice: EndpointSlice;
  /** Its endpoints as desired objects (desired.ts podEndpoint), in the slice's order. */
  eps: readonly SliceEndpoint[];
  type: TypeMemo;
}

/** An endpoint with its identity key (endpointKey). */
export interface KeyedEndpoint {
  ep: SliceEndpoint;
  key: string;
}

/** The memo of one address type. */
export interface TypeMemo {
  addressType: IPFamily;
  /** The slice holding each endpoint, by endpoint key. */
  byKey: Map<string, SliceRecord>;
  /** Each pod's endpoint of this type, by pod name. */
  byPod: Map<string, KeyedEndpoint>;
}

/** One endpoint of a slice (its memo object) replaced by a new version with the same key, or removed. */
export interface SliceEdit {
  rec: SliceRecord;
  old: SliceEndpoint;
  key: string;
  now: SliceEndpoint | undefined;
}

/** A slice the plan updates, with its endpoints as memo objects. */
export interface Updated {
  slice: EndpointSlice;
  rec: SliceRecord;
  eps: SliceEndpoint[];
}

/** Changes to the memo, carried out by settle. */
export interface TypeDelta {
  type: TypeMemo;
  podEndpoints: [string, KeyedEndpoint | null][];
  keysGone: string[];
  placed: [string, SliceRecord][];
  /** Records whose endpoints change, with their new list; `written` when the plan updates the slice. */
  records: { rec: SliceRecord; eps: SliceEndpoint[]; written: boolean }[];
  /** Endpoints replaced or removed, in this type's slices. */
  edits: SliceEdit[];
  /** New endpoints, in pod order. */
  added: KeyedEndpoint[];
}

/**
 * Applies a slice's edits to its endpoint list (as packPortMapping step 1 keeps them): the
 * kept list, whether the slice changed, or undefined when the cache is not in the memo's order.
 */
export function editSlice(rec: SliceRecord, cached: readonly SliceEndpoint[], edits: readonly SliceEdit[]): { kept: SliceEndpoint[]; changed: boolean } | undefined {
  if (cached.length !== rec.eps.length) return undefined;
  const kept = rec.eps.slice();
  const removed: number[] = [];
  let changed = false;
  for (const e of edits) {
    if (e.rec !== rec) continue;
    const i = rec.eps.indexOf(e.old);
    if (i < 0) return undefined;
    if (e.now === undefined) {
      removed.push(i);
      continue;
    }
    if (!sameEndpointKey(cached[i], e.old)) return undefined;
    if (!endpointsEqualBeyondHash(e.now, cached[i])) changed = true;
    kept[i] = e.now;
  }
  if (removed.length > 0) {
    changed = true;
    removed.sort((a, b) => b - a);
    for (const i of removed) kept.splice(i, 1);
  }
  return { kept, changed };
}

/** True when one of `edits` is in the slice of `rec`. */
export function editsSlice(edits: readonly SliceEdit[], rec: SliceRecord): boolean {
  for (const e of edits) if (e.rec === rec) return true;
  return false;
}

/** packPortMapping's fill: appends added endpoints from `next` until the slice is full; returns the next index. */
export function fillSlice(u: Updated, added: readonly KeyedEndpoint[], next: number, max: number, delta: TypeDelta): number {
  const eps = u.slice.endpoints!;
  for (; next < added.length && eps.length < max; next++) {
    eps.push(added[next].ep);
    // An updated slice's endpoints are its memo list; a picked one's start from the cache.
    if (u.eps !== eps) u.eps.push(added[next].ep);
    delta.placed.push([added[next].key, u.rec]);
  }
  return next;
}

/**
 * The only writer of the EndpointSlice controller: carries out a SlicePlan, creates first,
 * then updates, then deletes (as upstream's reconciler `finalize`, so endpoints are never
 * missing in between), recording every write in the tracker so the controller's own writes do
 * not trigger a resync. A 404 on delete counts as done; a write into a terminating or missing
 * namespace is dropped quietly.
 */
import type { EndpointSlice } from '../../api-types/networking.js';
import { ApiError } from '../../api-types/api-error.js';
import type { ResourceClient } from '../runtime/kube-client.js';
import { SliceWriteError, type SliceOwnerRef } from './errors.js';
import type { SlicePlan } from './reconcile.js';
import type { EndpointSliceTracker } from './tracker.js';

/** What a plan's writes came to. */
export interface ApplyResult {
  created: number;
  updated: number;
  deleted: number;
  /** True when the namespace is going away: the rest of the plan was dropped. */
  namespaceGone: boolean;
  /** The server's replies to the creates and then the updates, in plan order. */
  written: EndpointSlice[];
}

/** True for the answers a write into a terminating or missing namespace gets. */
export function isNamespaceGone(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  if (err.code === 404 && err.status.details?.kind === 'namespaces') return true;
  return err.code === 403 && /because it is being terminated/.test(err.message);
}

/** The writes of a plan: the EndpointSlice reconciler's, or the mirroring reconciler's. */
export type SliceWrites = Pick<SlicePlan, 'create' | 'update' | 'delete'>;

/**
 * Writes the plan for one Service (or mirrored Endpoints) in `namespace`. Throws on the first
 * failed write, as a {@link SliceWriteError} in Kubernetes' words naming `owner` (the sync is
 * retried).
 */
export async function applySlicePlan(slices: ResourceClient<EndpointSlice>, namespace: string, plan: SliceWrites, tracker: EndpointSliceTracker, fieldManager: string, owner: SliceOwnerRef): Promise<ApplyResult> {
  const result: ApplyResult = { created: 0, updated: 0, deleted: 0, namespaceGone: false, written: [] };
  for (const slice of plan.create) {
    try {
      const reply = await slices.create(namespace, slice, { fieldManager });
      tracker.update(reply);
      result.written.push(reply);
      result.created++;
    } catch (err) {
      if (isNamespaceGone(err)) return { ...result, namespaceGone: true };
      throw new SliceWriteError('create', undefined, owner, err);
    }
  }
  for (const slice of plan.update) {
    try {
      const reply = await slices.update(slice, { fieldManager });
      tracker.update(reply);
      result.written.push(reply);
      result.updated++;
    } catch (err) {
      if (isNamespaceGone(err)) return { ...result, namespaceGone: true };
      throw new SliceWriteError('update', slice.metadata.name, owner, err);
    }
  }
  for (const slice of plan.delete) {
    tracker.expectDeletion(slice);
    try {
      await slices.delete(namespace, slice.metadata.name ?? '');
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw new SliceWriteError('delete', slice.metadata.name, owner, err);
    }
    result.deleted++;
  }
  return result;
}

/**
 * Deletes the slices of a Service that is gone, as the garbage collector would (the bundled API
 * server runs none by default; decision 010). The caller chooses them
 * (slice-shape.ts `slicesOfDeletedService`); each delete is conditional on the slice's UID.
 */
export async function deleteOrphanedSlices(slicesClient: ResourceClient<EndpointSlice>, slices: readonly EndpointSlice[], tracker: EndpointSliceTracker, owner: SliceOwnerRef): Promise<number> {
  let n = 0;
  for (const slice of slices) {
    tracker.expectDeletion(slice);
    try {
      await slicesClient.delete(slice.metadata.namespace, slice.metadata.name ?? '', { preconditions: { uid: slice.metadata.uid } });
      n++;
    } catch (err) {
      // Gone already, or replaced by a slice with the same name (the precondition failed).
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw new SliceWriteError('delete', slice.metadata.name, owner, err);
    }
  }
  return n;
}

/**
 * The EndpointSliceTracker: the generation this controller expects for each slice it wrote,
 * to ignore its own writes and to detect a stale informer cache
 * (../shared/reference/kubernetes-behaviour.md §5.6). Ported from
 * `staging/src/k8s.io/endpointslice/util/endpointslice_tracker.go`. A pure data structure.
 */
import type { Service } from '../../api-types/core.js';
import type { EndpointSlice } from '../../api-types/networking.js';
import { Labels } from '../../api-types/well-known.js';

/** The generation recorded for a slice whose deletion this controller requested. */
export const deletionExpected = -1;

function sliceServiceKey(slice: EndpointSlice): string {
  return `${slice.metadata.namespace ?? ''}/${slice.metadata.labels?.[Labels.serviceName] ?? ''}`;
}

/** Expected generations of slices by Service (`namespace/name`) and slice UID. */
export class EndpointSliceTracker {
  private readonly byService = new Map<string, Map<string, number>>();

  /** True when the slice's UID is tracked. */
  has(slice: EndpointSlice): boolean {
    return this.byService.get(sliceServiceKey(slice))?.has(slice.metadata.uid ?? '') ?? false;
  }

  /**
   * True when a slice event should resync its Service: the slice is not tracked, or its
   * generation is newer than the one this controller wrote.
   */
  shouldSync(slice: EndpointSlice): boolean {
    const g = this.byService.get(sliceServiceKey(slice))?.get(slice.metadata.uid ?? '');
    return g === undefined || (slice.metadata.generation ?? 0) > g;
  }

  /**
   * True when the listed slices are older than what this controller wrote: a listed slice
   * has a lower generation than tracked or is expected to be deleted, or a tracked slice not
   * expected to be deleted is missing. The sync then fails and is retried.
   */
  staleSlices(service: Service, slices: readonly EndpointSlice[]): boolean {
    const tracked = this.byService.get(`${service.metadata.namespace ?? ''}/${service.metadata.name ?? ''}`);
    if (!tracked) return false;
    const listed = new Set<string>();
    for (const slice of slices) {
      const uid = slice.metadata.uid ?? '';
      listed.add(uid);
      const g = tracked.get(uid);
      if (g !== undefined && (g === deletionExpected || g > (slice.metadata.generation ?? 0))) return true;
    }
    for (const [uid, g] of tracked) if (g !== deletionExpected && !listed.has(uid)) return true;
    return false;
  }

  /** Records the generation of a slice this controller created or updated (the server's reply). */
  update(slice: EndpointSlice): void {
    const key = sliceServiceKey(slice);
    let tracked = this.byService.get(key);
    if (!tracked) {
      tracked = new Map();
      this.byService.set(key, tracked);
    }
    tracked.set(slice.metadata.uid ?? '', slice.metadata.generation ?? 0);
  }

  /** Records that this controller deleted the slice. */
  expectDeletion(slice: EndpointSlice): void {
    const key = sliceServiceKey(slice);
    let tracked = this.byService.get(key);
    if (!tracked) {
      tracked = new Map();
      this.byService.set(key, tracked);
    }
    tracked.set(slice.metadata.uid ?? '', deletionExpected);
  }

  /**
   * Stops tracking a deleted slice. Returns true when this controller expected the deletion
   * (or did not track the slice), false when a tracked slice vanished unexpectedly: the
   * controller resyncs the Service only then (and only for slices it `has`).
   */
  handleDeletion(slice: EndpointSlice): boolean {
    const tracked = this.byService.get(sliceServiceKey(slice));
    if (!tracked) return true;
    const uid = slice.metadata.uid ?? '';
    const g = tracked.get(uid);
    tracked.delete(uid);
    return g === undefined || g === deletionExpected;
  }

  /** Forgets every slice of a deleted Service. */
  deleteService(namespace: string, name: string): void {
    this.byService.delete(`${namespace}/${name}`);
  }
}

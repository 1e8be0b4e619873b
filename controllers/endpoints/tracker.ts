/**
 * Stale informer-cache protection for the Endpoints controller, ported from
 * `pkg/controller/endpoint/endpoints_tracker.go` (`staleEndpointsTracker`). After an update that
 * moved an Endpoints to a new resourceVersion, the old one is remembered: if the informer still
 * hands it back, the cache has not caught up and a sync based on it could undo the write.
 * A plain data structure (no clock, no I/O); the controller owns one.
 */
import type { Endpoints } from '../../api-types/core.js';

function keyOf(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

/** Remembers, per Endpoints, the last resourceVersion this controller replaced. */
export class StaleEndpointsTracker {
  private readonly staleVersions = new Map<string, string>();

  /** Records `endpoints` (the object as it was before a successful update) as stale. */
  markStale(endpoints: Endpoints): void {
    this.staleVersions.set(keyOf(endpoints.metadata.namespace, endpoints.metadata.name), endpoints.metadata.resourceVersion ?? '');
  }

  /** True when `endpoints` carries exactly the resourceVersion recorded as stale for its name. */
  isStale(endpoints: Endpoints): boolean {
    const stale = this.staleVersions.get(keyOf(endpoints.metadata.namespace, endpoints.metadata.name));
    return stale !== undefined && stale === (endpoints.metadata.resourceVersion ?? '');
  }

  /** Forgets an Endpoints (its Service was deleted). */
  delete(namespace: string, name: string): void {
    this.staleVersions.delete(keyOf(namespace, name));
  }

  /** How many Endpoints are tracked. */
  get size(): number {
    return this.staleVersions.size;
  }
}

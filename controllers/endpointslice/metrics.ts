/**
 * The `endpoint_slice_controller_*` metric family (§5.8; staging/src/k8s.io/endpointslice/
 * metrics/metrics.go) under svcplane's prefix. The per-Service gauges are kept as sums over
 * Services, as upstream's metrics cache does.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metricsPrefix } from '../runtime/metrics.js';
import type { SliceMetrics } from './reconcile.js';

const sub = `${metricsPrefix}endpoint_slice_controller_`;
const sizeBuckets = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];

/** The EndpointSlice controller's metrics on one registry. */
export class SliceControllerMetrics {
  readonly #added: Histogram;
  readonly #removed: Histogram;
  readonly #desired: Gauge;
  readonly #slices: Gauge;
  readonly #desiredSlices: Gauge;
  readonly #changes: Counter;
  readonly #changedPerSync: Histogram;
  readonly #syncs: Counter;
  readonly #byTrafficDistribution: Gauge;
  readonly #perService = new Map<string, { endpoints: number; slices: number; desiredSlices: number; trafficDistribution: string }>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.#added = new Histogram({ name: `${sub}endpoints_added_per_sync`, help: 'Number of endpoints added on each Service sync', buckets: sizeBuckets, registers });
    this.#removed = new Histogram({ name: `${sub}endpoints_removed_per_sync`, help: 'Number of endpoints removed on each Service sync', buckets: sizeBuckets, registers });
    this.#desired = new Gauge({ name: `${sub}endpoints_desired`, help: 'Number of endpoints desired', registers });
    this.#slices = new Gauge({ name: `${sub}num_endpoint_slices`, help: 'Number of EndpointSlices', registers });
    this.#desiredSlices = new Gauge({ name: `${sub}desired_endpoint_slices`, help: 'Number of EndpointSlices that would exist with perfect endpoint allocation', registers });
    this.#changes = new Counter({ name: `${sub}changes`, help: 'Number of EndpointSlice changes', labelNames: ['operation'], registers });
    this.#changedPerSync = new Histogram({ name: `${sub}endpointslices_changed_per_sync`, help: 'Number of EndpointSlices changed on each Service sync', labelNames: ['topology', 'traffic_distribution'], registers });
    this.#syncs = new Counter({ name: `${sub}syncs`, help: 'Number of EndpointSlice syncs', labelNames: ['result'], registers });
    this.#byTrafficDistribution = new Gauge({ name: `${sub}services_count_by_traffic_distribution`, help: 'Number of Services using some specific trafficDistribution', labelNames: ['traffic_distribution'], registers });
  }

  /** Records one applied plan for a Service. */
  observe(serviceKey: string, m: SliceMetrics, writes: { created: number; updated: number; deleted: number }): void {
    this.#added.observe(m.endpointsAdded);
    this.#removed.observe(m.endpointsRemoved);
    if (writes.created) this.#changes.inc({ operation: 'create' }, writes.created);
    if (writes.updated) this.#changes.inc({ operation: 'update' }, writes.updated);
    if (writes.deleted) this.#changes.inc({ operation: 'delete' }, writes.deleted);
    this.#changedPerSync.observe({ topology: m.topology, traffic_distribution: m.trafficDistribution }, m.slicesChanged);
    this.#set(serviceKey, { endpoints: m.endpointsDesired, slices: m.actualSlices, desiredSlices: m.desiredSlices, trafficDistribution: m.trafficDistribution });
  }

  /** Forgets a deleted Service. */
  forget(serviceKey: string): void {
    this.#set(serviceKey, undefined);
  }

  /** Counts a sync by result: success, stale or error. */
  sync(result: 'success' | 'stale' | 'error'): void {
    this.#syncs.inc({ result });
  }

  #set(serviceKey: string, next: { endpoints: number; slices: number; desiredSlices: number; trafficDistribution: string } | undefined): void {
    const old = this.#perService.get(serviceKey);
    if (old) {
      this.#desired.dec(old.endpoints);
      this.#slices.dec(old.slices);
      this.#desiredSlices.dec(old.desiredSlices);
      if (old.trafficDistribution) this.#byTrafficDistribution.dec({ traffic_distribution: old.trafficDistribution });
    }
    if (next) {
      this.#desired.inc(next.endpoints);
      this.#slices.inc(next.slices);
      this.#desiredSlices.inc(next.desiredSlices);
      if (next.trafficDistribution) this.#byTrafficDistribution.inc({ traffic_distribution: next.trafficDistribution });
      this.#perService.set(serviceKey, next);
    } else {
      this.#perService.delete(serviceKey);
    }
  }
}

/**
 * The `endpoint_slice_mirroring_controller_*` metric family (§6;
 * pkg/controller/endpointslicemirroring/metrics) under svcplane's prefix. Per-Endpoints gauges
 * are sums over the mirrored objects.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metricsPrefix } from '../runtime/metrics.js';
import type { MirroringMetrics } from './reconcile.js';

const sub = `${metricsPrefix}endpoint_slice_mirroring_controller_`;
const sizeBuckets = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];

/** The mirroring controller's metrics on one registry. */
export class MirroringControllerMetrics {
  readonly #added: Histogram;
  readonly #updated: Histogram;
  readonly #removed: Histogram;
  readonly #skipped: Histogram;
  readonly #duration: Histogram;
  readonly #desired: Gauge;
  readonly #slices: Gauge;
  readonly #desiredSlices: Gauge;
  readonly #changes: Counter;
  readonly #per = new Map<string, { endpoints: number; slices: number; desiredSlices: number }>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.#added = new Histogram({ name: `${sub}endpoints_added_per_sync`, help: 'Number of endpoints added on each Endpoints sync', buckets: sizeBuckets, registers });
    this.#updated = new Histogram({ name: `${sub}endpoints_updated_per_sync`, help: 'Number of endpoints updated on each Endpoints sync', buckets: sizeBuckets, registers });
    this.#removed = new Histogram({ name: `${sub}endpoints_removed_per_sync`, help: 'Number of endpoints removed on each Endpoints sync', buckets: sizeBuckets, registers });
    this.#skipped = new Histogram({ name: `${sub}addresses_skipped_per_sync`, help: 'Number of addresses skipped on each Endpoints sync due to being invalid or exceeding MaxEndpointsPerSubset', buckets: sizeBuckets, registers });
    this.#duration = new Histogram({ name: `${sub}endpoints_sync_duration`, help: 'Duration of syncEndpoints() in seconds', buckets: [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384], registers });
    this.#desired = new Gauge({ name: `${sub}endpoints_desired`, help: 'Number of endpoints desired', registers });
    this.#slices = new Gauge({ name: `${sub}num_endpoint_slices`, help: 'Number of EndpointSlices', registers });
    this.#desiredSlices = new Gauge({ name: `${sub}desired_endpoint_slices`, help: 'Number of EndpointSlices that would exist with perfect endpoint allocation', registers });
    this.#changes = new Counter({ name: `${sub}changes`, help: 'Number of EndpointSlice changes', labelNames: ['operation'], registers });
  }

  /** Records one sync of one Endpoints key. */
  observe(key: string, m: MirroringMetrics, slices: number, writes: { created: number; updated: number; deleted: number }, seconds: number): void {
    this.#added.observe(m.endpointsAdded);
    this.#updated.observe(m.endpointsUpdated);
    this.#removed.observe(m.endpointsRemoved);
    this.#skipped.observe(m.addressesSkipped);
    this.#duration.observe(seconds);
    if (writes.created) this.#changes.inc({ operation: 'create' }, writes.created);
    if (writes.updated) this.#changes.inc({ operation: 'update' }, writes.updated);
    if (writes.deleted) this.#changes.inc({ operation: 'delete' }, writes.deleted);
    this.#set(key, { endpoints: m.endpointsDesired, slices, desiredSlices: m.desiredSlices });
  }

  /** Forgets a key whose slices are gone. */
  forget(key: string): void {
    this.#set(key, undefined);
  }

  #set(key: string, next: { endpoints: number; slices: number; desiredSlices: number } | undefined): void {
    const old = this.#per.get(key);
    if (old) {
      this.#desired.dec(old.endpoints);
      this.#slices.dec(old.slices);
      this.#desiredSlices.dec(old.desiredSlices);
    }
    if (next) {
      this.#desired.inc(next.endpoints);
      this.#slices.inc(next.slices);
      this.#desiredSlices.inc(next.desiredSlices);
      this.#per.set(key, next);
    } else {
      this.#per.delete(key);
    }
  }
}

/**
 * The EndpointSlice mirroring controller's wiring (../shared/reference/kubernetes-behaviour.md
 * §6): selectorless Services' hand-written Endpoints mirrored into EndpointSlices managed by
 * `endpointslicemirroring-controller.k8s.io`. Keys are `namespace/name` of the Service and
 * Endpoints. Endpoints events and selectorless Service add/delete (and selector nil⇄set
 * changes) enqueue at once; slice events pass the same tracker rules as the EndpointSlice
 * controller and are delayed by the batch period. Writes go through the EndpointSlice
 * controller's apply layer (the same create → update → delete order and 404 handling).
 *
 * Before planning the mirrored slices, a sync checks the slice cache against the tracker, as
 * Kubernetes' `syncEndpoints` does (`pkg/controller/endpointslicemirroring/
 * endpointslicemirroring_controller.go`): a cache that lacks one of this controller's writes
 * would plan a second slice for the same key, so the sync fails and is retried.
 */
import type { Logger } from 'pino';
import type { Endpoints, Service } from '../../api-types/core.js';
import type { EndpointSlice } from '../../api-types/networking.js';
import { EndpointEventSources, Labels, ManagedBy } from '../../api-types/well-known.js';
import { applySlicePlan } from '../endpointslice/apply.js';
import { StaleSliceCacheError } from '../endpointslice/errors.js';
import { EndpointSliceTracker } from '../endpointslice/tracker.js';
import type { EventRecorder } from '../runtime/events.js';
import { Index } from '../runtime/informer-factory.js';
import { keyOf, type Informer } from '../runtime/informer.js';
import type { ResourceClient } from '../runtime/kube-client.js';
import type { Controller, ControllerContext } from '../runtime/manager.js';
import { defaultControllerRateLimiter } from '../runtime/rate-limiter.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { runWorkers, type WorkerPoolHandle } from '../runtime/worker-pool.js';
import { MirroringControllerMetrics } from './metrics.js';
import { isEmptyMirroringPlan, reconcileMirroring, shouldMirror } from './reconcile.js';

/** Options of the mirroring controller (kube-controller-manager's flags). */
export interface MirroringControllerOptions {
  /** --mirroring-concurrent-service-endpoint-syncs, 1–50. @default 5 */
  concurrency?: number;
  /** --mirroring-max-endpoints-per-subset, 1–1000. @default 1000 */
  maxEndpointsPerSubset?: number;
  /** --mirroring-endpointslice-updates-batch-period in ms. @default 0 */
  batchPeriodMs?: number;
}

const managedBy = ManagedBy.endpointSliceMirroringController;

/** The `endpointslicemirroring` controller. */
export class MirroringController implements Controller {
  readonly name = 'endpointslicemirroring';
  readonly #concurrency: number;
  readonly #maxPerSubset: number;
  readonly #batchPeriodMs: number;
  readonly #tracker = new EndpointSliceTracker();
  #services!: Informer<Service>;
  #endpoints!: Informer<Endpoints>;
  #slices!: Informer<EndpointSlice>;
  #client!: ResourceClient<EndpointSlice>;
  #queue!: WorkQueue<string>;
  #pool?: WorkerPoolHandle;
  #recorder!: EventRecorder;
  #metrics!: MirroringControllerMetrics;
  #log!: Logger;

  constructor(opts: MirroringControllerOptions = {}) {
    this.#concurrency = opts.concurrency ?? 5;
    this.#maxPerSubset = opts.maxEndpointsPerSubset ?? 1000;
    this.#batchPeriodMs = opts.batchPeriodMs ?? 0;
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1 || this.#concurrency > 50) throw new RangeError(`--mirroring-concurrent-service-endpoint-syncs must be between 1 and 50, but got ${this.#concurrency}`);
    if (!Number.isInteger(this.#maxPerSubset) || this.#maxPerSubset < 1 || this.#maxPerSubset > 1000) throw new RangeError(`--mirroring-max-endpoints-per-subset must be between 1 and 1000, but got ${this.#maxPerSubset}`);
  }

  setup(ctx: ControllerContext): void {
    this.#log = ctx.logger;
    this.#recorder = ctx.recorder(EndpointEventSources.endpointSliceMirroringController);
    this.#metrics = new MirroringControllerMetrics(ctx.metrics.registry);
    this.#client = ctx.client.resource<EndpointSlice>({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' });
    this.#queue = new WorkQueue<string>({ name: 'endpoint_slice_mirroring', clock: ctx.clock, rateLimiter: defaultControllerRateLimiter(ctx.clock, { baseMs: 1000, maxMs: 100_000 }), metrics: ctx.metrics.workQueues });
    this.#services = ctx.informers.get<Service>('services');
    this.#endpoints = ctx.informers.get<Endpoints>('endpoints');
    this.#slices = ctx.informers.get<EndpointSlice>('endpointslices');
    const add = (key: string) => this.#queue.add(key);
    const selectorless = (s: Service) => s.spec?.selector == null;
    this.#services.addHandler({
      onAdd: (s) => selectorless(s) && add(keyOf(s)),
      onUpdate: (o, s) => selectorless(o) !== selectorless(s) && add(keyOf(s)),
      onDelete: (s) => selectorless(s) && add(keyOf(s)),
    });
    // Endpoints: any event may start or stop mirroring; the sync decides.
    this.#endpoints.addHandler({ onAdd: (e) => add(keyOf(e)), onUpdate: (_o, e) => add(keyOf(e)), onDelete: (e) => add(keyOf(e)) });
    const delay = this.#batchPeriodMs;
    const later = (key: string) => (delay > 0 ? this.#queue.addAfter(key, delay) : this.#queue.add(key));
    const serviceOf = (s: EndpointSlice) => (s.metadata.labels?.[Labels.serviceName] ? `${s.metadata.namespace}/${s.metadata.labels[Labels.serviceName]}` : undefined);
    const ours = (s: EndpointSlice) => s.metadata.labels?.[Labels.endpointSliceManagedBy] === managedBy;
    this.#slices.addHandler({
      onAdd: (s) => {
        const k = serviceOf(s);
        if (k && ours(s) && this.#tracker.shouldSync(s)) later(k);
      },
      onUpdate: (o, s) => {
        const k = serviceOf(s);
        if (ours(o) !== ours(s) || serviceOf(o) !== k) {
          const ko = serviceOf(o);
          if (ko) later(ko);
          if (k) later(k);
        } else if (k && ours(s) && this.#tracker.shouldSync(s)) later(k);
      },
      onDelete: (s) => {
        const k = serviceOf(s);
        if (k && ours(s) && this.#tracker.has(s) && !this.#tracker.handleDeletion(s)) later(k);
      },
    });
  }

  run(): void {
    this.#pool = runWorkers(this.#queue, {
      concurrency: this.#concurrency,
      reconcile: (key) => this.sync(key),
      onError: (key, err, outcome) => this.#log.warn({ endpoints: key, err: err instanceof Error ? err.message : String(err), outcome }, 'error mirroring Endpoints to EndpointSlices'),
    });
  }

  async stop(timeoutMs: number): Promise<void> {
    if (this.#pool) await this.#pool.drain(timeoutMs);
    else this.#queue?.shutDown();
  }

  /** One sync of one `namespace/name`; throws to be retried with backoff. */
  async sync(key: string): Promise<void> {
    const started = performance.now();
    const [namespace, name] = key.split('/', 2);
    const service = this.#services.get(key);
    const endpoints = this.#endpoints.get(key);
    const existingSlices = this.#slices.byIndex(Index.service, key).filter((s) => s.metadata.labels?.[Labels.endpointSliceManagedBy] === managedBy);
    // Only when mirroring: otherwise the slices are deleted whatever the cache holds, and the
    // tracker forgets the name (upstream checks after its Endpoints, Service and selector checks).
    if (service && shouldMirror(endpoints, service) && this.#tracker.staleSlices(service, existingSlices)) throw new StaleSliceCacheError(key);
    const plan = reconcileMirroring({ namespace, name, service, endpoints, existingSlices, maxEndpointsPerSubset: this.#maxPerSubset });
    const writes = isEmptyMirroringPlan(plan) ? { created: 0, updated: 0, deleted: 0 } : await applySlicePlan(this.#client, namespace, plan, this.#tracker, 'endpointslicemirroring-controller', { kind: 'Endpoints', key });
    if (endpoints) {
      const regarding = { kind: 'Endpoints', apiVersion: 'v1', namespace, name, uid: endpoints.metadata.uid };
      for (const e of plan.events) this.#recorder.record({ regarding, type: e.type, reason: e.reason, action: 'Mirror', note: e.message });
    }
    if (!shouldMirror(endpoints, service)) {
      this.#tracker.deleteService(namespace, name);
      this.#metrics.forget(key);
      return;
    }
    const slices = existingSlices.length + writes.created - writes.deleted;
    this.#metrics.observe(key, plan.metrics, slices, writes, (performance.now() - started) / 1000);
  }
}

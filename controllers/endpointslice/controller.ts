/**
 * The EndpointSlice controller's wiring (../shared/reference/kubernetes-behaviour.md §5.2–5.3):
 * which informers, which keys, and one sync per Service key:
 *
 * 1. Service gone: delete the managed slices the garbage collector would delete (those owned
 *    only by a Service of that name that no longer exists, checked with a live read; decision
 *    010: no garbage collector runs by default here; a 404 counts as done) and forget its state.
 * 2. ExternalName or selectorless: nothing (mirroring owns selectorless Services).
 * 3. Read the Service's pods (ServicePodIndex) and its managed slices (by the service index).
 * 4. A stale slice cache (the tracker saw newer writes of ours) fails the sync: retried later.
 * 5. Compute the trigger time, reconcile to a plan, apply it, record its events.
 * 6. Problems in the plan (a node not found) and a failed write are reported together as one
 *    FailedToUpdateEndpointSlices event, in Kubernetes' words, and the sync is retried with
 *    backoff (`syncService` and `reconciler.go` `Reconcile`, `finalize`).
 *
 * Handlers only enqueue Service keys; pod changes are batched by
 * --endpointslice-updates-batch-period, slice changes by max(1 s, that period). Node adds,
 * deletes and readiness or zone changes recompute the zone CPU ratios and resync only the
 * Services whose topology hints they leave overloaded (`checkNodeTopologyDistribution`).
 */
import type { Logger } from 'pino';
import type { Node, Pod, Service } from '../../api-types/core.js';
import type { EndpointSlice } from '../../api-types/networking.js';
import { EndpointEventReasons, EndpointEventSources, Labels, ManagedBy } from '../../api-types/well-known.js';
import type { EventRecorder } from '../runtime/events.js';
import { referenceTo } from '../runtime/events.js';
import { Index } from '../runtime/informer-factory.js';
import { keyOf, type Informer } from '../runtime/informer.js';
import type { ResourceClient } from '../runtime/kube-client.js';
import type { Controller, ControllerContext } from '../runtime/manager.js';
import { defaultControllerRateLimiter } from '../runtime/rate-limiter.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { runWorkers, type WorkerPoolHandle } from '../runtime/worker-pool.js';
import { readLive } from '../shared/read-live.js';
import { sharedServicePods, type SharedServicePods } from '../shared/service-pods.js';
import { TriggerTimeTracker } from '../shared/trigger-time.js';
import { applySlicePlan, deleteOrphanedSlices, type ApplyResult } from './apply.js';
import { SliceSyncError, StaleSliceCacheError, messageOf } from './errors.js';
import { computeZoneCPURatios, isNodeTopologyChange, topologyHintsEnabled } from './hints.js';
import { SliceControllerMetrics } from './metrics.js';
import { planSlices, type SliceMemo } from './incremental.js';
import { isEmptyPlan, type SlicePlan } from './reconcile.js';
import { slicesOfDeletedService } from './slice-shape.js';
import { overloadedServices, type ServiceZoneHints } from './topology-hints.js';
import { EndpointSliceTracker } from './tracker.js';

export { StaleSliceCacheError } from './errors.js';

/** Options of the EndpointSlice controller (kube-controller-manager's flags). */
export interface EndpointSliceControllerOptions {
  /** --max-endpoints-per-slice, 1–1000. @default 100 */
  maxEndpointsPerSlice?: number;
  /** --concurrent-service-endpoint-syncs, 1–50. @default 5 */
  concurrency?: number;
  /** --endpointslice-updates-batch-period in ms. @default 0 */
  batchPeriodMs?: number;
}

/** Checks the options as kube-controller-manager validates its flags. */
export function validateEndpointSliceOptions(o: EndpointSliceControllerOptions): Required<EndpointSliceControllerOptions> {
  const max = o.maxEndpointsPerSlice ?? 100;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`--max-endpoints-per-slice must be at least 1, but got ${max}`);
  if (max > 1000) throw new RangeError(`--max-endpoints-per-slice must not be more than 1000, but got ${max}`);
  const concurrency = o.concurrency ?? 5;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 50) throw new RangeError(`--concurrent-service-endpoint-syncs must be between 1 and 50, but got ${concurrency}`);
  const batchPeriodMs = o.batchPeriodMs ?? 0;
  if (!(batchPeriodMs >= 0)) throw new RangeError(`--endpointslice-updates-batch-period must not be negative, but got ${batchPeriodMs}ms`);
  return { maxEndpointsPerSlice: max, concurrency, batchPeriodMs };
}

/** The `endpointslice` controller. */
export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice';
  readonly #o: Required<EndpointSliceControllerOptions>;
  readonly tracker = new EndpointSliceTracker();
  readonly #triggers = new TriggerTimeTracker();
  #servicePods!: SharedServicePods;
  readonly #hintsPopulated = new Map<string, boolean>();
  /** The incremental planner's memo per Service key, after its last applied plan. */
  readonly #memos = new Map<string, SliceMemo>();
  /** Counts node events, so the incremental planner knows when to look at nodes again. */
  #nodesGeneration = 0;
  #nodeView!: ReadonlyMap<string, Node>;
  /**
   * Zone CPU shares (hints.ts computeZoneCPURatios), recomputed on node changes. It starts as
   * the empty map Kubernetes' NewTopologyCache starts with, which AddHints reports as "Nodes
   * only ready in one zone" until nodes are seen.
   */
  #zoneRatios: Map<string, number> | null = new Map();
  /** Topology hints each Service's last applied plan allocated, for the overload check on node changes. */
  readonly #zoneHints = new Map<string, ServiceZoneHints>();
  #services!: Informer<Service>;
  #serviceClient!: ResourceClient<Service>;
  #pods!: Informer<Pod>;
  #nodes!: Informer<Node>;
  #slices!: Informer<EndpointSlice>;
  #client!: ResourceClient<EndpointSlice>;
  #queue!: WorkQueue<string>;
  #pool?: WorkerPoolHandle;
  #recorder!: EventRecorder;
  #metrics!: SliceControllerMetrics;
  #log!: Logger;

  constructor(opts: EndpointSliceControllerOptions = {}) {
    this.#o = validateEndpointSliceOptions(opts);
  }

  setup(ctx: ControllerContext): void {
    this.#log = ctx.logger;
    this.#recorder = ctx.recorder(EndpointEventSources.endpointSliceController);
    this.#metrics = new SliceControllerMetrics(ctx.metrics.registry);
    this.#client = ctx.client.resource<EndpointSlice>({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' });
    this.#serviceClient = ctx.client.resource<Service>({ group: '', version: 'v1', resource: 'services' });
    this.#queue = new WorkQueue<string>({ name: 'endpoint_slice', clock: ctx.clock, rateLimiter: defaultControllerRateLimiter(ctx.clock, { baseMs: 1000, maxMs: 1_000_000 }), metrics: ctx.metrics.workQueues });
    this.#services = ctx.informers.get<Service>('services');
    this.#pods = ctx.informers.get<Pod>('pods');
    this.#nodes = ctx.informers.get<Node>('nodes');
    this.#nodeView = cacheView(this.#nodes);
    this.#slices = ctx.informers.get<EndpointSlice>('endpointslices');
    const batch = this.#o.batchPeriodMs;
    const enqueueBatched = (key: string, delay: number) => (delay > 0 ? this.#queue.addAfter(key, delay) : this.#queue.add(key));

    // The Service↔pod index is shared with the Endpoints controller; its handlers run first.
    this.#servicePods = sharedServicePods(ctx.informers);
    const onService = (svc: Service) => this.#queue.add(keyOf(svc));
    this.#services.addHandler({ onAdd: onService, onUpdate: (_o, s) => onService(s), onDelete: onService });

    const onPod = (pod: Pod) => {
      for (const svcKey of this.#servicePods.servicesFor(pod)) enqueueBatched(svcKey, batch);
    };
    this.#pods.addHandler({
      onAdd: onPod,
      // A resync (same resourceVersion) changes nothing.
      onUpdate: (o, p) => o.metadata.resourceVersion !== p.metadata.resourceVersion && onPod(p),
      onDelete: onPod,
    });

    const sliceDelay = Math.max(1000, batch);
    const serviceOf = (s: EndpointSlice) => (s.metadata.labels?.[Labels.serviceName] ? `${s.metadata.namespace}/${s.metadata.labels[Labels.serviceName]}` : undefined);
    const ours = (s: EndpointSlice) => s.metadata.labels?.[Labels.endpointSliceManagedBy] === ManagedBy.endpointSliceController;
    this.#slices.addHandler({
      onAdd: (s) => {
        const k = serviceOf(s);
        if (k && ours(s) && this.tracker.shouldSync(s)) this.#queue.addAfter(k, sliceDelay);
      },
      onUpdate: (old, s) => {
        const ko = serviceOf(old);
        const k = serviceOf(s);
        if (ko !== k || ours(old) !== ours(s)) {
          if (ko) this.#queue.addAfter(ko, sliceDelay);
          if (k) this.#queue.addAfter(k, sliceDelay);
        } else if (k && ours(s) && this.tracker.shouldSync(s)) {
          this.#queue.addAfter(k, sliceDelay);
        }
      },
      onDelete: (s) => {
        const k = serviceOf(s);
        if (k && ours(s) && this.tracker.has(s) && !this.tracker.handleDeletion(s)) this.#queue.addAfter(k, sliceDelay);
      },
    });

    // Nodes: the incremental planner looks at nodes again after any change (zones, existence).
    // The zone CPU shares are recomputed only on an add, a delete, or a change of readiness or
    // zone, and then only Services whose hints they overload resync (Kubernetes' addNode,
    // deleteNode, updateNode and checkNodeTopologyDistribution; there a single-key topology
    // queue with one worker, here the same work done in the handler).
    const onNodeTopology = () => {
      this.#zoneRatios = computeZoneCPURatios(this.#nodes.list());
      for (const key of overloadedServices(this.#zoneHints, this.#zoneRatios)) this.#queue.add(key);
    };
    this.#nodes.addHandler({
      onAdd: () => {
        this.#nodesGeneration++;
        onNodeTopology();
      },
      onDelete: () => {
        this.#nodesGeneration++;
        onNodeTopology();
      },
      onUpdate: (o, n) => {
        if (o.metadata.resourceVersion === n.metadata.resourceVersion) return;
        this.#nodesGeneration++;
        if (isNodeTopologyChange(o, n)) onNodeTopology();
      },
    });
  }

  run(): void {
    this.#pool = runWorkers(this.#queue, {
      concurrency: this.#o.concurrency,
      reconcile: (key) => this.sync(key),
      onError: (key, err, outcome) => {
        this.#metrics.sync(err instanceof StaleSliceCacheError ? 'stale' : 'error');
        this.#log.warn({ service: key, err: err instanceof Error ? err.message : String(err), outcome }, 'error syncing EndpointSlices for Service');
      },
    });
  }

  async stop(timeoutMs: number): Promise<void> {
    if (this.#pool) await this.#pool.drain(timeoutMs);
    else this.#queue?.shutDown();
  }

  /** One sync of one Service key; throws to be retried with backoff. */
  async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/', 2);
    const service = this.#services.get(key);
    const managed = this.#slices.byIndex(Index.service, key).filter((s) => s.metadata.labels?.[Labels.endpointSliceManagedBy] === ManagedBy.endpointSliceController);
    // 1.
    if (!service) {
      await this.#deleteSlicesOfDeletedService(key, name, managed);
      this.tracker.deleteService(namespace, name);
      this.#triggers.deleteService(namespace, name);
      this.#hintsPopulated.delete(key);
      this.#zoneHints.delete(key);
      this.#memos.delete(key);
      this.#metrics.forget(key);
      return;
    }
    // 2.
    if (service.spec?.type === 'ExternalName' || service.spec?.selector == null) return;
    // 3.
    const pods = this.#servicePods.index.podsOf(key);
    const existing = managed.filter((s) => !s.metadata.deletionTimestamp);
    // 4.
    if (this.tracker.staleSlices(service, existing)) throw new StaleSliceCacheError(key);
    // 5. The memo is taken out for the sync and put back only once its plan is applied.
    const triggerTime = this.#triggers.computeTriggerTime(service, pods);
    const memo = this.#memos.get(key);
    this.#memos.delete(key);
    const { plan, next } = planSlices({
      service,
      pods,
      nodes: this.#nodeView,
      nodesGeneration: this.#nodesGeneration,
      existingSlices: existing,
      maxEndpointsPerSlice: this.#o.maxEndpointsPerSlice,
      triggerTime,
      zoneCPURatios: topologyHintsEnabled(service) ? this.#zoneRatios : null,
      topologyHintsPopulated: this.#hintsPopulated.get(key),
    }, memo);
    // Kept as Kubernetes' topology cache keeps them: set by AddHints before the writes.
    this.#hintsPopulated.set(key, plan.topologyHintsPopulated);
    if (Object.keys(plan.topologyHintsByZone).length > 0) this.#zoneHints.set(key, plan.topologyHintsByZone);
    else this.#zoneHints.delete(key);
    let writes: ApplyResult | undefined;
    let writeError: unknown;
    try {
      writes = isEmptyPlan(plan) ? { created: 0, updated: 0, deleted: 0, namespaceGone: false, written: [] } : await applySlicePlan(this.#client, namespace, plan, this.tracker, 'endpointslice-controller', { kind: 'Service', key });
    } catch (err) {
      writeError = err;
    }
    // Hint events are recorded whether or not the writes went through, as Reconcile records them
    // after finalize.
    const regarding = referenceTo(service, 'Service');
    for (const e of plan.events) this.#recorder.record({ regarding, type: e.type, reason: e.reason, action: 'Update', note: e.message });
    if (writes) {
      const settled = next && !writes.namespaceGone ? next.settle(writes.written) : undefined;
      if (settled) this.#memos.set(key, settled);
      this.#metrics.observe(key, plan.metrics, writes);
    }
    // 6.
    this.#reportFailures(key, regarding, plan, writeError);
    this.#metrics.sync('success');
  }

  /**
   * Records one FailedToUpdateEndpointSlices event for the plan's problems and a failed write,
   * and throws, when there was either. The message is Kubernetes': the problems in order, then
   * the write's error, as utilerrors.NewAggregate prints them (errors.ts aggregateMessages).
   */
  #reportFailures(key: string, regarding: ReturnType<typeof referenceTo>, plan: SlicePlan, writeError: unknown): void {
    const messages = plan.problems.map((p) => p.message);
    if (writeError !== undefined) messages.push(messageOf(writeError));
    if (messages.length === 0) return;
    // The write's error is the cause: the worker pool waits out a Retry-After it carries.
    const failure = new SliceSyncError(messages, writeError);
    this.#recorder.record({ regarding, type: 'Warning', reason: EndpointEventReasons.failedToUpdateEndpointSlices, action: 'Update', note: `Error updating Endpoint Slices for Service ${key}: ${failure.message}` });
    throw failure;
  }

  /**
   * Step 1: the Service is not in the cache. Its slices are deleted when the API server confirms
   * that the Service they name as owner is gone (or is another one, by UID): the informer may
   * lag a Service that was just created again.
   */
  async #deleteSlicesOfDeletedService(key: string, name: string, managed: readonly EndpointSlice[]): Promise<void> {
    if (slicesOfDeletedService(managed, name, undefined).length === 0) return;
    const live = await readLive(this.#serviceClient, key);
    const doomed = slicesOfDeletedService(managed, name, live);
    if (doomed.length > 0) await deleteOrphanedSlices(this.#client, doomed, this.tracker, { kind: 'Service', key });
  }
}

/** The nodes of an informer cache as a read-only map by name: a sync reads the nodes it needs, no copy is made. */
function cacheView(nodes: Informer<Node>): ReadonlyMap<string, Node> {
  const entries = () => new Map(nodes.list().map((n) => [n.metadata.name ?? '', n]));
  return {
    get: (name) => nodes.get(name),
    has: (name) => nodes.get(name) !== undefined,
    get size() {
      return nodes.list().length;
    },
    forEach: (fn, thisArg) => entries().forEach(fn, thisArg),
    entries: () => entries().entries(),
    keys: () => entries().keys(),
    values: () => entries().values(),
    [Symbol.iterator]: () => entries()[Symbol.iterator](),
  };
}

/**
 * The Endpoints controller's wiring (../shared/reference/kubernetes-behaviour.md §4.1–4.2):
 * Service add/update/delete and Endpoints delete enqueue the Service key at once; pod changes
 * that matter (labels, hostname, subdomain, deletion, readiness, IPs) enqueue the Services
 * selecting the pod after --endpoint-updates-batch-period. At start, every Endpoints without a
 * Service (and without a leader-election record) is enqueued, and its sync deletes it.
 *
 * One sync: read the Service, its pods (ServicePodIndex) and the cached Endpoints; compute the
 * trigger time; reconcile to a plan; apply it (apply.ts).
 */
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { Endpoints, Pod, Service } from '../../api-types/core.js';
import { EndpointEventSources } from '../../api-types/well-known.js';
import type { EventRecorder } from '../runtime/events.js';
import { keyOf, type Informer } from '../runtime/informer.js';
import type { ResourceClient } from '../runtime/kube-client.js';
import type { Controller, ControllerContext } from '../runtime/manager.js';
import { metricsPrefix } from '../runtime/metrics.js';
import { defaultControllerRateLimiter } from '../runtime/rate-limiter.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { runWorkers, type WorkerPoolHandle } from '../runtime/worker-pool.js';
import { sharedServicePods, type SharedServicePods } from '../shared/service-pods.js';
import { TriggerTimeTracker } from '../shared/trigger-time.js';
import { applyEndpointsPlan } from './apply.js';
import { planEndpoints, type EndpointsMemo } from './incremental.js';
import { isLeftover, StaleEndpointsTracker } from './reconcile.js';

/** Options of the Endpoints controller (kube-controller-manager's flags). */
export interface EndpointsControllerOptions {
  /** --concurrent-endpoint-syncs. @default 5 */
  concurrency?: number;
  /** --endpoint-updates-batch-period in ms. @default 0 */
  batchPeriodMs?: number;
}

/** True when a pod update can change the Endpoints (§4.1: the pod queue's filter). */
export function podChangeMatters(old: Pod, pod: Pod): boolean {
  if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return false;
  const ready = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const ips = (p: Pod) => (p.status?.podIPs?.map((x) => x.ip).join(',') ?? '') + '|' + (p.status?.podIP ?? '');
  return (
    old.metadata.labels !== pod.metadata.labels ||
    old.spec?.hostname !== pod.spec?.hostname ||
    old.spec?.subdomain !== pod.spec?.subdomain ||
    old.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp ||
    ready(old) !== ready(pod) ||
    ips(old) !== ips(pod) ||
    old.status?.phase !== pod.status?.phase ||
    old.spec?.containers !== pod.spec?.containers
  );
}

/** The `endpoints` controller. */
export class EndpointsController implements Controller {
  readonly name = 'endpoints';
  readonly #concurrency: number;
  readonly #batchPeriodMs: number;
  readonly #stale = new StaleEndpointsTracker();
  readonly #triggers = new TriggerTimeTracker();
  #servicePods!: SharedServicePods;
  /** The incremental planner's memo per Service key, after its last applied plan. */
  readonly #memos = new Map<string, EndpointsMemo>();
  #services!: Informer<Service>;
  #pods!: Informer<Pod>;
  #endpoints!: Informer<Endpoints>;
  #client!: ResourceClient<Endpoints>;
  #queue!: WorkQueue<string>;
  #pool?: WorkerPoolHandle;
  #recorder!: EventRecorder;
  #syncs!: Counter;
  #log!: Logger;

  constructor(opts: EndpointsControllerOptions = {}) {
    this.#concurrency = opts.concurrency ?? 5;
    this.#batchPeriodMs = opts.batchPeriodMs ?? 0;
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1) throw new RangeError(`--concurrent-endpoint-syncs must be at least 1, but got ${this.#concurrency}`);
    if (!(this.#batchPeriodMs >= 0)) throw new RangeError(`--endpoint-updates-batch-period must not be negative, but got ${this.#batchPeriodMs}ms`);
  }

  setup(ctx: ControllerContext): void {
    this.#log = ctx.logger;
    this.#recorder = ctx.recorder(EndpointEventSources.endpointsController);
    this.#client = ctx.client.resource<Endpoints>({ group: '', version: 'v1', resource: 'endpoints' });
    this.#syncs = new Counter({ name: `${metricsPrefix}endpoints_controller_syncs_total`, help: 'Endpoints syncs by result (success, stale, error) and write (none, created, updated, deleted, dropped).', labelNames: ['result', 'write'], registers: [ctx.metrics.registry] });
    this.#queue = new WorkQueue<string>({ name: 'endpoint', clock: ctx.clock, rateLimiter: defaultControllerRateLimiter(ctx.clock), metrics: ctx.metrics.workQueues });
    this.#services = ctx.informers.get<Service>('services');
    this.#pods = ctx.informers.get<Pod>('pods');
    this.#endpoints = ctx.informers.get<Endpoints>('endpoints');
    // The Service↔pod index is shared with the EndpointSlice controller; its handlers run first.
    this.#servicePods = sharedServicePods(ctx.informers);
    const onService = (svc: Service) => this.#queue.add(keyOf(svc));
    this.#services.addHandler({ onAdd: onService, onUpdate: (_o, s) => onService(s), onDelete: onService });
    const onPod = (pod: Pod) => {
      for (const svcKey of this.#servicePods.servicesFor(pod)) {
        if (this.#batchPeriodMs > 0) this.#queue.addAfter(svcKey, this.#batchPeriodMs);
        else this.#queue.add(svcKey);
      }
    };
    this.#pods.addHandler({ onAdd: onPod, onUpdate: (o, p) => podChangeMatters(o, p) && onPod(p), onDelete: onPod });
    this.#endpoints.addHandler({ onDelete: (ep) => this.#queue.add(keyOf(ep)) });
  }

  run(): void {
    // The start-up sweep (checkLeftoverEndpoints): Endpoints without a Service are deleted by their sync.
    for (const ep of this.#endpoints.list()) {
      if (isLeftover(ep, this.#services.get(keyOf(ep)) !== undefined)) this.#queue.add(keyOf(ep));
    }
    this.#pool = runWorkers(this.#queue, {
      concurrency: this.#concurrency,
      reconcile: (key) => this.sync(key),
      onError: (key, err, outcome) => {
        this.#syncs.inc({ result: (err as { code?: string }).code === 'EndpointsCacheStale' ? 'stale' : 'error', write: 'none' });
        this.#log.warn({ service: key, err: err instanceof Error ? err.message : String(err), outcome }, 'error syncing Endpoints for Service');
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
    const existing = this.#endpoints.get(key);
    const pods = service ? this.#servicePods.index.podsOf(key) : [];
    const triggerTime = service ? this.#triggers.computeTriggerTime(service, pods) : undefined;
    // The memo is taken out for the sync and put back only once its plan is applied.
    const memo = this.#memos.get(key);
    this.#memos.delete(key);
    const { plan, next } = planEndpoints({ namespace, name, service, pods, existing, triggerTime, isStale: (ep) => this.#stale.isStale(ep) }, memo);
    if (plan.action === 'delete') this.#triggers.deleteService(namespace, name);
    if (plan.action === 'delete' && !existing) {
      // Nothing cached to delete: the Service's Endpoints never existed or are gone already.
      this.#stale.delete(namespace, name);
      this.#syncs.inc({ result: 'success', write: 'none' });
      return;
    }
    const { write, written } = await applyEndpointsPlan(this.#client, plan, existing, this.#stale, this.#recorder);
    const settled = next && write !== 'dropped' ? next.settle(written) : undefined;
    if (settled) this.#memos.set(key, settled);
    this.#syncs.inc({ result: 'success', write });
  }
}

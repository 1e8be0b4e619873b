/**
 * The ServiceCIDR controller's wiring: kube-controller-manager 1.33's `service-cidr-controller`
 * (pkg/controller/servicecidrs/servicecidrs_controller.go; ../shared/reference/
 * kubernetes-behaviour.md §1.9). Keys are ServiceCIDR names. What enqueues them, as upstream:
 *
 * - a ServiceCIDR added: itself and every ServiceCIDR it overlaps (one held back by IPAddresses
 *   may now be contained by the new one);
 * - a ServiceCIDR updated or deleted: itself;
 * - an IPAddress of kube-apiserver's allocator or of svcplane's serviceip controller added or
 *   deleted: the ServiceCIDRs that contain it (it may hold back, or stop holding back, their
 *   deletion).
 *
 * It starts only where ServiceCIDR and IPAddress are served and readable (probed first; a 404 or
 * 403 leaves it idle, with one line at info), so that on an older cluster the other controllers
 * do not wait for caches that cannot sync.
 *
 * Beyond upstream, a deletion held back by IPAddresses is checked again every
 * `blockedRecheckMs` (upstream waits for one of the events above), so an IPAddress whose labels
 * changed does not hold a ServiceCIDR forever; the check reads the caches only and writes nothing
 * while nothing changed.
 */
import type { Logger } from 'pino';
import { ApiError } from '../../api-types/api-error.js';
import type { IPAddress, ServiceCIDR } from '../../api-types/networking.js';
import { ServiceCIDRControllerNames as Names } from '../../api-types/well-known.js';
import type { Clock } from '../runtime/clock.js';
import type { EventRecorder } from '../runtime/events.js';
import { watched } from '../runtime/informer-factory.js';
import { probeResource } from '../runtime/probe.js';
import type { Informer } from '../runtime/informer.js';
import type { ResourceClient } from '../runtime/kube-client.js';
import type { Controller, ControllerContext } from '../runtime/manager.js';
import { defaultControllerRateLimiter } from '../runtime/rate-limiter.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { runWorkers, type ReconcileResult, type WorkerPoolHandle } from '../runtime/worker-pool.js';
import { applyServiceCIDRPlan } from './apply.js';
import { addressOf, overlappingServiceCIDRs, serviceCIDRsContaining } from './containment.js';
import { isProtectingIPAddress, reconcileServiceCIDR, type ServiceCIDRPlan } from './reconcile.js';

/** Options of the ServiceCIDR controller. */
export interface ServiceCIDRControllerOptions {
  /** Workers (kube-controller-manager starts 5), 1–50. @default 5 */
  concurrency?: number;
  /** How often a deletion held back by IPAddresses is checked again, besides events; > 0. @default 60000 */
  blockedRecheckMs?: number;
}

/** The `servicecidrs` controller. */
export class ServiceCIDRController implements Controller {
  readonly name = 'servicecidrs';
  readonly #concurrency: number;
  readonly #blockedRecheckMs: number;
  #serviceCIDRs!: Informer<ServiceCIDR>;
  #ipAddresses!: Informer<IPAddress>;
  #client!: ResourceClient<ServiceCIDR>;
  #queue!: WorkQueue<string>;
  #pool?: WorkerPoolHandle;
  #recorder!: EventRecorder;
  #clock!: Clock;
  #log!: Logger;
  #ctx?: ControllerContext;
  #stopped = false;

  constructor(opts: ServiceCIDRControllerOptions = {}) {
    this.#concurrency = opts.concurrency ?? 5;
    this.#blockedRecheckMs = opts.blockedRecheckMs ?? 60_000;
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1 || this.#concurrency > 50) throw new RangeError(`ServiceCIDR controller workers must be between 1 and 50, but got ${this.#concurrency}`);
    if (!(this.#blockedRecheckMs > 0) || !Number.isFinite(this.#blockedRecheckMs)) throw new RangeError(`blockedRecheckMs must be a positive number of ms, but got ${this.#blockedRecheckMs}`);
  }

  setup(ctx: ControllerContext): void {
    this.#ctx = ctx;
    this.#log = ctx.logger;
    this.#clock = ctx.clock;
    this.#recorder = ctx.recorder(Names.name);
    this.#client = ctx.client.resource<ServiceCIDR>(watched.servicecidrs);
    // Upstream's queue is named "ipaddresses" too (the name the workqueue_* metrics carry).
    this.#queue = new WorkQueue<string>({ name: 'ipaddresses', clock: ctx.clock, rateLimiter: defaultControllerRateLimiter(ctx.clock), metrics: ctx.metrics.workQueues });
  }

  /**
   * Probes ServiceCIDR and IPAddress first: where either is not served (before 1.33, or with
   * the API off) or not readable, the controller says so once and stays idle, and its
   * informers are never taken, so the other controllers do not wait for caches that cannot
   * sync. Then the informers, their handlers, and the workers.
   */
  run(): void {
    void this.#start().catch((err: unknown) => this.#log.error({ err }, 'servicecidrs controller failed to start'));
  }

  async #start(): Promise<void> {
    const ctx = this.#ctx as ControllerContext;
    for (const resource of [watched.servicecidrs, watched.ipaddresses]) {
      const probe = await probeResource(ctx.client.resource(resource), {
        kind: 'ServiceCIDR and IPAddress', isAbsent: (err) => err instanceof ApiError && (err.code === 404 || err.code === 403), clock: this.#clock, log: this.#log, isStopped: () => this.#stopped,
      });
      if (probe === 'stopped') return;
      if (probe === 'absent') {
        this.#log.info({ resource: `${resource.resource}.${resource.group}` }, 'ServiceCIDR or IPAddress is not served or not readable: the servicecidrs controller stays idle');
        return;
      }
    }
    this.#serviceCIDRs = ctx.informers.get<ServiceCIDR>('servicecidrs');
    this.#ipAddresses = ctx.informers.get<IPAddress>('ipaddresses');
    const add = (name: string | undefined): void => {
      if (name) this.#queue.add(name);
    };
    this.#serviceCIDRs.addHandler({
      onAdd: (sc) => {
        // One add per key: a key handed to a worker at once would be marked dirty by a second
        // add and synced twice.
        for (const name of new Set([sc.metadata.name, ...overlappingServiceCIDRs(sc, this.#serviceCIDRs.list())])) add(name);
      },
      onUpdate: (_old, sc) => add(sc.metadata.name),
      onDelete: (sc) => add(sc.metadata.name),
    });
    const containing = (ip: IPAddress) => {
      if (!isProtectingIPAddress(ip)) return;
      const address = addressOf(ip.metadata.name);
      if (address) for (const sc of serviceCIDRsContaining(address, this.#serviceCIDRs.list())) add(sc.metadata.name);
    };
    this.#ipAddresses.addHandler({ onAdd: containing, onDelete: containing });
    await Promise.all([this.#serviceCIDRs.waitForSync(), this.#ipAddresses.waitForSync()]);
    if (this.#stopped) return;
    this.#pool = runWorkers(this.#queue, {
      concurrency: this.#concurrency,
      reconcile: (key) => this.sync(key),
      onError: (key, err, outcome) => {
        const fields = { serviceCIDR: key, err: err instanceof Error ? err.message : String(err) };
        if (outcome === 'requeued') this.#log.debug(fields, 'Error syncing ServiceCIDR, retrying');
        else this.#log.warn(fields, 'Dropping ServiceCIDR out of the queue');
      },
    });
  }

  async stop(timeoutMs: number): Promise<void> {
    this.#stopped = true;
    if (this.#pool) await this.#pool.drain(timeoutMs);
    else this.#queue?.shutDown();
  }

  /** One sync of one ServiceCIDR; throws to be retried with backoff. */
  async sync(name: string): Promise<ReconcileResult> {
    const serviceCIDR = this.#serviceCIDRs.get(name);
    // Only a deletion looks at IPAddresses; every IPAddress added queues the ServiceCIDRs holding
    // it, so copying them all on every sync would cost a list per allocation.
    const ipAddresses = serviceCIDR?.metadata.deletionTimestamp ? this.#ipAddresses.list() : [];
    const plan = reconcileServiceCIDR(
      { serviceCIDR, serviceCIDRs: this.#serviceCIDRs.list(), ipAddresses, nowMs: this.#clock.now() },
      { blockedRecheckMs: this.#blockedRecheckMs },
    );
    if (!serviceCIDR) return undefined;
    this.#logDeletion(name, plan);
    const writes = await applyServiceCIDRPlan(this.#client, serviceCIDR, plan, this.#recorder);
    if (writes.finalizer !== 'none') this.#log.debug({ serviceCIDR: name }, writes.finalizer === 'added' ? 'Added protection finalizer to ServiceCIDR' : 'Removed protection finalizer from ServiceCIDR');
    if (writes.condition) this.#log.debug({ serviceCIDR: name, status: plan.readyCondition?.status, reason: plan.readyCondition?.reason }, 'Updated ServiceCIDR condition');
    if (writes.gone) return undefined;
    return plan.requeueAfterMs === undefined ? undefined : { requeueAfterMs: plan.requeueAfterMs };
  }

  /**
   * Upstream's lines about a deletion, at info when this sync writes (the condition, or the
   * finalizer away) and at debug when it only checks again.
   */
  #logDeletion(name: string, plan: ServiceCIDRPlan): void {
    const d = plan.deletion;
    if (!d) return;
    const level = plan.readyCondition || plan.finalizer === 'remove' ? 'info' : 'debug';
    if (d.verdict === 'blocked') this.#log[level]({ serviceCIDR: name, ipAddress: d.ipAddress }, 'Deleting ServiceCIDR blocked by IP address');
    else if (d.verdict === 'contained') this.#log[level]({ serviceCIDR: name }, 'Deleting ServiceCIDR contained in other ServiceCIDR');
    else this.#log[level]({ serviceCIDR: name }, 'Deleting ServiceCIDR no longer have orphan IPs');
  }
}

/**
 * The serviceip controller's wiring: the Services informer feeds one queue (keys `namespace/name`),
 * the IPAddresses informer keeps the claim index (and its bitmaps) in step and feeds a second
 * queue (keys: the IP) for the leak repair, and a full repair pass runs on start and every
 * `repairIntervalMs`.
 *
 * 1. setup: Service handlers enqueue the key, whatever the event.
 * 2. run: remember every Service that already holds a complete allocation as settled (its "old"
 *    state for PreferDualStack, settled.ts). Probe IPAddress, then ServiceCIDR. ServiceCIDR
 *    served and readable: take the shared ServiceCIDRs informer, whose every change re-syncs
 *    the ranges (service-cidrs.ts, allocators/cluster-ip-ranges.ts), and wait for its sync; not
 *    (a 404 or 403): say so at info, and allocate from the flag's ranges only. IPAddress served:
 *    take the shared IPAddresses informer, index it, wait for its sync. Not served (a 404):
 *    warn, and claim in memory only, relying on leader election.
 * 3. Repair pass on start: Services that already list IPs nobody has claimed are reconciled first,
 *    so no automatic allocation can hand out their IPs meanwhile. Then the workers start.
 * 4. Every interval: rebuild the bitmaps from the index, enqueue every Service and every claim.
 */
import type { Logger } from 'pino';
import type { Service } from '../../api-types/core.js';
import type { IPAddress, ServiceCIDR } from '../../api-types/networking.js';
import type { KubeObject } from '../../api-types/meta.js';
import { EventSources } from '../../api-types/well-known.js';
import type { ClusterIPRanges } from '../../allocators/index.js';
import { canonicalIP, isIP } from '../../allocators/ip.js';
import { ApiError } from '../../api-types/api-error.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { watched } from '../runtime/informer-factory.js';
import { probeResource } from '../runtime/probe.js';
import type { Informer } from '../runtime/informer.js';
import { DistinctFailures } from '../runtime/metrics.js';
import { keyOf } from '../runtime/informer.js';
import { OwnWrites } from '../runtime/own-writes.js';
import type { ResourceClient } from '../runtime/kube-client.js';
import type { Controller, ControllerContext } from '../runtime/manager.js';
import { defaultControllerRateLimiter, type ControllerRateLimiterOptions } from '../runtime/rate-limiter.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { runWorkers, type ReconcileResult, type WorkerPoolHandle } from '../runtime/worker-pool.js';
import { ServiceIPApplier, claimObject } from './apply.js';
import { ClaimIndex, parentKeyOf } from './claims.js';
import { serviceIPMetrics } from './metrics.js';
import { reconcileServiceIP, type ServiceIPSnapshot } from './reconcile.js';
import { claimReference, planClaimRepair } from './repair.js';
import { memoryClaims } from './memory-claims.js';
import { serviceCIDRViews } from './service-cidrs.js';
import { type SettledState, settledAfter, settledStateOf } from './settled.js';
import { FreeIPWaiters } from './waiters.js';

/** Resolved options of the controller (index.ts documents the defaults). */
export interface ServiceIPControllerConfig {
  ranges: ClusterIPRanges;
  repairIntervalMs: number;
  leakGracePeriodMs: number;
  concurrency: number;
  rateLimiter: ControllerRateLimiterOptions;
  maxConflictRetries: number;
}

const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.code === 404;
const isForbidden = (err: unknown): boolean => err instanceof ApiError && err.code === 403;

/** Whether `svc` lists `ip` (canonical text), in whatever text form it was given. */
function listsIP(svc: Service | undefined, ip: string): boolean {
  return svc?.spec?.clusterIPs?.some((listed) => listed === ip || canonicalIP(listed) === ip) === true;
}

/** Allocates ClusterIPs by durable IPAddress claims, and repairs them. */
export class ServiceIPController implements Controller {
  readonly name = 'serviceip';
  /** The claim index (tests read it). */
  readonly index: ClaimIndex;
  readonly #cfg: ServiceIPControllerConfig;
  #ctx?: ControllerContext;
  #log!: Logger;
  #clock!: Clock;
  #services!: Informer<Service>;
  #svcQueue!: WorkQueue<string>;
  #ipQueue!: WorkQueue<string>;
  #applier!: ServiceIPApplier;
  #ipClient!: ResourceClient<IPAddress>;
  #pools: WorkerPoolHandle[] = [];
  #timer?: TimerHandle;
  #stopped = false;
  #metrics?: ReturnType<typeof serviceIPMetrics>;
  /** Services to try again when an IP is freed (waiters.ts). */
  readonly waiters = new FreeIPWaiters();
  /**
   * Each Service's IP fields as this controller last settled them, by key (settled.ts): the
   * "old" object of the family rules. Entries go when the Service is gone or ExternalName.
   */
  readonly #settled = new Map<string, SettledState>();
  /** This controller's Service writes, so that their echoes are not taken for new work. */
  readonly #ownWrites = new OwnWrites();
  /** The failing Services' failures already counted (once each, not per re-check). */
  readonly #failures = new DistinctFailures();
  /** False when the server does not serve IPAddress (claims live in memory only). */
  durable = true;
  /** False when ServiceCIDRs are not served or not readable (the flag's ranges only). */
  readsServiceCIDRs = true;

  constructor(cfg: ServiceIPControllerConfig) {
    this.#cfg = cfg;
    this.index = new ClaimIndex(cfg.ranges);
  }

  /** 1. Registers the Service handlers, the queues, the applier and the metrics. */
  setup(ctx: ControllerContext): void {
    this.#ctx = ctx;
    this.#log = ctx.logger;
    this.#clock = ctx.clock;
    const queue = (name: string): WorkQueue<string> =>
      new WorkQueue<string>({ name, clock: ctx.clock, metrics: ctx.metrics.workQueues, rateLimiter: defaultControllerRateLimiter<string>(ctx.clock, this.#cfg.rateLimiter) });
    this.#svcQueue = queue('serviceip');
    this.#ipQueue = queue('serviceip_ipaddresses');
    this.#services = ctx.informers.get<Service>('services');
    this.#services.addHandler(this.#ownWrites.handlerFor<Service>((key) => this.#svcQueue.add(key)));
    this.#ipClient = ctx.client.resource<IPAddress>(watched.ipaddresses);
    this.#metrics = serviceIPMetrics(ctx.metrics.registry, this.index);
    this.#applier = this.#withClient(this.#ipClient);
  }

  /** 2–4. Starts allocation: the IPAddress probe, the start-up repair, the workers and the repair timer. */
  run(): void {
    void this.#start().catch((err: unknown) => this.#log.error({ err }, 'serviceip controller failed to start'));
  }

  async #start(): Promise<void> {
    const ctx = this.#ctx as ControllerContext;
    // 2. Before anything else runs: the Services found now are the ones a changed cluster must
    // not upgrade or downgrade.
    for (const svc of this.#services.list()) this.#remember(keyOf(svc), settledStateOf(svc));
    const probe = (client: ResourceClient<KubeObject>, kind: string, isAbsent: (err: unknown) => boolean) =>
      probeResource(client, { kind, isAbsent, clock: this.#clock, log: this.#log, isStopped: () => this.#stopped });
    const ipaddresses = await probe(this.#ipClient, 'IPAddress', isNotFound);
    if (ipaddresses === 'stopped') return;
    this.durable = ipaddresses === 'served';
    const servicecidrs = await probe(ctx.client.resource(watched.servicecidrs), 'ServiceCIDR', (err) => isNotFound(err) || isForbidden(err));
    if (servicecidrs === 'stopped') return;
    this.readsServiceCIDRs = servicecidrs === 'served';
    if (this.readsServiceCIDRs) {
      const cidrs = ctx.informers.get<ServiceCIDR>('servicecidrs');
      // Level-based: whatever changed, the ranges are made to match every ServiceCIDR cached.
      const resync = (): void => this.#syncRanges(cidrs.list());
      cidrs.addHandler({ onAdd: resync, onUpdate: resync, onDelete: resync });
      await cidrs.waitForSync();
      resync();
    } else {
      this.#log.info({ resource: 'servicecidrs.networking.k8s.io' }, 'ServiceCIDR is not served or not readable: ClusterIPs come from --service-cluster-ip-range only');
    }
    if (this.#stopped) return;
    if (this.durable) {
      const ips = ctx.informers.get<IPAddress>('ipaddresses');
      const onClaim = (obj: IPAddress): void => {
        const name = obj.metadata.name ?? '';
        const current = ips.get(name);
        // Already indexed as it is (the applier indexed its own claim first): nothing changed.
        if (this.index.matches(name, current)) return;
        const claimant = this.index.claimantOf(name);
        const parents = this.index.sync(name, current, this.#clock.now());
        // The claim this controller is making for `claimant` right now: that reconcile accounts
        // for it, and the applier hands it to the leak repair unless a write lists it.
        if (claimant !== undefined && current && parentKeyOf(current) === claimant) return;
        for (const parent of parents) this.#svcQueue.add(parent);
        this.#ipQueue.add(name);
        // Deleted by anyone (not only by this controller's release): whoever waits for it may have it.
        if (current === undefined) this.#wake(name);
      };
      ips.addHandler({ onAdd: onClaim, onUpdate: (_old, o) => onClaim(o), onDelete: onClaim });
      await ips.waitForSync();
    } else {
      this.#log.warn({ resource: 'ipaddresses.networking.k8s.io' }, 'IPAddress is not served: ClusterIP claims are kept in memory only; run a single leader (leader election) to avoid duplicates');
      this.#ipClient = memoryClaims();
      this.#applier = this.#withClient(this.#ipClient);
      for (const svc of this.#services.list()) {
        for (const listed of svc.spec?.clusterIPs ?? []) {
          const ip = canonicalIP(listed);
          // An IP two Services list is seeded once; the reconcile reports the other.
          if (isIP(ip) && !this.index.get(ip) && this.index.ranges.containing(ip).length > 0) this.index.sync(ip, await this.#ipClient.create(undefined, claimObject(ip, keyOf(svc))), this.#clock.now());
        }
      }
    }
    if (this.#stopped) return;
    // 3.
    for (const svc of this.#services.list()) {
      const unclaimed = (svc.spec?.clusterIPs ?? []).some((ip) => ip !== 'None' && ip !== '' && !this.index.get(canonicalIP(ip)));
      if (!unclaimed) continue;
      try {
        await this.#syncService(keyOf(svc));
      } catch (err) {
        this.#log.warn({ service: keyOf(svc), err }, 'start-up repair of a Service failed; it stays queued');
      }
    }
    if (this.#stopped) return;
    const logger = this.#log;
    this.#pools.push(
      runWorkers(this.#svcQueue, { concurrency: this.#cfg.concurrency, reconcile: (key) => this.#syncService(key), logger, onError: (_k, _e, outcome) => outcome !== 'terminal' && this.#metrics?.reconcileError() }),
      runWorkers(this.#ipQueue, { concurrency: 1, reconcile: (ip) => this.#syncClaim(ip), logger, onError: () => this.#metrics?.reconcileError() }),
    );
    // 4.
    const tick = (): void => {
      if (this.#stopped) return;
      this.fullPass();
      this.#timer = this.#clock.setTimer(tick, this.#cfg.repairIntervalMs);
    };
    this.#timer = this.#clock.setTimer(tick, this.#cfg.repairIntervalMs);
  }

  /** True once the start-up (IPAddress probe, start-up repair) is done and the workers run, until stop. */
  get allocating(): boolean {
    return this.#pools.length > 0 && !this.#stopped;
  }

  /** Runs a full repair pass now: rebuilds the bitmaps, enqueues every Service and every claim. */
  fullPass(): void {
    this.index.rebuildBitmaps();
    for (const svc of this.#services.list()) this.#svcQueue.add(keyOf(svc));
    for (const c of this.index.all()) this.#ipQueue.add(c.ip);
  }

  /** Stops the repair timer and drains both queues within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    if (this.#pools.length === 0) {
      this.#svcQueue?.shutDown();
      this.#ipQueue?.shutDown();
      return;
    }
    await Promise.all(this.#pools.map((p) => p.drain(timeoutMs)));
  }

  #withClient(ipaddresses: ResourceClient<IPAddress>): ServiceIPApplier {
    const ctx = this.#ctx as ControllerContext;
    return new ServiceIPApplier({
      services: ctx.client.resource<Service>(watched.services),
      ipaddresses,
      index: this.index,
      clock: ctx.clock,
      recorder: ctx.recorder(EventSources.serviceIPController),
      repairRecorder: ctx.recorder(EventSources.ipAllocatorRepair),
      metrics: this.#metrics as ReturnType<typeof serviceIPMetrics>,
      failures: this.#failures,
      logger: ctx.logger,
      snapshot: (key, svc) => this.#snapshot(key, svc),
      onFreed: (ip) => this.#wake(ip),
      waitForFree: (key, what) => {
        // Freed between the refusal and now (another worker's release): try again at once.
        if ('ip' in what) {
          this.waiters.wait(key, what.ip);
          if (this.index.get(what.ip) === undefined && this.index.claimantOf(what.ip) === undefined) this.#wake(what.ip);
        } else {
          this.waiters.wait(key);
          if (this.index.ranges.hasFree(what.family)) for (const k of this.waiters.anyFreed()) this.#svcQueue.add(k);
        }
      },
      // In memory there is one writer and no claim-then-write window seen by others.
      leakGracePeriodMs: this.durable ? this.#cfg.leakGracePeriodMs : 0,
      deferToRepair: (ip) => this.#ipQueue.add(ip),
      writing: (key, baseRV) => this.#ownWrites.writing(key, baseRV),
      written: (key, rv) => this.#ownWrites.written(key, rv),
    });
  }

  #snapshot(key: string, service: Service | undefined): ServiceIPSnapshot {
    return {
      key,
      service,
      ranges: this.index.ranges,
      claimOf: (ip) => this.index.get(ip),
      ownClaims: this.index.ofParent(key),
      serviceListsIP: (k, ip) => {
        const svc = this.#services.get(k);
        return svc ? listsIP(svc, ip) : undefined;
      },
      previous: this.#settled.get(key),
    };
  }

  #remember(key: string, state: SettledState | undefined): void {
    if (state) this.#settled.set(key, state);
    else this.#settled.delete(key);
  }

  async #getService(key: string): Promise<Service | undefined> {
    const slash = key.indexOf('/');
    try {
      return await (this.#ctx as ControllerContext).client.resource<Service>(watched.services).get(key.slice(0, slash), key.slice(slash + 1));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * Makes the ranges match the ServiceCIDRs and logs what changed. When a range came, went or
   * changed readiness, the Services waiting for a free IP try again, and so does every Service:
   * a requested IP may be in range now (or no longer), and the repair's findings follow.
   */
  #syncRanges(list: readonly ServiceCIDR[]): void {
    const change = this.index.syncRanges(serviceCIDRViews(list));
    const ranges = this.index.ranges;
    for (const r of change.refused) this.#log.warn({ cidr: r.cidr, serviceCIDRs: r.names }, `Service CIDR ${r.cidr} cannot be used for ClusterIPs: ${r.reason}`);
    for (const r of change.added) this.#log.info({ cidr: r.cidr, ready: ranges.isReady(r) }, 'created a ClusterIP range for a Service CIDR');
    for (const r of change.removed) this.#log.info({ cidr: r.cidr }, 'deleted the ClusterIP range of a Service CIDR');
    for (const r of [...change.readied, ...change.unreadied]) this.#log.info({ cidr: r.cidr, ready: ranges.isReady(r) }, 'updated the ClusterIP range of a Service CIDR');
    if (change.added.length + change.removed.length + change.readied.length + change.unreadied.length === 0) return;
    for (const key of this.waiters.anyFreed()) this.#svcQueue.add(key);
    for (const svc of this.#services.list()) this.#svcQueue.add(keyOf(svc));
  }

  /** Queues the Services waiting for `ip`, or for any IP, now that it is free. */
  #wake(ip: string): void {
    for (const key of this.waiters.freed(ip)) this.#svcQueue.add(key);
  }

  /** Plans and applies one Service, re-reading it on a 409 and planning again. */
  async #syncService(key: string): Promise<ReconcileResult> {
    let svc = this.#services.get(key);
    for (let attempt = 0; attempt <= this.#cfg.maxConflictRetries; attempt++) {
      const plan = reconcileServiceIP(this.#snapshot(key, svc));
      const out = await this.#applier.apply(key, svc, plan);
      if (out === 'done') {
        // Only a plan carried out in full settles the Service: after a failure (an exception, or
        // a TerminalError until the Service changes) the old state stays, so a retry still sees
        // the change, as a failed write in Kubernetes leaves the stored object as it was.
        this.#remember(key, settledAfter(svc, plan));
        // Served, or gone: a failure after this is a new one, and it waits for nothing.
        this.#failures.clear(key);
        this.waiters.forget(key);
        return;
      }
      svc = out === 'conflict' ? await this.#getService(key) : out.reread;
    }
    throw new Error(`Service ${key} kept changing under ${this.#cfg.maxConflictRetries + 1} attempts; retrying`);
  }

  /** The leak repair of one claim (repair.ts decides; a live read of the parent confirms). */
  async #syncClaim(ip: string): Promise<ReconcileResult> {
    const claim = this.index.get(ip);
    if (!claim) return;
    const cached = claim.parent ? this.#services.get(claim.parent) : undefined;
    const state = !cached ? 'missing' : listsIP(cached, ip) ? 'lists' : 'unlisted';
    const decision = planClaimRepair(claim, state, this.#clock.now(), this.#cfg.leakGracePeriodMs);
    if (decision.action === 'keep') return;
    if (decision.action === 'wait') return { requeueAfterMs: decision.afterMs };
    if (claim.parent) {
      const live = await this.#getService(claim.parent);
      const plan = reconcileServiceIP(this.#snapshot(claim.parent, live));
      const releasable = plan.failure !== undefined || plan.release.some((c) => c.ip === ip);
      if (!releasable) {
        // The parent needs it (an allocation in flight will reuse it) or now lists it.
        if (!listsIP(live, ip)) this.#svcQueue.add(claim.parent);
        return;
      }
    }
    const ctx = this.#ctx as ControllerContext;
    ctx.recorder(EventSources.ipAllocatorRepair).record({ regarding: claimReference(claim), type: 'Warning', reason: decision.reason, action: 'IPAddressAllocation', note: decision.note });
    this.#metrics?.repairError('leak');
    this.#log.warn({ ip }, decision.note);
    await this.#applier.release(claim);
  }
}

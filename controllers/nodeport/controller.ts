/**
 * The nodeport controller: gives NodePort and LoadBalancer Services their nodePorts and
 * healthCheckNodePort after create (docs/decisions/002), keeping the allocations in one
 * compare-and-swap ConfigMap (docs/decisions/005), and repairs that map on start, on an interval
 * and after Service deletions.
 *
 * Per key (`namespace/name`):
 * 1. Plan against the freshest port map inside a CAS batch (claims, releases, automatic ports).
 * 2. Report what cannot be applied (Warning Event, log; the error metric once per distinct
 *    failure) and leave the Service as it is; remember it so that a later release re-enqueues it
 *    (no hot retry).
 * 3. Only once the map write succeeded, write the Service with its resourceVersion; on 409 read
 *    it again and go back to 1 (bounded); 404 means it is gone (a later pass releases its claims).
 */
import type { Logger } from 'pino';
import type { Service } from '../../api-types/core.js';
import { PortEventSources } from '../../api-types/well-known.js';
import type { PortRange } from '../../allocators/node-port-range.js';
import type { RandomSource } from '../../allocators/random.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import type { EventRecorder } from '../runtime/events.js';
import { referenceTo } from '../runtime/events.js';
import type { Informer } from '../runtime/informer.js';
import { keyOf } from '../runtime/informer.js';
import { OwnWrites } from '../runtime/own-writes.js';
import type { ResourceClient } from '../runtime/kube-client.js';
import type { Controller, ControllerContext } from '../runtime/manager.js';
import { DistinctFailures } from '../runtime/metrics.js';
import type { RateLimiter } from '../runtime/rate-limiter.js';
import { defaultControllerRateLimiter } from '../runtime/rate-limiter.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { runWorkers, type WorkerPoolHandle } from '../runtime/worker-pool.js';
import { readLive } from '../shared/read-live.js';
import { PortMapStore, isStatus, writeService } from './apply.js';
import { failureSignature } from './failures.js';
import { nodePortMetrics, type NodePortMetrics } from './metrics.js';
import { assignNodePorts, isNoOpPlan, needsHealthCheck, planNodePorts, shouldAllocateNodePorts } from './reconcile.js';
import { dueLeakCandidates, isLeakConfirmed, repairPortMap, type LeakCandidate, type RepairFinding } from './repair.js';
import { runPlan, type PlanOutcome } from './transaction.js';

/** Resolved options of NodePortController (see createNodePortController for the defaults). */
export interface NodePortControllerConfig {
  range: PortRange;
  namespace: string;
  configMapName: string;
  repairIntervalMs: number;
  leakGracePeriodMs: number;
  repairAfterDeleteMs: number;
  concurrency: number;
  maxConflictRetries: number;
  random?: RandomSource;
  rateLimiter?: (clock: Clock) => RateLimiter<string>;
}

const servicesRef = { group: '', version: 'v1', resource: 'services' };

/** The longest a port map batch waits for workers still writing their Services. */
const OTHERS_RETURN_MAX_WAIT_MS = 1000;

/** The controller; build it with createNodePortController. */
export class NodePortController implements Controller {
  readonly name = 'nodeport';
  readonly #cfg: NodePortControllerConfig;
  #ctx?: ControllerContext;
  #log?: Logger;
  #informer?: Informer<Service>;
  #services?: ResourceClient<Service>;
  #queue?: WorkQueue<string>;
  #pool?: WorkerPoolHandle;
  #store?: PortMapStore;
  #metrics?: NodePortMetrics;
  #recorder?: EventRecorder;
  #repairRecorder?: EventRecorder;
  #repairTimer?: TimerHandle;
  #repairSoon?: TimerHandle;
  #repairing?: Promise<void>;
  #leakSeen = new Map<string, LeakCandidate>();
  #blocked = new Set<string>();
  /** The failing Services' failures already counted (once each, not per re-check). */
  readonly #failures = new DistinctFailures();
  /** This controller's Service writes, so that their echoes are not taken for new work. */
  readonly #ownWrites = new OwnWrites();
  /** Service writes in flight, and the port map batch waiting for them to end (#othersReturn). */
  #writing = 0;
  #whenNoneWriting: (() => void)[] = [];
  #stopped = false;
  /** Completed repair passes (tests). */
  repairPasses = 0;

  constructor(cfg: NodePortControllerConfig) {
    this.#cfg = cfg;
  }

  /** The port map store (tests and the benchmark read its write count). */
  get portMap(): PortMapStore | undefined {
    return this.#store;
  }

  /** Takes the Service informer and enqueues `namespace/name` on every change. */
  setup(ctx: ControllerContext): void {
    this.#ctx = ctx;
    this.#log = ctx.logger;
    this.#informer = ctx.informers.get<Service>('services');
    this.#services = ctx.client.resource<Service>(servicesRef);
    this.#metrics = nodePortMetrics(ctx.metrics.registry);
    this.#recorder = ctx.recorder(PortEventSources.nodePortController);
    this.#repairRecorder = ctx.recorder(PortEventSources.portAllocatorRepair);
    this.#queue = new WorkQueue<string>({
      name: 'nodeport',
      clock: ctx.clock,
      rateLimiter: this.#cfg.rateLimiter?.(ctx.clock) ?? defaultControllerRateLimiter(ctx.clock),
      metrics: ctx.metrics.workQueues,
    });
    this.#store = new PortMapStore({
      client: ctx.client,
      namespace: this.#cfg.namespace,
      name: this.#cfg.configMapName,
      range: this.#cfg.range,
      random: this.#cfg.random,
      onWriteError: (err) => this.#log?.debug({ err }, 'port map write failed; re-reading'),
      whenOthersReturn: () => this.#othersReturn(),
      // A missing map starts from what the Services hold (no leak is freed: nothing was confirmed).
      seed: (state) => {
        const informer = this.#informer as Informer<Service>;
        const out = repairPortMap(state, { services: informer.list(), lookup: (k) => informer.get(k), cacheRV: informer.lastSyncResourceVersion(), nowMs: 0, graceMs: Infinity, leakSeen: new Map(), confirmed: new Set() });
        this.#reportFindings(out.findings);
      },
    });
    this.#informer.addHandler(this.#ownWrites.handlerFor<Service>((key) => this.#queue?.add(key)));
  }

  /** Runs a first repair pass, then starts the workers and the repair loop. */
  run(): void {
    const queue = this.#queue;
    if (!queue || this.#stopped) return;
    // The first repair pass runs before any allocation, as kube-apiserver is not ready before it.
    void this.repairNow().finally(() => {
      if (this.#stopped) return;
      this.#pool = runWorkers(queue, {
        concurrency: this.#cfg.concurrency,
        reconcile: (key) => this.#sync(key),
        logger: this.#log,
        onError: () => this.#metrics?.reconcileErrors.inc(),
      });
      this.#scheduleRepair(this.#cfg.repairIntervalMs);
    });
  }

  /** True once the start-up repair pass is done and the workers run, until stop. */
  get allocating(): boolean {
    return this.#pool !== undefined && !this.#stopped;
  }

  /** Stops the repair loop and drains the workers. */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopped = true;
    this.#repairTimer?.cancel();
    this.#repairSoon?.cancel();
    if (this.#pool) await this.#pool.drain(timeoutMs);
    else this.#queue?.shutDown();
    await this.#repairing;
  }

  /** Runs one repair pass now (tests; the loop calls it on its interval). */
  repairNow(): Promise<void> {
    this.#repairing ??= this.#repair().finally(() => {
      this.#repairing = undefined;
    });
    return this.#repairing;
  }

  async #sync(key: string): Promise<void> {
    const informer = this.#informer as Informer<Service>;
    const store = this.#store as PortMapStore;
    let svc: Service | undefined = informer.get(key);
    if (!svc) this.#requestRepairSoon();
    for (let attempt = 0; attempt <= this.#cfg.maxConflictRetries; attempt++) {
      const current = svc;
      const lookup = (k: string): Service | undefined => (k === key ? current : informer.get(k));
      // A Service that holds what it owns, with nothing to release, needs no CAS batch. A stale
      // local copy is safe here: other replicas only ever add claims or free provably unused ones.
      const known = store.peek();
      if (known && isNoOpPlan(planNodePorts({ key, service: current, lookup, cacheRV: informer.lastSyncResourceVersion(), map: known }))) {
        this.#failures.clear(key);
        return;
      }
      // 1.
      const outcome = await store.transact((state) => {
        const plan = planNodePorts({ key, service: current, lookup, cacheRV: informer.lastSyncResourceVersion(), map: state });
        const result = runPlan(state, plan);
        this.#gauge(state.range.used, state.range.free);
        return { result, changed: result.changed };
      });
      this.#account(outcome);
      // 2.
      if (outcome.problems.length > 0 && current) {
        this.#report(key, current, outcome);
        this.#blocked.add(key);
        return;
      }
      this.#blocked.delete(key);
      // Served, or gone: a failure after this is a new one.
      this.#failures.clear(key);
      if (!current) return;
      // 3.
      const updated = assignNodePorts(current, outcome.plan, outcome.assigned);
      if (!updated) return;
      // The write follows the map write at once: only a write slower than the leak grace period
      // could land after the repair freed its ports (docs/decisions/005).
      this.#ownWrites.writing(key, current.metadata.resourceVersion);
      this.#writing++;
      try {
        const written = await writeService(this.#services as ResourceClient<Service>, updated);
        this.#ownWrites.written(key, written.metadata.resourceVersion);
        return;
      } catch (err) {
        this.#ownWrites.written(key, undefined);
        if (isStatus(err, 404)) return;
        if (!isStatus(err, 409)) throw err;
      } finally {
        if (--this.#writing === 0) for (const wake of this.#whenNoneWriting.splice(0)) wake();
      }
      svc = await readLive(this.#services as ResourceClient<Service>, key);
    }
    throw new Error(`Service ${key}: still conflicting after ${this.#cfg.maxConflictRetries} retries`);
  }

  /**
   * For the port map's batching: while workers are writing Services and keys wait in the queue,
   * those workers claim again as soon as their writes end, so a batch waits for that (at most
   * OTHERS_RETURN_MAX_WAIT_MS, in case a write hangs). Without it, a worker that finished early
   * sent a write of one claim, and every other worker queued behind its round trip.
   */
  #othersReturn(): Promise<void> | undefined {
    if (this.#writing === 0 || (this.#queue?.len ?? 0) === 0 || !this.#ctx) return undefined;
    const clock = this.#ctx.clock;
    return new Promise<void>((resolve) => {
      const timer = clock.setTimer(resolve, OTHERS_RETURN_MAX_WAIT_MS);
      this.#whenNoneWriting.push(() => {
        timer.cancel();
        resolve();
      });
    });
  }

  #account(o: PlanOutcome): void {
    const m = this.#metrics;
    if (!m) return;
    if (o.staticClaims) m.allocations.inc({ scope: 'static' }, o.staticClaims);
    if (o.dynamicClaims) m.allocations.inc({ scope: 'dynamic' }, o.dynamicClaims);
    if (o.released.length > 0) this.#unblock();
  }

  /**
   * Reports a Service the plan cannot serve: a Warning Event and a log line per problem, and one
   * `allocation_errors_total` count (the scope of its first problem) when the failure is new. As
   * kube-apiserver refuses a create or update at its first failing port and counts that once, the
   * counter counts failed attempts; re-checks of the same request (resync, a release that did not
   * help, another event) are not attempts (failures.ts `failureSignature`).
   */
  #report(key: string, svc: Service, o: PlanOutcome): void {
    const first = o.problems[0];
    if (first && this.#failures.isNew(key, failureSignature(svc, o.problems.map((p) => p.note)))) this.#metrics?.allocationErrors.inc({ scope: first.scope });
    for (const p of o.problems) {
      this.#recorder?.record({ regarding: referenceTo(svc, 'Service'), type: 'Warning', reason: p.reason, action: PortEventSources.action, note: p.note });
      this.#log?.warn({ service: keyOf(svc), reason: p.reason, code: p.code }, p.note);
    }
  }

  // Releases may have freed what a blocked Service asked for: look at those again, once.
  #unblock(): void {
    const keys = [...this.#blocked];
    this.#blocked.clear();
    for (const k of keys) this.#queue?.add(k);
  }

  #gauge(used: number, free: number): void {
    this.#metrics?.allocatedPorts.set(used);
    this.#metrics?.availablePorts.set(free);
  }

  #now(): number {
    return (this.#ctx as ControllerContext).clock.now();
  }

  #scheduleRepair(ms: number): void {
    if (this.#stopped) return;
    this.#repairTimer?.cancel();
    this.#repairTimer = (this.#ctx as ControllerContext).clock.setTimer(() => {
      void this.repairNow().finally(() => this.#scheduleRepair(this.#cfg.repairIntervalMs));
    }, ms);
  }

  #reportFindings(findings: readonly RepairFinding[]): void {
    for (const f of findings) {
      this.#metrics?.repairPortErrors.inc({ type: f.type });
      this.#repairRecorder?.record({ regarding: referenceTo(f.service, 'Service'), type: 'Warning', reason: f.reason, action: PortEventSources.action, note: f.note });
      this.#log?.warn({ service: keyOf(f.service), reason: f.reason }, f.note);
    }
  }

  #requestRepairSoon(): void {
    if (this.#stopped || this.#repairSoon) return;
    this.#repairSoon = (this.#ctx as ControllerContext).clock.setTimer(() => {
      this.#repairSoon = undefined;
      void this.repairNow();
    }, this.#cfg.repairAfterDeleteMs);
  }

  /**
   * One repair pass.
   *
   * 1. Confirm the leak candidates whose grace period is over by reading their owners live (the
   *    informer cache may be behind, and nothing proves when it has caught up).
   * 2. Run repairPortMap as one CAS change, then report.
   * 3. Re-enqueue Services still lacking ports.
   */
  async #repair(): Promise<void> {
    const informer = this.#informer as Informer<Service>;
    const m = this.#metrics as NodePortMetrics;
    try {
      // 1.
      const nowMs = this.#now();
      const confirmed = await this.#confirmLeaks(dueLeakCandidates(this.#leakSeen, nowMs, this.#cfg.leakGracePeriodMs));
      // 2.
      const outcome = await (this.#store as PortMapStore).transact((state) => {
        const result = repairPortMap(state, {
          services: informer.list(),
          lookup: (k) => informer.get(k),
          cacheRV: informer.lastSyncResourceVersion(),
          nowMs,
          graceMs: this.#cfg.leakGracePeriodMs,
          leakSeen: this.#leakSeen,
          confirmed,
        });
        this.#gauge(state.range.used, state.range.free);
        return { result, changed: result.changed };
      });
      this.#leakSeen = outcome.leakSeen;
      this.#reportFindings(outcome.findings);
      if (outcome.released.length > 0) {
        m.repairPortErrors.inc({ type: 'leak' }, outcome.released.length);
        this.#log?.info({ ports: outcome.released }, 'ports appear to have leaked: cleaning up');
        this.#unblock();
      }
      // 3. A resync of what still waits (a key dropped after its retries, a lost event): Services
      // that should have ports and lack them, unless they wait on a reported problem.
      for (const svc of informer.list()) {
        const key = keyOf(svc);
        if (!this.#blocked.has(key) && lacksNodePorts(svc)) this.#queue?.add(key);
      }
      this.repairPasses++;
    } catch (err) {
      m.reconcileErrors.inc();
      this.#log?.error({ err }, 'unable to refresh the port allocations');
    }
  }

  /**
   * The ids of the due candidates a live read of their owner confirms (isLeakConfirmed), one read
   * per owner. A candidate whose owner holds the port live (`stale`: the cache was behind) or
   * could not be read (`error`) is kept, still due, and read again next pass;
   * `leak_cleanup_deferred_total{reason}` counts the passes that kept one.
   */
  async #confirmLeaks(due: readonly [string, LeakCandidate][]): Promise<Set<string>> {
    const confirmed = new Set<string>();
    const deferred = new Set<'stale' | 'error'>();
    const services = this.#services as ResourceClient<Service>;
    const reads = new Map<string, Promise<Service | undefined>>();
    await Promise.all(due.map(async ([id, candidate]) => {
      const key = candidate.owner?.key;
      let live: Service | undefined;
      if (key !== undefined) {
        let read = reads.get(key);
        if (!read) reads.set(key, (read = readLive(services, key)));
        try {
          live = await read;
        } catch (err) {
          deferred.add('error');
          this.#log?.debug({ err, port: candidate.port, owner: key }, 'reading the owner of a leak candidate failed; kept');
          return;
        }
      }
      if (isLeakConfirmed(candidate, live)) confirmed.add(id);
      else deferred.add('stale');
    }));
    for (const reason of deferred) this.#metrics?.leakCleanupDeferred.inc({ reason });
    return confirmed;
  }
}

/** Whether a Service should have automatic ports it does not have yet. */
function lacksNodePorts(svc: Service): boolean {
  const spec = svc.spec;
  if (shouldAllocateNodePorts(spec) && (spec?.ports ?? []).some((p) => !p.nodePort)) return true;
  return needsHealthCheck(spec) && !spec?.healthCheckNodePort;
}

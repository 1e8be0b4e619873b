/**
 * The manager runs a set of controllers in one process, as kube-controller-manager does:
 *
 * 1. Each controller's `setup` takes the shared informers it needs and registers its handlers;
 *    informers start. Every replica does this, leader or not: a standby keeps warm caches, so
 *    it is ready (informers synced) and takes over without a full list. (kube-controller-manager
 *    starts informers only once leading; a standby that is never ready would stall a rolling
 *    update of a 2-replica Deployment.)
 * 2. With leader election, campaign, on a Lease client of its own when one is given
 *    (kube-controller-manager's LeaderElectionClient); without it, lead at once.
 * 3. While leading, once informers have synced, each controller's `run` starts its workers.
 * 4. `stop` (SIGTERM) stops the controllers, draining in-flight work within the drain timeout;
 *    past it their requests are aborted (waits in the client's rate limit end, requests on the
 *    wire are torn down) and stop no longer waits for them. Then the informers stop, events are
 *    written within what is left of the timeout, and the Lease is released. Losing the Lease
 *    aborts the controllers' requests and calls `onLeadershipLost`: the command exits non-zero
 *    so the pod restarts, like kube-controller-manager.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { KubeObject } from '../../api-types/meta.js';
import type { Lease } from '../../api-types/networking.js';
import type { Clock } from './clock.js';
import { EventRecorder } from './events.js';
import { isSignalScoped, raceAbort } from './abort.js';
import { InformerFactory } from './informer-factory.js';
import type { KubeClient, ResourceClient, ResourceRef } from './kube-client.js';
import { LeaderElector, type LeaderElectionOptions } from './leader-election.js';
import type { RuntimeMetrics } from './metrics.js';

/** What a controller is given. */
export interface ControllerContext {
  client: KubeClient;
  informers: InformerFactory;
  clock: Clock;
  random: () => number;
  logger: Logger;
  metrics: RuntimeMetrics;
  /** An event recorder reporting as `component` (e.g. `endpoint-slice-controller`). */
  recorder(component: string): EventRecorder;
}

/** A controller's life: setup (informers, handlers), run (workers), stop (drain). */
export interface Controller {
  /** The --controllers name, e.g. `endpointslice`. */
  readonly name: string;
  setup(ctx: ControllerContext): void;
  run(): void;
  /** Stops workers, waiting up to `timeoutMs` for in-flight work; safe whether or not run() was called. */
  stop(timeoutMs: number): Promise<void>;
}

/** Leader election settings of a Manager. */
export type ManagerLeaderElection = Omit<LeaderElectionOptions, 'leases' | 'clock' | 'random' | 'onStartedLeading' | 'onStoppedLeading' | 'logger'> & {
  /**
   * The client the Lease is read and written with. Give it one of its own, with its own rate
   * limit and a request timeout of the renew deadline, as kube-controller-manager does
   * (cmd/kube-controller-manager/app/options/options.go, Config: LeaderElectionClient), so that
   * renewals never wait behind the controllers' requests.
   * @default the manager's `client`
   */
  client?: KubeClient;
};

/** Options of Manager. */
export interface ManagerOptions {
  /** The controllers' client (and the informers'). */
  client: KubeClient;
  controllers: Controller[];
  clock: Clock;
  random: () => number;
  logger: Logger;
  metrics: RuntimeMetrics;
  /** Leader election settings, or false to run unconditionally (`svcplane dev`). */
  leaderElection: false | ManagerLeaderElection;
  /** Called when leadership is lost after having been held. */
  onLeadershipLost?: () => void;
  /**
   * How long stop waits for in-flight work. Past it the controllers' requests are aborted and
   * stop moves on; events are written within what is left of it (at least 1 s).
   * @default 10000
   */
  drainTimeoutMs?: number;
  /** Event reporting instance suffix. @default the leader identity or 'svcplane' */
  instance?: string;
}

const leasesRef: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
/** How long stop still waits for controllers once their requests have been aborted. */
const abortGraceMs = 1_000;
/** The least time event writes get at stop, even when the drain used up its timeout. */
const minEventFlushMs = 1_000;

/** Runs controllers. */
export class Manager {
  readonly informers: InformerFactory;
  readonly #o: ManagerOptions;
  readonly #recorders = new Map<string, EventRecorder>();
  readonly #elector?: LeaderElector;
  /** Aborts every request the controllers make (drain timeout passed, or leadership lost). */
  readonly #work = new AbortController();
  /** Aborts every event write (stop, once events had their time). */
  readonly #events = new AbortController();
  #running = false;
  #stopping = false;
  #stopped?: Promise<void>;
  #setUp = false;
  #started?: () => void;
  readonly #startedPromise: Promise<void>;

  constructor(opts: ManagerOptions) {
    this.#o = opts;
    this.#startedPromise = new Promise((r) => (this.#started = r));
    // Every request in flight listens on these: no leak warning for more than ten.
    setMaxListeners(0, this.#work.signal, this.#events.signal);
    this.informers = new InformerFactory({
      client: opts.client,
      clock: opts.clock,
      random: opts.random,
      logger: opts.logger.child({ component: 'informer' }),
      onRelist: (r) => opts.metrics.countRelist(r),
    });
    if (opts.leaderElection) {
      const { client: leaseClient = opts.client, ...le } = opts.leaderElection;
      this.#elector = new LeaderElector({
        ...le,
        leases: isSignalScoped(leaseClient) ? (signal) => leaseClient.withSignal(signal).resource<Lease>(leasesRef) : leaseClient.resource<Lease>(leasesRef),
        clock: opts.clock,
        random: opts.random,
        logger: opts.logger.child({ component: 'leader-election' }),
        // The elector publishes leader_election_master_status itself, a standby's 0 included,
        // and counts leader_election_slowpath_total.
        metrics: opts.metrics,
        onStartedLeading: () => void this.#startControllers(),
        onStoppedLeading: () => {
          if (!this.#stopping) {
            // We may no longer lead: nothing more of the controllers' may reach the server.
            this.#work.abort(new DOMException('leadership lost', 'AbortError'));
            opts.logger.error({ lease: `${le.namespace ?? 'kube-system'}/${le.name ?? 'svcplane'}` }, 'leaderelection lost');
            opts.onLeadershipLost?.();
          }
        },
        onNewLeader: (id) => opts.logger.info({ leader: id }, 'new leader elected'),
      });
    }
  }

  /** 1. Sets up controllers and informers; 2. campaigns (or leads at once without leader election). */
  start(): void {
    const { clock, random, logger, metrics } = this.#o;
    const le = this.#o.leaderElection;
    const instance = this.#o.instance ?? (le ? le.identity : 'svcplane');
    const client = abortableClient(this.#o.client, this.#work.signal);
    const eventClient = abortableClient(this.#o.client, this.#events.signal);
    const ctx: ControllerContext = {
      client,
      informers: this.informers,
      clock,
      random,
      logger,
      metrics,
      recorder: (component) => {
        let r = this.#recorders.get(component);
        if (!r) {
          r = new EventRecorder({ client: eventClient, controller: component, instance: `${component}-${instance}`, clock, logger: logger.child({ component: 'events' }) });
          this.#recorders.set(component, r);
        }
        return r;
      },
    };
    for (const c of this.#o.controllers) c.setup({ ...ctx, logger: logger.child({ controller: c.name }) });
    this.informers.start();
    this.#setUp = true;
    if (this.#elector) this.#elector.start();
    else void this.#startControllers();
  }

  /** Resolves once the controllers run (informers synced). */
  whenRunning(): Promise<void> {
    return this.#startedPromise;
  }

  /** Liveness: a standby replica is healthy too. */
  healthy(): boolean {
    return !this.#stopping;
  }

  /** Readiness: informers synced (a standby is ready too; only the leader runs workers). */
  ready(): boolean {
    return this.#setUp && !this.#stopping && this.informers.hasSynced();
  }

  /** Whether this process leads (always true without leader election). */
  isLeader(): boolean {
    return this.#elector ? this.#elector.isLeader() : true;
  }

  /**
   * 4. Stops controllers (within the drain timeout, then aborting their requests), informers,
   * event recorders (within what is left of it), and releases the Lease. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping = true;
    return (this.#stopped ??= this.#stop());
  }

  async #stop(): Promise<void> {
    const { clock, logger, metrics } = this.#o;
    const timeoutMs = this.#o.drainTimeoutMs ?? 10_000;
    const startedMs = clock.now();
    const controllers = this.#o.controllers;
    const stopped = Promise.allSettled(controllers.map((c) => c.stop(timeoutMs))).then((results) => {
      results.forEach((r, i) => {
        if (r.status === 'rejected') logger.error({ controller: controllers[i].name, err: r.reason }, 'controller failed to stop');
      });
    });
    if (!(await settlesWithin(stopped, timeoutMs, clock))) {
      // Reconciles waiting in the rate limit or on a request do not heed their pool's abort:
      // abort their requests so they settle, and do not wait on them for long.
      this.#work.abort(new DOMException(`stopping: in-flight work not drained within ${timeoutMs}ms`, 'AbortError'));
      logger.warn({ timeoutMs }, 'drain timeout passed; aborted the controllers\' requests');
      if (!(await settlesWithin(stopped, abortGraceMs, clock))) logger.warn({ graceMs: abortGraceMs }, 'controllers still busy after their requests were aborted; not waiting for them');
    }
    // Nothing of the controllers' is sent from here on (a late repair pass, a background write).
    this.#work.abort(new DOMException('stopping', 'AbortError'));
    this.informers.stop();
    const leftMs = Math.max(minEventFlushMs, timeoutMs - (clock.now() - startedMs));
    await Promise.all([...this.#recorders.values()].map((r) => r.close(leftMs)));
    this.#events.abort(new DOMException('stopping', 'AbortError'));
    if (this.#elector) {
      await this.#elector.stop({ release: true });
      const le = this.#o.leaderElection;
      metrics.setLeader((le ? le.name : undefined) ?? 'svcplane', false);
    }
    this.#running = false;
  }

  /** 3. Runs the controllers' workers once informers have synced. */
  async #startControllers(): Promise<void> {
    if (this.#running || this.#stopping) return;
    await this.informers.waitForSync();
    if (this.#running || this.#stopping) return;
    for (const c of this.#o.controllers) c.run();
    this.#running = true;
    this.#o.logger.info({ controllers: this.#o.controllers.map((c) => c.name) }, 'informers synced; controllers running');
    this.#started?.();
  }
}

/** Resolves true once `promise` settles, or false if `ms` pass on `clock` first. */
function settlesWithin(promise: Promise<unknown>, ms: number, clock: Clock): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = clock.setTimer(() => resolve(false), ms);
    const done = (): void => {
      timer.cancel();
      resolve(true);
    };
    promise.then(done, done);
  });
}

/**
 * `client` with every call bound to `signal`: once it aborts, calls in flight reject with its
 * reason at once and new ones are refused. A client that can abort its requests (HttpKubeClient)
 * also tears them down, or drops them from its rate limit before they are sent.
 */
function abortableClient(client: KubeClient, signal: AbortSignal): KubeClient {
  const inner = isSignalScoped(client) ? client.withSignal(signal) : client;
  const guard = <R>(call: () => Promise<R>): Promise<R> => (signal.aborted ? Promise.reject(signal.reason) : raceAbort(call(), signal));
  return {
    resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
      const r = inner.resource<T>(ref);
      return {
        get: (ns, name) => guard(() => r.get(ns, name)),
        list: (o) => guard(() => r.list(o)),
        watch: (o, l) => guard(() => r.watch(o, l)),
        create: (ns, obj, o) => guard(() => r.create(ns, obj, o)),
        update: (obj, o) => guard(() => r.update(obj, o)),
        updateStatus: (obj, o) => guard(() => r.updateStatus(obj, o)),
        patch: (ns, name, type, body, o) => guard(() => r.patch(ns, name, type, body, o)),
        delete: (ns, name, o) => guard(() => r.delete(ns, name, o)),
      };
    },
  };
}

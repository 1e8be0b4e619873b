/**
 * The manager runs a set of controllers in one process, as kube-controller-manager does:
 *
 * 1. Each controller's `setup` takes the shared informers it needs and registers its handlers;
 *    informers start. Every replica does this, leader or not: a standby keeps warm caches, so
 *    it is ready (informers synced) and takes over without a full list. (kube-controller-manager
 *    starts informers only once leading; a standby that is never ready would stall a rolling
 *    update of a 2-replica Deployment.)
 * 2. With leader election, campaign; without it, lead at once.
 * 3. While leading, once informers have synced, each controller's `run` starts its workers.
 * 4. `stop` (SIGTERM) stops the controllers (draining in-flight work within a timeout), then the
 *    informers, then releases the Lease. Losing the Lease calls `onLeadershipLost`: the command
 *    exits non-zero so the pod restarts, like kube-controller-manager.
 */
import type { Logger } from 'pino';
import type { Lease } from '../../api-types/networking.js';
import type { Clock } from './clock.js';
import { EventRecorder } from './events.js';
import { InformerFactory } from './informer-factory.js';
import type { KubeClient } from './kube-client.js';
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

/** Options of Manager. */
export interface ManagerOptions {
  client: KubeClient;
  controllers: Controller[];
  clock: Clock;
  random: () => number;
  logger: Logger;
  metrics: RuntimeMetrics;
  /** Leader election settings, or false to run unconditionally (`svcplane dev`). */
  leaderElection: false | Omit<LeaderElectionOptions, 'leases' | 'clock' | 'random' | 'onStartedLeading' | 'onStoppedLeading' | 'logger'>;
  /** Called when leadership is lost after having been held. */
  onLeadershipLost?: () => void;
  /** How long stop waits for in-flight work. @default 10000 */
  drainTimeoutMs?: number;
  /** Event reporting instance suffix. @default the leader identity or 'svcplane' */
  instance?: string;
}

/** Runs controllers. */
export class Manager {
  readonly informers: InformerFactory;
  readonly #o: ManagerOptions;
  readonly #recorders = new Map<string, EventRecorder>();
  readonly #elector?: LeaderElector;
  #running = false;
  #stopping = false;
  #setUp = false;
  #started?: () => void;
  readonly #startedPromise: Promise<void>;

  constructor(opts: ManagerOptions) {
    this.#o = opts;
    this.#startedPromise = new Promise((r) => (this.#started = r));
    this.informers = new InformerFactory({
      client: opts.client,
      clock: opts.clock,
      random: opts.random,
      logger: opts.logger.child({ component: 'informer' }),
      onRelist: (r) => opts.metrics.countRelist(r),
    });
    if (opts.leaderElection) {
      const le = opts.leaderElection;
      this.#elector = new LeaderElector({
        ...le,
        leases: opts.client.resource<Lease>({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases' }),
        clock: opts.clock,
        random: opts.random,
        logger: opts.logger.child({ component: 'leader-election' }),
        onStartedLeading: () => {
          opts.metrics.setLeader(le.name ?? 'svcplane', true);
          void this.#startControllers();
        },
        onStoppedLeading: () => {
          opts.metrics.setLeader(le.name ?? 'svcplane', false);
          if (!this.#stopping) {
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
    const { client, clock, random, logger, metrics } = this.#o;
    const le = this.#o.leaderElection;
    const instance = this.#o.instance ?? (le ? le.identity : 'svcplane');
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
          r = new EventRecorder({ client, controller: component, instance: `${component}-${instance}`, clock, logger: logger.child({ component: 'events' }) });
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

  /** 4. Stops controllers, informers, event recorders, and releases the Lease. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    const timeout = this.#o.drainTimeoutMs ?? 10_000;
    await Promise.all(this.#o.controllers.map((c) => c.stop(timeout)));
    this.informers.stop();
    await Promise.all([...this.#recorders.values()].map((r) => r.close()));
    await this.#elector?.stop({ release: true });
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

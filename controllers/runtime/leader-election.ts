/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics
 * (k8s.io/client-go/tools/leaderelection/leaderelection.go):
 *
 * 1. Acquire: every retry period (jittered by up to 1.2×) try to take the Lease. It can be
 *    taken when it does not exist, has no holder, is ours, or has not been renewed for its
 *    lease duration as measured on OUR clock since we last saw the record change (never by
 *    comparing the holder's renewTime with our clock, so clock skew cannot elect two leaders).
 *    This read-check-write is the slow path.
 * 2. Every write is an optimistic update preconditioned on the Lease's resourceVersion; a 409
 *    means someone else wrote first and we simply try again later.
 * 3. Renew, fast path (tryAcquireOrRenew step 1): when the record we observed last names us and
 *    has not expired on our clock, the renewal is written straight over that record (its
 *    resourceVersion, acquireTime and leaseTransitions) without reading the Lease first: one
 *    request per renewal. If that write fails (most often a 409: someone else wrote the Lease)
 *    the same attempt, within the same deadline, falls back to the slow path of step 1. A slow
 *    path whose read still names us counts in `leader_election_slowpath_total{name}` before it
 *    writes, whether or not the write then succeeds (tryAcquireOrRenew step 4,
 *    slowpathExercised). An attempt already cut by its deadline or by stop() does not fall back.
 * 4. Renew deadline: renew every retry period; if no renewal succeeds within the renew deadline,
 *    leadership is lost: `onStoppedLeading` runs (svcplane then exits non-zero, as
 *    kube-controller-manager does). The deadline is a timer, not a check made when a request
 *    returns: each attempt is aborted when the time left to the deadline runs out (client-go's
 *    renew() runs tryAcquireOrRenew under context.WithTimeout(ctx, RenewDeadline)), so a request
 *    that never answers cannot keep us leading. A candidate's attempt gets a whole renew deadline
 *    (kube-controller-manager's Lease client has Timeout = RenewDeadline).
 * 5. Release (graceful shutdown, client-go's ReleaseOnCancel): stop the renew loop (aborting the
 *    attempt in flight) and wait for it to end; then, if we may hold the Lease, read it afresh
 *    and clear the holder so a standby takes over at once. A 409 there is most likely our own
 *    aborted renewal landing after the read: read again and, still holding it, retry once. The
 *    released record becomes the observed one, so a later start() takes no fast path over it.
 * 6. Metrics (`metrics` option), as client-go's leaderMetrics: `leader_election_master_status{name}`
 *    is set to 0 when the elector is built (NewLeaderElector), so a standby publishes its 0 from
 *    the start, to 1 on acquiring (acquire) and back to 0 on losing the Lease (renew). Stopping
 *    and releasing leave it as it is (release() does not touch it; the process is on its way out).
 *    `leader_election_slowpath_total{name}` counts slow-path renewals (step 3).
 *
 * Times are MicroTime: exactly 6 fractional digits.
 */
import os from 'node:os';
import type { Lease } from '../../api-types/networking.js';
import { ApiError } from '../../api-types/api-error.js';
import type { Clock, TimerHandle } from './clock.js';
import { RequestTimeoutError, raceAbort } from './abort.js';
import type { ResourceClient } from './kube-client.js';

/**
 * Where an elector reports its metrics (client-go's leaderelection.LeaderMetric); RuntimeMetrics
 * (metrics.ts) is one.
 */
export interface LeaderElectionMetrics {
  /** Sets `leader_election_master_status{name}`: 1 leading, 0 standing by (On/Off). */
  setLeader(name: string, leading: boolean): void;
  /** Adds one to `leader_election_slowpath_total{name}`: a renewal took the slow path (SlowpathExercised). */
  countSlowPath(name: string): void;
}

/** Gives the Lease client whose requests abort with `signal` (one signal per attempt). */
export type LeaseClientFactory = (signal: AbortSignal) => ResourceClient<Lease>;

/** Options of LeaderElector; defaults are kube-controller-manager's. */
export interface LeaderElectionOptions {
  /**
   * The Lease client (coordination.k8s.io/v1 leases), or a factory of clients whose requests
   * abort with the given signal. Either way every attempt is raced against its deadline; with a
   * factory the request itself is torn down too. Use a client of its own, not the controllers'
   * (kube-controller-manager's LeaderElectionClient): renewals must not queue behind their work.
   */
  leases: ResourceClient<Lease> | LeaseClientFactory;
  /** --leader-elect-resource-namespace. @default 'kube-system' */
  namespace?: string;
  /** --leader-elect-resource-name. @default 'svcplane' */
  name?: string;
  /** Who we are; see holderIdentity(). */
  identity: string;
  /** --leader-elect-lease-duration. @default 15000 */
  leaseDurationMs?: number;
  /** --leader-elect-renew-deadline; must be < lease duration. @default 10000 */
  renewDeadlineMs?: number;
  /** --leader-elect-retry-period; must be < renew deadline. @default 2000 */
  retryPeriodMs?: number;
  clock: Clock;
  /** Uniform in [0, 1): jitter. */
  random: () => number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  /** Called when the observed leader changes (including to us). */
  onNewLeader?: (identity: string) => void;
  /**
   * Told whether we lead, under the Lease name: 0 from construction (a standby's series exists
   * from the start), 1 on acquiring, 0 on losing; and of every slow-path renewal; see step 6.
   * @default none
   */
  metrics?: LeaderElectionMetrics;
  logger?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

/** The identity of this process: `host_pid_xxxxx`, so an operator can tell which process leads. */
export function holderIdentity(random: () => number, host = os.hostname(), pid = process.pid): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += alphabet[Math.floor(random() * alphabet.length)];
  return `${host}_${pid}_${suffix}`;
}

/** Formats a time as a Kubernetes MicroTime (RFC 3339 with exactly 6 fractional digits, UTC). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Why leader-election timings cannot work, naming the flags, or undefined when they can
 * (client-go NewLeaderElector: the lease outlasts the renew deadline, which outlasts 1.2 retry
 * periods, JitterFactor; every period positive).
 */
export function leaderElectionTimingProblem(t: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number }): string | undefined {
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = t;
  if (!(retryPeriodMs > 0)) return `--leader-elect-retry-period must be positive, got ${retryPeriodMs}ms`;
  if (!(leaseDurationMs > renewDeadlineMs)) return `--leader-elect-lease-duration (${leaseDurationMs}ms) must be greater than --leader-elect-renew-deadline (${renewDeadlineMs}ms)`;
  if (!(renewDeadlineMs > retryPeriodMs * 1.2)) return `--leader-elect-renew-deadline (${renewDeadlineMs}ms) must be greater than 1.2 × --leader-elect-retry-period (${retryPeriodMs}ms)`;
  return undefined;
}

/** Campaigns for and keeps a Lease. */
export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectionOptions, 'onNewLeader' | 'logger' | 'metrics'>> & Pick<LeaderElectionOptions, 'onNewLeader' | 'logger' | 'metrics'>;
  #leading = false;
  #stopped = true;
  #timer?: TimerHandle;
  /** The attempt in flight: aborting it ends it at once. */
  #attempt?: { abort: AbortController; done: Promise<boolean> };
  #observed?: { holder: string; rv: string; atMs: number; record: Lease };
  #lastRenewMs = 0;
  #leader = '';

  constructor(opts: LeaderElectionOptions) {
    this.#o = {
      namespace: 'kube-system',
      name: 'svcplane',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      ...opts,
    };
    const problem = leaderElectionTimingProblem(this.#o);
    if (problem) throw new RangeError(problem);
    // 6. Every candidate publishes its status from the start, a standby its 0.
    this.#o.metrics?.setLeader(this.#o.name, false);
  }

  /** True while we hold the Lease. */
  isLeader(): boolean {
    return this.#leading;
  }

  /** The identity of the last observed leader ('' when none). */
  leader(): string {
    return this.#leader;
  }

  /** Starts campaigning (idempotent). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#tick();
  }

  /**
   * Stops campaigning and renewing: the attempt in flight is aborted and waited for, so nothing
   * of ours writes the Lease afterwards. With `release`, a Lease we may hold is then handed back
   * so a standby can take over without waiting for it to expire. Does not call onStoppedLeading.
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    const attempt = this.#attempt;
    if (attempt) {
      attempt.abort.abort(new Error('leader election stopped'));
      await attempt.done;
    }
    // An attempt cut short may have renewed, or even acquired, the Lease before we stopped.
    if (opts.release && (this.#leading || attempt)) await this.#release();
    this.#leading = false;
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    const { clock, renewDeadlineMs, retryPeriodMs } = this.#o;
    const startedMs = clock.now();
    // 4. The time left to the renew deadline bounds this attempt.
    const budgetMs = this.#leading ? this.#lastRenewMs + renewDeadlineMs - startedMs : renewDeadlineMs;
    if (budgetMs <= 0) return this.#lose();
    const abort = new AbortController();
    const deadline = clock.setTimer(() => abort.abort(new RequestTimeoutError(`lease ${this.#o.namespace}/${this.#o.name}`, budgetMs)), budgetMs);
    const done = this.#tryAcquireOrRenew(abort.signal);
    this.#attempt = { abort, done };
    const ok = await done;
    deadline.cancel();
    this.#attempt = undefined;
    if (this.#stopped) return;
    const now = clock.now();
    if (ok) {
      // Counted from when the attempt started: the Lease was renewed no earlier than that.
      this.#lastRenewMs = startedMs;
      if (!this.#leading) {
        this.#leading = true;
        this.#o.metrics?.setLeader(this.#o.name, true);
        this.#o.logger?.info({ lease: `${this.#o.namespace}/${this.#o.name}`, identity: this.#o.identity }, 'successfully acquired lease');
        this.#o.onStartedLeading();
      }
    }
    let waitMs: number;
    if (this.#leading) {
      const leftMs = this.#lastRenewMs + renewDeadlineMs - now;
      if (leftMs <= 0) return this.#lose();
      // Wake at the deadline at the latest, so losing it never waits for a retry period.
      waitMs = Math.min(retryPeriodMs, leftMs);
    } else {
      waitMs = retryPeriodMs * (1 + 0.2 * this.#o.random());
    }
    this.#timer = clock.setTimer(() => void this.#tick(), waitMs);
  }

  /** 4. No renewal within the renew deadline: we may no longer lead. */
  #lose(): void {
    this.#leading = false;
    this.#stopped = true;
    this.#o.metrics?.setLeader(this.#o.name, false);
    this.#o.logger?.warn({ lease: `${this.#o.namespace}/${this.#o.name}` }, 'failed to renew lease within the renew deadline; leadership lost');
    this.#o.onStoppedLeading();
  }

  /** The Lease client for requests that abort with `signal`. */
  #leases(signal: AbortSignal): ResourceClient<Lease> {
    const { leases } = this.#o;
    return typeof leases === 'function' ? leases(signal) : leases;
  }

  /**
   * One attempt (client-go tryAcquireOrRenew): the fast path when we lead (3.), else or after it
   * fails the slow path (1.). True when we hold the Lease afterwards. Never throws; ends when
   * `signal` aborts.
   */
  async #tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { namespace, name, identity, clock } = this.#o;
    const leases = this.#leases(signal);
    const now = clock.now();
    try {
      // 3. Fast path: write over the record observed last, no read first.
      const observed = this.#observed;
      if (observed?.holder === identity && this.#isLeaseValid(now)) {
        const spec = observed.record.spec;
        try {
          const renewed = await raceAbort(leases.update(this.#withOurRecord(observed.record, spec?.acquireTime ?? microTime(now), spec?.leaseTransitions ?? 0, now)), signal);
          this.#observe(renewed, clock.now());
          return true;
        } catch (err) {
          // A cancelled context fails client-go's Get at once too: nothing more is sent.
          if (signal.aborted) throw err;
          this.#o.logger?.warn({ lease: `${namespace}/${name}`, err: err instanceof Error ? err.message : String(err) }, 'failed to update lease optimistically, falling back to slow path');
        }
      }
      // 1. Slow path: read (or create), check, update.
      let current: Lease;
      try {
        current = await raceAbort(leases.get(namespace, name), signal);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
        const created = await raceAbort(
          leases.create(namespace, {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: this.#spec(microTime(now), 0, now),
          }),
          signal,
        );
        this.#observe(created, clock.now());
        return true;
      }
      // Observed when read (client-go setObservedRecord stamps clock.Now()), not when the attempt began.
      this.#observe(current, clock.now());
      const holder = current.spec?.holderIdentity ?? '';
      if (holder && holder !== identity && this.#isLeaseValid(now)) return false;
      const transitions = current.spec?.leaseTransitions ?? 0;
      const ours = holder === identity;
      // 3. The holder renewing through the read: client-go counts it when the record it just read names it.
      if (ours) this.#o.metrics?.countSlowPath(name);
      const acquireTime = ours && current.spec?.acquireTime ? current.spec.acquireTime : microTime(now);
      const updated = await raceAbort(leases.update(this.#withOurRecord(current, acquireTime, ours ? transitions : transitions + 1, now)), signal);
      this.#observe(updated, clock.now());
      return true;
    } catch (err) {
      // 2. A 409 is another candidate's write winning; anything else is a transient failure.
      if (!(err instanceof ApiError && err.code === 409) && !this.#stopped) {
        this.#o.logger?.warn({ lease: `${namespace}/${name}`, err: err instanceof Error ? err.message : String(err) }, 'error retrieving or updating lease');
      }
      return false;
    }
  }

  /**
   * Whether the record observed last is unexpired on our clock: its lease duration has not passed
   * since we saw it change (client-go isLeaseValid, over observedTime).
   */
  #isLeaseValid(nowMs: number): boolean {
    const o = this.#observed;
    return !!o && o.atMs + (o.record.spec?.leaseDurationSeconds ?? 0) * 1000 > nowMs;
  }

  /** `base` (resourceVersion included, so the write is preconditioned on it) with our record in its spec. */
  #withOurRecord(base: Lease, acquireTime: string, transitions: number, renewMs: number): Lease {
    return { ...base, spec: { ...base.spec, ...this.#spec(acquireTime, transitions, renewMs) } };
  }

  #spec(acquireTime: string, transitions: number, renewMs: number): NonNullable<Lease['spec']> {
    return {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.ceil(this.#o.leaseDurationMs / 1000),
      acquireTime,
      renewTime: microTime(renewMs),
      leaseTransitions: transitions,
    };
  }

  /** Remembers when (on our clock) we saw the record change. */
  #observe(lease: Lease, atMs: number): void {
    const rv = lease.metadata.resourceVersion ?? '';
    const holder = lease.spec?.holderIdentity ?? '';
    if (!this.#observed || this.#observed.rv !== rv) this.#observed = { holder, rv, atMs, record: lease };
    if (holder !== this.#leader) {
      this.#leader = holder;
      if (holder) this.#o.onNewLeader?.(holder);
    }
  }

  /**
   * 5. Hands the Lease back: empty holder, 1 s duration, as client-go's release does, from a
   * fresh read; one more read and write after a 409 while we still hold it. Bounded by the renew
   * deadline (the Timeout of kube-controller-manager's Lease client). Never throws.
   */
  async #release(): Promise<void> {
    const { namespace, name, identity, clock, renewDeadlineMs } = this.#o;
    const abort = new AbortController();
    const deadline = clock.setTimer(() => abort.abort(new RequestTimeoutError(`releasing lease ${namespace}/${name}`, renewDeadlineMs)), renewDeadlineMs);
    const leases = this.#leases(abort.signal);
    try {
      for (let attempt = 1; ; attempt++) {
        const current = await raceAbort(leases.get(namespace, name), abort.signal);
        if (current.spec?.holderIdentity !== identity) return;
        const now = microTime(clock.now());
        try {
          const released = await raceAbort(leases.update({ ...current, spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } }), abort.signal);
          // client-go release() sets the observed record: no fast path over a Lease we gave back.
          this.#observe(released, clock.now());
          this.#o.logger?.info({ lease: `${namespace}/${name}` }, 'released lease');
          return;
        } catch (err) {
          if (attempt < 2 && err instanceof ApiError && err.code === 409) continue;
          throw err;
        }
      }
    } catch (err) {
      this.#o.logger?.warn({ lease: `${namespace}/${name}`, err: err instanceof Error ? err.message : String(err) }, 'failed to release lease');
    } finally {
      deadline.cancel();
    }
  }
}

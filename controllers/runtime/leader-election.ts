/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics
 * (k8s.io/client-go/tools/leaderelection/leaderelection.go):
 *
 * 1. Acquire: every retry period (jittered by up to 1.2×) try to take the Lease. It can be
 *    taken when it does not exist, has no holder, is ours, or has not been renewed for its
 *    lease duration as measured on OUR clock since we last saw the record change (never by
 *    comparing the holder's renewTime with our clock, so clock skew cannot elect two leaders).
 * 2. Every write is an optimistic update preconditioned on the Lease's resourceVersion; a 409
 *    means someone else wrote first and we simply try again later.
 * 3. Renew: every retry period; if no renewal succeeds within the renew deadline, leadership is
 *    lost: `onStoppedLeading` runs (svcplane then exits non-zero, as kube-controller-manager does).
 * 4. Release (graceful shutdown): if we hold it, clear the holder so a standby takes over at once.
 *
 * Times are MicroTime: exactly 6 fractional digits.
 */
import os from 'node:os';
import type { Lease } from '../../api-types/networking.js';
import { ApiError } from '../../api-types/api-error.js';
import type { Clock, TimerHandle } from './clock.js';
import type { ResourceClient } from './kube-client.js';

/** Options of LeaderElector; defaults are kube-controller-manager's. */
export interface LeaderElectionOptions {
  /** The Lease client (coordination.k8s.io/v1 leases). */
  leases: ResourceClient<Lease>;
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

/** Campaigns for and keeps a Lease. */
export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectionOptions, 'onNewLeader' | 'logger'>> & Pick<LeaderElectionOptions, 'onNewLeader' | 'logger'>;
  #leading = false;
  #stopped = true;
  #timer?: TimerHandle;
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
    const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = this.#o;
    if (!(leaseDurationMs > renewDeadlineMs)) throw new RangeError(`--leader-elect-lease-duration (${leaseDurationMs}ms) must be greater than --leader-elect-renew-deadline (${renewDeadlineMs}ms)`);
    if (!(renewDeadlineMs > retryPeriodMs * 1.2)) throw new RangeError(`--leader-elect-renew-deadline (${renewDeadlineMs}ms) must be greater than 1.2 × --leader-elect-retry-period (${retryPeriodMs}ms)`);
    if (!(retryPeriodMs > 0)) throw new RangeError(`--leader-elect-retry-period must be positive, got ${retryPeriodMs}ms`);
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
   * Stops campaigning and renewing. With `release`, a held Lease is handed back first so a
   * standby can take over without waiting for it to expire. Does not call onStoppedLeading.
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    if (opts.release && this.#leading) {
      await this.#release();
    }
    this.#leading = false;
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    const ok = await this.#tryAcquireOrRenew();
    if (this.#stopped) return;
    const now = this.#o.clock.now();
    if (ok) {
      this.#lastRenewMs = now;
      if (!this.#leading) {
        this.#leading = true;
        this.#o.logger?.info({ lease: `${this.#o.namespace}/${this.#o.name}`, identity: this.#o.identity }, 'successfully acquired lease');
        this.#o.onStartedLeading();
      }
    } else if (this.#leading && now - this.#lastRenewMs >= this.#o.renewDeadlineMs) {
      // 3. No renewal within the renew deadline: we may no longer lead.
      this.#leading = false;
      this.#stopped = true;
      this.#o.logger?.warn({ lease: `${this.#o.namespace}/${this.#o.name}` }, 'failed to renew lease within the renew deadline; leadership lost');
      this.#o.onStoppedLeading();
      return;
    }
    const wait = this.#leading ? this.#o.retryPeriodMs : this.#o.retryPeriodMs * (1 + 0.2 * this.#o.random());
    this.#timer = this.#o.clock.setTimer(() => void this.#tick(), wait);
  }

  /** One attempt; true when we hold the Lease afterwards. Never throws. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const { leases, namespace, name, identity, clock } = this.#o;
    const now = clock.now();
    try {
      let current: Lease;
      try {
        current = await leases.get(namespace, name);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
        const created = await leases.create(namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: this.#spec(now, 0, now),
        });
        this.#observe(created, clock.now());
        return true;
      }
      this.#observe(current, now);
      const holder = current.spec?.holderIdentity ?? '';
      const expired = now >= this.#observed!.atMs + (current.spec?.leaseDurationSeconds ?? 0) * 1000;
      if (holder && holder !== identity && !expired) return false;
      const transitions = current.spec?.leaseTransitions ?? 0;
      const ours = holder === identity;
      const acquireMs = ours && current.spec?.acquireTime ? Date.parse(current.spec.acquireTime) : now;
      const updated = await leases.update({
        ...current,
        spec: { ...current.spec, ...this.#spec(acquireMs, ours ? transitions : transitions + 1, now) },
      });
      this.#observe(updated, clock.now());
      return true;
    } catch (err) {
      // 2. A 409 is another candidate's write winning; anything else is a transient failure.
      if (!(err instanceof ApiError && err.code === 409)) {
        this.#o.logger?.warn({ lease: `${namespace}/${name}`, err: err instanceof Error ? err.message : String(err) }, 'error retrieving or updating lease');
      }
      return false;
    }
  }

  #spec(acquireMs: number, transitions: number, renewMs: number): NonNullable<Lease['spec']> {
    return {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.ceil(this.#o.leaseDurationMs / 1000),
      acquireTime: microTime(acquireMs),
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

  /** 4. Hands the Lease back: empty holder, 1 s duration, as client-go's release does. */
  async #release(): Promise<void> {
    const { leases, namespace, name, clock } = this.#o;
    try {
      const current = await leases.get(namespace, name);
      if (current.spec?.holderIdentity !== this.#o.identity) return;
      const now = microTime(clock.now());
      await leases.update({ ...current, spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } });
      this.#o.logger?.info({ lease: `${namespace}/${name}` }, 'released lease');
    } catch (err) {
      this.#o.logger?.warn({ lease: `${namespace}/${name}`, err: err instanceof Error ? err.message : String(err) }, 'failed to release lease');
    }
  }
}

/**
 * The only writer of the serviceip controller. It carries out a plan in the order that never
 * hands one IP out twice:
 *
 * 1. Report a failure (Warning event, log line; the error metric once per distinct failure) and
 *    stop: a TerminalError, so the key is not retried until the Service changes.
 * 2. Claim every IP by creating its IPAddress, before the Service names it. An automatic IP is
 *    drawn from the bitmap; AlreadyExists means another replica holds it: draw again. A requested
 *    IP held by another Service is a failure; held by this Service, it is ours (a crash between
 *    claim and write).
 * 3. Write the Service with its resourceVersion as precondition. A 409 is returned as
 *    `conflict`: the caller re-reads and plans again (its claims are reused as leftovers).
 * 4. Release what the Service no longer needs, only after proving it on an authoritative copy
 *    (the object just written, or a live GET): a claim is deleted with its uid as precondition,
 *    so a claim someone else re-made is never touched. The bit is freed after the delete. Claims
 *    younger than the leak grace period are left to the leak repair (repair.ts), which deletes
 *    them once it has passed.
 */
import type { Logger } from 'pino';
import type { IPFamily, Service } from '../../api-types/core.js';
import type { IPAddress } from '../../api-types/networking.js';
import { EventReasons, Labels, ManagedBy } from '../../api-types/well-known.js';
import { isIP } from '../../allocators/ip.js';
import { ApiError } from '../../api-types/api-error.js';
import type { Clock } from '../runtime/clock.js';
import type { DistinctFailures } from '../runtime/metrics.js';
import { type EventRecorder, referenceTo } from '../runtime/events.js';
import type { ResourceClient } from '../runtime/kube-client.js';
import { TerminalError } from '../runtime/worker-pool.js';
import type { ClaimIndex } from './claims.js';
import { ClusterIPNone } from './families.js';
import { AllocatorErrors, failureSignature, rangeFullNote, requestedIPNote } from './failures.js';
import type { ServiceIPMetrics } from './metrics.js';
import { reconcileServiceIP, type ClaimView, type PlanFailure, type ServiceIPPlan, type ServiceIPSnapshot } from './reconcile.js';

/** What the applier writes with and reports to. */
export interface ApplyDeps {
  services: ResourceClient<Service>;
  ipaddresses: ResourceClient<IPAddress>;
  index: ClaimIndex;
  clock: Clock;
  /** Allocation failures (what Kubernetes answers with a 422/500). */
  recorder: EventRecorder;
  /** Repair findings (`ipallocator-repair-controller`). */
  repairRecorder: EventRecorder;
  metrics: ServiceIPMetrics;
  /**
   * The failures counted in `allocation_errors_total`: a Service's failure is counted when it is
   * new (failures.ts `failureSignature`), not on every re-check. The controller clears a key once
   * its Service is served or gone.
   */
  failures: DistinctFailures;
  logger: Logger;
  /** Builds the reconciler's snapshot around a given copy of the Service. */
  snapshot(key: string, service: Service | undefined): ServiceIPSnapshot;
  /** Called whenever an IP is freed: the Services waiting for a free IP, or for this one, are tried again. */
  onFreed(ip: string): void;
  /**
   * Remembers a Service to try again once an IP is freed: any IP of `family`'s range (its
   * automatic allocation found the range full) or `ip` (another Service holds the IP it
   * requested). kube-apiserver refuses such a create or update, and the user tries again; the
   * controller does it for them.
   */
  waitForFree(key: string, what: { ip: string } | { family: IPFamily }): void;
  /**
   * Claims seen for less than this are not released here: the leak repair deletes them once the
   * grace period has passed (so a claim in its claim-then-write window is never cut short).
   */
  leakGracePeriodMs: number;
  /**
   * Hands a claim to the leak repair: one too young to release here, and every claim this
   * applier made or tried to make that no successful write lists (the informer's handler leaves
   * claims in the making to the applier).
   */
  deferToRepair(ip: string): void;
  /**
   * Told just before the Service write: its key and the resourceVersion it is based on. With
   * `written`, it lets the controller tell the informer's echo of this write from a change made
   * by someone else (runtime/own-writes.ts).
   */
  writing(key: string, baseResourceVersion: string | undefined): void;
  /** Told once the Service write has ended: the new resourceVersion, or undefined when it failed. */
  written(key: string, resourceVersion: string | undefined): void;
}

/** How one application ended. */
export type ApplyOutcome = 'done' | 'conflict' | { reread: Service | undefined };

const isApi = (err: unknown, code: number, reason?: string): boolean =>
  err instanceof ApiError && err.code === code && (reason === undefined || err.reason === reason);

function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The IPAddress object that claims `ip` (a strict IP, canonical) for the Service `key`. */
export function claimObject(ip: string, key: string): IPAddress {
  const { namespace, name } = splitKey(key);
  // Only IPv6 text has a colon; the IP was parsed already, so it is not parsed again here.
  const family = ip.includes(':') ? 'IPv6' : 'IPv4';
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IPAddress',
    metadata: { name: ip, labels: { [Labels.ipAddressFamily]: family, [Labels.ipAddressManagedBy]: ManagedBy.svcplaneIPAllocator } },
    spec: { parentRef: { group: '', resource: 'services', namespace, name } },
  };
}

/** Carries out plans; see the module comment for the order. */
export class ServiceIPApplier {
  readonly #d: ApplyDeps;

  constructor(deps: ApplyDeps) {
    this.#d = deps;
  }

  /** Applies `plan`, made from `service` (the copy the caller read), for the Service `key`. */
  async apply(key: string, service: Service | undefined, plan: ServiceIPPlan): Promise<ApplyOutcome> {
    const made: ClaimView[] = [];
    const progress = { listed: false };
    try {
      return await this.#applyPlan(key, service, plan, made, progress);
    } finally {
      // Claims made here that no successful write lists (a conflict, a failure, a throw) go to
      // the leak repair, which keeps them while the Service comes to list them.
      if (!progress.listed) for (const c of made) this.#d.deferToRepair(c.ip);
    }
  }

  async #applyPlan(key: string, service: Service | undefined, plan: ServiceIPPlan, made: ClaimView[], progress: { listed: boolean }): Promise<ApplyOutcome> {
    const d = this.#d;
    // 1.
    if (plan.failure) return this.#fail(key, service, plan.failure, []);
    for (const f of plan.findings) {
      if (service) d.repairRecorder.record({ regarding: referenceTo(service, 'Service'), type: 'Warning', reason: f.reason, action: 'ClusterIPAllocation', note: f.note });
      d.metrics.repairError(f.type);
      d.logger.warn({ service: key, reason: f.reason }, f.note);
    }
    // 2.
    const fields = plan.fields;
    if (fields && service) {
      for (const step of plan.claims) {
        if (step.ip !== undefined) {
          const ip = step.ip;
          d.index.hold(ip, key);
          let created: IPAddress;
          try {
            created = await d.ipaddresses.create(undefined, claimObject(ip, key));
          } catch (err) {
            // Either way the claim may exist now (a lost response, or another's): the repair looks.
            d.deferToRepair(ip);
            if (!isApi(err, 409, 'AlreadyExists')) {
              d.index.settle(ip, false);
              throw err;
            }
            d.index.settle(ip, true);
            const holder = await this.#getClaim(ip);
            if (holder && d.index.get(ip)?.parent === key) continue;
            if (!holder) throw new Error(`IPAddress ${ip} vanished while claiming it for Service ${key}; retrying`);
            const note = requestedIPNote(service.metadata.name ?? '', plan.requested ?? [], plan.requested?.[step.index] || ip, AllocatorErrors.allocated);
            return this.#fail(key, service, { reason: EventReasons.clusterIPAlreadyAllocated, note, scope: 'static', family: step.family, takenIP: ip }, made);
          }
          d.index.sync(ip, created, d.clock.now());
          d.index.settle(ip, true);
          made.push(d.index.get(ip) as ClaimView);
          d.metrics.allocated(this.#cidrOf(ip, step.family), 'static');
          if (step.repair) {
            const note = `Cluster IP [${step.family}]: ${ip} is not allocated; repairing`;
            d.repairRecorder.record({ regarding: referenceTo(service, 'Service'), type: 'Warning', reason: EventReasons.clusterIPNotAllocated, action: 'ClusterIPAllocation', note });
            d.metrics.repairError('repair');
            d.logger.warn({ service: key }, note);
          }
          continue;
        }
        const ip = await this.#claimNext(key, step.family);
        if (ip === undefined) {
          d.waitForFree(key, { family: step.family });
          return this.#fail(key, service, { reason: EventReasons.serviceCIDRFull, note: rangeFullNote, scope: 'dynamic', family: step.family }, made);
        }
        made.push(d.index.get(ip) as ClaimView);
        fields.clusterIPs[step.index] = ip;
      }
    }
    // 3.
    let authoritative: Service | undefined;
    if (fields && service && plan.needsWrite) {
      // A shallow copy is enough: only spec's top-level fields change, and the cached object's
      // nested values are never written to (clients copy or serialise the body they are given).
      // managedFields are left out: an update without them keeps them, and the body is smaller.
      const { managedFields: _kept, ...metadata } = service.metadata;
      const next: Service = {
        ...service,
        metadata,
        spec: { ...service.spec, clusterIP: fields.clusterIPs[0], clusterIPs: fields.clusterIPs, ipFamilies: fields.ipFamilies, ipFamilyPolicy: fields.ipFamilyPolicy },
      };
      d.writing(key, service.metadata.resourceVersion);
      try {
        authoritative = await d.services.update(next);
      } catch (err) {
        d.written(key, undefined);
        if (isApi(err, 409)) return 'conflict';
        if (isApi(err, 404)) {
          await this.#revert(made);
          return 'done';
        }
        if (isApi(err, 422)) {
          return this.#fail(key, service, { reason: EventReasons.ipFamilyNotConfigured, note: (err as Error).message, scope: plan.claims.some((c) => c.ip === undefined) ? 'dynamic' : 'static' }, made);
        }
        throw err;
      }
      d.written(key, authoritative.metadata.resourceVersion);
      // A headless Service gets its families and policy, and no IP.
      if (fields.clusterIPs[0] === ClusterIPNone) d.logger.info({ service: key, ipFamilies: fields.ipFamilies, ipFamilyPolicy: fields.ipFamilyPolicy }, 'set the IP families of a headless Service');
      else d.logger.info({ service: key, clusterIPs: fields.clusterIPs }, 'allocated clusterIPs');
    }
    progress.listed = true;
    // 4.
    if (plan.release.length === 0) return 'done';
    if (!authoritative) {
      try {
        authoritative = await d.services.get(splitKey(key).namespace, splitKey(key).name);
      } catch (err) {
        if (!isApi(err, 404)) throw err;
      }
      if (authoritative?.metadata.resourceVersion !== service?.metadata.resourceVersion) return { reread: authoritative };
    }
    const confirmed = reconcileServiceIP(d.snapshot(key, authoritative));
    if (confirmed.failure === undefined && (confirmed.claims.length > 0 || confirmed.needsWrite)) return { reread: authoritative };
    const allowed = new Set(confirmed.release.map((c) => c.ip));
    const now = d.clock.now();
    for (const c of plan.release) {
      if (!allowed.has(c.ip)) continue;
      if (now - (d.index.get(c.ip)?.seenAtMs ?? now) < d.leakGracePeriodMs) {
        d.deferToRepair(c.ip);
        continue;
      }
      await this.release(c);
      d.logger.info({ service: key, ip: c.ip }, 'released clusterIP');
    }
    return 'done';
  }

  /** Deletes a claim (uid precondition; 404 and 409 mean someone else already acted) and frees its bit. */
  async release(c: ClaimView): Promise<void> {
    const d = this.#d;
    try {
      await d.ipaddresses.delete(undefined, c.ip, c.uid ? { preconditions: { uid: c.uid } } : {});
    } catch (err) {
      if (!isApi(err, 404) && !isApi(err, 409)) throw err;
      return;
    }
    if (d.index.get(c.ip)?.uid === c.uid) d.index.sync(c.ip, undefined, d.clock.now());
    d.onFreed(c.ip);
  }

  /**
   * The `cidr` label of an IP's metrics: the range it is allocated from (the first ready one
   * holding it, as allocation picks it; else any holding it, for a repair), else the flag's
   * range of its family.
   */
  #cidrOf(ip: string | undefined, family: IPFamily | undefined): string {
    const ranges = this.#d.index.ranges;
    const range = ip === undefined || !isIP(ip) ? undefined : (ranges.readyRangeFor(ip) ?? ranges.containing(ip)[0]);
    return range?.cidr ?? (family && ranges.get(family)?.cidr) ?? '';
  }

  async #claimNext(key: string, family: IPFamily): Promise<string | undefined> {
    const d = this.#d;
    for (;;) {
      const ip = d.index.pickNext(family, key);
      if (ip === undefined) return undefined;
      try {
        const created = await d.ipaddresses.create(undefined, claimObject(ip, key));
        d.index.sync(ip, created, d.clock.now());
        d.index.settle(ip, true);
        d.metrics.allocated(this.#cidrOf(ip, family), 'dynamic');
        return ip;
      } catch (err) {
        // AlreadyExists: another replica holds it and our informer has not shown it yet; the bit
        // stays set and the next free IP is tried, as ipallocator.go's AllocateNext does.
        const taken = isApi(err, 409, 'AlreadyExists');
        d.index.settle(ip, taken);
        // Someone else's claim, or ours with its response lost: the repair looks at it.
        d.deferToRepair(ip);
        if (!taken) throw err;
      }
    }
  }

  async #getClaim(ip: string): Promise<IPAddress | undefined> {
    try {
      const obj = await this.#d.ipaddresses.get(undefined, ip);
      this.#d.index.sync(ip, obj, this.#d.clock.now());
      return obj;
    } catch (err) {
      if (isApi(err, 404)) return undefined;
      throw err;
    }
  }

  async #revert(made: ClaimView[]): Promise<void> {
    for (const c of made) {
      try {
        await this.release(c);
      } catch (err) {
        // Left for the leak repair, after its grace period.
        this.#d.logger.warn({ ip: c.ip, err }, 'failed to release a claim after a failed allocation');
      }
    }
  }

  async #fail(key: string, service: Service | undefined, f: PlanFailure, made: ClaimView[]): Promise<never> {
    const d = this.#d;
    await this.#revert(made);
    if (f.takenIP !== undefined) d.waitForFree(key, { ip: f.takenIP });
    if (service) d.recorder.record({ regarding: referenceTo(service, 'Service'), type: 'Warning', reason: f.reason, action: 'ClusterIPAllocation', note: f.note });
    if (d.failures.isNew(key, failureSignature(service, f.reason, f.note))) d.metrics.allocationError(this.#cidrOf(f.takenIP, f.family), f.scope);
    d.logger.warn({ service: key, reason: f.reason }, f.note);
    throw new TerminalError(`Service ${key}: ${f.note}`);
  }
}

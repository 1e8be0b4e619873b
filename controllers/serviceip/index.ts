/**
 * The serviceip controller: gives Services their ClusterIPs after create (docs/decisions/002,
 * 004), claiming each IP with a networking.k8s.io/v1 IPAddress before the Service names it, and
 * repairs claims (kubernetes-behaviour.md §1.6–1.8, §2.3).
 */
import { ClusterIPRanges, type IPv6Sizing, type RandomSource } from '../../allocators/index.js';
import { Defaults } from '../../api-types/well-known.js';
import type { Controller } from '../runtime/manager.js';
import type { ControllerRateLimiterOptions } from '../runtime/rate-limiter.js';
import { ServiceIPController } from './controller.js';

export { ServiceIPController } from './controller.js';
export { reconcileServiceIP } from './reconcile.js';
export { initIPFamilyFields } from './families.js';

/** Options of {@link createServiceIPController}. */
export interface ServiceIPControllerOptions {
  /**
   * The `--service-cluster-ip-range` flag value: one or two CIDRs, the first sets the default
   * family. They set the cluster's families; ServiceCIDR objects of those families add ranges.
   */
  serviceClusterIPRange: string;
  /** IPv6 sizing of the flag's ranges (allocators/cluster-ip-range.ts); ServiceCIDRs' are always 'full'. @default 'full' */
  ipv6Sizing?: IPv6Sizing;
  /** Interval of the full repair pass. @default 180000 (3 minutes, as kube-apiserver) */
  repairIntervalMs?: number;
  /** How long a claim nobody lists is kept before it is deleted as leaked. @default 60000 (repairip.go) */
  leakGracePeriodMs?: number;
  /** Services reconciled at once (`--concurrent-serviceip-syncs`). @default 50 */
  concurrency?: number;
  /** Where automatic allocation draws its scan start, in every range. @default systemRandom */
  random?: RandomSource;
  /** Retry pacing of failed keys. @default client-go's (5 ms–1000 s per key, 10 qps / burst 100) */
  rateLimiter?: ControllerRateLimiterOptions;
  /** Re-reads after a 409 before a key is requeued with backoff. @default 5 */
  maxConflictRetries?: number;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return v;
}

/**
 * Builds the serviceip controller. Throws a TypeError or RangeError naming the flag when
 * `serviceClusterIPRange` is malformed, and a RangeError naming the option for a bad number.
 */
export function createServiceIPController(options: ServiceIPControllerOptions): Controller & ServiceIPController {
  const ranges = ClusterIPRanges.fromFlag(options.serviceClusterIPRange, { ipv6Sizing: options.ipv6Sizing, random: options.random });
  const maxConflictRetries = options.maxConflictRetries ?? 5;
  if (!Number.isInteger(maxConflictRetries) || maxConflictRetries < 0) throw new RangeError(`maxConflictRetries must be an integer >= 0, got ${maxConflictRetries}`);
  return new ServiceIPController({
    ranges,
    repairIntervalMs: positiveInt('repairIntervalMs', options.repairIntervalMs, 180_000),
    leakGracePeriodMs: positiveInt('leakGracePeriodMs', options.leakGracePeriodMs, 60_000),
    concurrency: positiveInt('--concurrent-serviceip-syncs', options.concurrency, Defaults.concurrentServiceIPSyncs),
    rateLimiter: options.rateLimiter ?? {},
    maxConflictRetries,
  });
}

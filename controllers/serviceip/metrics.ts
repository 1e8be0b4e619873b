/**
 * The serviceip controller's Prometheus families, under svcplane's prefix with Kubernetes' names
 * (kubernetes-behaviour.md §1.11, pkg/registry/core/service/ipallocator/metrics.go, and §2.6,
 * ipallocator/controller/metrics.go): allocated/available IPs per CIDR (every range, the
 * ServiceCIDRs' included, ready or not), allocations and allocation errors by scope, repair
 * errors by type.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { metricsPrefix } from '../runtime/metrics.js';
import type { ClaimIndex } from './claims.js';
import type { Scope } from './reconcile.js';

/** The repair error types of `clusterip_repair_ip_errors_total` (§2.6). */
export type RepairErrorType = 'leak' | 'repair' | 'full' | 'outOfRange' | 'duplicate' | 'invalid' | 'unknown';

/** What the controller records. */
export interface ServiceIPMetrics {
  allocated(cidr: string, scope: Scope): void;
  /** One failed allocation attempt; the applier calls it once per distinct failure (decision 004). */
  allocationError(cidr: string, scope: Scope): void;
  repairError(type: RepairErrorType): void;
  reconcileError(): void;
}

const cache = new WeakMap<Registry, { families: ReturnType<typeof register>; indexes: Set<ClaimIndex> }>();

function register(registry: Registry, indexes: () => Set<ClaimIndex>) {
  const p = `${metricsPrefix}clusterip_allocator_`;
  return {
    allocatedIPs: new Gauge({
      name: `${p}allocated_ips`, help: 'Gauge measuring the number of allocated IPs for Services', labelNames: ['cidr'], registers: [registry],
      collect() {
        // Reset first: the series of a CIDR whose ServiceCIDR is gone go with it.
        this.reset();
        for (const index of indexes()) for (const r of index.ranges.ranges) this.set({ cidr: r.cidr }, r.used);
      },
    }),
    availableIPs: new Gauge({
      name: `${p}available_ips`, help: 'Gauge measuring the number of available IPs for Services', labelNames: ['cidr'], registers: [registry],
      collect() {
        this.reset();
        for (const index of indexes()) for (const r of index.ranges.ranges) this.set({ cidr: r.cidr }, Number(r.free));
      },
    }),
    allocations: new Counter({ name: `${p}allocation_total`, help: 'Number of Cluster IPs allocations', labelNames: ['cidr', 'scope'], registers: [registry] }),
    errors: new Counter({ name: `${p}allocation_errors_total`, help: 'Number of errors trying to allocate Cluster IPs', labelNames: ['cidr', 'scope'], registers: [registry] }),
    repairErrors: new Counter({ name: `${metricsPrefix}clusterip_repair_ip_errors_total`, help: 'Number of errors detected on clusterips by the repair loop broken down by type of error: leak, repair, full, outOfRange, duplicate, unknown, invalid', labelNames: ['type'], registers: [registry] }),
    reconcileErrors: new Counter({ name: `${metricsPrefix}clusterip_repair_reconcile_errors_total`, help: 'Number of reconciliation failures on the clusterip repair reconcile loop', registers: [registry] }),
  };
}

/**
 * Registers the families on `registry` once (several controller instances in one process share
 * them, as Kubernetes' package-level metrics are shared) and reports `index`'s ranges in the
 * gauges.
 */
export function serviceIPMetrics(registry: Registry, index: ClaimIndex): ServiceIPMetrics {
  let entry = cache.get(registry);
  if (!entry) {
    const indexes = new Set<ClaimIndex>();
    entry = { families: register(registry, () => indexes), indexes };
    cache.set(registry, entry);
  }
  entry.indexes.add(index);
  const f = entry.families;
  return {
    allocated: (cidr, scope) => f.allocations.inc({ cidr, scope }),
    allocationError: (cidr, scope) => f.errors.inc({ cidr, scope }),
    repairError: (type) => f.repairErrors.inc({ type }),
    reconcileError: () => f.reconcileErrors.inc(),
  };
}

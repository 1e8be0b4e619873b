/**
 * The NodePort allocator and repair metrics under svcplane's prefix, with Kubernetes' names
 * (pkg/registry/core/service/portallocator/metrics.go, subsystem `nodeport_allocator`, and
 * portallocator/controller/metrics.go, subsystem `nodeport_repair`).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { metricsPrefix } from '../runtime/metrics.js';

/** The nodeport controller's metric families. */
export interface NodePortMetrics {
  allocatedPorts: Gauge;
  availablePorts: Gauge;
  /** `scope` = static | dynamic. */
  allocations: Counter<'scope'>;
  /** `scope` = static | dynamic. */
  allocationErrors: Counter<'scope'>;
  /** `type` = leak | repair | full | outOfRange | duplicate | unknown. */
  repairPortErrors: Counter<'type'>;
  reconcileErrors: Counter;
  /** `reason` = stale (the live owner holds the port) | error (the live read failed). */
  leakCleanupDeferred: Counter<'reason'>;
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[] = []): Counter<L> {
  const full = `${metricsPrefix}${name}`;
  return (registry.getSingleMetric(full) as Counter<L> | undefined) ?? new Counter({ name: full, help, labelNames, registers: [registry] });
}

function gauge(registry: Registry, name: string, help: string): Gauge {
  const full = `${metricsPrefix}${name}`;
  return (registry.getSingleMetric(full) as Gauge | undefined) ?? new Gauge({ name: full, help, registers: [registry] });
}

/** Registers (or finds, when another instance registered them) the families on `registry`. */
export function nodePortMetrics(registry: Registry): NodePortMetrics {
  return {
    allocatedPorts: gauge(registry, 'nodeport_allocator_allocated_ports', 'Gauge measuring the number of allocated NodePorts for Services'),
    availablePorts: gauge(registry, 'nodeport_allocator_available_ports', 'Gauge measuring the number of available NodePorts for Services'),
    allocations: counter(registry, 'nodeport_allocator_allocation_total', 'Number of NodePort allocations', ['scope']),
    allocationErrors: counter(registry, 'nodeport_allocator_allocation_errors_total', 'Number of errors trying to allocate NodePort', ['scope']),
    repairPortErrors: counter(registry, 'nodeport_repair_port_errors_total', 'Number of errors detected on ports by the repair loop broken down by type of error: leak, repair, full, outOfRange, duplicate, unknown', ['type']),
    reconcileErrors: counter(registry, 'nodeport_repair_reconcile_errors_total', 'Number of reconciliation failures on the nodeport repair reconcile loop'),
    leakCleanupDeferred: counter(registry, 'nodeport_repair_leak_cleanup_deferred_total', 'Number of repair passes that kept a leak candidate past its grace period because the live read of its owner failed (error) or showed the owner holding the port (stale)', ['reason']),
  };
}

/**
 * The words of a nodePort request the nodeport controller cannot meet, as kube-apiserver 1.33
 * answers the same request (the notes of the controller's Warning Events), from
 * pkg/registry/core/service/storage/alloc.go and the allocator errors of
 * portallocator/allocator.go:
 *
 * - a requested nodePort that is taken or out of range: 422 Invalid on `spec.ports[i].nodePort`
 *   (`initNodePorts`, `updateNodePorts`), e.g. `Service "b" is invalid: spec.ports[0].nodePort:
 *   Invalid value: 30080: provided port is already allocated`;
 * - an automatic nodePort from a full range: 500 InternalError, `Internal error occurred: failed
 *   to allocate a nodePort: range is full`;
 * - the health-check nodePort, requested or automatic: 500 InternalError
 *   (`allocHealthCheckNodePort`, wrapped by `txnAllocNodePorts` and `updateHealthCheckNodePort`),
 *   e.g. `Internal error occurred: failed to allocate requested HealthCheck NodePort 31000:
 *   provided port is already allocated`.
 *
 * The 500 is the bundled API server's own (apiserver/errors.ts), so the notes read as its answers.
 */
import type { Service } from '../../api-types/core.js';
import { internalError } from '../../apiserver/errors.js';

/** The 422 of a requested nodePort the allocator refused, on `field` (`spec.ports[i].nodePort`). */
export function invalidNodePortNote(svc: Readonly<Service>, field: string, port: number, why: string): string {
  return `Service "${svc.metadata.name ?? ''}" is invalid: ${field}: Invalid value: ${port}: ${why}`;
}

/** The 500 of a failure kube-apiserver reports as an InternalError: `Internal error occurred: <message>`. */
export function internalErrorNote(message: string): string {
  return internalError(message).message;
}

/**
 * What makes one failed allocation attempt of a Service distinct from another, for
 * `nodeport_allocator_allocation_errors_total` (decision 005): the object (uid), what it asks of
 * the allocator (type, each port's number, protocol and nodePort, the health-check port and what
 * decides whether it and automatic ports are needed) and how it failed. The controller meets a
 * failing Service again on every resync, release and unrelated event; those re-checks carry the
 * same signature and are not counted again, while a changed request that fails again, or a new
 * failure of the same request, is.
 */
export function failureSignature(service: Readonly<Service>, notes: readonly string[]): string {
  const spec = service.spec ?? {};
  const ports = (spec.ports ?? []).map((p) => [p.port, p.protocol ?? 'TCP', p.nodePort ?? 0]);
  return JSON.stringify([
    service.metadata.uid ?? '',
    spec.type ?? '',
    ports,
    spec.healthCheckNodePort ?? 0,
    spec.externalTrafficPolicy ?? '',
    spec.allocateLoadBalancerNodePorts ?? null,
    notes,
  ]);
}

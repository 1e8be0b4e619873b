/**
 * Predicates on a Service spec shared by defaulting, update preparation and validation, named as
 * in pkg/registry/core/service (needsClusterIP, needsNodePort, ...) and pkg/api/service/util.go.
 */
import type { ServicePort, ServiceSpec } from '../../api-types/core.js';
import type { KubeObject } from '../../api-types/meta.js';
import { FieldPath } from './field.js';

/** A Service as the validation sees it. */
export type Svc = KubeObject & { spec?: ServiceSpec; status?: Record<string, unknown> };

/** The `spec` path. */
export const specPath = FieldPath.root('spec');

/** The spec, or an empty one. */
export function specOf(svc: Svc): ServiceSpec {
  return svc.spec !== null && typeof svc.spec === 'object' && !Array.isArray(svc.spec) ? svc.spec : {};
}

/** LoadBalancer, NodePort, or ClusterIP with externalIPs (ExternallyAccessible). */
export function isExternallyAccessible(s: ServiceSpec): boolean {
  return s.type === 'LoadBalancer' || s.type === 'NodePort' || (s.type === 'ClusterIP' && Array.isArray(s.externalIPs) && s.externalIPs.length > 0);
}

/** LoadBalancer with externalTrafficPolicy Local (NeedsHealthCheck). */
export function needsHealthCheck(s: ServiceSpec): boolean {
  return s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
}

/** Every type but ExternalName has a cluster IP. */
export function needsClusterIP(s: ServiceSpec): boolean {
  return s.type !== 'ExternalName';
}

/** NodePort and LoadBalancer have nodePorts. */
export function needsNodePort(s: ServiceSpec): boolean {
  return s.type === 'NodePort' || s.type === 'LoadBalancer';
}

/** clusterIPs is exactly ["None"]. */
export function isHeadless(s: ServiceSpec): boolean {
  return Array.isArray(s.clusterIPs) && s.clusterIPs.length === 1 && s.clusterIPs[0] === 'None';
}

/** spec.ports, or an empty list. */
export function portsOf(s: ServiceSpec): ServicePort[] {
  // Ill-typed items read as empty ports (the defaulting only touches real ones).
  return Array.isArray(s.ports) ? s.ports.map((p) => (p !== null && typeof p === 'object' && !Array.isArray(p) ? p : ({} as ServicePort))) : [];
}

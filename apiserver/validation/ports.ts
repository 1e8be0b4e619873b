/**
 * Port rules shared by Endpoints, EndpointSlices and Pods: the supported protocols and the
 * defaulting of an absent protocol to TCP (SetDefaults_EndpointPort, SetDefaults_ContainerPort).
 */

/** Port protocols Kubernetes supports, sorted as sets.List returns them. */
export const supportedProtocols: readonly string[] = ['SCTP', 'TCP', 'UDP'];

/** Sets `protocol: TCP` on every port of a list that has none. */
export function defaultProtocols(ports: unknown): void {
  if (!Array.isArray(ports)) return;
  for (const p of ports) {
    if (p !== null && typeof p === 'object' && !(p as { protocol?: unknown }).protocol) (p as { protocol: string }).protocol = 'TCP';
  }
}

/**
 * Builders for the Endpoints reconciler tests: slim pods (as controllers/runtime/transforms.ts
 * keeps them) and Services, deep-frozen so a test proves its inputs are never mutated.
 */
import type { ContainerPort, Endpoints, Pod, PodPhase, Service, ServiceSpec } from '../../../api-types/core.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

/** Options of {@link makePod}. */
export interface PodOptions {
  ns?: string;
  ip?: string;
  ips?: string[];
  ready?: boolean;
  phase?: PodPhase;
  terminating?: boolean;
  node?: string;
  hostname?: string;
  subdomain?: string;
  ports?: ContainerPort[];
  sidecarPorts?: ContainerPort[];
  uid?: string;
  readySince?: string;
}

/** A frozen slim pod named `name`; ready and running on node-1 unless told otherwise. */
export function makePod(name: string, o: PodOptions = {}): Pod {
  const pod: Pod = {
    metadata: { name, namespace: o.ns ?? 'default', uid: o.uid ?? `uid-${name}`, resourceVersion: '1', labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', ...(o.ports ? { ports: o.ports } : {}) }] },
    status: { phase: o.phase ?? 'Running' },
  };
  if (o.terminating) pod.metadata.deletionTimestamp = '2026-01-01T00:00:30Z';
  if (o.node !== '') pod.spec!.nodeName = o.node ?? 'node-1';
  if (o.hostname) pod.spec!.hostname = o.hostname;
  if (o.subdomain) pod.spec!.subdomain = o.subdomain;
  if (o.sidecarPorts) pod.spec!.initContainers = [{ name: 'proxy', restartPolicy: 'Always', ports: o.sidecarPorts }];
  if (o.ips && o.ips.length > 1) pod.status!.podIPs = o.ips.map((ip) => ({ ip }));
  const primary = o.ips ? o.ips[0] : (o.ip ?? '10.0.0.1');
  if (primary) pod.status!.podIP = primary;
  pod.status!.conditions = [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: o.readySince ?? '2026-01-01T00:00:05Z' }];
  return deepFreeze(pod);
}

/** A frozen Service `web` in `default` selecting app=web on port 80 → 8080 unless told otherwise. */
export function makeService(spec: Partial<ServiceSpec> = {}, labels: Record<string, string> = { app: 'web' }, name = 'web'): Service {
  return deepFreeze({
    metadata: { name, namespace: 'default', uid: 'svc-uid', labels, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ipFamilies: ['IPv4'], ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
  } as Service);
}

/** A frozen copy of `ep` as the API would store it, with resourceVersion `rv`. */
export function stored(ep: Endpoints, rv = '5'): Endpoints {
  return deepFreeze({ ...structuredClone(ep), metadata: { ...structuredClone(ep.metadata), resourceVersion: rv, uid: 'ep-uid' } });
}

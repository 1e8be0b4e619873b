/**
 * Named target port resolution shared by the Endpoints and EndpointSlice controllers
 * (../shared/reference/kubernetes-behaviour.md §4.2 step 7). Ported from
 * `staging/src/k8s.io/endpointslice/utils.go` (`FindPort`).
 */
import type { Container, Pod, Protocol, ServicePort } from '../../api-types/core.js';

function findIn(containers: readonly Container[] | undefined, name: string, protocol: Protocol, sidecarsOnly: boolean): number | undefined {
  if (!containers) return undefined;
  for (const c of containers) {
    if (sidecarsOnly && c.restartPolicy !== 'Always') continue;
    if (!c.ports) continue;
    // slimPod drops the default protocol TCP from container ports, so compare defaulted values.
    for (const p of c.ports) if (p.name === name && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/**
 * Resolves a Service port's targetPort on one pod. A number is used as given (an absent
 * targetPort defaults to `port`, as API defaulting would). A name is looked up among the
 * ports of all containers, then of sidecars (init containers with `restartPolicy: Always`),
 * matching name and protocol. Returns undefined when the name is not found, in which case
 * the pod is left out for that port only.
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  const protocol = servicePort.protocol ?? 'TCP';
  return findIn(pod.spec?.containers, target, protocol, false) ?? findIn(pod.spec?.initContainers, target, protocol, true);
}

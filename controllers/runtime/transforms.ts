/**
 * Informer transforms: what the controllers read of each cached object, and nothing else.
 * A full Pod from the API carries managedFields, env, volumes, probes and container statuses
 * (kilobytes each); the Endpoints and EndpointSlice controllers read only the fields kept here
 * (../shared/reference/kubernetes-behaviour.md §4.2, §5.3), so a 100,000-pod cache stays small.
 */
import type { Container, ContainerPort, Node, Pod } from '../../api-types/core.js';
import type { KubeObject, ObjectMeta } from '../../api-types/meta.js';

function slimMeta(m: ObjectMeta): ObjectMeta {
  const out: ObjectMeta = { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion };
  if (m.labels) out.labels = m.labels;
  if (m.creationTimestamp) out.creationTimestamp = m.creationTimestamp;
  if (m.deletionTimestamp) out.deletionTimestamp = m.deletionTimestamp;
  return out;
}

function slimPorts(ports: ContainerPort[] | undefined): ContainerPort[] | undefined {
  if (!ports?.length) return undefined;
  return ports.map((p) => {
    const out: ContainerPort = { containerPort: p.containerPort };
    if (p.name) out.name = p.name;
    if (p.protocol && p.protocol !== 'TCP') out.protocol = p.protocol;
    return out;
  });
}

function slimContainer(c: Container): Container {
  const out: Container = { name: c.name };
  const ports = slimPorts(c.ports);
  if (ports) out.ports = ports;
  if (c.restartPolicy) out.restartPolicy = c.restartPolicy;
  return out;
}

/**
 * Reduces a Pod to what endpoint controllers read: identity, labels, deletion, node, hostname
 * and subdomain, container ports (sidecar init containers included, since named target ports
 * resolve against them), phase, IPs and the Ready condition. Container port protocol TCP is
 * dropped as the default it is.
 */
export function slimPod(obj: KubeObject): Pod {
  const pod = obj as Pod;
  const out: Pod = { metadata: slimMeta(pod.metadata) };
  const spec = pod.spec;
  if (spec) {
    out.spec = { containers: (spec.containers ?? []).map(slimContainer) };
    if (spec.nodeName) out.spec.nodeName = spec.nodeName;
    if (spec.hostname) out.spec.hostname = spec.hostname;
    if (spec.subdomain) out.spec.subdomain = spec.subdomain;
    const sidecars = spec.initContainers?.filter((c) => c.restartPolicy === 'Always');
    if (sidecars?.length) out.spec.initContainers = sidecars.map(slimContainer);
  }
  const status = pod.status;
  if (status) {
    out.status = {};
    if (status.phase) out.status.phase = status.phase;
    if (status.podIP) out.status.podIP = status.podIP;
    if (status.podIPs && status.podIPs.length > 1) out.status.podIPs = status.podIPs.map((p) => ({ ip: p.ip }));
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    if (ready) out.status.conditions = [{ type: 'Ready', status: ready.status, lastTransitionTime: ready.lastTransitionTime }];
  }
  return out;
}

/** Reduces a Node to its name, labels (zone, roles), allocatable CPU and Ready condition (topology hints). */
export function slimNode(obj: KubeObject): Node {
  const node = obj as Node;
  const out: Node = { metadata: slimMeta(node.metadata) };
  const cpu = node.status?.allocatable?.cpu;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (cpu || ready) {
    out.status = {};
    if (cpu) out.status.allocatable = { cpu };
    if (ready) out.status.conditions = [{ type: 'Ready', status: ready.status }];
  }
  return out;
}

/** The IPs of a pod as slimPod keeps them: podIPs when there are two, else podIP. */
export function podIPs(pod: Pod): string[] {
  if (pod.status?.podIPs?.length) return pod.status.podIPs.map((p) => p.ip);
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

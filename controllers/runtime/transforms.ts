/**
 * Informer transforms: what the controllers read of each cached object, and nothing else.
 * A full Pod from the API carries managedFields, env, volumes, probes and container statuses
 * (kilobytes each); the Endpoints and EndpointSlice controllers read only the fields kept here
 * (../shared/reference/kubernetes-behaviour.md §4.2, §5.3), so a 100,000-pod cache stays small.
 *
 * Values that pods of one workload share (namespace, labels, node, container ports, phase,
 * condition) are interned: equal values become one frozen object, so a large cache holds each
 * once and the garbage collector has less to walk. Cached objects are never mutated (STYLE);
 * the freeze makes that a TypeError rather than a silent corruption of other pods.
 */
import type { Container, ContainerPort, Node, Pod, PodCondition } from '../../api-types/core.js';
import type { KubeObject, ObjectMeta, StringMap } from '../../api-types/meta.js';

/** A bounded table of shared values: past `max` entries it stops adding (and just returns the value). */
class Interner<T> {
  readonly #m = new Map<string, T>();
  constructor(private readonly max: number) {}
  get(key: string, make: () => T): T {
    const hit = this.#m.get(key);
    if (hit !== undefined) return hit;
    const v = make();
    if (this.#m.size < this.max) this.#m.set(key, v);
    return v;
  }
}

const strings = new Interner<string>(50_000);
const labelSets = new Interner<StringMap>(20_000);
const containerSets = new Interner<Container[]>(20_000);
const readyConditions = new Interner<PodCondition[]>(20_000);

function str(s: string): string;
function str(s: string | undefined): string | undefined;
function str(s: string | undefined): string | undefined {
  return s === undefined ? undefined : strings.get(s, () => s);
}

function sharedLabels(labels: StringMap): StringMap {
  let key = '';
  for (const k in labels) key += `${k}\u0000${labels[k]}\u0001`;
  return labelSets.get(key, () => {
    const out: StringMap = {};
    for (const k in labels) out[str(k)] = str(labels[k]);
    return Object.freeze(out);
  });
}

function slimMeta(m: ObjectMeta): ObjectMeta {
  const out: ObjectMeta = { name: m.name, namespace: str(m.namespace), uid: m.uid, resourceVersion: m.resourceVersion };
  if (m.labels) out.labels = sharedLabels(m.labels);
  if (m.creationTimestamp) out.creationTimestamp = str(m.creationTimestamp);
  if (m.deletionTimestamp) out.deletionTimestamp = m.deletionTimestamp;
  return out;
}

function slimPorts(ports: ContainerPort[] | undefined): ContainerPort[] | undefined {
  if (!ports?.length) return undefined;
  return ports.map((p) => {
    const out: ContainerPort = { containerPort: p.containerPort };
    if (p.name) out.name = str(p.name);
    if (p.protocol && p.protocol !== 'TCP') out.protocol = p.protocol;
    return Object.freeze(out);
  });
}

function slimContainer(c: Container): Container {
  const out: Container = { name: str(c.name) };
  const ports = slimPorts(c.ports);
  if (ports) out.ports = Object.freeze(ports) as ContainerPort[];
  if (c.restartPolicy) out.restartPolicy = c.restartPolicy;
  return Object.freeze(out);
}

/** The containers as slimmed, shared between pods with the same names and ports. */
function sharedContainers(cs: Container[]): Container[] {
  let key = '';
  for (const c of cs) {
    key += `${c.name}|${c.restartPolicy ?? ''}`;
    for (const p of c.ports ?? []) key += `|${p.name ?? ''}:${p.containerPort}/${p.protocol ?? 'TCP'}`;
    key += '\u0000';
  }
  return containerSets.get(key, () => Object.freeze(cs.map(slimContainer)) as Container[]);
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
    out.spec = { containers: sharedContainers(spec.containers ?? []) };
    if (spec.nodeName) out.spec.nodeName = str(spec.nodeName);
    if (spec.hostname) out.spec.hostname = spec.hostname;
    if (spec.subdomain) out.spec.subdomain = spec.subdomain;
    const sidecars = spec.initContainers?.filter((c) => c.restartPolicy === 'Always');
    if (sidecars?.length) out.spec.initContainers = sharedContainers(sidecars);
  }
  const status = pod.status;
  if (status) {
    out.status = {};
    if (status.phase) out.status.phase = str(status.phase) as typeof status.phase;
    if (status.podIP) out.status.podIP = status.podIP;
    if (status.podIPs && status.podIPs.length > 1) out.status.podIPs = status.podIPs.map((p) => ({ ip: p.ip }));
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    if (ready) {
      out.status.conditions = readyConditions.get(`${ready.status}|${ready.lastTransitionTime ?? ''}`, () =>
        Object.freeze([Object.freeze({ type: 'Ready', status: ready.status, lastTransitionTime: ready.lastTransitionTime })]) as PodCondition[],
      );
    }
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

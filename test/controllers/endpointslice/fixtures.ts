/**
 * Builders for EndpointSlice reconciler tests: a Service, slim pods, nodes, hand-made slices
 * and a simulated apply of a plan. Every builder returns deep-frozen objects.
 */
import type { Node, Pod, Service } from '../../../api-types/core.js';
import type { EndpointSlice } from '../../../api-types/networking.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { podToEndpoint } from '../../../controllers/endpointslice/desired.js';
import { newEndpointSlice } from '../../../controllers/endpointslice/slice-shape.js';
import { reconcileSlices } from '../../../controllers/endpointslice/reconcile.js';
import type { SlicePlan, SliceSnapshot } from '../../../controllers/endpointslice/reconcile.js';

/** A ClusterIP Service `default/web` selecting app=web, port http 80 → 8080. */
export function service(over: { spec?: Partial<NonNullable<Service['spec']>>; metadata?: Partial<Service['metadata']> } = {}): Service {
  return deepFreeze({
    metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', labels: { app: 'web' }, creationTimestamp: '2026-01-01T00:00:00Z', ...over.metadata },
    spec: {
      selector: { app: 'web' }, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'],
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...over.spec,
    },
  } as Service);
}

/** Options of pod(). */
export interface PodOptions {
  ready?: boolean;
  terminating?: boolean;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  ips?: string[];
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  ports?: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
  sidecarPorts?: { name?: string; containerPort: number }[];
  uid?: string;
}

/** The IPv4 address of pod i: 10.0.(i / 250).(i % 250 + 1). */
export function ip4(i: number): string {
  return `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/** A slim pod `pod-<i>` labelled app=web, Running and Ready on node-1 with IP ip4(i). */
export function pod(i: number, o: PodOptions = {}): Pod {
  const ips = o.ips ?? [ip4(i)];
  const p: Pod = {
    metadata: { name: `pod-${i}`, namespace: 'default', uid: o.uid ?? `uid-${i}`, resourceVersion: '1', labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', ...(o.ports ? { ports: o.ports } : {}) }], nodeName: o.nodeName ?? 'node-1' },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: (o.ready ?? true) ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:00:10Z' }],
    },
  };
  if (ips.length > 0) p.status!.podIP = ips[0];
  if (ips.length > 1) p.status!.podIPs = ips.map((ip) => ({ ip }));
  if (o.terminating) p.metadata.deletionTimestamp = '2026-01-01T00:05:00Z';
  if (o.hostname) p.spec!.hostname = o.hostname;
  if (o.subdomain) p.spec!.subdomain = o.subdomain;
  if (o.sidecarPorts) p.spec!.initContainers = [{ name: 'proxy', restartPolicy: 'Always', ports: o.sidecarPorts }];
  if (o.nodeName === '') delete p.spec!.nodeName;
  return deepFreeze(p);
}

/** Pods 0..n-1. */
export function pods(n: number, o: PodOptions = {}): Pod[] {
  return Array.from({ length: n }, (_, i) => pod(i, o));
}

/** A ready node with a zone label and allocatable cpu. */
export function node(name: string, zone?: string, cpu = '4', extraLabels: Record<string, string> = {}): Node {
  return deepFreeze({ metadata: { name, labels: { ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}), ...extraLabels } }, status: { allocatable: { cpu }, conditions: [{ type: 'Ready', status: 'True' }] } });
}

/** node-1 in zone-a. */
export function defaultNodes(): Map<string, Node> {
  return new Map([['node-1', node('node-1', 'zone-a')]]);
}

/** A named, owned slice of the Service holding the endpoints of the given pods, as the server would return it. */
export function slice(name: string, svc: Service, members: readonly Pod[], o: { ports?: EndpointSlice['ports']; addressType?: EndpointSlice['addressType']; nodes?: Map<string, Node> } = {}): EndpointSlice {
  const nodes = o.nodes ?? defaultNodes();
  const addressType = o.addressType ?? 'IPv4';
  const family = addressType === 'IPv6' ? 'IPv6' : 'IPv4';
  const base = newEndpointSlice(svc, (o.ports ?? [{ name: 'http', port: 8080, protocol: 'TCP' }]) as never, family);
  return deepFreeze({
    ...base,
    addressType,
    metadata: { ...base.metadata, generateName: undefined, name, uid: `uid-${name}`, resourceVersion: '5', generation: 1 },
    endpoints: members.map((p) => podToEndpoint(p, nodes.get(p.spec?.nodeName ?? ''), svc, family)),
  });
}

/** The snapshot with defaults: default nodes, max 100. */
export function snapshot(s: Partial<SliceSnapshot> & { service: Service }): SliceSnapshot {
  return { pods: [], nodes: defaultNodes(), existingSlices: [], maxEndpointsPerSlice: 100, ...s };
}

let counter = 0;

/**
 * Simulates the apply layer: existing − delete + update + create. Creates get a name and UID;
 * updates bump the generation. The result is deep-frozen, as an informer cache would hold it.
 */
export function applyPlan(existing: readonly EndpointSlice[], plan: SlicePlan): EndpointSlice[] {
  const gone = new Set(plan.delete.map((s) => s.metadata.name));
  const updated = new Map(plan.update.map((s) => [s.metadata.name, s]));
  const out: EndpointSlice[] = [];
  for (const s of existing) {
    if (gone.has(s.metadata.name)) continue;
    const u = updated.get(s.metadata.name);
    if (u) {
      out.push(deepFreeze(structuredClone({ ...u, metadata: { ...u.metadata, uid: s.metadata.uid, generation: (s.metadata.generation ?? 1) + 1 } })));
      updated.delete(s.metadata.name);
    } else {
      out.push(s);
    }
  }
  if (updated.size > 0) throw new Error(`update of unknown slices: ${[...updated.keys()].join(', ')}`);
  for (const c of plan.create) {
    const name = `${c.metadata.generateName}${(counter++).toString(36).padStart(5, '0')}`;
    out.push(deepFreeze(structuredClone({ ...c, metadata: { ...c.metadata, name, uid: `uid-${name}`, generation: 1, resourceVersion: '1' } })));
  }
  return out;
}

/** Reconciles, applies, and returns the resulting slices. */
export function converge(s: SliceSnapshot): EndpointSlice[] {
  return applyPlan(s.existingSlices, reconcileSlices(s));
}

/** Endpoint counts of slices, in order. */
export function sizes(slices: readonly EndpointSlice[]): number[] {
  return slices.map((s) => s.endpoints?.length ?? 0);
}

/**
 * A server and an informer: creates get a name, uid and resourceVersion, updates a new
 * resourceVersion and generation, deletes go. The reply and the cached object are separate
 * deep-frozen copies, as a client decodes its reply and the informer its watch event.
 */
export class FakeSliceServer {
  cache: EndpointSlice[] = [];
  #rv = 100;

  apply(plan: SlicePlan): EndpointSlice[] {
    const replies: EndpointSlice[] = [];
    const store = (obj: EndpointSlice) => {
      replies.push(deepFreeze(structuredClone(obj)));
      return deepFreeze(structuredClone(obj));
    };
    for (const c of plan.create) {
      const rv = ++this.#rv;
      this.cache.push(store({ ...c, metadata: { ...c.metadata, generateName: undefined, name: `web-${rv}`, uid: `uid-${rv}`, resourceVersion: String(rv), generation: 1 } }));
    }
    for (const u of plan.update) {
      const at = this.cache.findIndex((s) => s.metadata.name === u.metadata.name);
      const old = this.cache[at];
      this.cache[at] = store({ ...u, metadata: { ...u.metadata, uid: old.metadata.uid, resourceVersion: String(++this.#rv), generation: (old.metadata.generation ?? 1) + 1 } });
    }
    const gone = new Set(plan.delete.map((s) => s.metadata.name));
    this.cache = this.cache.filter((s) => !gone.has(s.metadata.name));
    return replies;
  }
}

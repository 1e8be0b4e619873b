/**
 * "Has the suite caught up?" for `svcplane dev --examples`: polls the API until every Service
 * in a namespace has what the running controllers give it, or a deadline passes. Read through
 * the client seam, like the status view.
 */
import type { Pod, Service } from '../api-types/core.js';
import type { EndpointSlice } from '../api-types/networking.js';
import type { KubeClient } from '../controllers/runtime/kube-client.js';
import { selectorMatches } from '../controllers/shared/service-pods.js';

/** What to wait for. */
export interface SettleOptions {
  namespace: string;
  /** ClusterIPs are expected (the serviceip controller runs). */
  expectClusterIPs: boolean;
  /** nodePorts are expected (the nodeport controller runs). */
  expectNodePorts: boolean;
  /** EndpointSlices are expected (the endpointslice controller runs). */
  expectSlices: boolean;
  /** @default 120000 */
  timeoutMs?: number;
  /** @default 250 */
  intervalMs?: number;
  /** Told what is still missing, at most every 5 s. */
  onWaiting?: (missing: string[]) => void;
}

/** Services not yet settled, with why (empty when everything has settled). */
export async function unsettledServices(client: KubeClient, o: SettleOptions): Promise<string[]> {
  const services = (await client.resource<Service>({ group: '', version: 'v1', resource: 'services' }).list({ namespace: o.namespace })).items;
  const pods = (await client.resource<Pod>({ group: '', version: 'v1', resource: 'pods' }).list({ namespace: o.namespace })).items;
  const slices = (await client.resource<EndpointSlice>({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' }).list({ namespace: o.namespace })).items;
  const out: string[] = [];
  for (const svc of services) {
    const name = svc.metadata.name ?? '';
    const spec = svc.spec ?? {};
    if (spec.type === 'ExternalName') continue;
    if (o.expectClusterIPs && !spec.clusterIP) out.push(`${name}: no clusterIP yet`);
    if (o.expectNodePorts && (spec.type === 'NodePort' || spec.type === 'LoadBalancer') && (spec.ports ?? []).some((p) => !p.nodePort)) out.push(`${name}: no nodePort yet`);
    if (o.expectSlices && spec.selector != null) {
      const ready = pods.filter((p) => selectorMatches(spec.selector, p.metadata.labels) && !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      const endpoints = new Set<string>();
      for (const s of slices) {
        if (s.metadata.labels?.['kubernetes.io/service-name'] !== name) continue;
        for (const e of s.endpoints ?? []) if (e.conditions?.ready && e.targetRef?.name) endpoints.add(e.targetRef.name);
      }
      const selected = pods.filter((p) => selectorMatches(spec.selector, p.metadata.labels)).length;
      if (ready.length < selected) out.push(`${name}: ${ready.length}/${selected} pods ready`);
      else if (endpoints.size < ready.length) out.push(`${name}: ${endpoints.size}/${ready.length} ready endpoints`);
    }
  }
  return out;
}

/** Resolves with [] once settled, or with what is still missing when the deadline passes. */
export async function waitUntilSettled(client: KubeClient, o: SettleOptions): Promise<string[]> {
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  let toldAt = Date.now();
  for (;;) {
    const missing = await unsettledServices(client, o);
    if (missing.length === 0 || Date.now() >= deadline) return missing;
    if (Date.now() - toldAt >= 5000) {
      toldAt = Date.now();
      o.onWaiting?.(missing);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
  }
}
